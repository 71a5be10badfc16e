// A Credo 0.6.3 agent for the interop tests: Askar's in-memory SQLite store, the OpenID4VC module,
// and the small dependency object that @credo-ts/node (not published for 0.6) would give.
// askar-nodejs must be imported before @credo-ts/askar (NOTES.md).
import { askar } from '@openwallet-foundation/askar-nodejs'
import { AskarModule } from '@credo-ts/askar'
import { Agent, ConsoleLogger, DidsModule, KeyDidRegistrar, KeyDidResolver, JwkDidRegistrar, JwkDidResolver, WebDidResolver, LogLevel } from '@credo-ts/core'
import { OpenId4VcModule } from '@credo-ts/openid4vc'
import { EventEmitter } from 'node:events'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'

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
