// A passkey as a second way to a slot key (issue #14): the output of the WebAuthn PRF extension
// (hmac-secret, CTAP 2.1 §12.5) is never used as a key itself; libsodium's crypto_kdf derives a
// wrapping key from it, and XChaCha20-Poly1305 seals the slot key under that, bound to the wallet's
// header, so a wrapped key lifted into another wallet file opens nothing.
import * as aead from "./aead.js";
import { concat, utf8 } from "./bytes.js";
import { KEY_SIZE, derive } from "./kdf.js";

const CONTEXT = "nspasske";
const PURPOSE = utf8("nansen passkey wrap v1");

/** The key the PRF output stands for: subkey 1 of context "nspasske" (wiped by the caller). */
function wrappingKey(prfOutput) {
  if (prfOutput.length !== KEY_SIZE) {
    throw new Error("a PRF output is 32 bytes");
  }
  return derive(prfOutput, CONTEXT, 1);
}

function associated(walletHeader) {
  return concat(PURPOSE, walletHeader);
}

/** The slot key sealed under the passkey's PRF output: nonce ‖ ciphertext ‖ tag. */
export function wrapSlotKey(prfOutput, slotKey, walletHeader) {
  const key = wrappingKey(prfOutput);
  try {
    return aead.seal(key, slotKey, associated(walletHeader));
  } finally {
    key.fill(0);
  }
}

/** The slot key, or null when this PRF output (or this wallet's header) is not the one it was wrapped with. */
export function unwrapSlotKey(prfOutput, wrapped, walletHeader) {
  const key = wrappingKey(prfOutput);
  try {
    return aead.unseal(key, wrapped, associated(walletHeader));
  } finally {
    key.fill(0);
  }
}
