// The passkey's parts of the screens: "Unlock with a passkey on this phone" in Settings, and "Use
// passkey" on the unlock screen when this device keeps a passkey record (src/ui/passkey.js).
import * as device from "../device.js";
import { busy, h } from "../dom.js";
import { t } from "../i18n.js";
import * as passkey from "../passkey.js";
import * as session from "../session.js";
import { errorBox, problemText } from "./parts.js";

/** Why WebAuthn failed, in the page's language: refused or cancelled, no PRF, or anything else. */
function failureText(failure) {
  if (failure instanceof passkey.PasskeyError) return failure.message === "locked" ? t("passkey.failed") : t("passkey.no_prf");
  if (failure?.name === "NotAllowedError" || failure?.name === "AbortError") return t("passkey.refused");
  if (failure instanceof DOMException) return t("passkey.failed");
  return problemText(failure);
}

/** Settings' section: set up (or remove) the passkey; shown only where a passkey with PRF can be made. */
export function settingsSection() {
  const section = h("section", { id: "passkey-settings", "aria-labelledby": "passkey-title", hidden: true });
  Promise.all([passkey.available(), device.loadPasskey()]).then(([can, record]) => {
    if (!can && !record) return;
    const error = errorBox();
    const button = h("button", { type: "button", id: record ? "passkey-remove" : "passkey-set-up", class: "secondary" });
    button.textContent = record ? t("passkey.remove") : t("passkey.set_up");
    button.addEventListener("click", () =>
      busy(button, async () => {
        try {
          if (button.id === "passkey-remove") {
            await device.forgetPasskey();
            error.say(t("passkey.removed"), "notice");
            button.hidden = true;
            return;
          }
          error.say(t("passkey.follow_phone"), "notice");
          await passkey.setUp();
          error.say(t("passkey.done"), "notice");
          button.hidden = true;
        } catch (failure) {
          error.say(failureText(failure));
        }
      }),
    );
    section.append(
      h("h2", { id: "passkey-title" }, t("passkey.title")),
      h("p", {}, t("passkey.intro")),
      h("p", {}, t("passkey.which_wallet")),
      button,
      error.box,
    );
    section.hidden = false;
  });
  return section;
}

/** The unlock screen's "Use passkey" button (null without a record): `opened(file, opened)` on success. */
export async function unlockButton(kept, error, opened) {
  const record = await device.loadPasskey();
  if (!record) return null;
  const button = h("button", { type: "button", id: "use-passkey", class: "secondary" }, t("passkey.use"));
  button.addEventListener("click", () =>
    busy(button, async () => {
      error.say(t("passkey.follow_phone"), "notice");
      let key = null;
      try {
        const engine = await session.engine();
        const file = engine.WalletFile.parse(kept.container);
        key = await passkey.slotKey(record, file);
        const found = key && file.openWithKey(key);
        if (!found) {
          key?.fill(0);
          return error.say(t("passkey.no_open"));
        }
        opened(file, found);
      } catch (failure) {
        key?.fill(0);
        error.say(failureText(failure));
      }
    }),
  );
  return button;
}
