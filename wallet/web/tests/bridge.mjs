// The pytest cross-tests' way into the engine (tests/webwallet/test_core_*.py): one JSON request on
// stdin, one JSON answer on stdout; bytes as base64. The engine's public face, and the data it
// bundles (NV1's vocabulary, the JSON-LD contexts) to check against Python's.
import * as core from "../src/core/index.js";
import { CONTEXTS } from "../src/core/contexts.js";
import { combineShares, slip39Words } from "../src/core/guardians.js";
import { SD_JWT_ZDICT_TAIL, TERMS, ZDICT_BASE64 } from "../src/core/nv1/vocabulary.js";
import { parseChallenge } from "../src/ui/challenge.js";
import "./slip39-thread.mjs";

const fromB64 = (text) => new Uint8Array(Buffer.from(text, "base64"));
const toB64 = (bytes) => Buffer.from(bytes).toString("base64");

const operations = {
  async open({ file, passphrase }) {
    const opened = await core.WalletFile.parse(fromB64(file)).open(passphrase);
    if (opened === null) {
      return { opened: false };
    }
    const { state } = opened;
    return { opened: true, slot: opened.slot, did: core.holderDid(state), state, credentials: core.credentials(state) };
  },
  async create({ passphrase, cost, duress, state }) {
    const empty = core.WalletFile.create({ cost });
    let { file, opened } = await empty.start(passphrase, state ?? core.newState());
    if (duress) {
      ({ file, opened } = await file.addDuress(opened, duress));
    }
    return { file: toB64(file.bytes()), did: core.holderDid(opened.state), slot: opened.slot, state: opened.state };
  },
  async changePassphrase({ file, passphrase, newPassphrase }) {
    const wallet = core.WalletFile.parse(fromB64(file));
    const changed = await wallet.changePassphrase(await wallet.open(passphrase), newPassphrase);
    return { file: toB64(changed.file.bytes()), slot: changed.opened.slot };
  },
  async loginKey({ file, passphrase }) {
    const key = await core.WalletFile.parse(fromB64(file)).slotKey(passphrase);
    const login = core.loginKey(key);
    return { loginKey: toB64(login), verifier: toB64(core.verifierOf(login)) };
  },
  async partnerDid({ state, label }) {
    return core.partnerDid(state, label);
  },
  async present({ state, credentialId, challenge, domain, disclose }) {
    const presentation = await core.present(state, credentialId, { challenge, domain, disclose });
    return { presentation, nv1: core.nv1Encode(presentation) };
  },
  async nv1Encode({ presentation }) {
    return { nv1: core.nv1Encode(presentation) };
  },
  async nv1Decode({ text }) {
    return { presentation: core.nv1Decode(text) };
  },
  async readChallenges({ typed }) {
    const read = ([text, domain]) => {
      try {
        return parseChallenge(text, domain);
      } catch {
        return null;
      }
    };
    return { results: typed.map(read) };
  },
  async nv1EncodeMany({ presentations }) {
    return { texts: presentations.map((presentation) => core.nv1Encode(presentation)) };
  },
  async nv1DecodeMany({ texts }) {
    const decode = (text) => {
      try {
        return { presentation: core.nv1Decode(text) };
      } catch (error) {
        return { error: error.message, kind: error.kind ?? null };
      }
    };
    return { results: texts.map(decode) };
  },
  async contexts() {
    return { contexts: CONTEXTS };
  },
  async vocabulary() {
    return { terms: TERMS, zdict: ZDICT_BASE64, sdJwtTail: SD_JWT_ZDICT_TAIL };
  },
  async sealBackup({ state, passphrase, cost }) {
    return { backup: toB64(await core.sealBackup(state, passphrase, { cost })) };
  },
  async openBackup({ backup, passphrase, cost }) {
    return { state: await core.openBackup(fromB64(backup), passphrase, { cost }) };
  },
  async openBackupWithShares({ backup, shares }) {
    return { state: await core.openBackupWithShares(fromB64(backup), shares) };
  },
  async combineShares({ shares, passphrase }) {
    return { secret: toB64(await combineShares(shares, { passphrase })) };
  },
  async checkShareWords({ text }) {
    return core.checkShareWords(text);
  },
  async slip39Words() {
    return { words: await slip39Words() };
  },
  async receiveOffer({ state, offer, pin }) {
    return core.receiveOffer(state, offer, pin, { fetch: globalThis.fetch });
  },
  async verifyCredential({ credential }) {
    return core.verifyCredential(credential, { fetch: globalThis.fetch });
  },
  async checkCredential({ credential }) {
    return core.checkCredential(credential, { fetch: globalThis.fetch });
  },
  async checkAll({ state }) {
    return core.checkAll(state, { fetch: globalThis.fetch });
  },
  async sealChecks({ records, file, passphrase, checks }) {
    const wallet = core.WalletFile.parse(fromB64(file));
    const opened = await wallet.open(passphrase);
    const given = records ? records.map(fromB64) : undefined;
    return { records: core.sealChecks(given, opened, wallet.header(), checks).map(toB64) };
  },
  async openChecks({ records, file, passphrase }) {
    const wallet = core.WalletFile.parse(fromB64(file));
    const opened = await wallet.open(passphrase);
    return { checks: core.openChecks(records.map(fromB64), opened, wallet.header()) };
  },
};

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
await core.ready();
try {
  process.stdout.write(JSON.stringify(await operations[request.op](request)));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: error.message, code: error.code ?? null }));
}
