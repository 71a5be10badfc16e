// What the npm `slip39` package is allowed to do, answered in a realm of its own. The package adds
// methods to built-in prototypes (`String.prototype.slip39EncodeHex`, `Array.prototype.slip39DecodeHex`,
// `slip39Generate`, `toHexString`, `toByteArray`): in the page that holds the wallet's keys every other
// script would see them. So it runs only behind `serve`, in a dedicated Web Worker in the browser
// (src/core/slip39-worker.js, a bundle of its own) and a worker thread under Node
// (tests/slip39-thread.mjs); its prototype changes stay there. The page asks through src/core/slip39.js.
import slip39 from "slip39";
import helper from "slip39/src/slip39_helper.js";

/** One answer: `{op: "words"}` → SLIP-0039's 1,024 words; `{op: "recover", shares, passphrase}` → the
 * secret the shares recover, or `null` when the library refuses them (too few, too many, a wrong or
 * mixed set: the reason is not told, as the page shows none). */
export function answer(request) {
  if (request.op === "words") {
    return { words: [...helper.WORD_LIST] };
  }
  if (request.op === "recover") {
    try {
      return { secret: Uint8Array.from(slip39.recoverSecret(request.shares, request.passphrase)) };
    } catch {
      return { secret: null };
    }
  }
  return { refused: "unknown operation" };
}

/** Answers every message on `port` (a worker's global scope, or Node's `parentPort`), by its `id`. */
export function serve(port) {
  port.addEventListener("message", ({ data }) => port.postMessage({ ...answer(data), id: data.id }));
}
