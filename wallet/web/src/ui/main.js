// The web wallet's entry point: the frame every screen shares (name, language switch, quick exit),
// the locks (idle time, page hidden), the service worker, then the first screen.
import * as host from "./host.js";
import { LANGUAGES, preferred, t, use } from "./i18n.js";
import * as session from "./session.js";
import { start } from "./screens/start.js";
import { forgetChecks } from "./screens/wallet.js";

import { hooks, settings } from "./frame.js";

const DEFAULT_IDLE_SECONDS = settings.idleLockSeconds;

/** Quick exit: wipe what is in memory and replace this page (no history entry is left for it). */
function quickExit() {
  session.wipe();
  forgetChecks();
  document.getElementById("main").replaceChildren();
  sessionStorage.clear();
  location.replace(settings.quickExitUrl);
}

/** Locks the wallet: the key and the state leave memory; the unlock screen comes back. */
function lock() {
  if (!session.current) return;
  session.wipe();
  forgetChecks();
  start().catch(() => {});
}

function watchIdle() {
  let timer = null;
  const restart = () => {
    clearTimeout(timer);
    timer = setTimeout(lock, settings.idleLockSeconds * 1000);
  };
  for (const event of ["pointerdown", "keydown", "input", "scroll"]) {
    addEventListener(event, restart, { passive: true, capture: true });
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") lock();
  });
  restart();
}

function languageSwitch(available) {
  const select = document.getElementById("language");
  select.setAttribute("aria-label", t("app.language"));
  select.replaceChildren();
  for (const tag of available) {
    const option = document.createElement("option");
    option.value = tag;
    option.lang = tag;
    option.textContent = new Intl.DisplayNames([tag], { type: "language" }).of(tag);
    select.append(option);
  }
  select.value = document.documentElement.lang;
  select.onchange = async () => {
    await use(select.value);
    select.setAttribute("aria-label", t("app.language"));
    hooks.redraw();
  };
}

async function boot() {
  const config = await host.config();
  Object.assign(settings, {
    quickExitUrl: config.quickExitUrl ?? settings.quickExitUrl,
    idleLockSeconds: Number(config.idleLockSeconds) || DEFAULT_IDLE_SECONDS,
    name: config.name ?? null,
  });
  const available = (config.languages ?? LANGUAGES).filter((tag) => LANGUAGES.includes(tag));
  await use(preferred(available.length ? available : LANGUAGES));
  languageSwitch(available.length ? available : LANGUAGES);
  const name = settings.name ?? t("app.name");
  document.getElementById("app-name").textContent = name;
  document.title = name;
  document.getElementById("quick-exit").addEventListener("click", quickExit);
  addEventListener("keydown", (event) => {
    if (event.key === "Escape") quickExit();
  });
  hooks.lock = lock;
  watchIdle();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  }
  await start();
}

boot();
