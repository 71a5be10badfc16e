// DID resolution in the browser: did:key offline (W3C CCG did:key, Ed25519), did:web over HTTPS
// (did-method-web "Read (Resolve)": colons become slashes, a percent-encoded port is decoded, no
// path means /.well-known/did.json). A verification method must be the DID's own, listed under the
// relationship asked for, not revoked (Controlled Identifiers 1.0 §2.2), as nansen.did resolves.
import { fromB58 } from "./bytes.js";
import { WalletError } from "./errors.js";
import { requestJson } from "./http.js";
import { publicKeyOfDid } from "./identity.js";

function didWebUrl(did) {
  const parts = did.slice("did:web:".length).split(":");
  if (!parts[0] || parts.some((part) => !/^(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$/.test(part))) {
    throw new WalletError("The issuer's DID is not a valid did:web.", "bad-did");
  }
  const host = parts[0].replace(/%3A/i, ":");
  if (host.includes("%") || host.includes("/")) {
    throw new WalletError("The issuer's DID is not a valid did:web.", "bad-did");
  }
  const path = parts.slice(1).map(decodeURIComponent).join("/");
  return `https://${host}/${path ? `${path}/did.json` : ".well-known/did.json"}`;
}

function ed25519Of(method) {
  if (typeof method.publicKeyMultibase === "string" && method.publicKeyMultibase.startsWith("z")) {
    const raw = fromB58(method.publicKeyMultibase.slice(1));
    if (raw.length === 34 && raw[0] === 0xed && raw[1] === 0x01) {
      return raw.slice(2);
    }
    if (raw.length === 32 && method.type === "Ed25519VerificationKey2020") {
      return raw;
    }
  }
  return null;
}

/** {key, expires}: the Ed25519 public key of `methodId` if it belongs to `controller` for
 * `relationship`, and when it was retired (null if it was not); WalletError otherwise. */
export async function resolveKey(methodId, { controller, relationship, fetch }) {
  if (typeof methodId !== "string" || !methodId.includes("#")) {
    throw new WalletError("The signing key is not named by a DID URL.", "bad-key");
  }
  const did = methodId.split("#")[0];
  if (controller !== undefined && did !== controller) {
    throw new WalletError("The signing key does not belong to the issuer.", "foreign-key");
  }
  if (did.startsWith("did:key:")) {
    const key = publicKeyOfDid(did);
    if (key === null || methodId !== `${did}#${did.slice("did:key:".length)}`) {
      throw new WalletError("The did:key does not hold this Ed25519 key.", "bad-key");
    }
    return { key, expires: null };
  }
  if (!did.startsWith("did:web:")) {
    throw new WalletError("The issuer's DID method is not one this wallet resolves (did:key, did:web).", "bad-did");
  }
  const { status, body } = await requestJson(fetch, didWebUrl(did), "issuer's DID document");
  if (status !== 200 || body === null || typeof body !== "object" || body.id !== did) {
    throw new WalletError("The issuer's DID document could not be had.", "did-unavailable");
  }
  const absolute = (ref) => (typeof ref === "string" && ref.startsWith("#") ? did + ref : ref);
  const methods = [...(body.verificationMethod ?? []), ...(body[relationship] ?? []).filter((m) => typeof m === "object")];
  const method = methods.find((m) => absolute(m?.id) === methodId);
  const listed = (body[relationship] ?? []).some((m) => absolute(typeof m === "string" ? m : m?.id) === methodId);
  if (!method || !listed) {
    throw new WalletError(`The signing key is not authorised for ${relationship}.`, "not-authorised");
  }
  if (method.controller !== did) {
    throw new WalletError("The signing key is not controlled by the DID that lists it.", "foreign-key");
  }
  if (method.revoked !== undefined) {
    throw new WalletError("The signing key has been revoked as compromised.", "revoked");
  }
  const key = ed25519Of(method);
  if (key === null) {
    throw new WalletError("The issuer's key is not an Ed25519 key this wallet can check.", "bad-key");
  }
  return { key, expires: method.expires ?? null };
}
