// Pieces the screens share: labelled fields (a hint tied to its input), an error box read out when it changes.
import { h } from "../dom.js";
import * as host from "../host.js";
import { t } from "../i18n.js";
import * as session from "../session.js";

/** As the engine's checkNewPassphrase (core/container.js MIN_PASSPHRASE), said before any work. */
export const MINIMUM_PASSPHRASE = 8;

export function field(id, label, hint, attributes = {}) {
  const hintId = hint ? `${id}-hint` : undefined;
  const input = h("input", { type: "text", id, name: id, autocomplete: "off", spellcheck: "false", "aria-describedby": hintId, ...attributes });
  const hintText = hint ? h("p", { class: "hint", id: hintId }, hint) : null;
  return { input, label: h("div", { class: "field" }, h("label", { for: id }, label), hintText, input) };
}

export function passphraseField(id, label, hint, autocomplete) {
  return field(id, label, hint, { type: "password", autocomplete });
}

/** An alert box: `say(text)` shows a problem, `say(text, "notice")` progress, `say("")` nothing. */
export function errorBox() {
  const box = h("p", { role: "alert", class: "error", hidden: true });
  return {
    box,
    say(text, kind = "error") {
      box.textContent = text;
      box.className = kind;
      box.hidden = !text;
    },
  };
}

/** A sentence for a failure, in the page's language (the engine's WalletError sentences are English). */
export function problemText(error) {
  if (error instanceof session.ConflictError) return t("error.conflict");
  if (error instanceof host.HostError) {
    if (error.status === 429) return t("error.too_many", { seconds: error.retryAfter ?? "60" });
    if (error.status === 401) return t("error.sign_in");
    return t("error.host", { status: error.status });
  }
  if (error instanceof TypeError) return t("error.offline");
  if (error?.name === "WalletError") {
    const key = `engine.${error.code}`;
    const translated = t(key);
    return translated === key ? error.message : translated;
  }
  return t("error.unexpected");
}

/** A fact's label in the page's language (the identity document's terms), else its own name. */
export function factLabel(name) {
  const key = `fact.${name}`;
  const label = t(key);
  return label === key ? name : label;
}
