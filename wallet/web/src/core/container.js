// The wallet file, format version 1 (wallet/container.py): a 40-byte header and three equal
// XChaCha20-Poly1305 slots, 786,400 bytes in all. A passphrase costs one Argon2id run and is tried
// on every slot, whatever happens, so opening takes the same work with or without a duress wallet.
import * as aead from "./aead.js";
import { concat, randomBelow, randomBytes } from "./bytes.js";
import { WalletError } from "./errors.js";
import * as header from "./header.js";
import { LEVELS } from "./kdf.js";
import * as payload from "./payload.js";
import { newState, withSlots } from "./state.js";

export const MAGIC = "NSWALLET";
export const SLOTS = 3;
export const SLOT_SIZE = payload.CAPACITY + aead.OVERHEAD;
export const FILE_SIZE = header.SIZE + SLOTS * SLOT_SIZE;
export const MIN_PASSPHRASE = 8;
const DAMAGED = "The wallet file is damaged or is not a Nansen wallet.";

export function checkNewPassphrase(passphrase) {
  if ([...passphrase.normalize("NFC")].length < MIN_PASSPHRASE) {
    throw new WalletError(`Choose a passphrase of at least ${MIN_PASSPHRASE} characters.`, "weak-passphrase");
  }
}

function costNamed(cost) {
  if (typeof cost === "object" && cost !== null) {
    return cost;
  }
  const found = LEVELS[cost ?? "moderate"];
  if (!found) {
    throw new WalletError(`The cost must be one of: ${Object.keys(LEVELS).join(", ")}.`, "cost");
  }
  return found;
}

/** Two different slots at random: the new wallet's own and its reserved one (wallet.wallet._slots). */
function randomSlots() {
  const own = randomBelow(SLOTS);
  const reserved = (own + 1 + randomBelow(SLOTS - 1)) % SLOTS;
  return [own, reserved];
}

export class WalletFile {
  #header;
  #slots;

  constructor(parsedHeader, slots) {
    this.#header = parsedHeader;
    this.#slots = Object.freeze([...slots]);
  }

  /** A file whose every slot is random: no wallet yet, indistinguishable from a used one. */
  static create({ cost } = {}) {
    const made = header.newHeader(MAGIC, SLOTS, costNamed(cost));
    return new WalletFile(made, Array.from({ length: SLOTS }, () => randomBytes(SLOT_SIZE)));
  }

  static parse(bytes) {
    const found = header.parseHeader(bytes, MAGIC, SLOTS);
    if (found === null || bytes.length !== FILE_SIZE) {
      throw new WalletError(DAMAGED, "damaged");
    }
    const body = bytes.subarray(header.SIZE);
    return new WalletFile(
      found,
      Array.from({ length: SLOTS }, (_, i) => body.slice(i * SLOT_SIZE, (i + 1) * SLOT_SIZE)),
    );
  }

  bytes() {
    return concat(this.#header.raw, ...this.#slots);
  }

  header() {
    return this.#header.raw.slice();
  }

  /** The slot key of a passphrase (one Argon2id run at the header's cost). */
  async slotKey(passphrase) {
    return this.#header.keyFor(passphrase);
  }

  /** {slot, key, state} for the slot this passphrase opens, or null; every slot is tried. */
  async open(passphrase) {
    return this.openWithKey(await this.slotKey(passphrase));
  }

  openWithKey(key) {
    let found = null;
    this.#slots.forEach((record, index) => {
      const plaintext = aead.unseal(key, record, this.#associated(index));
      if (plaintext !== null && found === null) {
        found = { slot: index, key, state: payload.unpack(plaintext) };
      }
    });
    return found;
  }

  /** This file with `opened.slot` sealing `newState`; every other slot's bytes kept. */
  seal(opened, newState) {
    return this.#withSlot(opened.slot, opened.key, newState);
  }

  /** A new wallet in this (empty) file: {file, opened}. */
  async start(passphrase, state) {
    checkNewPassphrase(passphrase);
    const [own, reserved] = randomSlots();
    const key = await this.slotKey(passphrase);
    const first = withSlots(state, reserved, null);
    return { file: this.#withSlot(own, key, first), opened: { slot: own, key, state: first } };
  }

  /** As `nansen wallet duress`: a fresh, empty wallet that the duress passphrase opens, in a slot
   * the real wallet never otherwise writes; both slots written at once. {file, opened} (the real
   * wallet, its state now naming the duress slot). */
  async addDuress(openedReal, duressPassphrase) {
    checkNewPassphrase(duressPassphrase);
    const key = await this.slotKey(duressPassphrase);
    const real = openedReal.state;
    let target = real.duress;
    if (target === null || target === undefined) {
      target = [...Array(SLOTS).keys()].find((i) => i !== openedReal.slot && i !== real.reserved);
    }
    const opened = this.openWithKey(key);
    const sameKey = key.every((value, i) => value === openedReal.key[i]);
    if (sameKey || (opened !== null && opened.slot !== target)) {
      throw new WalletError("Choose another duress passphrase.", "weak-passphrase");
    }
    const decoy = withSlots(newState(), openedReal.slot, null);
    const realState = { ...real, duress: target };
    const file = this.#withSlot(target, key, decoy).#withSlot(openedReal.slot, openedReal.key, realState);
    return { file, opened: { ...openedReal, state: realState } };
  }

  /** The open wallet under a new passphrase: its slot sealed again under the new passphrase's key
   * (same header, so the same Argon2id salt and cost; every other slot's bytes kept, so a duress
   * wallet stays as it was). {file, opened} with opened.key the new slot key. Refuses a passphrase
   * that is the current one or opens another slot (the duress passphrase). */
  async changePassphrase(opened, newPassphrase) {
    checkNewPassphrase(newPassphrase);
    const key = await this.slotKey(newPassphrase);
    if (key.every((value, i) => value === opened.key[i]) || this.openWithKey(key) !== null) {
      throw new WalletError("Choose another passphrase.", "weak-passphrase");
    }
    return { file: this.#withSlot(opened.slot, key, opened.state), opened: { ...opened, key } };
  }

  #withSlot(index, key, state) {
    const slots = [...this.#slots];
    slots[index] = aead.seal(key, payload.pack(state), this.#associated(index));
    return new WalletFile(this.#header, slots);
  }

  #associated(index) {
    return concat(this.#header.raw, new Uint8Array([index]));
  }
}
