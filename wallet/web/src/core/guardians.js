// Guardian shares (wallet/guardians.py): SLIP-0039 mnemonics, one group, threshold K, no SLIP-39
// passphrase, a 16-byte master secret, as Trezor's `shamir-mnemonic` makes them for the command
// line. SLIP-39 itself is the npm `slip39` package (checked against SLIP-0039's official vectors in
// tests/webwallet/test_core_guardians.py), which adds methods to Array.prototype and
// String.prototype: it runs in a realm of its own (a Web Worker; slip39.js, slip39-realm.js), started
// only when a share is checked or combined (the guardian screen).
import { WalletError } from "./errors.js";
import { withSlip39 } from "./slip39.js";

/** Words in one share of a 16-byte master secret (SLIP-0039, "Format of the share mnemonic"). */
export const SHARE_WORDS = 20;
const FAILED =
  "The guardian shares do not recover the secret: a share is mistyped, missing, or from another set.";

/** One share's words, lower case, single-spaced. */
function wordsOf(text) {
  return String(text).toLowerCase().split(/\s+/u).filter(Boolean);
}

let wordSet = null;

/** SLIP-0039's 1,024 words, as the `slip39` package has them: asked once, of `ask`'s realm or of a
 * fresh one (a failed ask is asked again at the next check). */
function wordlist(ask = null) {
  wordSet ??= (ask ?? ((request) => withSlip39((fresh) => fresh(request))))({ op: "words" }).then(
    ({ words }) => new Set(words),
    (failure) => {
      wordSet = null;
      throw failure;
    },
  );
  return wordSet;
}

/** SLIP-0039's words, in the list's order, as the realm has them. */
export async function slip39Words() {
  return [...(await wordlist())];
}

/** What is wrong with one share as typed so far: `{count, unknown: [{position, word}]}`, positions
 * from 1. Says which word is not a SLIP-39 word; never anything about the other shares. */
export async function checkShareWords(text) {
  return wordCheck(text, await wordlist());
}

function wordCheck(text, known) {
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
  if (new Set(typed).size !== typed.length) {
    throw new WalletError(FAILED, "shares");
  }
  const secret = await withSlip39(async (ask) => {
    const known = await wordlist(ask);
    if (typed.some((share) => wordCheck(share, known).unknown.length > 0)) return null;
    // null: too few, too many, or a wrong or mixed set
    const recover = async (set) => (await ask({ op: "recover", shares: set, passphrase })).secret;
    // The library combines exactly K shares: find K, then require every further share to recover the
    // same secret with K - 1 of the others, so that no typed share goes unchecked.
    for (let k = 1; k <= typed.length; k += 1) {
      const found = await recover(typed.slice(0, k));
      if (found !== null) {
        const others = typed.slice(0, k - 1);
        for (const extra of typed.slice(k)) {
          if (!equal(await recover([...others, extra]), found)) return null;
        }
        return found;
      }
    }
    return null;
  });
  if (secret === null) {
    throw new WalletError(FAILED, "shares");
  }
  return secret;
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
