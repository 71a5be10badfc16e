// The CBOR (RFC 8949) of format NV1 through cborg: maps keep their member order (preferred, not
// deterministic, serialisation, as nansen/qr/cbor.py writes), floats in their shortest form, tags
// 1 (epoch seconds) and 100 (epoch days) around an integer; reading is strict: shortest
// arguments, no indefinite lengths, no duplicate keys, no other tag or simple value.
import { decode, encode, Tagged } from "cborg";

import { QRCodeError } from "./errors.js";

export const EPOCH_SECONDS = 1;
export const EPOCH_DAYS = 100;
export { Tagged };

const keepOrder = () => 0; // Array.prototype.sort is stable: the map's own order is kept

export function dumps(item) {
  return encode(item, { mapSorter: keepOrder });
}

function integerTag(number) {
  return (decodeContent) => {
    const content = decodeContent();
    if (!(typeof content === "bigint" || Number.isInteger(content))) {
      throw new QRCodeError("The QR payload has a date whose value is not an integer.");
    }
    return new Tagged(number, Number(content));
  };
}

const tags = [];
tags[EPOCH_SECONDS] = integerTag(EPOCH_SECONDS);
tags[EPOCH_DAYS] = integerTag(EPOCH_DAYS);

export function loads(data) {
  try {
    return decode(data, {
      strict: true,
      useMaps: true,
      rejectDuplicateMapKeys: true,
      allowIndefinite: false,
      allowUndefined: false,
      allowInfinity: false,
      allowNaN: false,
      tags,
    });
  } catch (error) {
    if (error instanceof QRCodeError) {
      throw error;
    }
    throw new QRCodeError("The QR payload is not CBOR that format NV1 writes.");
  }
}
