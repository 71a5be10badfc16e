// Bounded JSON over HTTPS with the fetch the caller gives (the app's window.fetch; the tests' own).
// HTTPS only: a QR code must not point the wallet at the local network over plain HTTP.
import { WalletError } from "./errors.js";

const TIMEOUT_MS = 30000;
export const MAX_BYTES = 1024 * 1024;

export function requireHttps(url, what) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new WalletError(`The ${what} is not a URL.`, "bad-url");
  }
  if (parsed.protocol !== "https:") {
    throw new WalletError(`The ${what} must be an https URL.`, "bad-url");
  }
  return parsed;
}

/** The body as text, refused once it passes MAX_BYTES (read piece by piece, never whole first). */
async function boundedText(response, what) {
  const reader = response.body?.getReader();
  const pieces = [];
  let total = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    total += value.length;
    if (total > MAX_BYTES) {
      await reader.cancel();
      throw new WalletError(`The ${what} is too large.`, "too-large");
    }
    pieces.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    bytes.set(piece, at);
    at += piece.length;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new WalletError(`The ${what} is not UTF-8 text.`, "not-json");
  }
}

/** {status, text} of a request over https, the body bounded (MAX_BYTES) and UTF-8. */
export async function requestText(fetch, url, what, init = {}) {
  requireHttps(url, what);
  let response;
  try {
    response = await fetch(url, { ...init, redirect: "error", signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw new WalletError(`The ${what} could not be reached.`, "unreachable");
  }
  return { status: response.status, text: await boundedText(response, what) };
}

/** {status, body} of a request; body is the parsed JSON (null if none). */
export async function requestJson(fetch, url, what, init = {}) {
  const { status, text } = await requestText(fetch, url, what, init);
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new WalletError(`The ${what} is not JSON.`, "not-json");
  }
  return { status, body };
}
