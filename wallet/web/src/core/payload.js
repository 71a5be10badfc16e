// The fixed-size plaintext of a slot or backup (wallet/payload.py):
// length (4 bytes, big-endian) ‖ zlib(JSON, sorted keys, compact) ‖ zeros, CAPACITY bytes in all.
// pako 2.1 is a port of zlib: at level 9 it writes the same bytes as Python's zlib.compress(…, 9)
// (zlib 1.2.13; pako 3.0.3 splits blocks otherwise, so package.json keeps 2.1).
import { deflate, Inflate } from "pako";

import { fromUtf8, utf8 } from "./bytes.js";
import { WalletError } from "./errors.js";

export const CAPACITY = 256 * 1024 - 64;
const LENGTH_SIZE = 4;
const MAX_JSON = 16 * CAPACITY;
const UNREADABLE = "The wallet's contents are not in a format this software reads.";

function sorted(value) {
  if (Array.isArray(value)) {
    return value.map(sorted);
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((name) => [name, sorted(value[name])]),
    );
  }
  return value;
}

/** Python's json.dumps(value, separators=(",", ":"), sort_keys=True): ASCII only (\uXXXX escapes). */
export function pythonJson(value) {
  return JSON.stringify(sorted(value)).replace(
    /[\u007f-\uffff]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

export function pack(state) {
  const body = deflate(utf8(pythonJson(state)), { level: 9 });
  if (body.length > CAPACITY - LENGTH_SIZE) {
    throw new WalletError("The wallet is full: forget some credentials before adding more.", "full");
  }
  const out = new Uint8Array(CAPACITY);
  new DataView(out.buffer).setUint32(0, body.length, false);
  out.set(body, LENGTH_SIZE);
  return out;
}

/** Inflate zlib data, refusing more than `limit` bytes of output (a forged record cannot expand
 * without bound). Null when the data is not one whole zlib stream. */
export function inflateBounded(data, limit, options = {}) {
  const inflater = new Inflate(options);
  const chunks = [];
  let total = 0;
  let tooLarge = false;
  inflater.onData = (chunk) => {
    total += chunk.length;
    if (total > limit) {
      tooLarge = true;
      throw new Error("too large");
    }
    chunks.push(chunk);
  };
  try {
    inflater.push(data, true);
  } catch {
    return { tooLarge, output: null };
  }
  if (inflater.err || !inflater.ended) {
    return { tooLarge, output: null };
  }
  const unused = inflater.strm.avail_in;
  const output = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    output.set(chunk, at);
    at += chunk.length;
  }
  return { tooLarge, output, unused };
}

export function unpack(plaintext) {
  const length = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.length).getUint32(0, false);
  if (plaintext.length !== CAPACITY || length > CAPACITY - LENGTH_SIZE) {
    throw new WalletError(UNREADABLE, "unreadable");
  }
  const { output } = inflateBounded(plaintext.subarray(LENGTH_SIZE, LENGTH_SIZE + length), MAX_JSON);
  let state = null;
  try {
    state = output === null ? null : JSON.parse(fromUtf8(output));
  } catch {
    state = null;
  }
  if (state === null || typeof state !== "object" || Array.isArray(state)) {
    throw new WalletError(UNREADABLE, "unreadable");
  }
  return state;
}
