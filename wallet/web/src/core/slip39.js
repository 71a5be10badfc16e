// The page's side of the SLIP-39 realm (slip39-realm.js): each use starts a fresh worker and ends it,
// so no share or secret stays in a worker's memory after a recovery. In the browser the worker is the
// bundle build.mjs names in SLIP39_WORKER; Node's tests give a worker thread (`useSlip39Realm`).
/* global SLIP39_WORKER */
import { WalletError } from "./errors.js";

const UNAVAILABLE = "The guardian words could not be checked on this device.";

let startRealm = () => new Worker(SLIP39_WORKER);

/** Where the realm runs: `start()` returns a worker with `postMessage`, `terminate`, and settable
 * `onmessage` (given `{data}`) and `onerror`. */
export function useSlip39Realm(start) {
  startRealm = start;
}

/** `use(ask)` with a fresh realm, ended when `use` settles; `ask(request)` is its answer. */
export async function withSlip39(use) {
  const realm = startRealm();
  const waiting = new Map();
  let broken = null;
  let next = 0;
  realm.onmessage = ({ data }) => {
    waiting.get(data.id)?.resolve(data);
    waiting.delete(data.id);
  };
  realm.onerror = (event) => {
    event?.preventDefault?.();
    broken = new WalletError(UNAVAILABLE, "guardian-words");
    for (const { reject } of waiting.values()) reject(broken);
    waiting.clear();
  };
  const ask = (request) =>
    new Promise((resolve, reject) => {
      if (broken !== null) {
        reject(broken);
        return;
      }
      next += 1;
      waiting.set(next, { resolve, reject });
      realm.postMessage({ ...request, id: next });
    });
  try {
    return await use(ask);
  } finally {
    realm.terminate();
  }
}
