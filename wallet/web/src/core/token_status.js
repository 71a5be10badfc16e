// The SD-JWT VC's status (IETF Token Status List, draft-ietf-oauth-status-list; SD-JWT VC §3.2.2.2)
// checked in the browser, as nansen/sdjwt/status_list.py and nansen/verify_sdjwt.py do: the
// Status List Token at `status.status_list.uri` is fetched over https, its `typ`, `sub`, `iat`
// and `exp` checked (§8.3), its EdDSA signature verified with the credential issuer's key (so no
// one else can speak for the issuer), `lst` inflated (ZLIB) under a cap, and the `bits` bits at
// `idx` read from the least significant bit of each byte (§4.1). 0 VALID, 1 INVALID (revoked),
// 2 SUSPENDED (§7.1). Whatever could not be had or verified is "unknown", never "clear".
import { fromB64u } from "./bytes.js";
import { requestText } from "./http.js";
import { readJwt, verifyJwt } from "./jws.js";
import { inflateBounded } from "./payload.js";

const TYP = "statuslist+jwt";
const MAX_DECODED_BYTES = 16 * 1024 * 1024;
const SKEW_SECONDS = 300;
const UNOBTAINABLE = "The status list could not be obtained, so the status cannot be confirmed.";
const UNVERIFIED = "The status list did not verify, so the status cannot be confirmed.";

const failed = (problem) => ({ status: "failed", problems: [problem] });
const unknown = (problem) => ({ status: "unknown", problems: [problem] });

/** {idx, uri} of the token's `status`, null without one, or a sentence for a malformed one. */
function reference(claims) {
  if (claims.status === undefined || claims.status === null) return null;
  const entry = claims.status?.status_list;
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    return "The credential's status is not a Token Status List reference.";
  }
  if (!Number.isSafeInteger(entry.idx) || entry.idx < 0) {
    return "The credential's status index is not a non-negative integer.";
  }
  if (typeof entry.uri !== "string" || !entry.uri.startsWith("https://")) {
    return "The credential's status list URI is not an https URL.";
  }
  return { idx: entry.idx, uri: entry.uri };
}

/** {bits, statuses} of a Status List Token for `uri`, or null when it is not one (§8.3 steps 4, 5). */
function readToken(token, uri, nowSeconds) {
  const read = readJwt(token.trim());
  if (read === null || read.header.typ !== TYP) return null;
  const { sub, iat, exp, status_list: list } = read.claims;
  if (sub !== uri || !Number.isInteger(iat) || iat > nowSeconds + SKEW_SECONDS) return null;
  if (exp !== undefined && (!Number.isInteger(exp) || exp < nowSeconds - SKEW_SECONDS)) return null;
  if (list === null || typeof list !== "object" || ![1, 2, 4, 8].includes(list.bits) || typeof list.lst !== "string") {
    return null;
  }
  let compressed;
  try {
    compressed = fromB64u(list.lst);
  } catch {
    return null;
  }
  const { output } = inflateBounded(compressed, MAX_DECODED_BYTES);
  return output === null ? null : { header: read.header, iat, bits: list.bits, statuses: output };
}

/**
 * The status of an SD-JWT VC whose issuer-signed claims are `claims` (already verified):
 * {status, problems}, status "clear" (no status, or VALID), "revoked", "suspended", "failed" (a
 * malformed reference, an index beyond the list) or "unknown". `keyFor(kid, iat)` gives the
 * issuer's key named by the list token's `kid` (or throws).
 */
export async function checkTokenStatus(claims, { fetch, keyFor, now = Date.now() }) {
  const found = reference(claims);
  if (found === null) return { status: "clear", problems: [] };
  if (typeof found === "string") return failed(found);
  let answer;
  try {
    answer = await requestText(fetch, found.uri, "status list", {
      cache: "no-cache",
      headers: { Accept: "application/statuslist+jwt" },
    });
  } catch {
    return unknown(UNOBTAINABLE);
  }
  if (answer.status !== 200) return unknown(UNOBTAINABLE);
  const listed = readToken(answer.text, found.uri, Math.floor(now / 1000));
  if (listed === null) return unknown(UNVERIFIED);
  try {
    if (!verifyJwt(answer.text.trim(), await keyFor(listed.header.kid, listed.iat))) return unknown(UNVERIFIED);
  } catch {
    return unknown(UNVERIFIED);
  }
  const perByte = 8 / listed.bits;
  const position = Math.floor(found.idx / perByte);
  if (position >= listed.statuses.length) {
    return failed("The credential's status index is beyond the end of the status list.");
  }
  const value = (listed.statuses[position] >> ((found.idx % perByte) * listed.bits)) & ((1 << listed.bits) - 1);
  if (value === 0) return { status: "clear", problems: [] };
  if (value === 1) return { status: "revoked", problems: ["The credential has been revoked."] };
  if (value === 2) return { status: "suspended", problems: ["The credential has been suspended."] };
  return unknown("The status list gives a status this wallet does not know.");
}
