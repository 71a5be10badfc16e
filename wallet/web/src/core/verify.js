// A credential checked in the browser before the wallet keeps it: the issuer's signature and key
// (and the validity period). Data Integrity: eddsa-jcs-2022 here; eddsa-rdfc-2022 through
// jsonld.js and rdf-canonize, loaded only when such a credential comes (rdfc.js). SD-JWT VC: the
// issuer-signed JWT (EdDSA) by the key its `kid` names, every disclosure referenced (@sd-jwt/core).
// `checkCredential` adds the status (status.js: W3C Bitstring Status List v1.0; token_status.js: the
// SD-JWT VC's IETF Token Status List) for a card's "valid when last checked".
import { SDJwtInstance } from "@sd-jwt/core";

import { b64u, fromB64u, utf8 } from "./bytes.js";
import { resolveKey } from "./did.js";
import { WalletError } from "./errors.js";
import { readJwt } from "./jws.js";
import { sha256 } from "./present.js";
import { JCS, verifyJcsProof } from "./proofs.js";
import { sodium } from "./sodium.js";
import { checkStatus } from "./status.js";
import { checkTokenStatus } from "./token_status.js";

const RDFC = "eddsa-rdfc-2022";
/** Clocks differ: five minutes either way, as nansen.config's default clock skew. */
const SKEW_MS = 300_000;

function issuerOf(credential) {
  return typeof credential.issuer === "string" ? credential.issuer : credential.issuer?.id;
}

function validityProblems(from, until, now) {
  const problems = [];
  if (from && !(Date.parse(from) <= now + SKEW_MS)) {
    problems.push("The credential is not valid yet.");
  }
  if (until && !(Date.parse(until) >= now - SKEW_MS)) {
    problems.push("The credential has expired.");
  }
  return problems;
}

async function checkProof(credential, proof, issuer, fetch) {
  if (proof?.proofPurpose !== "assertionMethod") {
    return "The proof's purpose is not assertionMethod.";
  }
  if (typeof proof.created === "string" && !(Date.parse(proof.created) <= Date.now() + SKEW_MS)) {
    return "The proof was created in the future, or its date is not a date.";
  }
  const { key, expires } = await resolveKey(proof.verificationMethod, {
    controller: issuer,
    relationship: "assertionMethod",
    fetch,
  });
  if (expires !== null && !(proof.created && Date.parse(proof.created) <= Date.parse(expires))) {
    return "The proof was made after its key was retired.";
  }
  if (proof.cryptosuite === JCS) {
    return verifyJcsProof(credential, proof, key) ? null : "The signature does not match the credential.";
  }
  if (proof.cryptosuite === RDFC) {
    const { verifyRdfcProof } = await import("./rdfc.js");
    return (await verifyRdfcProof(credential, proof, key)) ? null : "The signature does not match the credential.";
  }
  return "The credential's cryptosuite is not one this wallet checks (eddsa-jcs-2022, eddsa-rdfc-2022).";
}

async function verifyDataIntegrity(credential, fetch) {
  const issuer = issuerOf(credential);
  const proofs = [credential.proof ?? []].flat();
  if (typeof issuer !== "string" || proofs.length === 0) {
    return ["The credential has no issuer or no proof."];
  }
  const problems = [];
  for (const proof of proofs) {
    try {
      const problem = await checkProof(credential, proof, issuer, fetch);
      if (problem) {
        problems.push(problem);
      }
    } catch (error) {
      problems.push(error instanceof WalletError ? error.message : "The proof could not be checked.");
    }
  }
  return [...problems, ...validityProblems(credential.validFrom, credential.validUntil, Date.now())];
}

/** The digests an SD-JWT's payload and disclosures reference (`_sd` entries, `{"...": d}` items). */
function referencedDigests(value, found = new Set()) {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item && typeof item === "object" && !Array.isArray(item) && typeof item["..."] === "string") {
        found.add(item["..."]);
      }
      referencedDigests(item, found);
    }
  } else if (value && typeof value === "object") {
    for (const digest of Array.isArray(value._sd) ? value._sd : []) {
      found.add(digest);
    }
    for (const member of Object.values(value)) {
      referencedDigests(member, found);
    }
  }
  return found;
}

/** RFC 9901 §7.1 step 3: each disclosure once, and each referenced by a digest. */
function disclosureProblem(token, payload) {
  const disclosures = token.split("~").slice(1, -1);
  const digests = disclosures.map((d) => b64u(sha256(d)));
  if (new Set(digests).size !== digests.length) {
    return "The SD-JWT gives the same disclosure more than once.";
  }
  let decoded;
  try {
    decoded = disclosures.map((d) => JSON.parse(new TextDecoder().decode(fromB64u(d))));
  } catch {
    return "An SD-JWT disclosure is not base64url JSON.";
  }
  const referenced = referencedDigests([payload, ...decoded]);
  return digests.every((d) => referenced.has(d)) ? null : "A disclosure is not referenced by any digest in the SD-JWT.";
}

/** The Ed25519 key `kid` names (relative to `iss` when it starts with "#"), the issuer's for
 * assertionMethod and not retired before `iat` (nansen.sdjwt.issuer_key.resolve_for). */
async function issuerKey(iss, kid, iat, fetch) {
  const method = typeof kid === "string" && kid.startsWith("#") ? iss + kid : kid;
  const found = await resolveKey(method, { controller: iss, relationship: "assertionMethod", fetch });
  if (found.expires !== null && !(typeof iat === "number" && iat * 1000 <= Date.parse(found.expires))) {
    throw new WalletError("The SD-JWT was signed after its key was retired.", "retired-key");
  }
  return found.key;
}

async function verifySdJwt(token, fetch) {
  const read = readJwt(token.split("~")[0]);
  if (read === null || read.header.alg !== "EdDSA") {
    return ["The credential is not an EdDSA-signed SD-JWT."];
  }
  const { iss } = read.claims;
  if (typeof iss !== "string" || !iss.startsWith("did:")) {
    return ["The SD-JWT's issuer (iss) is not a DID, so its key cannot be found."];
  }
  let key;
  try {
    key = await issuerKey(iss, read.header.kid, read.claims.iat, fetch);
  } catch (error) {
    return [error instanceof WalletError ? error.message : "The issuer's key could not be found."];
  }
  const instance = new SDJwtInstance({
    hasher: sha256,
    hashAlg: "sha-256",
    verifier: (data, signature) => {
      try {
        return sodium().crypto_sign_verify_detached(fromB64u(signature), utf8(data), key);
      } catch {
        return false;
      }
    },
  });
  try {
    // Judged at its own iat, so that the signature's answer stands alone: the validity period
    // is reported below in the wallet's own words.
    const at = typeof read.claims.iat === "number" ? read.claims.iat : Math.floor(Date.now() / 1000);
    await instance.verify(token.endsWith("~") ? token : `${token}~`, { currentDate: at });
  } catch {
    return ["The SD-JWT's signature or disclosures do not verify."];
  }
  const problem = disclosureProblem(token.endsWith("~") ? token : `${token}~`, read.claims);
  if (problem) {
    return [problem];
  }
  const toIso = (seconds) => (typeof seconds === "number" ? new Date(seconds * 1000).toISOString() : null);
  return validityProblems(toIso(read.claims.nbf), toIso(read.claims.exp), Date.now());
}

/** {verified, problems}: whether the issuer signed this credential with a key it holds. */
export async function verifyCredential(credential, { fetch = globalThis.fetch } = {}) {
  if (typeof credential !== "string" && (credential === null || typeof credential !== "object" || Array.isArray(credential))) {
    return { verified: false, problems: ["This is not a credential."] };
  }
  const problems =
    typeof credential === "string" ? await verifySdJwt(credential, fetch) : await verifyDataIntegrity(credential, fetch);
  return { verified: problems.length === 0, problems };
}


/** The fetch given, noting whether any request failed on the way (no answer, or a 5xx): a check
 * that could not reach what it needed is "unknown", never "invalid" nor "valid". */
function watched(fetch) {
  const watch = { failed: false };
  watch.fetch = async (...args) => {
    try {
      const answer = await fetch(...args);
      if (answer.status >= 500) watch.failed = true;
      return answer;
    } catch (error) {
      watch.failed = true;
      throw error;
    }
  };
  return watch;
}

/**
 * What a card shows: {result, problems}. result "valid" (signature, issuer's key, validity period
 * and every status entry checked now), "revoked", "suspended", "invalid" (do not rely on it) or
 * "unknown" (something needed could not be reached or confirmed: offline, a status list that does
 * not answer or does not verify). DESIGN.md §4: "unknown" is never "valid".
 */
export async function checkCredential(credential, { fetch = globalThis.fetch, now = Date.now() } = {}) {
  const watch = watched(fetch);
  const { verified, problems } = await verifyCredential(credential, { fetch: watch.fetch });
  if (!verified) {
    return { result: watch.failed ? "unknown" : "invalid", problems };
  }
  let found;
  if (typeof credential === "string") {
    const { claims } = readJwt(credential.split("~")[0]);
    const keyFor = (kid, iat) => issuerKey(claims.iss, kid, iat, fetch);
    found = await checkTokenStatus(claims, { fetch, keyFor, now });
  } else {
    const verifyList = async (list) => (await verifyCredential(list, { fetch })).problems;
    found = await checkStatus(credential, { fetch, verifyList, now });
  }
  const { status, problems: statusProblems } = found;
  const result = { clear: "valid", failed: "invalid" }[status] ?? status;
  return { result, problems: statusProblems };
}
