// W3C Data Integrity proofs with eddsa-jcs-2022 (vc-di-eddsa §3.3): JCS (RFC 8785) of the proof
// configuration and of the document, each hashed with SHA-256, the two hashes signed with Ed25519.
// As nansen/proofs/dataintegrity.py adds them, so the verifier's pipeline checks them as its own.
import canonicalize from "canonicalize";

import { b58, concat, fromB58, utf8 } from "./bytes.js";
import { sodium } from "./sodium.js";
import { formatDatetime } from "./state.js";

export const JCS = "eddsa-jcs-2022";

function hashData(config, document) {
  const s = sodium();
  return concat(s.crypto_hash_sha256(utf8(canonicalize(config))), s.crypto_hash_sha256(utf8(canonicalize(document))));
}

function withoutProof(document) {
  return Object.fromEntries(Object.entries(document).filter(([name]) => name !== "proof"));
}

/** The document with one eddsa-jcs-2022 proof (Data Integrity §4.2 Add Proof). */
export function addProof(document, signer, { purpose = "assertionMethod", challenge, domain, created } = {}) {
  if (!("@context" in document)) {
    throw new Error("A document to sign must have an '@context'.");
  }
  const unsecured = withoutProof(document);
  const proof = {
    type: "DataIntegrityProof",
    cryptosuite: JCS,
    created: formatDatetime(created ?? new Date()),
    verificationMethod: signer.verificationMethod,
    proofPurpose: purpose,
  };
  if (challenge != null) {
    proof.challenge = challenge;
  }
  if (domain != null) {
    proof.domain = domain;
  }
  const config = { ...proof, "@context": unsecured["@context"] };
  const signature = signer.sign(hashData(config, unsecured));
  return { ...unsecured, proof: { ...config, proofValue: `z${b58(signature)}` } };
}

/** Whether one eddsa-jcs-2022 proof of the document verifies with this Ed25519 key (§3.3.2).
 * The caller checks that the key is the one `proof.verificationMethod` names. */
export function verifyJcsProof(document, proof, publicKey) {
  if (proof?.type !== "DataIntegrityProof" || proof.cryptosuite !== JCS) {
    return false;
  }
  const { proofValue, ...options } = proof;
  if (typeof proofValue !== "string" || !proofValue.startsWith("z")) {
    return false;
  }
  let unsecured = withoutProof(document);
  if ("@context" in options) {
    const own = [options["@context"]].flat();
    const documents = [unsecured["@context"]].flat();
    if (JSON.stringify(documents.slice(0, own.length)) !== JSON.stringify(own)) {
      return false;
    }
    unsecured = { ...unsecured, "@context": options["@context"] };
  }
  const config = { ...options, "@context": unsecured["@context"] };
  try {
    return sodium().crypto_sign_verify_detached(fromB58(proofValue.slice(1)), hashData(config, unsecured), publicKey);
  } catch {
    return false;
  }
}
