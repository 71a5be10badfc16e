// A Credo 0.6.3 agent for the interop tests: Askar's in-memory SQLite store, the OpenID4VC module,
// an offline JSON-LD document loader, and the small dependency object that @credo-ts/node (not
// published for 0.6) would give. askar-nodejs must be imported before @credo-ts/askar (NOTES.md).
import { askar } from '@openwallet-foundation/askar-nodejs'
import { AskarModule } from '@credo-ts/askar'
import { Agent, ConsoleLogger, DidsModule, DidsApi, KeyDidRegistrar, KeyDidResolver, JwkDidRegistrar, JwkDidResolver, WebDidResolver, LogLevel, W3cCredentialsModule } from '@credo-ts/core'
import { OpenId4VcModule } from '@credo-ts/openid4vc'
import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { promises as fs, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
// Not exported by @credo-ts/core (its package.json `exports` names only the index), so taken by
// path: the contexts Credo ships inside itself, and the jsonld library it signs and verifies with.
import { DEFAULT_CONTEXTS } from './node_modules/@credo-ts/core/build/modules/vc/data-integrity/libraries/contexts/defaultContexts.mjs'
import jsonld from './node_modules/@credo-ts/core/build/modules/vc/data-integrity/libraries/jsonld.mjs'

// The contexts bundled with Nansen (schemas/contexts), each checked against its pinned SHA-256.
const CONTEXTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schemas', 'contexts')
const NANSEN_CONTEXTS = new Map(
  Object.entries(JSON.parse(readFileSync(path.join(CONTEXTS_DIR, 'index.json'), 'utf8'))).map(([url, { file, sha256 }]) => {
    const raw = readFileSync(path.join(CONTEXTS_DIR, file))
    if (createHash('sha256').update(raw).digest('hex') !== sha256) throw new Error(`The bundled context ${url} does not match its pinned SHA-256.`)
    return [url, JSON.parse(raw.toString('utf8'))]
  })
)

// Credo's default loader fetches any URL it does not bundle over the network (and frames DID
// documents with that loader). This one never does: Nansen's bundled contexts first, then the ones
// Credo ships, DIDs through the agent's resolvers (did:key locally, did:web from the loopback
// issuer), and any other URL is an error.
export function offlineDocumentLoader(agentContext) {
  async function load(url) {
    const bare = url.split('#')[0]
    const bundled = NANSEN_CONTEXTS.get(bare) ?? DEFAULT_CONTEXTS[bare]
    if (bundled) return { contextUrl: null, documentUrl: url, document: structuredClone(bundled) }
    if (url.startsWith('did:')) {
      const { didDocument, didResolutionMetadata } = await agentContext.resolve(DidsApi).resolve(url)
      if (!didDocument) throw new Error(`The DID could not be resolved: ${didResolutionMetadata.error}`)
      const framed = await jsonld.frame(
        didDocument.toJSON(),
        { '@context': didDocument.context, '@embed': '@never', id: url },
        { documentLoader: load }
      )
      return { contextUrl: null, documentUrl: url, document: framed }
    }
    throw new Error(`Offline: no bundled JSON-LD document for ${url}`)
  }
  return load
}

class TempFileSystem {
  constructor() {
    const base = path.join(os.tmpdir(), `nansen-credo-${randomUUID()}`)
    this.dataPath = path.join(base, 'data')
    this.cachePath = path.join(base, 'cache')
    this.tempPath = path.join(base, 'tmp')
  }
  async exists(p) { try { await fs.access(p); return true } catch { return false } }
  async createDirectory(p) { await fs.mkdir(path.dirname(p), { recursive: true }) }
  async copyFile(a, b) { await fs.copyFile(a, b) }
  async write(p, data) { await fs.mkdir(path.dirname(p), { recursive: true }); await fs.writeFile(p, data) }
  async read(p) { return fs.readFile(p, 'utf8') }
  async delete(p) { await fs.rm(p, { force: true }) }
  async downloadToFile() { throw new Error('No downloads in the interop tests.') }
}

// Credo's ConsoleLogger writes with console.log: to standard error, so that standard output keeps
// only the line protocol's answers.
if (process.env.CREDO_LOG) for (const level of ["log", "info", "debug", "trace"]) console[level] = console.error

export async function makeAgent(openId4VcOptions = {}) {
  const agent = new Agent({
    config: {
      allowInsecureHttpUrls: true,
      logger: new ConsoleLogger(process.env.CREDO_LOG ? LogLevel.debug : LogLevel.off),
    },
    dependencies: { FileSystem: TempFileSystem, EventEmitterClass: EventEmitter, fetch, WebSocketClass: class {} },
    modules: {
      askar: new AskarModule({
        askar,
        store: { id: randomUUID(), key: askar.storeGenerateRawKey({}), keyDerivationMethod: 'raw', database: { type: 'sqlite', config: { inMemory: true } } },
      }),
      dids: new DidsModule({
        registrars: [new KeyDidRegistrar(), new JwkDidRegistrar()],
        resolvers: [new KeyDidResolver(), new JwkDidResolver(), new WebDidResolver()],
      }),
      w3cCredentials: new W3cCredentialsModule({ documentLoader: offlineDocumentLoader }),
      openid4vc: new OpenId4VcModule(openId4VcOptions),
    },
  })
  await agent.initialize()
  return agent
}

// One JSON command per line on standard input, one JSON answer per line on standard output.
export function serve(handlers) {
  let buffer = ''
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', async (chunk) => {
    buffer += chunk
    let newline
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline)
      buffer = buffer.slice(newline + 1)
      if (!line.trim()) continue
      const command = JSON.parse(line)
      try {
        const answer = await handlers[command.command](command)
        process.stdout.write(JSON.stringify({ ok: true, ...answer }) + '\n')
      } catch (error) {
        process.stdout.write(JSON.stringify({ ok: false, error: String(error?.stack ?? error) }) + '\n')
      }
    }
  })
}
