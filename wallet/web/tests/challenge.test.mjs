// The present screen's reading of a verifier's challenge (src/ui/challenge.js), in the forms
// nansen/qr/challenge.py defines; tests/webwallet/test_core_units.py checks both agree.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { parseChallenge } from "../src/ui/challenge.js";

describe("challenge", () => {
  it("reads the NC1 text of a verifier page's QR code, the domain with its port", () => {
    assert.deepEqual(parseChallenge(" NC1:7KQ2M9XD4RTB:shelter.example:8443 "), {
      challenge: "7KQ2M9XD4RTB",
      domain: "shelter.example:8443",
    });
  });

  it("reads a typed short code as issued, with the domain typed apart", () => {
    assert.deepEqual(parseChallenge("7kq2-m9xd 4rtb", " shelter.example "), { challenge: "7KQ2M9XD4RTB", domain: "shelter.example" });
    assert.deepEqual(parseChallenge("1O1L-I00o-AAAA", "localhost").challenge, "10111000AAAA");
  });

  it("keeps reading the JSON of POST /challenges", () => {
    const answer = { challenge: "n-1_abcdefghijklmnopqrstuvwxyz0123456789ABCD", domain: "localhost", expires: "2026-12-07T03:00:00Z" };
    assert.deepEqual(parseChallenge(JSON.stringify(answer)), { challenge: answer.challenge, domain: "localhost" });
  });

  for (const [text, domain] of [
    ["7KQ2-M9XD-4RTB", ""],
    ["7KQ2-M9XD-4RT", "localhost"],
    ["7KQ2-M9XD-4RTBB", "localhost"],
    ["7KQ2-M9XD-4RTU", "localhost"],
    ["7KQ2-M9XD-4RTB", "local host"],
    ["7KQ2-M9XD-4RTB", 'evil.example/"'],
    ["NC1:", ""],
    ["NC1:7KQ2M9XD4RTB", ""],
    ["NC1:7KQ2M9XD4RTB:", ""],
    ["NC1:7KQ2M9XD4RT:localhost", ""],
    ["NC1:7KQ2-M9XD-4RTB:localhost", ""],
    ["NC1:7KQ2M9XD4RTB:" + "a".repeat(254), ""],
    ['{"domain": "localhost"}', ""],
    ["{", ""],
  ]) {
    it(`refuses ${JSON.stringify(text).slice(0, 40)} with domain ${JSON.stringify(domain).slice(0, 20)}`, () => {
      assert.throws(() => parseChallenge(text, domain), SyntaxError);
    });
  }
});
