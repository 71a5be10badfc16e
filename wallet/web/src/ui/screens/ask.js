// Answering the verifier's "Ask the person's wallet" (OpenID4VP): its openid4vp:// link, scanned or
// pasted on the present screen, is read and checked by the engine (src/core/openid4vp.js); this
// panel shows who asks, where the answer goes and which facts, and sends nothing before the person
// taps Send. Offline it says that a request needs the network and offers the one-way QR code.
import { busy, h, ltr } from "../dom.js";
import { t } from "../i18n.js";
import { factLabel, problemText } from "./parts.js";

const SCHEME = "openid4vp://";

/** Whether the text of the present screen's field is a verifier's OpenID4VP request link. */
export function isRequestLink(text) {
  return text.trim().toLowerCase().startsWith(SCHEME);
}

function refusalText(failure) {
  return failure?.code === "vp-refused" ? t("ask.refused", { reason: failure.reason }) : problemText(failure);
}

function offline(output, error, oneWay) {
  error.say(t("ask.offline"));
  const button = h("button", { type: "button", id: "ask-one-way", class: "secondary", onclick: oneWay }, t("ask.one_way"));
  output.replaceChildren(button);
}

/**
 * Reads the request of `link` for the card `card` (id, format, facts) and shows the consent panel
 * in `output`: `wallet()` gives the open wallet's state, `oneWay()` makes the NV1 QR code instead.
 */
export async function answerPanel({ engine, wallet, card, link, output, error, oneWay }) {
  if (!navigator.onLine) return offline(output, error, oneWay);
  let read;
  try {
    read = await engine.readRequest(wallet(), link, { fetch: fetch.bind(globalThis) });
  } catch (failure) {
    if (failure?.code === "unreachable" && !navigator.onLine) return offline(output, error, oneWay);
    return error.say(refusalText(failure));
  }
  const choice = read.choices.find((one) => one.credentialId === card.id);
  if (!choice) return error.say(t("ask.other_card"));
  const send = h("button", { type: "button", id: "ask-send" }, t("ask.send"));
  const decline = h("button", { type: "button", id: "ask-decline", class: "secondary" }, t("ask.decline"));
  const result = h("p", { id: "ask-result", role: "status" });
  const panel = h(
    "section",
    { id: "ask", "aria-labelledby": "ask-title" },
    h("h2", { id: "ask-title", tabindex: "-1" }, t("ask.title")),
    h("p", {}, t("ask.who"), " ", ltr(read.verifier, "did")),
    h("p", {}, t("ask.where"), " ", ltr(read.origin, "did")),
    h("h3", {}, t("ask.facts")),
    h(
      "ul",
      { id: "ask-facts" },
      // Each value isolated (<bdi>): a date or a Latin name stays in its own order in Arabic.
      choice.claims.map((name) => h("li", {}, factLabel(name), ": ", h("bdi", {}, String(card.facts[name] ?? "")))),
    ),
    choice.format === "ldp_vc" ? h("p", { class: "notice", id: "ask-whole" }, t("ask.whole")) : null,
    h("p", { class: "hint" }, t("ask.consent")),
    h("nav", { class: "actions" }, send, decline),
    result,
  );
  decline.addEventListener("click", () => {
    output.replaceChildren(h("p", { id: "ask-result", role: "status" }, t("ask.declined")));
  });
  send.addEventListener("click", () =>
    busy(send, async () => {
      error.say("");
      try {
        await engine.answerRequest(wallet(), read, card.id, { fetch: fetch.bind(globalThis) });
        send.remove();
        decline.remove();
        result.textContent = t("ask.sent");
      } catch (failure) {
        error.say(refusalText(failure));
      }
    }),
  );
  output.replaceChildren(panel);
  panel.querySelector("h2").focus();
}
