// The passkey's wrapping of a slot key (src/core/passkey.js): only the same PRF output and the same
// wallet header unwrap it; the stored record alone (or lifted into another wallet) opens nothing.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import * as core from "../src/core/index.js";

before(async () => {
  await core.ready();
});

function random(size) {
  return crypto.getRandomValues(new Uint8Array(size));
}

describe("passkey", () => {
  it("unwraps the slot key that opens the wallet, with no passphrase", async () => {
    const { file, opened } = await core.WalletFile.create({ cost: "minimum" }).start("river stone lantern", core.newState());
    const prf = random(32);
    const wrapped = core.wrapSlotKey(prf, opened.key, file.header());
    assert.equal(wrapped.length, 24 + 32 + 16);
    const key = core.unwrapSlotKey(prf, wrapped, file.header());
    assert.deepEqual(key, opened.key);
    assert.equal(file.openWithKey(key).slot, opened.slot);
  });

  it("opens nothing with another PRF output, another wallet's header, or a changed byte", async () => {
    const { file, opened } = await core.WalletFile.create({ cost: "minimum" }).start("river stone lantern", core.newState());
    const prf = random(32);
    const wrapped = core.wrapSlotKey(prf, opened.key, file.header());
    assert.equal(core.unwrapSlotKey(random(32), wrapped, file.header()), null);
    assert.equal(core.unwrapSlotKey(new Uint8Array(32), wrapped, file.header()), null);
    const other = core.WalletFile.create({ cost: "minimum" });
    assert.equal(core.unwrapSlotKey(prf, wrapped, other.header()), null);
    const changed = wrapped.slice();
    changed[30] ^= 1;
    assert.equal(core.unwrapSlotKey(prf, changed, file.header()), null);
    assert.ok(!wrapped.some((_, i) => i + 32 <= wrapped.length && opened.key.every((b, j) => wrapped[i + j] === b)));
  });

  it("refuses a PRF output that is not 32 bytes", () => {
    assert.throws(() => core.wrapSlotKey(random(16), random(32), random(40)), /32 bytes/);
  });
});
