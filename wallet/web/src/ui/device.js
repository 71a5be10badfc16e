// What this device keeps (IndexedDB): the encrypted container, and the host account it belongs to
// with the version last synchronised (ETag), so that the wallet opens and presents with no network.
// Never a passphrase, a key or a decrypted state. Beside it, when a passkey was set up here, the
// slot key wrapped under the passkey's PRF output (useless without the authenticator), and the
// cards' last check results, one sealed record per slot (core/checks.js: useless without a slot key).

const DATABASE = "nansen-wallet";
const STORE = "wallet";
const KEY = "current";
const PASSKEY = "passkey";
const CHECKS = "checks";

function database() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact(mode, work) {
  const db = await database();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

/** {container: Uint8Array, account: string|null, etag: string|null} or undefined. */
export function load() {
  return transact("readonly", (store) => store.get(KEY));
}

export function save(kept) {
  return transact("readwrite", (store) => store.put(kept, KEY));
}

/** Deletes the local copy, the check results and any passkey record (forget the whole wallet). */
export async function erase() {
  await forgetPasskey();
  await transact("readwrite", (store) => store.delete(CHECKS));
  return transact("readwrite", (store) => store.delete(KEY));
}

/** The sealed check records (three Uint8Arrays), or undefined before any check on this device. */
export function loadChecks() {
  return transact("readonly", (store) => store.get(CHECKS));
}

export function saveChecks(records) {
  return transact("readwrite", (store) => store.put(records, CHECKS));
}

/** {credentialId, salt, wrapped} (Uint8Arrays) or undefined: this device's passkey unlock. */
export function loadPasskey() {
  return transact("readonly", (store) => store.get(PASSKEY));
}

export function savePasskey(record) {
  return transact("readwrite", (store) => store.put(record, PASSKEY));
}

export function forgetPasskey() {
  return transact("readwrite", (store) => store.delete(PASSKEY));
}
