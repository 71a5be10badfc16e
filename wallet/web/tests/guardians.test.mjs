// Guardian shares under Node (src/core/guardians.js): the npm `slip39` package runs in a worker
// thread (tests/slip39-thread.mjs), so its prototype methods never reach the thread that asks; a
// realm that cannot start is a WalletError, never a silent pass.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

import { startThread } from "./slip39-thread.mjs";
import { checkShareWords, combineShares, slip39Words } from "../src/core/guardians.js";
import { useSlip39Realm } from "../src/core/slip39.js";

const VECTORS = JSON.parse(readFileSync(new URL("../../../tests/webwallet/slip39/vectors.json", import.meta.url), "utf8"));
const BUILT_INS = { Array, String, Number, Object, Function, Uint8Array, TypedArray: Object.getPrototypeOf(Uint8Array) };

/** The own property names of the built-ins and their prototypes. */
function builtIns() {
  return Object.fromEntries(
    Object.entries(BUILT_INS).flatMap(([name, made]) => [
      [name, Object.getOwnPropertyNames(made).sort()],
      [`${name}.prototype`, Object.getOwnPropertyNames(made.prototype).sort()],
    ]),
  );
}

describe("SLIP-39 in a realm of its own", () => {
  it("recovers a vector's secret and leaves this thread's built-ins as they were", async () => {
    const before = builtIns();
    const [, mnemonics, secretHex] = VECTORS.find(([, , secret]) => secret);
    const secret = await combineShares(mnemonics, { passphrase: "TREZOR" });
    assert.equal(Buffer.from(secret).toString("hex"), secretHex);
    const words = await slip39Words();
    assert.equal(words.length, 1024);
    assert.equal(new Set(words).size, 1024);
    assert.deepEqual((await checkShareWords(`${words[0]} zebrra`)).unknown, [{ position: 2, word: "zebrra" }]);
    assert.deepEqual(builtIns(), before);
    assert.equal("slip39DecodeHex" in [], false);
    assert.equal("slip39EncodeHex" in String.prototype, false);
  });

  it("refuses a wrong set through the realm", async () => {
    const [, mnemonics] = VECTORS.find(([, shares, secret]) => !secret && shares.length > 1);
    await assert.rejects(combineShares(mnemonics, { passphrase: "TREZOR" }), { name: "WalletError", code: "shares" });
  });

  it("says so when the realm cannot start", async () => {
    const [, mnemonics] = VECTORS.find(([, , secret]) => secret);
    useSlip39Realm(() => startThread(new URL("./no-such-realm.mjs", import.meta.url)));
    try {
      await assert.rejects(
        combineShares(mnemonics.map((share) => `${share} `), { passphrase: "TREZOR" }),
        (failure) => failure.name === "WalletError" && failure.code === "guardian-words",
      );
    } finally {
      useSlip39Realm(() => startThread());
    }
  });
});
