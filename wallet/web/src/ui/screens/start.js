// Before the wallet is open: create one, unlock the one on this device, open one kept by the host
// on a new device, recover from a backup, import a file made by `nansen wallet init`.
import * as device from "../device.js";
import { busy, h, ltr, show } from "../dom.js";
import { screen, settings } from "../frame.js";
import * as host from "../host.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import { MINIMUM_PASSPHRASE, errorBox, field, passphraseField, problemText } from "./parts.js";
import { unlockButton } from "./passkey.js";
import { home, tell } from "./wallet.js";

/** The first screen: the open wallet, the unlock screen if this device keeps one, else the welcome. */
export async function start() {
  if (session.current) return home();
  const kept = await device.load();
  return kept ? unlock(kept) : welcome();
}

function welcome() {
  screen(() =>
    show(
      h("h1", {}, t("welcome.title")),
      h("p", {}, t("welcome.intro")),
      h("nav", { class: "actions" }, [
        h("button", { type: "button", id: "go-create", onclick: create }, t("welcome.create")),
        h("button", { type: "button", id: "go-sign-in", class: "secondary", onclick: signInHere }, t("welcome.sign_in")),
        h("button", { type: "button", id: "go-recover", class: "secondary", onclick: recover }, t("welcome.recover")),
        h("button", { type: "button", id: "go-import", class: "secondary", onclick: importFile }, t("welcome.import")),
      ]),
    ),
  );
}

/** Groups an account id for reading aloud and writing down: `k3q7-abcd-…`. */
export function grouped(account) {
  return account.replace(/[^a-z2-7]/gi, "").toLowerCase().match(/.{1,4}/g).join("-");
}


/** A new wallet file at the host's cost, `state` sealed in a random slot under `passphrase`. */
function newWallet(engine, passphrase, state) {
  return engine.WalletFile.create({ cost: settings.cost }).start(passphrase, state);
}

/** A container of which only the header is known (a new device): enough to derive a slot key. */
function headerOnly(engine, header) {
  const bytes = new Uint8Array(engine.FILE_SIZE);
  bytes.set(header);
  return engine.WalletFile.parse(bytes);
}

/** Opens an account on the host for `file` (each passphrase's login key) and uploads it; offline, the
 * wallet stays on this device only. Returns the account id or null. */
async function register(engine, file, slotKeys) {
  const verifiers = engine.verifiers(slotKeys.map((key) => engine.loginKey(key)));
  try {
    const { account, token } = await host.createAccount(verifiers);
    const etag = await host.upload(token, file.bytes(), null);
    return { account, token, etag };
  } catch (error) {
    if (error instanceof TypeError) return { account: null, token: null, etag: null };
    throw error;
  }
}

async function keep(engine, file, opened, slotKeys) {
  const registered = await register(engine, file, slotKeys);
  await device.save({ container: file.bytes(), account: registered.account, etag: registered.etag, pending: false });
  session.open({ file, opened, ...registered });
  return registered.account;
}

function accountCode(account) {
  screen(() =>
    show(
      h("h1", {}, t("account.title")),
      account
        ? [h("p", {}, t("account.write_down")), h("p", { id: "account-code", class: "code" }, ltr(grouped(account)))]
        : h("p", { class: "notice" }, t("account.offline")),
      h("button", { type: "button", id: "continue", onclick: () => home() }, t("app.continue")),
    ),
  );
}

function create() {
  screen(() => {
    const error = errorBox();
    const passphrase = passphraseField("passphrase", t("create.passphrase"), t("create.passphrase_hint"), "new-password");
    const again = passphraseField("passphrase-again", t("create.again"), null, "new-password");
    const duress = passphraseField("duress", t("create.duress"), t("create.duress_hint"), "new-password");
    const submit = h("button", { type: "submit", id: "create" }, t("create.submit"));
    const form = h("form", {}, passphrase.label, again.label, h("details", {}, h("summary", {}, t("create.duress_more")), duress.label), error.box, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(submit, async () => {
        const first = passphrase.input.value.normalize("NFC");
        const decoy = duress.input.value.normalize("NFC");
        if (first.length < MINIMUM_PASSPHRASE) return error.say(t("create.too_short", { count: MINIMUM_PASSPHRASE }));
        if (first !== again.input.value.normalize("NFC")) return error.say(t("create.mismatch"));
        if (decoy && decoy.length < MINIMUM_PASSPHRASE) return error.say(t("create.too_short", { count: MINIMUM_PASSPHRASE }));
        if (decoy && decoy === first) return error.say(t("create.duress_same"));
        error.say(t("create.working"), "notice");
        try {
          const engine = await session.engine();
          let { file, opened } = await newWallet(engine, first, engine.newState());
          const keys = [opened.key];
          if (decoy) {
            ({ file, opened } = await file.addDuress(opened, decoy));
            keys.push(await file.slotKey(decoy));
          }
          const account = await keep(engine, file, opened, keys);
          passphrase.input.value = again.input.value = duress.input.value = "";
          accountCode(account);
        } catch (failure) {
          error.say(problemText(failure));
        }
      });
    });
    show(h("h1", {}, t("create.title")), h("p", {}, t("create.intro")), form);
  });
}

/** Unlock: the passphrase opens a slot (the real wallet, or the decoy for the duress passphrase), or
 * the passkey set up on this device does (the slot it was set up from); online, the host's copy is
 * fetched and the newer of the two kept (a conflict is shown, not resolved). */
function unlock(kept) {
  screen(() => {
    const error = errorBox();
    const passphrase = passphraseField("unlock-passphrase", t("unlock.passphrase"), null, "current-password");
    const submit = h("button", { type: "submit", id: "unlock" }, t("unlock.submit"));
    const form = h("form", {}, passphrase.label, error.box, submit);
    const opened = async (file, slot) => {
      const engine = await session.engine();
      session.open({ file, opened: slot, account: kept.account, etag: kept.etag, token: null });
      passphrase.input.value = "";
      home();
      // The host's copy is checked after the cards are shown: unlocking never waits for the network.
      const current = session.current;
      reconcile(engine, kept).then((notice) => {
        if (notice && session.current === current) tell(notice);
      });
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(submit, async () => {
        const words = passphrase.input.value.normalize("NFC");
        error.say(t("unlock.working"), "notice");
        try {
          const engine = await session.engine();
          const file = engine.WalletFile.parse(kept.container);
          const slot = await file.open(words);
          if (!slot) return error.say(t("unlock.wrong"));
          await opened(file, slot);
        } catch (failure) {
          error.say(problemText(failure));
        }
      });
    });
    // No way from here to make another wallet: it would replace this one on the device.
    show(h("h1", {}, t("unlock.title")), form);
    unlockButton(kept, error, opened).then((button) => button && form.after(h("p", {}, button)));
  });
}

/** Signs in to the host (when there is an account and a network) and brings both copies in line:
 * the host's newer copy is taken (opened with the same slot key: the header, hence the key, never
 * changes), the device's unsent changes sent; both changed → a conflict notice. */
async function reconcile(engine, kept) {
  const current = session.current;
  if (!current.account) return null;
  try {
    const { token } = await host.signIn(current.account, engine.loginKey(current.opened.key));
    current.token = token;
    const stored = await host.download(token, kept.etag);
    if (stored.etag === kept.etag) {
      if (kept.pending) await session.sync(kept.container);
      return null;
    }
    if (kept.pending) return t("error.conflict");
    const file = engine.WalletFile.parse(stored.bytes);
    if (session.current !== current) return null;
    const opened = file.openWithKey(current.opened.key);
    if (!opened) return null;
    Object.assign(current, { file, opened, etag: stored.etag });
    await device.save({ container: stored.bytes, account: current.account, etag: stored.etag, pending: false });
    return t("unlock.updated");
  } catch (failure) {
    if (failure instanceof TypeError) return t("unlock.offline");
    if (failure instanceof session.ConflictError) return t("error.conflict");
    return problemText(failure);
  }
}

/** A new device: the account code and the passphrase open the wallet the host keeps. */
function signInHere() {
  screen(() => {
    const error = errorBox();
    const account = field("account", t("sign_in.account"), t("sign_in.account_hint"), { dir: "ltr" });
    const passphrase = passphraseField("sign-in-passphrase", t("unlock.passphrase"), null, "current-password");
    const submit = h("button", { type: "submit", id: "sign-in" }, t("sign_in.submit"));
    const form = h("form", {}, account.label, passphrase.label, error.box, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(submit, async () => {
        const id = account.input.value.trim().toLowerCase().replace(/[\s-]/g, "");
        const words = passphrase.input.value.normalize("NFC");
        error.say(t("unlock.working"), "notice");
        try {
          const engine = await session.engine();
          const slotKey = await headerOnly(engine, await host.header(id)).slotKey(words);
          const { token } = await host.signIn(id, engine.loginKey(slotKey));
          const stored = await host.download(token);
          const file = engine.WalletFile.parse(stored.bytes);
          const opened = await file.open(words);
          if (!opened) return error.say(t("unlock.wrong"));
          await device.save({ container: stored.bytes, account: id, etag: stored.etag, pending: false });
          session.open({ file, opened, account: id, token, etag: stored.etag });
          passphrase.input.value = "";
          home();
        } catch (failure) {
          error.say(failure?.status === 401 ? t("sign_in.wrong") : problemText(failure));
        }
      });
    });
    show(h("h1", {}, t("sign_in.title")), form, back());
  });
}

/** Recover: a backup's CID and its passphrase; the recovered wallet gets a new file and account. */
function recover() {
  screen(() => {
    const error = errorBox();
    const cid = field("backup-cid", t("recover.cid"), t("recover.cid_hint"), { dir: "ltr" });
    const passphrase = passphraseField("recover-passphrase", t("recover.passphrase"), t("recover.passphrase_hint"), "current-password");
    const submit = h("button", { type: "submit", id: "recover" }, t("recover.submit"));
    const form = h("form", {}, cid.label, passphrase.label, error.box, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(submit, async () => {
        const words = passphrase.input.value.normalize("NFC");
        error.say(t("recover.working"), "notice");
        try {
          const engine = await session.engine();
          const bytes = await host.fetchBackup(cid.input.value.trim());
          const state = await engine.openBackup(bytes, words);
          const { file, opened } = await newWallet(engine, words, state);
          const account = await keep(engine, file, opened, [opened.key]);
          passphrase.input.value = "";
          accountCode(account);
        } catch (failure) {
          error.say(failure?.status === 404 ? t("recover.not_found") : problemText(failure));
        }
      });
    });
    const guardians = h("button", { type: "button", id: "go-guardians", class: "secondary", onclick: recoverFromGuardians }, t("recover.guardians"));
    show(h("h1", {}, t("recover.title")), h("p", {}, t("recover.intro")), form, h("p", {}, guardians), back());
  });
}

/** One guardian share typed in: its words are checked against SLIP-39's list as they come, and the
 * line under it says how many there are or which one is not a guardian word. */
function shareField(engine, number) {
  const id = `share-${number}`;
  const status = h("p", { class: "hint", id: `${id}-status`, "aria-live": "polite" }, t("guardians.count", { count: 0, total: engine.SHARE_WORDS }));
  const input = h("textarea", { id, name: id, rows: "3", dir: "ltr", autocomplete: "off", spellcheck: "false", autocapitalize: "none", "aria-describedby": `${id}-status` });
  let latest = 0;
  input.addEventListener("input", async () => {
    const call = ++latest;
    const value = input.value;
    const { count, unknown } = await engine.checkShareWords(value);
    if (call !== latest) return; // a later keystroke's check speaks for the field (the first waits for the word list)
    const wrong = unknown.find(({ position }) => position < count || /\s$/.test(value));
    input.setAttribute("aria-invalid", wrong ? "true" : "false");
    status.textContent = wrong
      ? t("guardians.unknown", { position: wrong.position, word: wrong.word })
      : t("guardians.count", { count, total: engine.SHARE_WORDS });
  });
  return { input, label: h("div", { class: "field" }, h("label", { for: id }, t("guardians.share", { number })), status, input) };
}

/** Recover: a backup's CID and enough guardians' shares (SLIP-39 words); the recovered wallet gets a
 * new passphrase, a new file and a new account, as `nansen wallet recover --guardians` does. */
function recoverFromGuardians() {
  screen(async () => {
    const engine = await session.engine();
    const error = errorBox();
    const cid = field("backup-cid", t("recover.cid"), t("recover.cid_hint"), { dir: "ltr" });
    const shares = [shareField(engine, 1), shareField(engine, 2)];
    const list = h("div", { id: "shares" }, shares.map((share) => share.label));
    const add = h("button", { type: "button", id: "add-share", class: "secondary" }, t("guardians.add"));
    add.addEventListener("click", () => {
      const share = shareField(engine, shares.length + 1);
      shares.push(share);
      list.append(share.label);
      share.input.focus();
    });
    const passphrase = passphraseField("new-passphrase", t("guardians.new_passphrase"), t("create.passphrase_hint"), "new-password");
    const again = passphraseField("new-passphrase-again", t("create.again"), null, "new-password");
    const submit = h("button", { type: "submit", id: "recover-guardians" }, t("recover.submit"));
    const form = h("form", {}, cid.label, list, h("p", {}, add), passphrase.label, again.label, error.box, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(submit, async () => {
        const words = passphrase.input.value.normalize("NFC");
        if (words.length < MINIMUM_PASSPHRASE) return error.say(t("create.too_short", { count: MINIMUM_PASSPHRASE }));
        if (words !== again.input.value.normalize("NFC")) return error.say(t("create.mismatch"));
        error.say(t("recover.working"), "notice");
        try {
          const bytes = await host.fetchBackup(cid.input.value.trim());
          const state = await engine.openBackupWithShares(bytes, shares.map((share) => share.input.value));
          const { file, opened } = await newWallet(engine, words, state);
          const account = await keep(engine, file, opened, [opened.key]);
          for (const field of [...shares, passphrase, again]) field.input.value = "";
          accountCode(account);
        } catch (failure) {
          error.say(failure?.status === 404 ? t("recover.not_found") : problemText(failure));
        }
      });
    });
    show(h("h1", {}, t("guardians.title")), h("p", {}, t("guardians.intro")), form, back());
  });
}

/** Import: a wallet file made by `nansen wallet init` (786,400 bytes), opened with its passphrase. */
function importFile() {
  screen(() => {
    const error = errorBox();
    const chooser = h("input", { type: "file", id: "wallet-file", "aria-describedby": "wallet-file-hint" });
    const passphrase = passphraseField("import-passphrase", t("unlock.passphrase"), null, "current-password");
    const submit = h("button", { type: "submit", id: "import" }, t("import.submit"));
    const form = h(
      "form",
      {},
      h("label", { for: "wallet-file" }, t("import.file")),
      h("p", { class: "hint", id: "wallet-file-hint" }, t("import.file_hint")),
      chooser,
      passphrase.label,
      error.box,
      submit,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(submit, async () => {
        const chosen = chooser.files?.[0];
        if (!chosen) return error.say(t("import.no_file"));
        error.say(t("unlock.working"), "notice");
        try {
          const engine = await session.engine();
          const file = engine.WalletFile.parse(new Uint8Array(await chosen.arrayBuffer()));
          const opened = await file.open(passphrase.input.value.normalize("NFC"));
          if (!opened) return error.say(t("unlock.wrong"));
          const account = await keep(engine, file, opened, [opened.key]);
          passphrase.input.value = "";
          accountCode(account);
        } catch (failure) {
          error.say(problemText(failure));
        }
      });
    });
    show(h("h1", {}, t("import.title")), form, back());
  });
}

function back() {
  return h("p", {}, h("button", { type: "button", class: "secondary", onclick: () => welcome() }, t("app.back")));
}
