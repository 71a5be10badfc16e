// Revocation and suspension checked in the browser: W3C Bitstring Status List v1.0 §3.2 (Validate
// Algorithm), as nansen/status.py check_entry and nansen/verify.py _entry_status do it. The list
// credential is fetched over https (the issuer answers CORS for its status lists), its proofs and
// its issuer's key verified as any credential's, its issuer must be the credential's (one partner
// can never revoke another's credentials), and the GZIP bitstring is expanded under a cap (§3.4)
// before the entry's bit is read (§7.1: index 0 is the most significant bit of the first byte).
// Nothing that could not be confirmed is ever "clear".
import { b64u, fromB64u } from "./bytes.js";
import { WalletError } from "./errors.js";
import { requestJson } from "./http.js";
import { inflateBounded } from "./payload.js";

const ENTRY_TYPE = "BitstringStatusListEntry";
const LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential";
const LIST_TYPE = "BitstringStatusList";
const PURPOSES = new Set(["revocation", "suspension"]);
/** §6.1: at least 131,072 entries (16 KiB). */
export const MIN_BYTES = 131_072 / 8;
/** A decompression-bomb guard: nansen.status.DEFAULT_MAX_DECODED_BYTES. */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024;
/** As nansen.config's default clock skew. */
const SKEW_MS = 300_000;
const GZIP = { windowBits: 16 + 15 };

/** A refusal of the entry or the list itself (Python's StatusListError): the credential fails. */
class StatusListError extends WalletError {
  constructor(message) {
    super(message, "status-list");
  }
}

const asList = (value) => (Array.isArray(value) ? value : [value]);
const issuerId = (issuer) => (typeof issuer === "string" ? issuer : issuer?.id);

function checkUrl(url, what) {
  let parts;
  try {
    parts = new URL(url);
  } catch {
    throw new StatusListError(`The ${what} must be a URL.`);
  }
  if (typeof url !== "string" || parts.hash) {
    throw new StatusListError(`The ${what} must be an absolute URL without a fragment.`);
  }
  return url;
}

/** §3.4: multibase base64url ("u", no padding, canonical) of one complete GZIP member. */
export function decodeList(encoded) {
  if (typeof encoded !== "string" || !encoded.startsWith("u")) {
    throw new StatusListError("The encoded status list must be multibase base64url ('u…').");
  }
  const body = encoded.slice(1);
  if (body.length > 2 * MAX_DECODED_BYTES) {
    throw new StatusListError("The encoded status list is too large.");
  }
  let compressed;
  try {
    compressed = fromB64u(body);
  } catch {
    throw new StatusListError("The encoded status list is not valid base64url without padding.");
  }
  if (b64u(compressed) !== body) {
    throw new StatusListError("The encoded status list is not canonical base64url.");
  }
  const { tooLarge, output, unused } = inflateBounded(compressed, MAX_DECODED_BYTES, GZIP);
  if (tooLarge) {
    throw new StatusListError("The status list is larger than this wallet accepts.");
  }
  if (output === null || unused !== 0) {
    throw new StatusListError("The status list is not one complete GZIP stream.");
  }
  if (output.length < MIN_BYTES) {
    throw new StatusListError("A status list must have at least 131,072 entries (§6.1).");
  }
  return output;
}

function parseIndex(value) {
  if (typeof value !== "string" || !/^[0-9]+$/.test(value)) {
    throw new StatusListError("The statusListIndex must be a non-negative integer written in base 10.");
  }
  const significant = value.replace(/^0+/, "") || "0";
  if (significant.length > 20) {
    throw new StatusListError("The status list index is outside the list.");
  }
  return Number(significant);
}

function parseDate(value, name) {
  const parsed = Date.parse(value);
  if (typeof value !== "string" || Number.isNaN(parsed)) {
    throw new StatusListError(`The status list's ${name} is not a valid date-time.`);
  }
  return parsed;
}

/** The entry's status against its (already verified) list credential: "set", "clear" or "unknown"
 * (the list is outside its own validity period); StatusListError for anything malformed. */
export function checkEntry(entry, listCredential, credentialIssuer, now) {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw new StatusListError("The credential status entry must be a JSON object.");
  }
  if (!asList(entry.type).includes(ENTRY_TYPE)) {
    throw new StatusListError("The credential status entry is not a BitstringStatusListEntry.");
  }
  const purpose = entry.statusPurpose;
  if (!PURPOSES.has(purpose)) {
    throw new StatusListError("Only the 'revocation' and 'suspension' status purposes are supported.");
  }
  if ("statusSize" in entry && entry.statusSize !== 1) {
    throw new StatusListError("Only status entries of one bit (statusSize 1) are supported.");
  }
  const index = parseIndex(entry.statusListIndex);
  const url = checkUrl(entry.statusListCredential, "entry's statusListCredential");

  if (listCredential === null || typeof listCredential !== "object" || Array.isArray(listCredential)) {
    throw new StatusListError("The status list credential must be a JSON object.");
  }
  if (!asList(listCredential.type).includes(LIST_CREDENTIAL_TYPE)) {
    throw new StatusListError("The status list credential is not a BitstringStatusListCredential.");
  }
  if ("id" in listCredential && listCredential.id !== url) {
    throw new StatusListError("The status list is not the one the credential names.");
  }
  const subject = listCredential.credentialSubject;
  if (subject === null || typeof subject !== "object" || Array.isArray(subject)) {
    throw new StatusListError("The status list credential must have one credentialSubject object.");
  }
  if (!asList(subject.type).includes(LIST_TYPE)) {
    throw new StatusListError("The status list credential's subject is not a BitstringStatusList.");
  }
  const purposes = asList(subject.statusPurpose);
  if (purposes.length === 0 || !purposes.every((p) => typeof p === "string")) {
    throw new StatusListError("The status list's statusPurpose must be one or more strings.");
  }
  if (!purposes.includes(purpose)) {
    throw new StatusListError("The status list is for a different purpose than the entry.");
  }
  const listIssuer = issuerId(listCredential.issuer);
  if (typeof listIssuer !== "string" || listIssuer !== issuerId(credentialIssuer)) {
    throw new StatusListError("The status list was issued by someone else.");
  }
  const start = listCredential.validFrom === undefined ? null : parseDate(listCredential.validFrom, "validFrom");
  const end = listCredential.validUntil === undefined ? null : parseDate(listCredential.validUntil, "validUntil");
  const bits = decodeList(subject.encodedList);
  if (index >= bits.length * 8) {
    throw new StatusListError("The status list index is outside the list.");
  }
  if ((start !== null && now < start - SKEW_MS) || (end !== null && now > end + SKEW_MS)) {
    return "unknown";
  }
  return bits[Math.floor(index / 8)] & (0x80 >> index % 8) ? "set" : "clear";
}

/**
 * Every status entry of a Data Integrity credential checked against its list (fetched, verified by
 * `verifyList`, the engine's own credential check). → {status, problems}: status "clear" (no entry,
 * or every bit 0), "revoked", "suspended", "failed" (a malformed entry or list: do not rely on it)
 * or "unknown" (a list unreachable, refused or not verified: cannot confirm).
 */
export async function checkStatus(credential, { fetch, verifyList, now = Date.now() }) {
  const entries = credential.credentialStatus === undefined ? [] : asList(credential.credentialStatus);
  const found = new Set();
  const problems = [];
  for (const entry of entries) {
    try {
      if (!asList(entry?.type).includes(ENTRY_TYPE)) {
        found.add("unknown");
        problems.push("The status entry is of a type this wallet does not know.");
        continue;
      }
      const url = checkUrl(entry.statusListCredential, "entry's statusListCredential");
      let answer;
      try {
        // "no-cache": the browser may keep a copy but asks the issuer first (ETag), so "checked now"
        // is never an old copy's answer.
        answer = await requestJson(fetch, url, "status list", {
          cache: "no-cache",
          headers: { Accept: "application/vc+ld+json, application/ld+json, application/json" },
        });
      } catch {
        // No answer, too large, not JSON, or not https (never fetched): as nansen.status_source.
        found.add("unknown");
        problems.push("The status list could not be obtained, so the status cannot be confirmed.");
        continue;
      }
      if (answer.status !== 200) {
        found.add("unknown");
        problems.push("The status list could not be obtained, so the status cannot be confirmed.");
        continue;
      }
      const listProblems = await verifyList(answer.body);
      if (listProblems.length > 0) {
        found.add("unknown");
        problems.push("The status list did not verify, so the status cannot be confirmed.");
        continue;
      }
      const bit = checkEntry(entry, answer.body, credential.issuer, now);
      const word = entry.statusPurpose === "revocation" ? "revoked" : "suspended";
      if (bit === "set") {
        found.add(word);
        problems.push(`The credential has been ${word}.`);
      } else if (bit === "unknown") {
        found.add("unknown");
        problems.push("The status list is outside its validity period, so the status cannot be confirmed.");
      }
    } catch (error) {
      found.add("failed");
      problems.push(error instanceof WalletError ? error.message : "The status entry could not be checked.");
    }
  }
  const worst = ["revoked", "failed", "suspended", "unknown"].find((status) => found.has(status));
  return { status: worst ?? "clear", problems };
}
