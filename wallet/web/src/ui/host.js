// The host's small API (WEBWALLET-PROTOCOL.md "Accounts and sign-in"): it keeps the encrypted
// container and a verifier of the login key, never a passphrase, a key or a credential in clear.
// The account id and backup CIDs travel only in JSON bodies, never in a URL (access logs).

export class HostError extends Error {
  constructor(status, problem) {
    super(problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = null;
  }
}

/** base64url without padding, both ways (RFC 4648 §5). */
export function b64u(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromB64u(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded + "=".repeat((4 - (padded.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

async function refuse(answer) {
  let problem = null;
  try {
    problem = await answer.json();
  } catch {
    // not problem+json: the status says enough
  }
  const error = new HostError(answer.status, problem);
  error.retryAfter = answer.headers.get("Retry-After");
  throw error;
}

async function json(path, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const answer = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  if (!answer.ok) await refuse(answer);
  return answer.status === 204 ? null : answer.json();
}

/** The host's settings for the app (name, quick-exit page, idle lock, languages), or defaults offline. */
export async function config() {
  try {
    const answer = await fetch("/config.json");
    if (answer.ok) return await answer.json();
  } catch {
    // offline and not cached: the defaults below
  }
  return {};
}

/** A new account: the three verifiers → {account, token}. */
export function createAccount(verifiers) {
  return json("/api/accounts", { verifiers: verifiers.map(b64u) });
}

/** The account's 40-byte container header (a stable fake one for an unknown account). */
export async function header(account) {
  const answer = await json("/api/header", { account });
  return fromB64u(answer.header);
}

/** Signs in with the login key → {token, expiresIn}. */
export function signIn(account, login) {
  return json("/api/session", { account, login: b64u(login) });
}

/** The stored container → {bytes, etag}; {bytes: null, etag} when it is still `known` (304: the
 * 786 KB are not sent again). */
export async function download(token, known = null) {
  const headers = { Authorization: `Bearer ${token}` };
  if (known) headers["If-None-Match"] = known;
  const answer = await fetch("/api/container", { headers });
  if (answer.status === 304) return { bytes: null, etag: known };
  if (!answer.ok) await refuse(answer);
  return { bytes: new Uint8Array(await answer.arrayBuffer()), etag: answer.headers.get("ETag") };
}

/** Replaces the stored container if it is still `etag` (412 otherwise) → the new ETag. */
export async function upload(token, bytes, etag) {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream" };
  if (etag) headers["If-Match"] = etag;
  else headers["If-None-Match"] = "*"; // the first upload
  const answer = await fetch("/api/container", { method: "PUT", headers, body: bytes });
  if (!answer.ok) await refuse(answer);
  return answer.headers.get("ETag");
}

/** Replaces the three verifiers (a passphrase added or changed); `etag` is the stored file's version,
 * the one sealed with the new passphrases. */
export async function replaceVerifiers(token, verifiers, etag) {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "If-Match": etag };
  const answer = await fetch("/api/verifiers", {
    method: "PUT",
    headers,
    body: JSON.stringify({ verifiers: verifiers.map(b64u) }),
  });
  if (!answer.ok) await refuse(answer);
  return answer.headers.get("ETag") ?? etag;
}

/** One passphrase changed: the verifier `oldVerifier` becomes `newVerifier` (the others kept);
 * `etag` is the stored file's version, the one sealed with the new passphrase. */
export async function swapVerifier(token, oldVerifier, newVerifier, etag) {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "If-Match": etag };
  const answer = await fetch("/api/verifier", {
    method: "PUT",
    headers,
    body: JSON.stringify({ old: b64u(oldVerifier), new: b64u(newVerifier) }),
  });
  if (!answer.ok) await refuse(answer);
  return answer.headers.get("ETag") ?? etag;
}

/** Pins a wallet backup (ciphertext) in the host's IPFS store → its CID. */
export async function pinBackup(token, bytes) {
  const answer = await fetch("/api/backups", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream" },
    body: bytes,
  });
  if (!answer.ok) await refuse(answer);
  return (await answer.json()).cid;
}

/** A backup's bytes by CID (no sign-in: a backup is ciphertext). */
export async function fetchBackup(cid) {
  const answer = await fetch("/api/backups/fetch", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ cid }),
  });
  if (!answer.ok) await refuse(answer);
  return new Uint8Array(await answer.arrayBuffer());
}

/** Deletes everything the host holds for the account. */
export async function deleteAccount(token) {
  const answer = await fetch("/api/account", { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
  if (!answer.ok && answer.status !== 404) await refuse(answer);
}
