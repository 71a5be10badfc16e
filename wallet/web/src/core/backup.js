// Wallet backups, format version 2 (wallet/backup.py): shaped as an encrypted document of 5 chunks
// (327,815 bytes), no marker and no cost in clear:
//   "NSDOC" 0x01 ‖ salt (16) ‖ backup key under the passphrase's Argon2id key (72)
//   ‖ backup key under the master secret's backup key (72) ‖ state + zeros under the backup key.
// A version 1 backup (header "NSBACKUP" with its cost) is still read.
import * as aead from "./aead.js";
import { concat, randomBytes, utf8 } from "./bytes.js";
import { WalletError } from "./errors.js";
import * as header from "./header.js";
import { backupKey, backupKeyOf } from "./identity.js";
import { recoverMaster } from "./guardians.js";
import { KEY_SIZE, LEVELS, passphraseKey, SALT_SIZE } from "./kdf.js";
import * as payload from "./payload.js";
import { portableState } from "./state.js";

const PREFIX = utf8("NSDOC\x01");
const WRAP_SIZE = KEY_SIZE + aead.OVERHEAD;
const CONTEXT_SIZE = PREFIX.length + SALT_SIZE;
export const SIZE = 327815;
const PADDING = SIZE - (CONTEXT_SIZE + 2 * WRAP_SIZE + payload.CAPACITY + aead.OVERHEAD);
const V1_MAGIC = "NSBACKUP";
const V1_SIZE = header.SIZE + 2 * WRAP_SIZE + payload.CAPACITY + aead.OVERHEAD;
const BY_PASSPHRASE = utf8("p");
const BY_MASTER = utf8("m");
const BODY = utf8("b");
const DAMAGED = "The backup is damaged or was altered, or it is not a Nansen wallet backup.";
const LOCKED =
  "The backup does not open with this passphrase (a backup made at a higher cost opens once that cost is chosen).";
const NOT_THIS_BACKUP = "These guardian shares are not the ones of this backup's wallet.";

function costOf(level) {
  const cost = LEVELS[level];
  if (!cost) {
    throw new WalletError(`The cost must be one of: ${Object.keys(LEVELS).join(", ")}.`, "cost");
  }
  return cost;
}

/** A backup of everything the wallet holds but its slot numbers. */
export async function sealBackup(state, passphrase, { cost = "moderate" } = {}) {
  const salt = randomBytes(SALT_SIZE);
  const context = concat(PREFIX, salt);
  const key = randomBytes(KEY_SIZE);
  const body = concat(payload.pack(portableState(state)), new Uint8Array(PADDING));
  return concat(
    context,
    aead.seal(passphraseKey(passphrase, salt, costOf(cost)), key, concat(context, BY_PASSPHRASE)),
    aead.seal(backupKey(state), key, concat(context, BY_MASTER)),
    aead.seal(key, body, concat(context, BODY)),
  );
}

function layout(bytes) {
  if (bytes.length === SIZE && PREFIX.every((value, i) => bytes[i] === value)) {
    const context = bytes.slice(0, CONTEXT_SIZE);
    return { context, salt: context.subarray(PREFIX.length), cost: null };
  }
  const found = bytes.length === V1_SIZE ? header.parseHeader(bytes, V1_MAGIC, 1) : null;
  if (found === null) {
    throw new WalletError(DAMAGED, "damaged");
  }
  return { context: found.raw, salt: found.salt, cost: found.cost };
}

/** The portable state a backup holds, trying the cost named and then each cheaper one (a backup
 * records none); WalletError if the passphrase does not open it or it was altered. */
export async function openBackup(bytes, passphrase, { cost = "moderate" } = {}) {
  const { context, salt, cost: recorded } = layout(bytes);
  const first = costOf(cost);
  const costs = recorded
    ? [recorded]
    : [first, ...Object.values(LEVELS).filter((level) => level.memlimit < first.memlimit)];
  const wrapped = bytes.subarray(context.length, context.length + WRAP_SIZE);
  for (const candidate of costs) {
    const key = aead.unseal(passphraseKey(passphrase, salt, candidate), wrapped, concat(context, BY_PASSPHRASE));
    if (key !== null) {
      return body(bytes, context, key);
    }
  }
  throw new WalletError(LOCKED, "locked");
}

/** The portable state a backup holds, opened by the master secret that K guardian shares recover
 * (wallet.backup.open_with_master); WalletError "shares" for a wrong, mixed or too small set,
 * "other-wallet" for another wallet's shares, "damaged" for an altered backup. */
export async function openBackupWithShares(bytes, shares) {
  const { context } = layout(bytes);
  const master = await recoverMaster(shares);
  const wrapped = bytes.subarray(context.length + WRAP_SIZE, context.length + 2 * WRAP_SIZE);
  const key = aead.unseal(backupKeyOf(master), wrapped, concat(context, BY_MASTER));
  if (key === null) {
    throw new WalletError(NOT_THIS_BACKUP, "other-wallet");
  }
  return body(bytes, context, key);
}

function body(bytes, context, key) {
  const opened = aead.unseal(key, bytes.subarray(context.length + 2 * WRAP_SIZE), concat(context, BODY));
  if (opened === null) {
    throw new WalletError(DAMAGED, "damaged");
  }
  return portableState(payload.unpack(opened.subarray(0, payload.CAPACITY)));
}
