// Base45 (RFC 9285), strict as nansen/qr/base45.py. Written here rather than taken from npm: the
// `base45` package decodes invalid text without complaint (RFC 9285 §6 requires refusing it) and
// needs Node's Buffer, which the browser lacks.
import { QRCodeError } from "./errors.js";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

export function encode(data) {
  let out = "";
  for (let start = 0; start + 1 < data.length; start += 2) {
    const n = (data[start] << 8) | data[start + 1];
    out += ALPHABET[n % 45] + ALPHABET[Math.floor(n / 45) % 45] + ALPHABET[Math.floor(n / 2025)];
  }
  if (data.length % 2) {
    const last = data[data.length - 1];
    out += ALPHABET[last % 45] + ALPHABET[Math.floor(last / 45)];
  }
  return out;
}

export function decode(text) {
  if (text.length % 3 === 1) {
    throw new QRCodeError("The QR text is not Base45: its length cannot be decoded.");
  }
  const values = Array.from(text, (character) => ALPHABET.indexOf(character));
  if (values.includes(-1)) {
    throw new QRCodeError("The QR text has a character outside the Base45 alphabet.");
  }
  const out = [];
  for (let start = 0; start < values.length; start += 3) {
    const chunk = values.slice(start, start + 3);
    const n = chunk.reduce((sum, value, place) => sum + value * 45 ** place, 0);
    const width = chunk.length - 1;
    if (n >= 256 ** width) {
      throw new QRCodeError("The QR text is not Base45: a group of characters is out of range.");
    }
    out.push(...(width === 2 ? [n >> 8, n & 0xff] : [n]));
  }
  return new Uint8Array(out);
}
