// The 40-byte plaintext header of wallet files (wallet/header.py):
// magic (8) ‖ version 1 ‖ algorithm 2 (Argon2id 1.3) ‖ record count ‖ 0 ‖ opslimit (u32 BE)
// ‖ memlimit (u64 BE) ‖ salt (16).
import { equal, randomBytes, utf8 } from "./bytes.js";
import { ALGORITHM_ARGON2ID13, acceptable, passphraseKey, SALT_SIZE } from "./kdf.js";

export const SIZE = 40;
const VERSION = 1;

export function newHeader(magic, count, cost) {
  const raw = new Uint8Array(SIZE);
  const view = new DataView(raw.buffer);
  raw.set(utf8(magic), 0);
  raw[8] = VERSION;
  raw[9] = ALGORITHM_ARGON2ID13;
  raw[10] = count;
  view.setUint32(12, cost.opslimit, false);
  view.setBigUint64(16, BigInt(cost.memlimit), false);
  raw.set(randomBytes(SALT_SIZE), 24);
  return parseHeader(raw, magic, count);
}

/** The header at the start of `data`, or null unless it is of this kind and version with an
 * acceptable cost. */
export function parseHeader(data, magic, count) {
  if (data.length < SIZE) {
    return null;
  }
  const raw = data.slice(0, SIZE);
  const view = new DataView(raw.buffer);
  const memlimit = view.getBigUint64(16, false);
  const cost = {
    opslimit: view.getUint32(12, false),
    memlimit: memlimit > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(memlimit),
  };
  if (
    !equal(raw.subarray(0, 8), utf8(magic)) ||
    raw[8] !== VERSION ||
    raw[9] !== ALGORITHM_ARGON2ID13 ||
    raw[10] !== count ||
    raw[11] !== 0 ||
    !acceptable(cost)
  ) {
    return null;
  }
  const salt = raw.slice(24, 40);
  return { raw, cost, salt, keyFor: (passphrase) => passphraseKey(passphrase, salt, cost) };
}
