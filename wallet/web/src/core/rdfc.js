// eddsa-rdfc-2022 (vc-di-eddsa §3.2): RDFC-1.0 canonical N-Quads (jsonld.js + rdf-canonize) of the
// proof configuration and of the document, SHA-256 each, Ed25519 over both. Loaded only when a
// credential signed this way is checked, so the app's first load does not carry jsonld.js.
// Contexts come from the bundle (contexts.js), never the network; safe mode refuses a document
// with a term no context defines (it would be left out of what the signature covers), and the
// canonicalisation work is bounded (maxWorkFactor 1: NOTES.md, symmetric blank nodes).
import jsonld from "jsonld";

import { concat, fromB58, utf8 } from "./bytes.js";
import { CONTEXTS } from "./contexts.js";
import { sodium } from "./sodium.js";

async function documentLoader(url) {
  if (Object.hasOwn(CONTEXTS, url)) {
    return { contextUrl: null, documentUrl: url, document: CONTEXTS[url] };
  }
  throw new Error("The wallet never loads JSON-LD documents over the network.");
}

async function canonicalHash(document) {
  const nquads = await jsonld.canonize(document, {
    algorithm: "RDFC-1.0",
    format: "application/n-quads",
    documentLoader,
    safe: true,
    canonizeOptions: { maxWorkFactor: 1 },
  });
  return sodium().crypto_hash_sha256(utf8(nquads));
}

/** Whether one eddsa-rdfc-2022 proof of the document verifies with this Ed25519 key. */
export async function verifyRdfcProof(document, proof, publicKey) {
  const { proofValue, ...options } = proof;
  if ("@context" in options || typeof proofValue !== "string" || !proofValue.startsWith("z")) {
    return false;
  }
  const unsecured = Object.fromEntries(Object.entries(document).filter(([name]) => name !== "proof"));
  const config = { ...options, "@context": unsecured["@context"] };
  try {
    const message = concat(await canonicalHash(config), await canonicalHash(unsecured));
    return sodium().crypto_sign_verify_detached(fromB58(proofValue.slice(1)), message, publicKey);
  } catch {
    return false;
  }
}
