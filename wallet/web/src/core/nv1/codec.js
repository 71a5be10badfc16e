// Format NV1 (nansen/qr/codec.py, nansen/qr/sdjwt.py): "NV1:" ‖ Base45 of raw deflate, with a preset
// dictionary, of CBOR. pako 2.1 is a port of zlib, so with Python's parameters (level 9, memLevel 9,
// 32 KiB window, the same dictionary) it writes the same bytes.
import { base64urlnopad } from "@scure/base";
import { deflateRaw } from "pako";

import { inflateBounded } from "../payload.js";
import * as base45 from "./base45.js";
import * as cbor from "./cbor.js";
import { fromItem, toItem } from "./compact.js";
import { QRCodeError } from "./errors.js";
import { MAX_PAYLOAD, MAX_TEXT } from "./limits.js";
import { SD_JWT_ZDICT_TAIL, ZDICT_BASE64 } from "./vocabulary.js";

export const PREFIX = "NV1:";
const ANY_VERSION = /^NV[0-9]+:/;
const ZDICT = Uint8Array.from(atob(ZDICT_BASE64), (c) => c.charCodeAt(0));
const tail = new TextEncoder().encode(SD_JWT_ZDICT_TAIL);
const SD_JWT_ZDICT = new Uint8Array(ZDICT.length + tail.length);
SD_JWT_ZDICT.set(ZDICT);
SD_JWT_ZDICT.set(tail, ZDICT.length);

function deflated(payload, dictionary) {
  if (payload.length > MAX_PAYLOAD) {
    throw new QRCodeError(`The presentation takes more than ${MAX_PAYLOAD / 1024} KiB in the QR format.`);
  }
  const text = PREFIX + base45.encode(deflateRaw(payload, { level: 9, memLevel: 9, windowBits: 15, dictionary }));
  if (text.length > MAX_TEXT) {
    throw new QRCodeError("The presentation is too large for one QR code.");
  }
  return text;
}

function inflate(data, dictionary) {
  const { tooLarge, output, unused } = inflateBounded(data, MAX_PAYLOAD, { raw: true, dictionary });
  if (tooLarge) {
    throw new QRCodeError(`The QR payload expands to more than ${MAX_PAYLOAD / 1024} KiB.`);
  }
  if (output === null) {
    throw new QRCodeError("The QR payload is not valid compressed data, or is truncated.");
  }
  if (unused > 0) {
    throw new QRCodeError("The QR payload has unexpected data after its end.");
  }
  return output;
}

function items(text, dictionary) {
  if (typeof text !== "string") {
    throw new QRCodeError("The QR content must be text.");
  }
  if (text.length > MAX_TEXT) {
    throw new QRCodeError("The QR text is longer than any QR code holds.");
  }
  if (!text.startsWith(PREFIX)) {
    if (ANY_VERSION.test(text)) {
      throw new QRCodeError("The QR code uses a version of the format that this software does not read.", "other-version");
    }
    throw new QRCodeError("The QR code does not hold a Nansen presentation.", "not-nansen");
  }
  return cbor.loads(inflate(base45.decode(text.slice(PREFIX.length)), dictionary));
}

const b64 = (bytes) => base64urlnopad.encode(bytes);
const unb64 = (text) => {
  try {
    return base64urlnopad.decode(text);
  } catch {
    throw new QRCodeError("The SD-JWT cannot be put in a QR code: a part is not base64url.");
  }
};

/** The NV1 text of an SD-JWT or SD-JWT+KB (nansen.qr.sdjwt.encode_sd_jwt). */
function encodeSdJwt(token) {
  const parts = token.split("~");
  if (parts.length < 2 || parts[0].split(".").length !== 3) {
    throw new QRCodeError("The SD-JWT cannot be put in a QR code: it is not an SD-JWT.");
  }
  const kb = parts[parts.length - 1];
  const disclosures = parts.slice(1, -1);
  const jwt = (value) => value.split(".").map(unb64);
  const list = [...jwt(parts[0]), null, ...disclosures.map(unb64), null, ...(kb ? jwt(kb) : [])];
  return deflated(cbor.dumps(list), SD_JWT_ZDICT);
}

function decodeSdJwt(list) {
  const first = list.indexOf(null);
  const second = list.indexOf(null, first + 1);
  const issuer = list.slice(0, first);
  const disclosures = list.slice(first + 1, second);
  const kb = list.slice(second + 1);
  if (
    second < 0 ||
    list.indexOf(null, second + 1) >= 0 ||
    !list.every((item) => item === null || item instanceof Uint8Array) ||
    issuer.length !== 3 ||
    (kb.length !== 0 && kb.length !== 3)
  ) {
    throw new QRCodeError("The QR code's SD-JWT is malformed.");
  }
  const jwt = (group) => group.map(b64).join(".");
  return [jwt(issuer), ...disclosures.map(b64), kb.length ? jwt(kb) : ""].join("~");
}

/** The NV1 text of a presentation: a JSON object (Data Integrity) or an SD-JWT+KB's text. */
export function nv1Encode(presentation) {
  if (typeof presentation === "string") {
    return encodeSdJwt(presentation);
  }
  if (presentation === null || typeof presentation !== "object" || Array.isArray(presentation)) {
    throw new QRCodeError("Only a JSON object can be encoded for a QR code.");
  }
  return deflated(cbor.dumps(toItem(presentation)), ZDICT);
}

/** What nv1Encode encoded: the JSON object, or the SD-JWT+KB's text; refuse anything else. */
export function nv1Decode(text) {
  let sdJwt = null;
  try {
    sdJwt = items(text, SD_JWT_ZDICT);
  } catch {
    sdJwt = null;
  }
  if (Array.isArray(sdJwt)) {
    return decodeSdJwt(sdJwt);
  }
  const value = fromItem(items(text, ZDICT));
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new QRCodeError("The QR code does not hold a JSON object.");
  }
  return value;
}
