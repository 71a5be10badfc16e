// Settings: change the passphrase. The open wallet's slot is sealed again under the new
// passphrase's key (the same file header, so the command line opens it with the new passphrase;
// the duress wallet's slot untouched), sent to the host under If-Match (a change made elsewhere is
// shown, nothing overwritten), then the host swaps the old passphrase's login verifier for the new
// one (the duress passphrase's kept). Only then does this phone keep the new file. A passkey set up
// here unwrapped the old slot key, which opens nothing any more: it is forgotten.
import * as device from "../device.js";
import { busy, h } from "../dom.js";
import * as host from "../host.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import { MINIMUM_PASSPHRASE, errorBox, passphraseField, problemText } from "./parts.js";
import { keepChecks } from "./wallet.js";

function sameKey(a, b) {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

export function passphraseSection() {
  const error = errorBox();
  const current = passphraseField("old-passphrase", t("passphrase.current"), null, "current-password");
  const fresh = passphraseField("changed-passphrase", t("passphrase.new"), t("create.passphrase_hint"), "new-password");
  const again = passphraseField("changed-passphrase-again", t("create.again"), null, "new-password");
  const submit = h("button", { type: "submit", id: "change-passphrase" }, t("passphrase.submit"));
  const form = h("form", {}, current.label, fresh.label, again.label, error.box, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(submit, async () => {
      const words = fresh.input.value.normalize("NFC");
      if ([...words].length < MINIMUM_PASSPHRASE) return error.say(t("create.too_short", { count: MINIMUM_PASSPHRASE }));
      if (words !== again.input.value.normalize("NFC")) return error.say(t("create.mismatch"));
      // The host must learn the new passphrase's verifier with the file, or it would not sign in.
      if (!session.current.token) return error.say(t("passphrase.offline"));
      error.say(t("create.working"), "notice");
      try {
        const engine = await session.engine();
        const open = session.current;
        if (!sameKey(await open.file.slotKey(current.input.value.normalize("NFC")), open.opened.key)) {
          return error.say(t("unlock.wrong"));
        }
        const changed = await open.file.changePassphrase(open.opened, words);
        const bytes = changed.file.bytes();
        const uploaded = await host.upload(open.token, bytes, open.etag);
        const oldVerifier = engine.verifierOf(engine.loginKey(open.opened.key));
        const newVerifier = engine.verifierOf(engine.loginKey(changed.opened.key));
        open.etag = await host.swapVerifier(open.token, oldVerifier, newVerifier, uploaded);
        await device.save({ container: bytes, account: open.account, etag: open.etag, pending: false });
        await device.forgetPasskey();
        open.opened.key.fill(0);
        open.file = changed.file;
        open.opened = changed.opened;
        await keepChecks(engine, changed.opened);
        for (const input of [current.input, fresh.input, again.input]) input.value = "";
        error.say(t("passphrase.done"), "notice");
      } catch (failure) {
        error.say(failure?.status === 412 ? t("error.conflict") : problemText(failure));
      }
    });
  });
  return [h("h2", {}, t("passphrase.title")), h("p", {}, t("passphrase.intro")), form];
}
