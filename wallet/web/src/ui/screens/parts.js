// Pieces the screens share: labelled fields (a hint tied to its input), an error box read out when it changes.
import { h } from "../dom.js";

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
