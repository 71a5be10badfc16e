// Guardian shares (wallet/guardians.py): SLIP-0039 mnemonics, one group, threshold K, no SLIP-39
// passphrase, a 16-byte master secret, as Trezor's `shamir-mnemonic` makes them for the command
// line. SLIP-39 itself is the npm `slip39` package (checked against SLIP-0039's official vectors in
// tests/webwallet/test_core_guardians.py); in the browser its use of Node's `crypto` and `Buffer` is
// mapped to @noble/hashes by build.mjs (src/core/node-crypto.js). It is loaded only when a share is
// checked or combined (the guardian screen), because it adds methods to Array.prototype and
// String.prototype.
import { WalletError } from "./errors.js";

/** Words in one share of a 16-byte master secret (SLIP-0039, "Format of the share mnemonic"). */
export const SHARE_WORDS = 20;
const FAILED =
  "The guardian shares do not recover the secret: a share is mistyped, missing, or from another set.";

/** One share's words, lower case, single-spaced. */
function wordsOf(text) {
  return String(text).toLowerCase().split(/\s+/u).filter(Boolean);
}

let wordSet = null;

/** SLIP-0039's 1,024 words, as the `slip39` package has them. */
async function wordlist() {
  if (wordSet === null) {
    const { default: helper } = await import("slip39/src/slip39_helper.js");
    wordSet = new Set(helper.WORD_LIST);
  }
  return wordSet;
}

/** What is wrong with one share as typed so far: `{count, unknown: [{position, word}]}`, positions
 * from 1. Says which word is not a SLIP-39 word; never anything about the other shares. */
export async function checkShareWords(text) {
  const known = await wordlist();
  const words = wordsOf(text);
  const unknown = words.flatMap((word, i) => (known.has(word) ? [] : [{ position: i + 1, word }]));
  return { count: words.length, unknown, complete: words.length === SHARE_WORDS && unknown.length === 0 };
}

/** The secret the shares recover (SLIP-39 passphrase `passphrase`, "" for the wallet's guardians).
 * SLIP-39's checksum and digest refuse a wrong, mixed or too small set; shares beyond the threshold
 * are not needed but each must agree. */
export async function combineShares(shares, { passphrase = "" } = {}) {
  const typed = shares.map((share) => wordsOf(share).join(" ")).filter(Boolean);
  if (typed.length === 0) {
    throw new WalletError("No guardian share was given.", "no-shares");
  }
  for (const share of typed) {
    if ((await checkShareWords(share)).unknown.length > 0) {
      throw new WalletError(FAILED, "shares");
    }
  }
  if (new Set(typed).size !== typed.length) {
    throw new WalletError(FAILED, "shares");
  }
  const { default: slip39 } = await import("slip39");
  const recover = (set) => {
    try {
      return Uint8Array.from(slip39.recoverSecret(set, passphrase));
    } catch {
      return null; // too few, too many, or a wrong or mixed set
    }
  };
  // The library combines exactly K shares: find K, then require every further share to recover the
  // same secret with K - 1 of the others, so that no typed share goes unchecked.
  for (let k = 1; k <= typed.length; k += 1) {
    const secret = recover(typed.slice(0, k));
    if (secret !== null) {
      const others = typed.slice(0, k - 1);
      const agree = typed.slice(k).every((extra) => equal(recover([...others, extra]), secret));
      if (!agree) {
        break;
      }
      return secret;
    }
  }
  throw new WalletError(FAILED, "shares");
}

function equal(a, b) {
  return a !== null && a.length === b.length && a.every((value, i) => value === b[i]);
}

/** The wallet's master secret from K guardian shares (16 bytes, as wallet.guardians.combine). */
export async function recoverMaster(shares) {
  const master = await combineShares(shares);
  if (master.length !== 16) {
    throw new WalletError(FAILED, "shares");
  }
  return master;
}
