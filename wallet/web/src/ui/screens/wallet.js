// The open wallet: the credentials as cards, the holder's DID as a QR code, receiving, presenting,
// backing up, the duress passphrase and forgetting.
// The identity document's facts in the order a page shows them: Python's list (build.mjs).
import FACT_TERMS from "nansen:fact-terms";

import * as device from "../device.js";
import { announce, busy, h, ltr, show } from "../dom.js";
import { hooks, screen } from "../frame.js";
import * as host from "../host.js";
import { date, dateTime, t } from "../i18n.js";
import { qrCanvas } from "../qr.js";
import { parseChallenge } from "../challenge.js";
import { scanInto } from "../scan.js";
import * as session from "../session.js";
import { answerPanel, isRequestLink } from "./ask.js";
import { errorBox, factLabel, field, passphraseField, problemText } from "./parts.js";
import { passphraseSection } from "./passphrase.js";
import { settingsSection } from "./passkey.js";

/** What the cards know of each credential: id → {result, at} of the last conclusive check
 * (valid, revoked, suspended, invalid), from this device's sealed record or this session, with
 * `fresh` when this session made it; `unreachable` when this session's last try could not conclude. */
const checked = new Map();
/** The device's record being read for this session (every drawing of the cards waits for it). */
let checksRead = null;
let checksRan = false;

/** Drops what this session learnt (on lock and quick exit, with the rest of memory). */
export function forgetChecks() {
  checked.clear();
  checksRead = null;
  checksRan = false;
}

/** The device's sealed record of this slot's last results, read once per session; a result kept
 * there fills in a card that this session could not check (yet). */
function readChecks(engine) {
  checksRead ??= (async () => {
    const { file, opened } = session.current;
    const kept = engine.openChecks(await device.loadChecks(), opened, file.header());
    if (session.current?.opened !== opened) return;
    for (const [id, check] of Object.entries(kept)) {
      const now = checked.get(id);
      if (!now?.result) checked.set(id, { ...now, ...check, fresh: false });
    }
  })();
  return checksRead;
}

/** Seals this slot's conclusive results into the device's record (the other slots' kept as they are). */
export async function keepChecks(engine, opened = session.current.opened) {
  const results = {};
  for (const [id, { result, at }] of checked) if (result) results[id] = { result, at };
  const records = engine.sealChecks(await device.loadChecks(), opened, session.current.file.header(), results);
  await device.saveChecks(records);
}

/** Checks every card now (signature, issuer's key, status lists), keeps the conclusive results
 * sealed on the device, and redraws the cards if they are showing. An inconclusive try
 * (offline, a status list that does not answer or verify) never replaces what was known. */
async function checkNow() {
  checksRan = true;
  const opened = session.current?.opened;
  if (!opened) return;
  const engine = await session.engine();
  await readChecks(engine); // what the device kept is in the map before anything is sealed again
  const found = await engine.checkAll(opened.state, { fetch: fetch.bind(globalThis) });
  if (session.current?.opened !== opened) return; // locked, or the wallet changed meanwhile
  const at = new Date().toISOString();
  for (const [id, { result }] of Object.entries(found)) {
    const before = checked.get(id);
    if (result === "unknown") checked.set(id, { ...before, unreachable: at, fresh: false });
    else checked.set(id, { result, at, fresh: true });
  }
  await keepChecks(engine, opened);
  if (hooks.redraw === homeDraw) home(shownNotice);
}

function wallet() {
  return session.current.opened.state;
}

function menu() {
  return h("nav", { class: "actions", "aria-label": t("home.menu") }, [
    h("button", { type: "button", id: "go-home", class: "secondary", onclick: () => home() }, t("home.title")),
    h("button", { type: "button", id: "go-receive", onclick: receive }, t("receive.title")),
    h("button", { type: "button", id: "go-did", class: "secondary", onclick: did }, t("did.title")),
    h("button", { type: "button", id: "go-backup", class: "secondary", onclick: backup }, t("backup.title")),
    h("button", { type: "button", id: "go-settings", class: "secondary", onclick: settingsScreen }, t("settings.title")),
    h("button", { type: "button", id: "lock", class: "secondary", onclick: () => hooks.lock() }, t("app.lock")),
  ]);
}

function factRank([name]) {
  const rank = FACT_TERMS.indexOf(name);
  return rank === -1 ? FACT_TERMS.length : rank;
}

function kindOf(card) {
  const kind = card.facts.documentType ?? card.types.find((type) => type !== "VerifiableCredential") ?? card.types[0];
  const key = `document.${kind}`;
  const label = t(key);
  return label === key ? String(kind ?? t("card.credential")) : label;
}

/** What a check found, said as of `date` (a check made in this session). */
function freshText(result, values) {
  if (result === "valid") return t("card.valid", values);
  if (result === "revoked") return t("card.revoked", values);
  if (result === "suspended") return t("card.suspended", values);
  return t("card.invalid", values);
}

/** What a kept check found, in a word, for "last checked …: {result}". */
function resultWord(result) {
  if (result === "valid") return t("card.result_valid");
  if (result === "revoked") return t("card.result_revoked");
  if (result === "suspended") return t("card.result_suspended");
  return t("card.result_invalid");
}

/** [kind, sentence]: what the card says of the credential's validity. Only a check made in this
 * session says "valid"; a result kept from before says when it was made and that it is not fresh. */
function validity(card) {
  const now = Date.now();
  if (card.validUntil && Date.parse(card.validUntil) < now) return ["invalid", t("card.expired", { date: date(card.validUntil) })];
  if (card.validFrom && Date.parse(card.validFrom) > now) return ["invalid", t("card.not_yet", { date: date(card.validFrom) })];
  const check = checked.get(card.id) ?? {};
  const last = check.result ? t("card.last", { date: dateTime(check.at), result: resultWord(check.result) }) : "";
  if (check.fresh) return [check.result === "valid" ? "valid" : "invalid", freshText(check.result, { date: dateTime(check.at) })];
  if (check.unreachable) return ["unknown", [t("card.unreachable", { date: dateTime(check.unreachable) }), last].filter(Boolean).join(" ")];
  if (check.result) return [check.result === "valid" ? "stale" : "invalid", last];
  return ["unknown", t("card.not_checked")];
}

function cardOf(card, { withActions }) {
  const [kind, text] = validity(card);
  const facts = Object.entries(card.facts)
    .filter(([name]) => name !== "documentType")
    .sort((a, b) => factRank(a) - factRank(b));
  return h(
    "article",
    { class: "card", "aria-labelledby": `card-${card.id}` },
    h("h2", { id: `card-${card.id}` }, kindOf(card)),
    // Each value isolated (<bdi>): a date, a number or a Latin name keeps its own order in Arabic.
    h("dl", { class: "facts" }, facts.map(([name, value]) => [h("dt", {}, factLabel(name)), h("dd", {}, h("bdi", {}, String(value)))])),
    h("p", {}, t("card.issuer"), " ", ltr(card.issuer ?? "?", "did")),
    h("p", { class: `validity-${kind}` }, text),
    withActions
      ? h("nav", { class: "actions" }, [
          h("button", { type: "button", class: "present", onclick: () => present(card.id) }, t("present.button")),
          h("button", { type: "button", class: "secondary forget", onclick: () => forgetOne(card) }, t("forget.button")),
        ])
      : null,
  );
}

let homeDraw = null;
let shownNotice = null;

/** Made-up data in a presentation's shape: nothing of the person's, no key, no credential. */
const WARM_UP = {
  "@context": ["https://www.w3.org/ns/credentials/v2"],
  id: "urn:uuid:00000000-0000-4000-8000-000000000000",
  type: ["VerifiablePresentation"],
  holder: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
  proof: {
    type: "DataIntegrityProof",
    cryptosuite: "eddsa-jcs-2022",
    created: "2026-01-01T00:00:00Z",
    proofPurpose: "authentication",
    proofValue: `z${"1".repeat(64)}`,
  },
};
/** A presentation's usual length in the QR format (bench/qr.py: 757 characters, version 18). */
const USUAL_LENGTH = 760;
let warmedUp = false;

/** Runs presenting's code (NV1 encoding, the QR code) once on made-up data after the cards are first
 * shown, so that the person's first "Sign and show" does not meet code the browser has yet to compile
 * (with the CPU throttled 4x the first one's own work took several times the next one's: issue #14,
 * present under 500 ms).
 * Nothing is kept or shown; the time it took is the User Timing measure "nansen:warm-up"
 * (bench/webwallet.py prints it). */
function warmUpPresenting(engine) {
  if (warmedUp) return;
  warmedUp = true;
  setTimeout(() => {
    performance.mark("nansen:warm-up");
    qrCanvas(engine.nv1Encode(WARM_UP).padEnd(USUAL_LENGTH, "0"), "alphanumeric", "", "warm-up");
    performance.measure("nansen:warm-up", "nansen:warm-up");
  }, 0);
}

/** A notice from work done in the background: on the cards' screen if it is showing, else read out. */
export function tell(notice) {
  if (hooks.redraw === homeDraw) home(notice);
  else announce(notice);
}

/** The credentials, as cards. */
export function home(notice = null) {
  shownNotice = notice;
  homeDraw = async () => {
    const engine = await session.engine();
    await readChecks(engine);
    const cards = engine.credentials(wallet());
    const again = h("button", { type: "button", id: "check-now", class: "secondary" }, t("card.check_now"));
    again.addEventListener("click", () => busy(again, checkNow));
    show(
      h("h1", {}, t("home.title")),
      notice ? h("p", { class: "notice", role: "status" }, notice) : null,
      menu(),
      cards.length ? [cards.map((card) => cardOf(card, { withActions: true })), again] : h("p", { id: "no-credentials" }, t("home.empty")),
    );
    if (cards.length) warmUpPresenting(engine);
    if (!checksRan && cards.length) checkNow().catch(() => {});
  };
  screen(homeDraw);
}

/** The holder's DID as a QR code, for a partner's console to scan. */
function did() {
  screen(async () => {
    const engine = await session.engine();
    const holder = engine.holderDid(wallet());
    show(
      h("h1", {}, t("did.title")),
      menu(),
      h("p", {}, t("did.intro")),
      qrCanvas(holder, "byte", t("did.qr_label"), "did-qr"),
      h("p", { id: "holder-did", class: "did" }, ltr(holder)),
    );
  });
}

/** A scan button that fills `input` with the first QR code the camera sees. */
function scanButton(input, id) {
  const video = h("video", { hidden: true, muted: true, playsinline: true, "aria-hidden": "true" });
  let running = null;
  const button = h("button", { type: "button", id, class: "secondary" }, t("scan.start"));
  button.addEventListener("click", async () => {
    if (running) {
      running.stop();
      running = null;
      video.hidden = true;
      button.textContent = t("scan.start");
      return;
    }
    video.hidden = false;
    button.textContent = t("scan.stop");
    running = scanInto(video);
    try {
      const text = await running.found;
      if (text) {
        input.value = text;
        input.dispatchEvent(new Event("input"));
      }
    } catch {
      input.setAttribute("aria-invalid", "true");
    } finally {
      running = null;
      video.hidden = true;
      button.textContent = t("scan.start");
    }
  });
  return [button, video];
}

/** Receive: an OpenID4VCI offer (pasted or scanned) and the PIN the partner gave; the engine checks
 * the credential (signature, issuer key) before it is kept. */
function receive() {
  screen(() => {
    const error = errorBox();
    // Links, codes and PINs are written left to right on every page (an Arabic one too).
    const offer = h("textarea", { id: "offer", dir: "ltr", "aria-describedby": "offer-hint", spellcheck: "false" });
    const pin = field("pin", t("receive.pin"), t("receive.pin_hint"), { dir: "ltr", inputmode: "numeric", autocomplete: "one-time-code" });
    const submit = h("button", { type: "submit", id: "receive" }, t("receive.submit"));
    const form = h(
      "form",
      {},
      h("label", { for: "offer" }, t("receive.offer")),
      h("p", { class: "hint", id: "offer-hint" }, t("receive.offer_hint")),
      offer,
      scanButton(offer, "scan-offer"),
      pin.label,
      error.box,
      submit,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(submit, async () => {
        const link = offer.value.trim();
        if (!link.startsWith("openid-credential-offer://")) return error.say(t("receive.not_offer"));
        error.say(t("receive.working"), "notice");
        try {
          const engine = await session.engine();
          const received = await engine.receiveOffer(wallet(), link, pin.input.value.trim(), { fetch: fetch.bind(globalThis) });
          await session.persist(received.state);
          checksRan = false; // the new cards are checked (their status too) as the cards show
          home(t("receive.done"));
        } catch (failure) {
          error.say(problemText(failure));
        }
      });
    });
    show(h("h1", {}, t("receive.title")), menu(), form);
  });
}

/** Present: bound to the verifier's challenge if there is one (one way otherwise, e.g. offline);
 * for an SD-JWT credential, only the facts the person chooses. The NV1 QR code is drawn in the page.
 * A verifier's OpenID4VP link in the same field is answered over the network instead (ask.js). */
function present(credentialId) {
  screen(async () => {
    const engine = await session.engine();
    const card = engine.credentials(wallet()).find((one) => one.id === credentialId);
    if (!card) return home();
    const error = errorBox();
    const challenge = h("textarea", { id: "challenge", dir: "ltr", "aria-describedby": "challenge-hint", spellcheck: "false" });
    const domain = h("input", {
      id: "challenge-domain",
      type: "text",
      dir: "ltr",
      autocomplete: "off",
      autocapitalize: "none",
      inputmode: "url",
      spellcheck: "false",
      "aria-describedby": "challenge-domain-hint",
    });
    const choices =
      card.format === "ldp_vc"
        ? null
        : h(
            "fieldset",
            {},
            h("legend", {}, t("present.choose")),
            Object.keys(card.facts).map((name) =>
              h("label", {}, h("input", { type: "checkbox", name: "disclose", value: name, checked: true }), " ", factLabel(name)),
            ),
          );
    const output = h("div", { id: "presentation", "aria-live": "polite" });
    const submit = h("button", { type: "submit", id: "sign" }, t("present.submit"));
    const form = h(
      "form",
      {},
      h("label", { for: "challenge" }, t("present.challenge")),
      h("p", { class: "hint", id: "challenge-hint" }, t("present.challenge_hint")),
      challenge,
      scanButton(challenge, "scan-challenge"),
      h("label", { for: "challenge-domain" }, t("present.domain")),
      h("p", { class: "hint", id: "challenge-domain-hint" }, t("present.domain_hint")),
      domain,
      choices,
      error.box,
      submit,
    );
    // A verifier's OpenID4VP link discloses what it asks for: the facts to show are then its own,
    // and the button reads the request (nothing is signed before the person's Send).
    challenge.addEventListener("input", () => {
      const link = isRequestLink(challenge.value);
      if (choices) choices.hidden = link;
      submit.textContent = link ? t("ask.read") : t("present.submit");
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(submit, async () => {
        error.say("");
        output.replaceChildren(); // never leave an earlier code on screen beside a refusal
        if (isRequestLink(challenge.value)) {
          const oneWay = () => {
            challenge.value = "";
            challenge.dispatchEvent(new Event("input"));
            form.requestSubmit();
          };
          return answerPanel({ engine, wallet, card, link: challenge.value, output, error, oneWay });
        }
        let options = {};
        try {
          if (challenge.value.trim()) options = parseChallenge(challenge.value, domain.value);
        } catch {
          return error.say(t("present.bad_challenge"));
        }
        if (choices) options.disclose = [...choices.querySelectorAll("input:checked")].map((box) => box.value);
        try {
          const presentation = await engine.present(wallet(), credentialId, options);
          const text = engine.nv1Encode(presentation);
          output.replaceChildren(
            h("h2", {}, options.challenge ? t("present.show") : t("present.show_one_way")),
            qrCanvas(text, "alphanumeric", t("present.qr_label"), "presentation-qr"),
          );
          output.querySelector("h2").focus?.();
        } catch (failure) {
          error.say(problemText(failure));
        }
      });
    });
    show(h("h1", {}, t("present.title")), menu(), cardOf(card, { withActions: false }), form, output);
  });
}

function forgetOne(card) {
  screen(() => {
    const error = errorBox();
    const confirm = h("button", { type: "button", id: "forget-confirm", class: "danger" }, t("forget.confirm"));
    confirm.addEventListener("click", () =>
      busy(confirm, async () => {
        try {
          const engine = await session.engine();
          await session.persist(engine.forget(wallet(), card.id));
          checked.delete(card.id);
          await keepChecks(engine);
          home(t("forget.done"));
        } catch (failure) {
          error.say(problemText(failure));
        }
      }),
    );
    show(
      h("h1", {}, t("forget.title")),
      menu(),
      cardOf(card, { withActions: false }),
      h("p", {}, t("forget.explain")),
      error.box,
      confirm,
      h("button", { type: "button", class: "secondary", onclick: () => home() }, t("app.cancel")),
    );
  });
}

/** Backup: the state sealed under a passphrase (wallet/backup.py), pinned by the host; its CID is
 * what to write down beside the passphrase. */
function backup() {
  screen(() => {
    const error = errorBox();
    const passphrase = passphraseField("backup-passphrase", t("backup.passphrase"), t("backup.passphrase_hint"), "current-password");
    const submit = h("button", { type: "submit", id: "backup" }, t("backup.submit"));
    const result = h("div", { id: "backup-result" });
    const form = h("form", {}, passphrase.label, error.box, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(submit, async () => {
        if (!session.current.token) return error.say(t("backup.offline"));
        error.say(t("backup.working"), "notice");
        try {
          const engine = await session.engine();
          const bytes = await engine.sealBackup(wallet(), passphrase.input.value.normalize("NFC"));
          const cid = await host.pinBackup(session.current.token, bytes);
          passphrase.input.value = "";
          error.say("");
          result.replaceChildren(h("p", {}, t("backup.done")), h("p", { id: "backup-cid", class: "code" }, ltr(cid)));
        } catch (failure) {
          error.say(problemText(failure));
        }
      });
    });
    show(h("h1", {}, t("backup.title")), menu(), h("p", {}, t("backup.intro")), form, result);
  });
}

/** Settings: the passphrase, a duress passphrase (opens a decoy wallet), a passkey, and forgetting everything. */
function settingsScreen() {
  screen(() => {
    const error = errorBox();
    const duress = passphraseField("new-duress", t("create.duress"), t("create.duress_hint"), "new-password");
    const addDuress = h("button", { type: "submit", id: "add-duress" }, t("settings.add_duress"));
    const duressForm = h("form", {}, duress.label, addDuress);
    duressForm.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(addDuress, async () => {
        // The host must learn the new passphrase's verifier with the file, or it would not sign in.
        if (!session.current.token) return error.say(t("settings.duress_offline"));
        error.say(t("create.working"), "notice");
        try {
          const engine = await session.engine();
          const words = duress.input.value.normalize("NFC");
          const current = session.current;
          const { file, opened } = await current.file.addDuress(current.opened, words);
          const decoyKey = await file.slotKey(words);
          current.file = file;
          if (!(await session.persist(opened.state))) return error.say(t("error.sign_in"));
          const keys = [engine.loginKey(opened.key), engine.loginKey(decoyKey)];
          current.etag = await host.replaceVerifiers(current.token, engine.verifiers(keys), current.etag);
          // The wallets behind the passphrases changed: a passkey set up before is set up again.
          await device.forgetPasskey();
          duress.input.value = "";
          error.say(t("settings.duress_done"), "notice");
        } catch (failure) {
          error.say(problemText(failure));
        }
      });
    });
    const erase = h("button", { type: "button", id: "forget-all", class: "danger" }, t("settings.forget_all"));
    erase.addEventListener("click", () =>
      busy(erase, async () => {
        if (!erase.dataset.armed) {
          erase.dataset.armed = "yes";
          erase.textContent = t("settings.forget_all_confirm");
          return;
        }
        try {
          if (session.current.token) await host.deleteAccount(session.current.token);
          await device.erase();
          session.wipe();
          hooks.lock();
          location.reload();
        } catch (failure) {
          error.say(problemText(failure));
        }
      }),
    );
    show(
      h("h1", {}, t("settings.title")),
      menu(),
      passphraseSection(),
      h("h2", {}, t("settings.duress_title")),
      h("p", {}, t("settings.duress_intro")),
      duressForm,
      settingsSection(),
      h("h2", {}, t("settings.forget_title")),
      h("p", {}, t("settings.forget_intro")),
      erase,
      error.box,
    );
  });
}
