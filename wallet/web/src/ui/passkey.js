// Unlock with a passkey (issue #14: a second slot key, never the only one). WebAuthn registers a
// platform passkey with the PRF extension (WebAuthn L3 §10.1.4) and a random salt of this wallet's;
// the PRF output wraps the slot key of the slot that is open (the engine's crypto_kdf and
// XChaCha20-Poly1305), and only the wrapped key, the credential id and the salt are kept, in this
// device's IndexedDB. Nothing of it goes to the host. The passkey opens only the slot it was set up
// from: set up from the decoy, it opens the decoy.
import * as device from "./device.js";
import { settings } from "./frame.js";
import * as session from "./session.js";

const SALT_SIZE = 32;

/** Whether this browser can make a platform passkey with the PRF extension. */
export async function available() {
  if (typeof PublicKeyCredential === "undefined" || !window.isSecureContext) return false;
  try {
    if (typeof PublicKeyCredential.getClientCapabilities === "function") {
      const capabilities = await PublicKeyCredential.getClientCapabilities();
      if (capabilities["extension:prf"] === false) return false;
    }
    return await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable();
  } catch {
    return false;
  }
}

function random(size) {
  return crypto.getRandomValues(new Uint8Array(size));
}

/** The PRF output for `salt` from the credential `credentialId`, or null if the authenticator gave none. */
async function prfOutput(credentialId, salt) {
  const assertion = await navigator.credentials.get({
    publicKey: {
      challenge: random(32),
      allowCredentials: [{ type: "public-key", id: credentialId }],
      userVerification: "required",
      timeout: 60_000,
      extensions: { prf: { eval: { first: salt } } },
    },
  });
  const first = assertion?.getClientExtensionResults?.().prf?.results?.first;
  return first ? new Uint8Array(first) : null;
}

export class PasskeyError extends Error {}

/** Registers a passkey for the open slot and keeps its wrapped slot key on this device. A PasskeyError
 * ("no-prf") when the authenticator has no PRF, ("locked") when the wallet locked meanwhile; the
 * DOMException of WebAuthn when refused. */
export async function setUp() {
  const { file, opened } = session.current;
  const salt = random(SALT_SIZE);
  const credential = await navigator.credentials.create({
    publicKey: {
      challenge: random(32),
      rp: { name: settings.name ?? location.hostname },
      // A neutral name: the phone's passkey list must not say what this is or whose.
      user: { id: random(16), name: settings.name ?? location.hostname, displayName: settings.name ?? location.hostname },
      pubKeyCredParams: [
        { type: "public-key", alg: -8 },
        { type: "public-key", alg: -7 },
        { type: "public-key", alg: -257 },
      ],
      authenticatorSelection: { authenticatorAttachment: "platform", residentKey: "preferred", userVerification: "required" },
      timeout: 60_000,
      extensions: { prf: { eval: { first: salt } } },
    },
  });
  const credentialId = new Uint8Array(credential.rawId);
  const results = credential.getClientExtensionResults?.().prf;
  if (!results?.enabled) throw new PasskeyError("no-prf");
  // Some authenticators give the PRF output only when asserting: then ask once more.
  const output = results.results?.first ? new Uint8Array(results.results.first) : await prfOutput(credentialId, salt);
  if (!output) throw new PasskeyError("no-prf");
  const engine = await session.engine();
  try {
    // Locked while the phone asked (the page hidden, the idle time): the key has left memory.
    if (session.current?.opened?.key !== opened.key) throw new PasskeyError("locked");
    const wrapped = engine.wrapSlotKey(output, opened.key, file.header());
    await device.savePasskey({ credentialId, salt, wrapped });
  } finally {
    output.fill(0);
  }
}

/** The slot key the passkey of `record` unwraps for the wallet file `file`, or null (another
 * authenticator, no PRF output, or a wallet the record was not made for). */
export async function slotKey(record, file) {
  const output = await prfOutput(record.credentialId, record.salt);
  if (!output) return null;
  const engine = await session.engine();
  try {
    return engine.unwrapSlotKey(output, record.wrapped, file.header());
  } finally {
    output.fill(0);
  }
}
