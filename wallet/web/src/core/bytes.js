// Byte helpers: UTF-8, base64url (RFC 4648 §5, no padding), base58btc, base32, concatenation.
import { sodium } from "./sodium.js";
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

/** Random bytes from libsodium's CSPRNG (the browser's getRandomValues, or Node's). */
export function randomBytes(size) {
  return sodium().randombytes_buf(size);
}
