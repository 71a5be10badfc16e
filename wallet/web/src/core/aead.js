// XChaCha20-Poly1305 (IETF) records: nonce ‖ ciphertext ‖ tag, as wallet/aead.py.
import { concat, randomBytes } from "./bytes.js";
import { sodium } from "./sodium.js";

export const NONCE_SIZE = 24;
export const TAG_SIZE = 16;
export const OVERHEAD = NONCE_SIZE + TAG_SIZE;

export function seal(key, plaintext, associated) {
  const nonce = randomBytes(NONCE_SIZE);
  return concat(
    nonce,
    sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associated, null, nonce, key),
  );
}

/** The plaintext, or null when the record is not sealed under this key with this data. */
export function unseal(key, record, associated) {
  if (record.length < OVERHEAD) {
    return null;
  }
  try {
    return sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      record.subarray(NONCE_SIZE),
      associated,
      record.subarray(0, NONCE_SIZE),
      key,
    );
  } catch {
    return null;
  }
}
