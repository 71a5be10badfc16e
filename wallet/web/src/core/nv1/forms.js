// Compact forms of strings (nansen/qr/forms.py): each replaces a string only when it restores that
// exact string. Dates become tags 1 / 100; DIDs, keys, signatures, UUIDs, CIDs and digests become a
// byte string whose first byte names the form; a did:key met again is the index of its key.
import { base32nopad, base58, base64urlnopad, hex } from "@scure/base";

import { EPOCH_DAYS, EPOCH_SECONDS, Tagged } from "./cbor.js";
import { QRCodeError } from "./errors.js";
import { MAX_BASE58 } from "./limits.js";

const Form = Object.freeze({
  DID_KEY: 0,
  DID_KEY_URL: 1,
  DID_KEY_AGAIN: 2,
  DID_KEY_URL_AGAIN: 3,
  BASE58BTC: 4,
  BASE64URL: 5,
  URN_UUID: 6,
  UUID: 7,
  IPFS: 8,
});
const MIN_MULTIBASE = 16;
const MAX_KEYS = 256;
const DAY = 86400;
const DATETIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function utcSeconds(year, month, day, hour = 0, minute = 0, second = 0) {
  const moment = new Date(0);
  moment.setUTCFullYear(year, month - 1, day);
  moment.setUTCHours(hour, minute, second, 0);
  return moment.getTime() / 1000;
}
const FIRST_SECOND = utcSeconds(1, 1, 1);
const LAST_SECOND = utcSeconds(9999, 12, 31, 23, 59, 59);

const pad = (value, width = 2) => String(value).padStart(width, "0");

/** The text of a date tag, or null outside the years 1 to 9999. */
function timeText(number, content) {
  const seconds = number === EPOCH_SECONDS ? content : content * DAY;
  if (!Number.isSafeInteger(content) || seconds < FIRST_SECOND || seconds > LAST_SECOND) {
    return null;
  }
  const m = new Date(seconds * 1000);
  const date = `${pad(m.getUTCFullYear(), 4)}-${pad(m.getUTCMonth() + 1)}-${pad(m.getUTCDate())}`;
  if (number === EPOCH_DAYS) {
    return date;
  }
  return `${date}T${pad(m.getUTCHours())}:${pad(m.getUTCMinutes())}:${pad(m.getUTCSeconds())}Z`;
}

function timeTag(text) {
  let match = DATETIME.exec(text);
  if (match) {
    const seconds = utcSeconds(...match.slice(1).map(Number));
    return timeText(EPOCH_SECONDS, seconds) === text ? new Tagged(EPOCH_SECONDS, seconds) : null;
  }
  match = DATE.exec(text);
  if (match) {
    const days = utcSeconds(...match.slice(1).map(Number)) / DAY;
    return timeText(EPOCH_DAYS, days) === text ? new Tagged(EPOCH_DAYS, days) : null;
  }
  return null;
}

function b58decode(body) {
  if (body.length > 2 * MAX_BASE58) {
    throw new Error("too long"); // base58 costs quadratic time: refuse long input before decoding
  }
  return base58.decode(body);
}

function selfUrlDecode(body) {
  const at = body.indexOf("#");
  if (at < 0 || body.slice(at + 1) !== `z${body.slice(0, at)}`) {
    throw new Error("not a key's own verification method");
  }
  return b58decode(body.slice(0, at));
}

function selfUrlEncode(payload) {
  const key = base58.encode(payload);
  return `${key}#z${key}`;
}

function uuidDecode(body) {
  if (!UUID_TEXT.test(body)) {
    throw new Error("not a lowercase UUID");
  }
  return hex.decode(body.replaceAll("-", ""));
}

function uuidEncode(payload) {
  const h = hex.encode(payload);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const codec = (prefix, decode, encode, minPayload = 0, maxPayload = Infinity) => ({
  prefix,
  decode,
  encode,
  fits: (payload) => minPayload <= payload.length && payload.length <= maxPayload,
});

/** In the order tried; the first whose round trip is exact wins. */
const CODECS = new Map([
  [Form.DID_KEY_URL, codec("did:key:z", selfUrlDecode, selfUrlEncode, 0, MAX_BASE58)],
  [Form.DID_KEY, codec("did:key:z", b58decode, (p) => base58.encode(p), 0, MAX_BASE58)],
  [Form.URN_UUID, codec("urn:uuid:", uuidDecode, uuidEncode, 16, 16)],
  [
    Form.IPFS,
    codec(
      "ipfs://b",
      (body) => base32nopad.decode(body.toUpperCase()),
      (p) => base32nopad.encode(p).toLowerCase(),
    ),
  ],
  [Form.BASE58BTC, codec("z", b58decode, (p) => base58.encode(p), MIN_MULTIBASE, MAX_BASE58)],
  [Form.BASE64URL, codec("u", (b) => base64urlnopad.decode(b), (p) => base64urlnopad.encode(p), MIN_MULTIBASE)],
  [Form.UUID, codec("", uuidDecode, uuidEncode, 16, 16)],
]);
const AGAIN = new Map([
  [Form.DID_KEY, Form.DID_KEY_AGAIN],
  [Form.DID_KEY_URL, Form.DID_KEY_URL_AGAIN],
]);

const withForm = (form, payload) => {
  const out = new Uint8Array(payload.length + 1);
  out[0] = form;
  out.set(payload, 1);
  return out;
};

/** Compacts or restores the strings of one document, in document order. */
export class Strings {
  #keys = [];
  #index = new Map();

  #meet(key) {
    const name = hex.encode(key);
    if (!this.#index.has(name) && this.#keys.length < MAX_KEYS) {
      this.#index.set(name, this.#keys.length);
      this.#keys.push(key);
    }
  }

  /** The shortest exact form of `text`: a tag, a form's bytes, or the text itself. */
  compact(text) {
    const tag = timeTag(text);
    if (tag !== null) {
      return tag;
    }
    for (const [form, { prefix, decode, encode, fits }] of CODECS) {
      if (!text.startsWith(prefix)) {
        continue;
      }
      const body = text.slice(prefix.length);
      let payload;
      try {
        payload = decode(body);
      } catch {
        continue;
      }
      if (fits(payload) && encode(payload) === body) {
        return this.#withKeys(form, payload);
      }
    }
    return text;
  }

  #withKeys(form, payload) {
    if (AGAIN.has(form)) {
      const index = this.#index.get(hex.encode(payload));
      if (index !== undefined) {
        return new Uint8Array([AGAIN.get(form), index]);
      }
      this.#meet(payload);
    }
    return withForm(form, payload);
  }

  /** The string a tag or a form's bytes stand for; refuse what the encoder cannot write. */
  restore(item) {
    if (item instanceof Tagged) {
      const text = timeText(item.tag, item.value);
      if (text === null) {
        throw new QRCodeError("The QR payload has a date outside the years 1 to 9999.");
      }
      return text;
    }
    let form = item[0];
    let payload = item.subarray(1);
    if (form === Form.DID_KEY_AGAIN || form === Form.DID_KEY_URL_AGAIN) {
      if (payload.length !== 1 || payload[0] >= this.#keys.length) {
        throw new QRCodeError("The QR payload refers to a key that it has not given.");
      }
      form = form === Form.DID_KEY_AGAIN ? Form.DID_KEY : Form.DID_KEY_URL;
      payload = this.#keys[payload[0]];
    }
    const found = CODECS.get(form);
    if (found === undefined) {
      throw new QRCodeError("The QR payload has a compact string of an unknown form.");
    }
    if (!found.fits(payload)) {
      throw new QRCodeError("The QR payload has a compact string of the wrong length.");
    }
    if (AGAIN.has(form)) {
      this.#meet(payload);
    }
    return found.prefix + found.encode(payload);
  }
}
