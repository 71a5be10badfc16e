// What this device keeps (IndexedDB): the encrypted container, and the host account it belongs to
// with the version last synchronised (ETag), so that the wallet opens and presents with no network.
// Never a passphrase, a key or a decrypted state.

const DATABASE = "nansen-wallet";
const STORE = "wallet";
const KEY = "current";

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

/** Deletes the local copy (forget the whole wallet). */
export function erase() {
  return transact("readwrite", (store) => store.delete(KEY));
}
