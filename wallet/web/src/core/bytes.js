// Byte helpers: UTF-8, base64url (RFC 4648 §5, no padding), base58btc, base32, concatenation.
import { base32nopad, base58, base64urlnopad, hex } from "@scure/base";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export const utf8 = (text) => encoder.encode(text);
export const fromUtf8 = (bytes) => decoder.decode(bytes);
export const b64u = (bytes) => base64urlnopad.encode(bytes);
export const fromB64u = (text) => base64urlnopad.decode(text);
export const b58 = (bytes) => base58.encode(bytes);
export const fromB58 = (text) => base58.decode(text);
export const b32lower = (bytes) => base32nopad.encode(bytes).toLowerCase();
export const fromB32lower = (text) => base32nopad.decode(text.toUpperCase());
export const toHex = (bytes) => hex.encode(bytes);

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function equal(a, b) {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** Random bytes from the platform's CSPRNG (Web Crypto getRandomValues, 64 KiB at a time: its
 * limit). libsodium.js's randombytes_buf calls back into JavaScript for every few bytes, which
 * took seconds for a slot's 256 KiB. */
export function randomBytes(size) {
  const out = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(at, Math.min(size, at + 65536)));
  }
  return out;
}

/** A uniform random integer in [0, n), n ≤ 256 (rejection sampling: no modulo bias). */
export function randomBelow(n) {
  const limit = 256 - (256 % n);
  for (;;) {
    const [value] = randomBytes(1);
    if (value < limit) {
      return value % n;
    }
  }
}
