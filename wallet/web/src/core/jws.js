// Compact JWS (RFC 7515) with EdDSA (RFC 8037) through libsodium: the OpenID4VCI proof JWT and the
// verification of an SD-JWT issuer's signature. Ed25519 in WebCrypto is not in every browser yet.
import { b64u, fromB64u, fromUtf8, utf8 } from "./bytes.js";
import { sodium } from "./sodium.js";

const b64json = (value) => b64u(utf8(JSON.stringify(value)));

/** A compact JWS over `claims` with {"alg":"EdDSA", …header}, signed by a signer of identity.js. */
export function signJwt(header, claims, signer) {
  const input = `${b64json({ alg: "EdDSA", ...header })}.${b64json(claims)}`;
  return `${input}.${b64u(signer.sign(utf8(input)))}`;
}

/** {header, claims} of a compact JWS, not yet verified; null when it is not one. */
export function readJwt(token) {
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts.length !== 3 || !parts.every(Boolean)) {
    return null;
  }
  try {
    const header = JSON.parse(fromUtf8(fromB64u(parts[0])));
    const claims = JSON.parse(fromUtf8(fromB64u(parts[1])));
    fromB64u(parts[2]);
    return header && claims && typeof header === "object" && typeof claims === "object" ? { header, claims } : null;
  } catch {
    return null;
  }
}

/** Whether an EdDSA compact JWS verifies with this Ed25519 public key. */
export function verifyJwt(token, publicKey) {
  const read = readJwt(token);
  if (read === null || read.header.alg !== "EdDSA") {
    return false;
  }
  const at = token.lastIndexOf(".");
  try {
    return sodium().crypto_sign_verify_detached(fromB64u(token.slice(at + 1)), utf8(token.slice(0, at)), publicKey);
  } catch {
    return false;
  }
}
