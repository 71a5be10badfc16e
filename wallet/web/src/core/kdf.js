// Keys from a passphrase (Argon2id, RFC 9106) and from a master secret (BLAKE2b in libsodium's
// crypto_kdf construction), exactly as wallet/kdf.py makes them.
import { concat, utf8 } from "./bytes.js";
import { sodium } from "./sodium.js";

export const SALT_SIZE = 16;
export const KEY_SIZE = 32;
export const ALGORITHM_ARGON2ID13 = 2;

// libsodium's constants (the same in PyNaCl): {opslimit, memlimit in bytes}.
export const LEVELS = Object.freeze({
  minimum: Object.freeze({ opslimit: 1, memlimit: 8192 }),
  interactive: Object.freeze({ opslimit: 2, memlimit: 67108864 }),
  moderate: Object.freeze({ opslimit: 3, memlimit: 268435456 }),
  sensitive: Object.freeze({ opslimit: 4, memlimit: 1073741824 }),
});

/** Within what libsodium allows and no more than `sensitive` (headers are untrusted). */
export function acceptable({ opslimit, memlimit }) {
  const { minimum, sensitive } = LEVELS;
  return (
    minimum.opslimit <= opslimit &&
    opslimit <= sensitive.opslimit &&
    minimum.memlimit <= memlimit &&
    memlimit <= sensitive.memlimit
  );
}

/** Argon2id of the NFC-normalised passphrase: a 32-byte key. */
export function passphraseKey(passphrase, salt, cost) {
  const s = sodium();
  return s.crypto_pwhash(
    KEY_SIZE,
    utf8(passphrase.normalize("NFC")),
    salt,
    cost.opslimit,
    cost.memlimit,
    s.crypto_pwhash_ALG_ARGON2ID13,
  );
}

function padded16(bytes) {
  return concat(bytes, new Uint8Array(16 - bytes.length));
}

/** crypto_kdf: BLAKE2b keyed by `key`, salt = subkey id (64-bit little-endian), personal = context.
 * Written with generichash so that the 16-byte master secret works as wallet/kdf.py's does. */
export function derive(key, context, subkeyId, size = KEY_SIZE) {
  const contextBytes = typeof context === "string" ? utf8(context) : context;
  if (contextBytes.length !== 8) {
    throw new Error("a crypto_kdf context is 8 bytes");
  }
  const salt = new Uint8Array(8);
  new DataView(salt.buffer).setBigUint64(0, BigInt(subkeyId), true);
  return sodium().crypto_generichash_blake2b_salt_personal(
    size,
    key,
    padded16(salt),
    padded16(contextBytes),
  );
}

/** The login key the host checks (WEBWALLET-PROTOCOL.md): subkey 1 of context "nslogin_". */
export function loginKey(slotKey) {
  return derive(slotKey, "nslogin_", 1);
}

/** What the host stores for a login key: its SHA-256. */
export function verifierOf(key) {
  return sodium().crypto_hash_sha256(key);
}
