// JSON values and the items of format NV1, both ways (nansen/qr/compact.py): member names become
// term numbers, strings their compact forms; nothing is dropped.
import { Tagged } from "./cbor.js";
import { QRCodeError } from "./errors.js";
import { Strings } from "./forms.js";
import { MAX_DEPTH, MAX_ITEMS } from "./limits.js";
import { TERMS } from "./vocabulary.js";

const TERM_CODES = new Map(TERMS.map((term, code) => [term, code]));

export function toItem(value) {
  const strings = new Strings();
  let items = 0;
  const count = () => {
    items += 1;
    if (items > MAX_ITEMS) {
      throw new QRCodeError(`The presentation has more than ${MAX_ITEMS.toLocaleString("en")} values.`);
    }
  };
  const item = (current, depth) => {
    if (depth > MAX_DEPTH) {
      throw new QRCodeError(`The presentation is nested more than ${MAX_DEPTH} levels deep.`);
    }
    count();
    if (current === null || typeof current === "boolean") {
      return current;
    }
    if (typeof current === "string") {
      return strings.compact(current);
    }
    if (typeof current === "number") {
      if (!Number.isFinite(current)) {
        throw new QRCodeError("The presentation has a number that is not finite.");
      }
      return current;
    }
    if (Array.isArray(current)) {
      return current.map((element) => item(element, depth + 1));
    }
    if (typeof current === "object" && Object.getPrototypeOf(current) === Object.prototype) {
      const members = new Map();
      for (const [name, member] of Object.entries(current)) {
        count();
        members.set(TERM_CODES.get(name) ?? name, item(member, depth + 1));
      }
      return members;
    }
    throw new QRCodeError("The presentation has a value that is not JSON.");
  };
  return item(value, 1);
}

function memberName(key) {
  if (typeof key === "string") {
    if (TERM_CODES.has(key)) {
      throw new QRCodeError("The QR payload writes out a member name that has a number.");
    }
    return key;
  }
  if (typeof key !== "number" || !Number.isInteger(key) || key < 0 || key >= TERMS.length) {
    throw new QRCodeError("The QR payload has a member name number that the format does not define.");
  }
  return TERMS[key];
}

export function fromItem(item) {
  const strings = new Strings();
  let items = 0;
  const value = (current, depth) => {
    items += 1;
    if (depth > MAX_DEPTH || items > MAX_ITEMS) {
      throw new QRCodeError("The presentation is too deeply nested or has too many values.");
    }
    if (Array.isArray(current)) {
      return current.map((element) => value(element, depth + 1));
    }
    if (current instanceof Map) {
      const out = {};
      for (const [key, member] of current) {
        // defineProperty: a member named "__proto__" stays a member, as JSON.parse makes it
        Object.defineProperty(out, memberName(key), {
          value: value(member, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    if (current instanceof Uint8Array || current instanceof Tagged) {
      return strings.restore(current);
    }
    if (typeof current === "bigint") {
      if (current > BigInt(Number.MAX_SAFE_INTEGER) || current < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new QRCodeError("The QR payload has an integer larger than this device reads exactly.");
      }
      return Number(current);
    }
    return current;
  };
  return value(item, 1);
}
