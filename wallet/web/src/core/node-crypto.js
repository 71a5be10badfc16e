// What the npm `slip39` package asks of Node's `crypto` module, from @noble/hashes (audited), for the
// browser bundle only (build.mjs maps `slip39`'s `require("crypto")` here; under Node it gets Node's).
import { hmac } from "@noble/hashes/hmac.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { sha256 } from "@noble/hashes/sha2.js";

const HASHES = { sha256 };

function hashOf(name) {
  const hash = HASHES[name];
  if (!hash) {
    throw new Error(`Unsupported hash: ${name}`);
  }
  return hash;
}

export function pbkdf2Sync(password, salt, iterations, length, digest) {
  return pbkdf2(hashOf(digest), Uint8Array.from(password), Uint8Array.from(salt), { c: iterations, dkLen: length });
}

export function createHmac(digest, key) {
  const mac = hmac.create(hashOf(digest), Uint8Array.from(key));
  return {
    update(data) {
      mac.update(Uint8Array.from(data));
      return this;
    },
    digest: () => mac.digest(),
  };
}

export function randomBytes(length) {
  return crypto.getRandomValues(new Uint8Array(length));
}
