// What the cards last learnt of each credential's validity, kept on this device between sessions
// and readable only with the slot key. The command line's wallet state keeps no field it does not
// know (wallet/state.py rebuilds the state from its own fields), so the results do not go in the
// wallet file: they are sealed beside it, one record per slot, each the wallet's fixed-size
// plaintext (payload.js: no size tells how many credentials there are), under a key libsodium's
// crypto_kdf derives from the slot key (context "nschecks", subkey 1, as the passkey wrap derives
// its own), with XChaCha20-Poly1305 bound to the wallet's header and the slot, so a record copied
// to another slot or another wallet opens nothing. Slots without a wallet hold random bytes of
// the same size: the records do not tell how many wallets the file holds.
import * as aead from "./aead.js";
import { concat, randomBytes, utf8 } from "./bytes.js";
import { derive } from "./kdf.js";
import * as payload from "./payload.js";

const CONTEXT = "nschecks";
const PURPOSE = utf8("nansen card checks v1");
export const SLOTS = 3;
export const RESULTS = new Set(["valid", "revoked", "suspended", "invalid", "unknown"]);

function associated(walletHeader, slot) {
  return concat(PURPOSE, walletHeader, new Uint8Array([slot]));
}

/** Three records of random bytes: what a device holds before any check. */
export function emptyRecords() {
  return Array.from({ length: SLOTS }, () => randomBytes(payload.CAPACITY + aead.OVERHEAD));
}

/** `records` with `opened.slot`'s record sealing `checks` ({id: {result, at}}); the others kept. */
export function sealChecks(records, opened, walletHeader, checks) {
  const key = derive(opened.key, CONTEXT, 1);
  try {
    const next = [...(records ?? emptyRecords())];
    next[opened.slot] = aead.seal(key, payload.pack({ checks }), associated(walletHeader, opened.slot));
    return next;
  } finally {
    key.fill(0);
  }
}

/** {id: {result, at}} this slot's record holds ({} when none opens, or an entry is malformed). */
export function openChecks(records, opened, walletHeader) {
  const record = records?.[opened.slot];
  if (!(record instanceof Uint8Array)) return {};
  const key = derive(opened.key, CONTEXT, 1);
  let plaintext;
  try {
    plaintext = aead.unseal(key, record, associated(walletHeader, opened.slot));
  } finally {
    key.fill(0);
  }
  if (plaintext === null) return {};
  const { checks } = payload.unpack(plaintext);
  const kept = {};
  for (const [id, check] of Object.entries(checks ?? {})) {
    if (RESULTS.has(check?.result) && typeof check.at === "string" && !Number.isNaN(Date.parse(check.at))) {
      kept[id] = { result: check.result, at: check.at };
    }
  }
  return kept;
}
