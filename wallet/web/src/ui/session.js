// What is open in memory, and only there: the wallet file, the opened slot (its key and decrypted
// state), the host session's token. `wipe` drops all of it: on lock, quick exit, idle time and when
// the page is hidden (WEBWALLET-PROTOCOL.md "Browser side").
import * as device from "./device.js";
import * as host from "./host.js";

let engineLoading = null;

/** The engine, loaded (and libsodium made ready) once. */
export function engine() {
  engineLoading ??= import("./engine.js").then(async (module) => {
    await module.ready();
    return module;
  });
  return engineLoading;
}

/** The open wallet: {file, opened, account, token, etag}, or null when locked. */
export let current = null;

export function open(session) {
  current = session;
}

export function wipe() {
  if (current?.opened?.key?.fill) current.opened.key.fill(0);
  current = null;
}

export class ConflictError extends Error {}

/** Seals `state` into the wallet, keeps it on the device, and sends it to the host if signed in
 * (true once the host has it). A 412 (another device changed the wallet) is a ConflictError: the
 * host's copy is never overwritten. */
export async function persist(state) {
  const { file, opened } = current;
  const sealed = file.seal(opened, state);
  current.file = sealed;
  current.opened = { ...opened, state };
  const bytes = sealed.bytes();
  const kept = { container: bytes, account: current.account, etag: current.etag, pending: true };
  await device.save(kept);
  return sync(bytes);
}

/** Sends the device's newer copy to the host (if signed in); `pending` stays true until it is there.
 * True once the host has it. */
export async function sync(bytes) {
  if (!current?.token || !current.account) return false;
  try {
    current.etag = await host.upload(current.token, bytes, current.etag);
  } catch (error) {
    if (error.status === 412) throw new ConflictError("conflict");
    if (error.status === 401) {
      current.token = null; // the session ended: uploaded at the next unlock
      return false;
    }
    if (error instanceof TypeError) return false; // offline: uploaded at the next unlock
    throw error;
  }
  await device.save({ container: bytes, account: current.account, etag: current.etag, pending: false });
  return true;
}
