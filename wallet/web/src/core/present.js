// Presentations signed in the browser (wallet/present.py, wallet/sdjwt.py): a W3C VP of one Data
// Integrity credential, signed with eddsa-jcs-2022 by the key of the DID the credential names as
// subject; or an SD-JWT+KB (RFC 9901 §4.3) disclosing only the claims chosen.
import { SDJwtInstance } from "@sd-jwt/core";

import { b64u, randomBytes, utf8 } from "./bytes.js";
import { WalletError } from "./errors.js";
import { signers } from "./identity.js";
import { addProof } from "./proofs.js";
import { sodium } from "./sodium.js";
import { findHeld, sdJwtClaims } from "./state.js";

export const CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2";
/** A KB-JWT's aud when no verifier is named (nansen.sdjwt.presentation.ONE_WAY_AUDIENCE). */
export const ONE_WAY_AUDIENCE = "nansen:one-way";

export const sha256 = (data) => sodium().crypto_hash_sha256(typeof data === "string" ? utf8(data) : new Uint8Array(data));

function dataIntegrity(state, credential, { challenge, domain }) {
  const subjects = [credential.credentialSubject ?? {}].flat().map((subject) => subject?.id);
  const signer = signers(state).find((candidate) => subjects.includes(candidate.did));
  if (!signer) {
    throw new WalletError("This credential was issued to a DID this wallet does not hold.", "not-ours");
  }
  const unsigned = {
    "@context": [CREDENTIALS_V2],
    id: `urn:uuid:${globalThis.crypto.randomUUID()}`,
    type: ["VerifiablePresentation"],
    holder: signer.did,
    verifiableCredential: [credential],
  };
  return addProof(unsigned, signer, { purpose: "authentication", challenge, domain });
}

/** The wallet's signer that an SD-JWT's cnf.jwk names, or null. */
export function sdJwtSigner(state, token) {
  const jwk = sdJwtClaims(token).cnf?.jwk;
  if (jwk?.kty !== "OKP" || jwk?.crv !== "Ed25519" || typeof jwk.x !== "string") {
    return null;
  }
  return signers(state).find((candidate) => candidate.jwk.x === jwk.x) ?? null;
}

async function sdJwt(state, token, { challenge, domain, disclose = [] }) {
  const signer = sdJwtSigner(state, token);
  if (signer === null) {
    throw new WalletError("This credential was issued to a key this wallet does not hold.", "not-ours");
  }
  const known = sdJwtClaims(token);
  if (disclose.some((name) => !Object.hasOwn(known, name))) {
    throw new WalletError("A claim asked to be disclosed is not in the credential.", "unknown-claim");
  }
  const instance = new SDJwtInstance({
    hasher: sha256,
    hashAlg: "sha-256",
    kbSigner: (input) => b64u(signer.sign(utf8(input))),
    kbSignAlg: "EdDSA",
  });
  const frame = Object.fromEntries(disclose.map((name) => [name, true]));
  const payload = {
    iat: Math.floor(Date.now() / 1000),
    aud: domain ?? ONE_WAY_AUDIENCE,
    nonce: challenge ?? b64u(randomBytes(16)),
  };
  return instance.present(token, frame, { kb: { payload } });
}

/** A presentation of one held credential: an object (Data Integrity VP) or text (SD-JWT+KB). */
export async function present(state, credentialId, options = {}) {
  const found = findHeld(state, credentialId);
  if (found === null) {
    throw new WalletError("No credential in the wallet has this identifier.", "unknown-credential");
  }
  if (found.format === "ldp_vc") {
    return dataIntegrity(state, found.held.credential, options);
  }
  return sdJwt(state, found.held.sdJwt, options);
}

