// The browser bundle's stand-in for what the npm `slip39` package asks of Node's crypto
// (src/core/node-crypto.js, over @noble/hashes) gives Node's own answers, on the inputs SLIP-39's
// Feistel rounds and digest use (byte arrays given as plain arrays).
import assert from "node:assert/strict";
import * as node from "node:crypto";
import { describe, it } from "node:test";

import * as shim from "../src/core/node-crypto.js";

describe("node-crypto stand-in for slip39", () => {
  it("PBKDF2-HMAC-SHA256 as Node's pbkdf2Sync", () => {
    const password = [3, ...Buffer.from("TREZOR")];
    const salt = [...Buffer.from("shamir"), 0x12, 0x34, ...node.randomBytes(8)];
    for (const [iterations, length] of [[2500, 8], [5000, 16], [1, 32]]) {
      const ours = shim.pbkdf2Sync(password, salt, iterations, length, "sha256");
      const theirs = node.pbkdf2Sync(Buffer.from(password), Buffer.from(salt), iterations, length, "sha256");
      assert.deepEqual(Buffer.from(ours), theirs);
    }
  });

  it("HMAC-SHA256 as Node's createHmac", () => {
    const key = [...node.randomBytes(12)];
    const data = [...node.randomBytes(16)];
    const ours = shim.createHmac("sha256", key).update(data).digest();
    const theirs = node.createHmac("sha256", Buffer.from(key)).update(Buffer.from(data)).digest();
    assert.deepEqual(Buffer.from(ours), theirs);
  });

  it("refuses a hash it does not have, and gives random bytes of the length asked", () => {
    assert.throws(() => shim.pbkdf2Sync([1], [2], 1, 16, "sha1"), /Unsupported hash/);
    assert.equal(shim.randomBytes(24).length, 24);
    assert.notDeepEqual(shim.randomBytes(16), shim.randomBytes(16));
  });
});
