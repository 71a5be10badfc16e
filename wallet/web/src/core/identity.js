// The wallet's DIDs from its master secret (wallet/identity.py): the holder's did:key is the Ed25519
// seed of subkey 0 of context "nsholder"; partner i's is subkey i of "nspartnr"; the backup key is
// subkey 0 of "nsbackup".
import { b58, b64u, concat, fromB58 } from "./bytes.js";
import { WalletError } from "./errors.js";
import { derive } from "./kdf.js";
import { sodium } from "./sodium.js";
import { masterOf } from "./state.js";

const ED25519_PUB = new Uint8Array([0xed, 0x01]);
export const DID_KEY = "did:key:";

export function multikey(publicKey) {
  return `z${b58(concat(ED25519_PUB, publicKey))}`;
}

export function didOf(publicKey) {
  return DID_KEY + multikey(publicKey);
}

/** The Ed25519 public key of a did:key (or of its own verification method), or null. */
export function publicKeyOfDid(did) {
  if (typeof did !== "string" || !did.startsWith(`${DID_KEY}z`)) {
    return null;
  }
  try {
    const raw = fromB58(did.slice(DID_KEY.length + 1).split("#")[0]);
    return raw.length === 34 && raw[0] === 0xed && raw[1] === 0x01 ? raw.slice(2) : null;
  } catch {
    return null;
  }
}

/** A signer: the key pair, its DID and its did:key verification method. */
function signer(seed) {
  const pair = sodium().crypto_sign_seed_keypair(seed);
  const did = didOf(pair.publicKey);
  return {
    did,
    verificationMethod: `${did}#${did.slice(DID_KEY.length)}`,
    publicKey: pair.publicKey,
    jwk: { kty: "OKP", crv: "Ed25519", x: b64u(pair.publicKey) },
    sign: (message) => sodium().crypto_sign_detached(message, pair.privateKey),
  };
}

export function holderSigner(state) {
  return signer(derive(masterOf(state), "nsholder", 0));
}

/** Every signer of the wallet: the holder's, then one per partner (by position). */
export function signers(state) {
  const master = masterOf(state);
  return [holderSigner(state), ...(state.partners ?? []).map((_, i) => signer(derive(master, "nspartnr", i)))];
}

export function signerFor(state, did) {
  return signers(state).find((candidate) => candidate.did === did) ?? null;
}

export function holderDid(state) {
  return holderSigner(state).did;
}

export function backupKey(state) {
  return backupKeyOf(masterOf(state));
}

/** The backup key of a master secret (wallet.identity.backup_key). */
export function backupKeyOf(master) {
  return derive(master, "nsbackup", 0);
}

/** {state, did}: the DID kept for one partner (unlinkable to the holder's and the others'), made
 * and added to the state the first time it is asked for (wallet.wallet.Wallet.partner_did). */
export function partnerDid(state, label) {
  const name = String(label).trim();
  if (!name) {
    throw new WalletError("A partner's label must not be empty.", "bad-label");
  }
  const partners = state.partners.includes(name) ? state.partners : [...state.partners, name];
  const index = partners.indexOf(name);
  return { state: { ...state, partners }, did: signer(derive(masterOf(state), "nspartnr", index)).did };
}
