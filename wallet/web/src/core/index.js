// The engine's public face: the app imports only this module (README.md lists the contract).
import { randomBelow, randomBytes } from "./bytes.js";
import { loginKey, verifierOf } from "./kdf.js";
import { credentials, findHeld } from "./state.js";
import { checkCredential } from "./verify.js";

export { openBackup, openBackupWithShares, sealBackup, SIZE as BACKUP_SIZE } from "./backup.js";
export { emptyRecords, openChecks, sealChecks } from "./checks.js";
export { WalletFile, FILE_SIZE, checkNewPassphrase } from "./container.js";
export { WalletError } from "./errors.js";
export { checkShareWords, SHARE_WORDS } from "./guardians.js";
export { holderDid, partnerDid } from "./identity.js";
export { LEVELS, loginKey, verifierOf } from "./kdf.js";
export { nv1Decode, nv1Encode } from "./nv1/codec.js";
export { unwrapSlotKey, wrapSlotKey } from "./passkey.js";
export { QRCodeError } from "./nv1/errors.js";
export { receiveOffer } from "./openid4vci.js";
export { answerRequest, readRequest } from "./openid4vp.js";
export { present } from "./present.js";
export { ready } from "./sodium.js";
export { credentials, forget, newState } from "./state.js";
export { checkCredential, verifyCredential } from "./verify.js";

/** The three verifiers the host stores: SHA-256 of each login key given (one per passphrase the
 * wallet has), the rest random, in random order. */
export function verifiers(loginKeys) {
  if (loginKeys.length < 1 || loginKeys.length > 3) {
    throw new Error("one to three login keys");
  }
  const all = [...loginKeys.map(verifierOf), ...Array.from({ length: 3 - loginKeys.length }, () => randomBytes(32))];
  for (let i = all.length - 1; i > 0; i -= 1) {
    const j = randomBelow(i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}


/** Every credential the wallet holds checked now (checkCredential): {id: {result, problems}}. */
export async function checkAll(state, options = {}) {
  const found = {};
  for (const { id } of credentials(state)) {
    const { held } = findHeld(state, id);
    found[id] = await checkCredential(held.credential ?? held.sdJwt, options);
  }
  return found;
}
