#!/usr/bin/env node
// Digital Bazaar's implementations of the suites Nansen verifies but never signs with, for
// Nansen's interop tests (test_legacy_suites.py): Ed25519Signature2020
// (@digitalbazaar/ed25519-signature-2020) and ecdsa-rdfc-2019
// (@digitalbazaar/ecdsa-rdfc-2019-cryptosuite + @digitalbazaar/ecdsa-multikey), both on
// jsonld-signatures with an assertionMethod purpose.
//
//   node dblegacy.mjs < [request, ...]      prints [result, ...]
//
// Requests:
//   {command: 'sign-ed25519-signature-2020', key, created, document}   key: Nansen's Ed25519 key file
//   {command: 'sign-ecdsa-rdfc-2019', curve: 'P-256' | 'P-384', created, document}
//        a fresh key; the document's issuer is set to its did:key; returns {document, did}
//   {command: 'verify', suite: 'Ed25519Signature2020' | 'ecdsa-rdfc-2019', document}
//        returns {verified, errors}
//   {command: 'time-verify', suite, n, document}   for bench/legacy_proofs.py: verify N times
//        (after N/10 untimed); milliseconds per verification {median, p10, p90}
//
// The document loader is offline, as dbvc.mjs's: the contexts bundled in ../../schemas/contexts
// (or $NANSEN_SCHEMAS_DIR/contexts)
// (checked against the SHA-256 pinned in index.json) and did:key documents (Ed25519, P-256, P-384)
// built locally. Any other URL is an error.

import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';

const {purposes: {AssertionProofPurpose}} = jsigs;
const HERE = dirname(fileURLToPath(import.meta.url));
// The same schemas folder as Nansen's side: NANSEN_SCHEMAS_DIR when set, else the repository's.
const CONTEXTS_DIR = join(process.env.NANSEN_SCHEMAS_DIR || join(HERE, '..', '..', 'schemas'), 'contexts');
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

function loadBundledContexts() {
  const index = JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8'));
  const contexts = new Map();
  for(const [url, {file, sha256}] of Object.entries(index)) {
    const raw = readFileSync(join(CONTEXTS_DIR, file));
    if(createHash('sha256').update(raw).digest('hex') !== sha256) {
      throw new Error(`The bundled context ${url} does not match its pinned SHA-256.`);
    }
    contexts.set(url, JSON.parse(raw.toString('utf8')));
  }
  return contexts;
}

const CONTEXTS = loadBundledContexts();

// A did:key's one verification method, checked by the key's own library (canonical encoding).
async function didKeyMethod(did) {
  const fingerprint = did.slice('did:key:'.length);
  const library = fingerprint.startsWith('z6Mk') ? Ed25519Multikey : EcdsaMultikey;
  const key = await library.from({
    '@context': MULTIKEY_V1,
    type: 'Multikey',
    id: `${did}#${fingerprint}`,
    controller: did,
    publicKeyMultibase: fingerprint
  });
  const exported = await key.export({publicKey: true, includeContext: true});
  if(exported.publicKeyMultibase !== fingerprint) {
    throw new Error(`${did} is not a canonical did:key.`);
  }
  return exported;
}

// The DID context first, so jsonld-signatures reads the relationships without framing (and so
// never needs that context, which is not bundled).
async function didKeyDocument(did) {
  const {'@context': _ignored, ...method} = await didKeyMethod(did);
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [method],
    authentication: [method.id],
    assertionMethod: [method.id],
    capabilityInvocation: [method.id],
    capabilityDelegation: [method.id]
  };
}

async function documentLoader(url) {
  if(CONTEXTS.has(url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(CONTEXTS.get(url))};
  }
  if(typeof url === 'string' && url.startsWith('did:key:')) {
    const [did, fragment] = url.split('#');
    const document = fragment === undefined ? await didKeyDocument(did) : await didKeyMethod(did);
    if(fragment !== undefined && document.id !== url) {
      throw new Error(`${url} is not a verification method of ${did}.`);
    }
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`Offline document loader: refusing to load ${url}.`);
}

function messages(error) {
  const found = [];
  const walk = e => {
    if(!e) {
      return;
    }
    if(Array.isArray(e)) {
      e.forEach(walk);
      return;
    }
    if(e.message) {
      found.push(e.message);
    }
    walk(e.errors);
    walk(e.details?.cause);
    walk(e.cause);
  };
  walk(error);
  return [...new Set(found)];
}

const VERIFYING = {
  'Ed25519Signature2020': () => new Ed25519Signature2020(),
  'ecdsa-rdfc-2019': () => new DataIntegrityProof({cryptosuite: ecdsaRdfc2019})
};

const COMMANDS = {
  async 'sign-ed25519-signature-2020'({key, created, document}) {
    const keyPair = await Ed25519Multikey.from(key);
    const suite = new Ed25519Signature2020({signer: keyPair.signer(), date: created});
    const signed = await jsigs.sign(structuredClone(document), {
      suite, purpose: new AssertionProofPurpose(), documentLoader, addSuiteContext: false
    });
    return {document: signed};
  },

  async 'sign-ecdsa-rdfc-2019'({curve, created, document}) {
    const keyPair = await EcdsaMultikey.generate({curve});
    const {publicKeyMultibase} = await keyPair.export({publicKey: true});
    const did = `did:key:${publicKeyMultibase}`;
    keyPair.id = `${did}#${publicKeyMultibase}`;
    keyPair.controller = did;
    const suite = new DataIntegrityProof({
      signer: keyPair.signer(), date: created, cryptosuite: ecdsaRdfc2019
    });
    const signed = await jsigs.sign({...structuredClone(document), issuer: did}, {
      suite, purpose: new AssertionProofPurpose(), documentLoader
    });
    return {document: signed, did};
  },

  async verify({suite, document}) {
    const make = VERIFYING[suite];
    if(!make) {
      throw new Error(`Unknown suite ${JSON.stringify(suite)}.`);
    }
    const result = await jsigs.verify(document, {
      suite: make(), purpose: new AssertionProofPurpose(), documentLoader
    });
    return {verified: result.verified === true, errors: messages(result.error)};
  },

  async 'time-verify'({suite, n = 100, document}) {
    const verify = async () => {
      const {verified, errors} = await COMMANDS.verify({suite, document});
      if(!verified) {
        throw new Error(errors.join(' / ') || 'The document did not verify.');
      }
    };
    for(let i = 0; i < Math.max(5, Math.floor(n / 10)); i++) {
      await verify();
    }
    const samples = [];
    for(let i = 0; i < n; i++) {
      const start = process.hrtime.bigint();
      await verify();
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    samples.sort((a, b) => a - b);
    const at = fraction => samples[Math.min(n - 1, Math.floor(fraction * n))];
    return {median: at(0.5), p10: at(0.1), p90: at(0.9)};
  }
};

async function run(request) {
  const command = COMMANDS[request.command];
  if(!command) {
    return {error: `Unknown command ${JSON.stringify(request.command)}.`};
  }
  try {
    return await command(request);
  } catch(error) {
    return {error: messages(error).join(' / ') || String(error)};
  }
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  const requests = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if(!Array.isArray(requests)) {
    throw new Error('dblegacy reads a JSON array of requests.');
  }
  const output = [];
  for(const request of requests) {
    output.push(await run(request));
  }
  process.stdout.write(JSON.stringify(output) + '\n');
}

main().catch(error => {
  process.stderr.write(`dblegacy: ${error.message}\n`);
  process.exitCode = 2;
});
