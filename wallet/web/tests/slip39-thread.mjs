// Under Node (the engine's tests), the SLIP-39 realm is a worker thread running this same file: its
// own realm, as the browser's Web Worker is, so the npm `slip39` package's prototype methods stay out
// of the thread that asks. Importing this module on the main thread makes the engine use it.
import { isMainThread, parentPort, Worker } from "node:worker_threads";

import { useSlip39Realm } from "../src/core/slip39.js";

/** A worker thread running `script` (this file: the realm), with the Web Worker's face. */
export function startThread(script = new URL(import.meta.url)) {
  const thread = new Worker(script);
  const realm = {
    postMessage: (data) => thread.postMessage(data),
    terminate: () => thread.terminate(),
    onmessage: null,
    onerror: null,
  };
  thread.on("message", (data) => realm.onmessage?.({ data }));
  thread.on("error", (error) => realm.onerror?.(error));
  return realm;
}

if (isMainThread) {
  useSlip39Realm(() => startThread());
} else {
  const { serve } = await import("../src/core/slip39-realm.js");
  serve(parentPort);
}
