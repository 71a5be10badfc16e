// The wallet's words in the person's language: one JSON catalogue per language in /messages/
// (the same shape as the services' catalogues, service/i18n.py: "{name}" placeholders, and CLDR plural
// categories where a message counts), chosen from the browser's languages, switched on every screen.
// A key missing from a language falls back to English; `nansen i18n check` finds the gaps.

export const LANGUAGES = ["en", "fr", "es", "ar", "uk"];
const RIGHT_TO_LEFT = new Set(["ar"]);
const STORED = "nansen-wallet-language";

let current = "en";
let messages = {};
let english = {};

async function load(lang) {
  const answer = await fetch(`/messages/${lang}.json`);
  if (!answer.ok) throw new Error(`no catalogue for ${lang}`);
  return answer.json();
}

/** The language to start in: the one chosen before on this device, else the browser's best. */
export function preferred(available = LANGUAGES) {
  const chosen = localStorage.getItem(STORED);
  if (chosen && available.includes(chosen)) return chosen;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (available.includes(base)) return base;
  }
  return "en";
}

/** Loads `lang`'s catalogue (and English, the fallback) and lays the page out in it. */
export async function use(lang) {
  if (!Object.keys(english).length) english = await load("en");
  messages = lang === "en" ? english : await load(lang);
  current = lang;
  localStorage.setItem(STORED, lang);
  document.documentElement.lang = lang;
  document.documentElement.dir = RIGHT_TO_LEFT.has(lang) ? "rtl" : "ltr";
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
}

export function language() {
  return current;
}

/** The message `key` with its `{placeholders}` filled; `count` picks a plural form. */
export function t(key, values = {}) {
  let message = messages[key] ?? english[key] ?? key;
  if (typeof message === "object") {
    const category = new Intl.PluralRules(current).select(values.count ?? 0);
    message = message[category] ?? message.other;
  }
  return message.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** A date (an ISO 8601 string or a Date) written the person's way. */
export function date(value) {
  const parsed = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(parsed.getTime())) return String(value);
  return new Intl.DateTimeFormat(current, { dateStyle: "medium" }).format(parsed);
}

/** A moment (an ISO 8601 string or a Date) with its date and time, the person's way. */
export function dateTime(value) {
  const parsed = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(parsed.getTime())) return String(value);
  return new Intl.DateTimeFormat(current, { dateStyle: "medium", timeStyle: "short" }).format(parsed);
}
