// Unit tests of the engine in Node (`node --test wallet/web/tests/`): what needs no Python.
// The cross-tests against the Python wallet are tests/webwallet/test_core_*.py.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import * as core from "../src/core/index.js";
import { derive } from "../src/core/kdf.js";
import * as base45 from "../src/core/nv1/base45.js";
import { pythonJson } from "../src/core/payload.js";
import { sodium } from "../src/core/sodium.js";

before(async () => {
  await core.ready();
});

describe("keys", () => {
  it("derive is libsodium's crypto_kdf for a 32-byte key", () => {
    const key = sodium().randombytes_buf(32);
    for (const id of [0, 1, 7, 2 ** 40]) {
      assert.deepEqual(derive(key, "nslogin_", id), sodium().crypto_kdf_derive_from_key(32, BigInt(id), "nslogin_", key));
    }
  });

  it("the login key and its verifier", () => {
    const slotKey = sodium().randombytes_buf(32);
    const login = core.loginKey(slotKey);
    assert.equal(login.length, 32);
    assert.deepEqual(core.verifierOf(login), sodium().crypto_hash_sha256(login));
    const three = core.verifiers([login]);
    assert.equal(three.length, 3);
    assert.equal(three.filter((v) => v.every((b, i) => b === core.verifierOf(login)[i])).length, 1);
    assert.throws(() => core.verifiers([]));
    assert.throws(() => core.verifiers([login, login, login, login]));
  });
});

describe("wallet file", () => {
  it("creates, opens, seals and refuses the wrong passphrase", async () => {
    const { file, opened } = await core.WalletFile.create({ cost: "minimum" }).start("a long passphrase", core.newState());
    const bytes = file.bytes();
    assert.equal(bytes.length, core.FILE_SIZE);
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "NSWALLET");
    const again = await core.WalletFile.parse(bytes).open("a long passphrase");
    assert.equal(core.holderDid(again.state), core.holderDid(opened.state));
    assert.equal(await core.WalletFile.parse(bytes).open("another passphrase"), null);
    const sealed = file.seal(opened, { ...opened.state, partners: ["shelter"] });
    assert.deepEqual(sealed.header(), file.header());
    assert.deepEqual((await sealed.open("a long passphrase")).state.partners, ["shelter"]);
  });

  it("refuses a short passphrase, an unknown cost and a file of another size", async () => {
    await assert.rejects(core.WalletFile.create({ cost: "minimum" }).start("short", core.newState()), /at least 8/);
    assert.throws(() => core.WalletFile.create({ cost: "cheap" }), /cost must be one of/);
    assert.throws(() => core.WalletFile.parse(new Uint8Array(100)), core.WalletError);
  });
});

describe("state", () => {
  it("writes JSON as Python's json.dumps(sort_keys=True, separators=(',', ':')) does", () => {
    assert.equal(pythonJson({ b: 1, a: ["é", "\u007f", "😀"] }), '{"a":["\\u00e9","\\u007f","\\ud83d\\ude00"],"b":1}');
  });

  it("forgets a credential and refuses an unknown one", () => {
    const credential = {
      id: "urn:uuid:00000000-0000-4000-8000-000000000000",
      type: ["VerifiableCredential"],
      issuer: "did:key:z6Mk",
      credentialSubject: { id: "did:key:z6Mk", identityDocument: { givenName: "Amina" } },
    };
    const state = { ...core.newState(), credentials: [{ credential, received: "", documents: [] }] };
    const [card] = core.credentials(state);
    assert.equal(card.facts.givenName, "Amina");
    assert.equal(core.credentials(core.forget(state, card.id)).length, 0);
    assert.equal(core.credentials(state).length, 1, "the state given is not changed");
    assert.throws(() => core.forget(state, "00000000"), /No credential/);
  });
});

describe("NV1", () => {
  it("Base45 is RFC 9285's (its examples) and strict", () => {
    assert.equal(base45.encode(new TextEncoder().encode("AB")), "BB8");
    assert.equal(base45.encode(new TextEncoder().encode("Hello!!")), "%69 VD92EX0");
    assert.equal(new TextDecoder().decode(base45.decode("QED8WEX0")), "ietf!");
    assert.throws(() => base45.decode("GGW"), /out of range/);
    assert.throws(() => base45.decode("A"), /length/);
    assert.throws(() => base45.decode("aaa"), /alphabet/);
  });

  it("round-trips a presentation with every compact form", () => {
    const key = "did:key:z6MkeTG3bFFSLYVU7VqhgZxqr6YzpaGrQtFMh1uvqGy1vDnP";
    const vp = {
      "@context": ["https://www.w3.org/ns/credentials/v2"],
      id: "urn:uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca427",
      holder: key,
      proof: { verificationMethod: `${key}#${key.slice(8)}`, created: "2026-12-07T01:02:03Z", proofValue: `z${"2".repeat(80)}` },
      dates: ["1990-04-01", "0001-01-01", "9999-12-31T23:59:59Z", "2026-02-30", "2026-13-01"],
      again: [key, key],
      ipfs: "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
      digest: "uEiDuSz_ON4PdURx5JnMrT-pOb7nJaZYxFN7G2bIjUuUcxw",
      "__proto__": "a member, not a prototype",
      numbers: [0, -1, 2 ** 53 - 1, 1.5, -0.25, 1e300],
      nested: { a: [null, true, false, ""] },
    };
    const text = core.nv1Encode(vp);
    assert.match(text, /^NV1:[0-9A-Z $%*+\-./:]+$/);
    assert.deepEqual(core.nv1Decode(text), JSON.parse(JSON.stringify(vp)));
  });

  it("refuses what is not NV1", () => {
    assert.throws(() => core.nv1Decode("NV2:AAA"), (e) => e.kind === "other-version");
    assert.throws(() => core.nv1Decode("hello"), (e) => e.kind === "not-nansen");
    assert.throws(() => core.nv1Decode(`NV1:${"A".repeat(4300)}`), /longer than any QR code/);
    assert.throws(() => core.nv1Encode([1, 2]), /JSON object/);
    const deep = JSON.parse(`${"[".repeat(70)}${"]".repeat(70)}`);
    assert.throws(() => core.nv1Encode({ deep }), /nested more than 64/);
  });
});
