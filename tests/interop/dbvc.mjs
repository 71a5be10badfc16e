#!/usr/bin/env node
// A small command-line front to Digital Bazaar's @digitalbazaar/vc, for Nansen's interop tests.
//
//   node dbvc.mjs sign-credential     --suite S --key KEYFILE [--created DATE]           < credential
//   node dbvc.mjs verify-credential   [--now DATE]                                      < credential
//   node dbvc.mjs sign-presentation   --suite S --key KEYFILE --challenge C [--domain D] [--created DATE] < presentation
//   node dbvc.mjs verify-presentation --challenge C [--domain D] [--now DATE]           < presentation
//   node dbvc.mjs canonize [--suite S]                                                < document
//   node dbvc.mjs batch                                                                  < [request, ...]
//   node dbvc.mjs time --suite S --key KEYFILE [--created DATE] [--n N]                < credential
//
// S is eddsa-rdfc-2022 or eddsa-jcs-2022. KEYFILE holds a Multikey JSON object with its
// secretKeyMultibase (Nansen's key file). Every command prints one JSON object; `batch` reads a
// JSON array of requests {command, suite, key (the Multikey object itself), challenge, domain,
// created, now, document} and prints an array of results, so that one node process does it all.
//
// The document loader is offline: it serves the contexts bundled in ../../schemas/contexts (checked
// against the SHA-256 pinned in index.json) and builds did:key documents locally. Any other URL
// is an error. Verification results say what @digitalbazaar/vc says, with its error messages;
// note that it accepts a proof set when any one proof verifies, so a "verified" from here is not
// evidence that every proof of a set is good.

import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as rdfc from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as jcs from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';

const HERE = dirname(fileURLToPath(import.meta.url));
const CONTEXTS_DIR = join(HERE, '..', '..', 'schemas', 'contexts');
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

// --- offline document loader ------------------------------------------------------------------

function loadBundledContexts() {
  const index = JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8'));
  const contexts = new Map();
  for(const [url, {file, sha256}] of Object.entries(index)) {
    const raw = readFileSync(join(CONTEXTS_DIR, file));
    const digest = createHash('sha256').update(raw).digest('hex');
    if(digest !== sha256) {
      throw new Error(`The bundled context ${url} does not match its pinned SHA-256.`);
    }
    contexts.set(url, JSON.parse(raw.toString('utf8')));
  }
  return contexts;
}

const CONTEXTS = loadBundledContexts();

// The verification method of a did:key (did:key Method v0.7 §3.1.2), checked by ed25519-multikey
// itself (multicodec header ed25519-pub, 32 bytes). Only Ed25519 did:keys are supported.
async function didKeyMethod(did) {
  const fingerprint = did.slice('did:key:'.length);
  const key = await Ed25519Multikey.from({
    id: `${did}#${fingerprint}`,
    controller: did,
    publicKeyMultibase: fingerprint
  });
  const exported = await key.export({publicKey: true, includeContext: true});
  if(exported.publicKeyMultibase !== fingerprint) {
    throw new Error(`${did} is not a canonical Ed25519 did:key.`);
  }
  return exported;
}

// The DID document lists the Ed25519 key under the four signing relationships, as did:key does.
// (The X25519 keyAgreement key is left out: nothing here uses it.) The DID context comes first so
// jsonld-signatures reads the relationships directly instead of framing the document, which is
// why that context, not bundled, is never fetched.
async function didKeyDocument(did) {
  const method = await didKeyMethod(did);
  const {'@context': _ignored, ...embedded} = method;
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [embedded],
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
    let document;
    if(fragment === undefined) {
      document = await didKeyDocument(did);
    } else {
      document = await didKeyMethod(did);
      if(document.id !== url) {
        throw new Error(`${url} is not a verification method of ${did}.`);
      }
    }
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`Offline document loader: refusing to load ${url}.`);
}

// --- suites and keys --------------------------------------------------------------------------

const CRYPTOSUITES = {
  'eddsa-rdfc-2022': {sign: rdfc.cryptosuite, verify: rdfc.cryptosuite},
  'eddsa-jcs-2022': {
    sign: jcs.createSignCryptosuite(),
    verify: jcs.createVerifyCryptosuite()
  }
};

function cryptosuiteNamed(name, use) {
  const entry = CRYPTOSUITES[name];
  if(!entry) {
    throw new Error(`Unknown cryptosuite ${JSON.stringify(name)}.`);
  }
  return entry[use];
}

async function signingSuite({suite, key, created}) {
  if(!key || typeof key.secretKeyMultibase !== 'string') {
    throw new Error('Signing needs a Multikey with its secretKeyMultibase.');
  }
  const keyPair = await Ed25519Multikey.from(key);
  return new DataIntegrityProof({
    signer: keyPair.signer(),
    date: created,
    cryptosuite: cryptosuiteNamed(suite, 'sign')
  });
}

// Verification accepts either EdDSA suite, whichever the proof names.
function verifyingSuites() {
  return Object.keys(CRYPTOSUITES).map(name => new DataIntegrityProof({
    cryptosuite: cryptosuiteNamed(name, 'verify')
  }));
}

// --- results ----------------------------------------------------------------------------------

function messages(error) {
  if(!error) {
    return [];
  }
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
    if(e.errors) {
      walk(e.errors);
    }
    // jsonld.js wraps a document loader's error in `details.cause`.
    walk(e.details?.cause);
    walk(e.cause);
  };
  walk(error);
  return [...new Set(found)];
}

function proofResults(result) {
  return (result?.results || []).map(r => ({
    verified: r.verified,
    purpose: r.proof?.proofPurpose,
    cryptosuite: r.proof?.cryptosuite,
    verificationMethod: r.proof?.verificationMethod,
    errors: messages(r.error)
  }));
}

// --- commands ---------------------------------------------------------------------------------

const COMMANDS = {
  async 'sign-credential'({suite, key, created, document}) {
    const signed = await vc.issue({
      credential: structuredClone(document),
      suite: await signingSuite({suite, key, created}),
      documentLoader
    });
    return {document: signed};
  },

  async 'verify-credential'({now, document}) {
    const result = await vc.verifyCredential({
      credential: document,
      suite: verifyingSuites(),
      documentLoader,
      now
    });
    return {
      verified: result.verified === true,
      proofs: proofResults(result),
      errors: messages(result.error)
    };
  },

  async 'sign-presentation'({suite, key, created, challenge, domain, document}) {
    if(typeof challenge !== 'string') {
      throw new Error('sign-presentation needs a challenge.');
    }
    const signed = await vc.signPresentation({
      presentation: structuredClone(document),
      suite: await signingSuite({suite, key, created}),
      challenge,
      domain,
      documentLoader
    });
    return {document: signed};
  },

  async 'verify-presentation'({challenge, domain, now, document}) {
    const result = await vc.verify({
      presentation: document,
      suite: verifyingSuites(),
      challenge,
      domain,
      documentLoader,
      now
    });
    const presentation = result.presentationResult;
    const credentials = result.credentialResults || [];
    return {
      verified: result.verified === true,
      presentationVerified: presentation?.verified === true,
      credentialsVerified: credentials.map(r => r.verified === true),
      proofs: proofResults(presentation),
      credentialProofs: credentials.map(proofResults),
      errors: messages(result.error || presentation?.error),
      credentialErrors: credentials.map(r => messages(r.error))
    };
  },

  // For bench/proofs.py: issue and verify the credential N times each (after N/10 untimed, so
  // contexts are cached as a long-running verifier caches them); milliseconds per operation. The
  // proof alone is judged: status entries are taken as good (no status list is fetched).
  async time({suite, key, created, n = '100', document}) {
    const count = Number(n);
    const signing = await signingSuite({suite, key, created});
    const sign = () => vc.issue({credential: structuredClone(document), suite: signing, documentLoader});
    const signed = await sign();
    const verify = async () => {
      const result = await vc.verifyCredential({
        credential: signed,
        suite: verifyingSuites(),
        documentLoader,
        checkStatus: async () => ({verified: true})
      });
      if(result.verified !== true) {
        throw new Error(messages(result.error).join(' / ') || 'The credential did not verify.');
      }
    };
    return {sign: await timings(sign, count), verify: await timings(verify, count)};
  },

  // For diagnosing a mismatch: the document (no proof removed) as eddsa-rdfc-2022 hashes it
  // (RDFC-1.0 N-Quads) or as eddsa-jcs-2022 does (JCS).
  async canonize({suite = 'eddsa-rdfc-2022', document}) {
    const canonical = await cryptosuiteNamed(suite, 'verify').canonize(
      document, {documentLoader});
    return {canonical};
  }
};

// Median, 10th and 90th percentile milliseconds of `n` runs of `operation`, after n/10 untimed.
async function timings(operation, n) {
  for(let i = 0; i < Math.max(5, Math.floor(n / 10)); i++) {
    await operation();
  }
  const samples = [];
  for(let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await operation();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = fraction => samples[Math.min(n - 1, Math.floor(fraction * n))];
  return {median: at(0.5), p10: at(0.1), p90: at(0.9)};
}

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

// --- command line -----------------------------------------------------------------------------

function parseArguments(argv) {
  const [command, ...rest] = argv;
  const options = {command};
  const names = {
    '--suite': 'suite', '--key': 'keyFile', '--challenge': 'challenge',
    '--domain': 'domain', '--created': 'created', '--now': 'now', '--n': 'n'
  };
  for(let i = 0; i < rest.length; i += 2) {
    const name = names[rest[i]];
    if(!name || i + 1 >= rest.length) {
      throw new Error(`Unknown or incomplete option ${rest[i]}.`);
    }
    options[name] = rest[i + 1];
  }
  if(options.keyFile) {
    options.key = JSON.parse(readFileSync(options.keyFile, 'utf8'));
    delete options.keyFile;
  }
  return options;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const input = await readStdin();
  let output;
  if(options.command === 'batch') {
    if(!Array.isArray(input)) {
      throw new Error('batch reads a JSON array of requests.');
    }
    output = [];
    for(const request of input) {
      output.push(await run(request));
    }
  } else {
    output = await run({...options, document: input});
  }
  process.stdout.write(JSON.stringify(output) + '\n');
  // A command that failed (not a document that failed to verify) exits 2.
  const failed = (Array.isArray(output) ? [] : [output]).some(o => o.error);
  process.exitCode = failed ? 2 : 0;
}

main().catch(error => {
  process.stderr.write(`dbvc: ${error.message}\n`);
  process.exitCode = 2;
});
