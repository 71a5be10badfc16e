// Answering a verifier's OpenID4VP 1.0 request (`openid4vp://?client_id=…&request_uri=…`) as the
// command line does (wallet/openid4vp.py, nansen/openid4vc/presentation.py): the request object is
// fetched by reference and must be signed by the did:key its `decentralized_identifier:` client id
// names (§5.9.3; `typ` oauth-authz-req+jwt, RFC 9101), for vp_token by direct_post (§8.2); the
// answer is posted to its `response_uri`. Checked here beyond the command line: an `exp` that has
// passed, an `aud` other than the static "https://self-issued.me/v2" (§5.8), and a response_uri on
// another origin than the request_uri the request was fetched from (a request object is bound to
// the verifier that served it; the answer goes nowhere else).
//
// An SD-JWT VC discloses exactly the claims the DCQL query asks for, with a KB-JWT over the nonce
// and the client id (Appendix B.3.6); a Data Integrity credential is presented whole, signed with
// eddsa-jcs-2022 for challenge = nonce and domain = client id (Appendix B.1.3), only to a verifier
// whose vp_formats_supported (Appendix B.1.3.1) takes both that and the credential's own proofs.
import { WalletError } from "./errors.js";
import { requestText, requireHttps } from "./http.js";
import { DID_KEY, publicKeyOfDid } from "./identity.js";
import { readJwt, verifyJwt } from "./jws.js";
import { present, sdJwtSigner } from "./present.js";
import { JCS } from "./proofs.js";
import { credentialId, findHeld, sdJwtClaims, sdJwtId } from "./state.js";

const SCHEME = "openid4vp:";
export const CLIENT_PREFIX = "decentralized_identifier:";
const REQUEST_TYP = "oauth-authz-req+jwt";
const STATIC_AUDIENCE = "https://self-issued.me/v2";
const MAX_URI = 4000;
const LDP_PREFIX = ["credentialSubject", "identityDocument"];

const refusal = (message, code) => new WalletError(message, code);

/** {clientId, requestUri} of an openid4vp:// link (nansen.openid4vc.presentation.parse_request_uri). */
export function parseRequestUri(text) {
  const uri = typeof text === "string" ? text.trim() : "";
  if (uri.length > MAX_URI || !uri.startsWith(`${SCHEME}//`)) {
    throw refusal("A presentation request starts with openid4vp://.", "vp-link");
  }
  const at = uri.indexOf("?");
  const query = new URLSearchParams(at < 0 ? "" : uri.slice(at + 1).split("#")[0]);
  const clientId = query.getAll("client_id");
  const requestUri = query.getAll("request_uri");
  if (clientId.length !== 1 || requestUri.length !== 1) {
    throw refusal("The presentation request must name one client_id and one request_uri.", "vp-link");
  }
  if (!requestUri[0].startsWith("https://")) {
    throw refusal("The presentation request's request_uri must be an https URL.", "vp-link");
  }
  return { clientId: clientId[0], requestUri: requestUri[0] };
}

/** The verifier's DID of a `decentralized_identifier:did:key:…` client id; WalletError otherwise. */
function verifierDid(clientId) {
  const did = clientId.startsWith(CLIENT_PREFIX) ? clientId.slice(CLIENT_PREFIX.length) : "";
  if (!did.startsWith(DID_KEY) || publicKeyOfDid(did) === null || did.includes("#")) {
    throw refusal("Only verifiers whose client id is decentralized_identifier:did:key:… are supported.", "vp-untrusted");
  }
  return did;
}

/** The claims of a request object for `clientId`, fetched from `requestUri`, checked as
 * nansen.openid4vc.presentation.read_request_object does, and for time, audience and origin. */
export function readRequestObject(token, { clientId, requestUri }, now = Date.now()) {
  const did = verifierDid(clientId);
  const read = readJwt(typeof token === "string" ? token.trim() : "");
  if (read === null || read.header.crit !== undefined) {
    throw refusal("The request object cannot be trusted: it is not a compact JWS.", "vp-untrusted");
  }
  if (read.header.typ !== REQUEST_TYP || read.header.kid !== `${did}#${did.slice(DID_KEY.length)}`) {
    throw refusal("The request object is not signed by the verifier its client id names.", "vp-untrusted");
  }
  if (!verifyJwt(token.trim(), publicKeyOfDid(did))) {
    throw refusal("The request object cannot be trusted: its signature does not verify.", "vp-untrusted");
  }
  const claims = read.claims;
  if (claims.client_id !== clientId) {
    throw refusal("The request object names another client than the request.", "vp-untrusted");
  }
  if (claims.exp !== undefined && !(typeof claims.exp === "number" && claims.exp * 1000 > now)) {
    throw refusal("The request has expired.", "vp-closed");
  }
  if (claims.aud !== undefined && claims.aud !== STATIC_AUDIENCE) {
    throw refusal("The request object is addressed to someone else.", "vp-untrusted");
  }
  if (claims.response_mode !== "direct_post" || claims.response_type !== "vp_token") {
    throw refusal("Only vp_token requests answered by direct_post are supported.", "vp-unsupported");
  }
  if (typeof claims.response_uri !== "string" || !claims.response_uri.startsWith("https://")) {
    throw refusal("The request's response_uri must be an https URL.", "vp-response-uri");
  }
  if (requireHttps(claims.response_uri, "response_uri").origin !== new URL(requestUri).origin) {
    throw refusal("The request would send the answer to another site than the verifier's.", "vp-response-uri");
  }
  if (typeof claims.nonce !== "string" || !claims.nonce || !isObject(claims.dcql_query)) {
    throw refusal("The request carries no nonce or no DCQL query.", "vp-unsupported");
  }
  return claims;
}

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const strings = (value) => Array.isArray(value) && value.every((item) => typeof item === "string");

/** The claim names a DCQL credential query asks for under `prefix`; null when one lies elsewhere. */
function claimNames(query, prefix) {
  const claims = query.claims ?? [];
  if (!Array.isArray(claims)) return null;
  const names = [];
  for (const claim of claims) {
    const path = claim?.path;
    if (!Array.isArray(path) || path.length !== prefix.length + 1 || prefix.some((part, i) => path[i] !== part)) return null;
    if (typeof path[prefix.length] !== "string") return null;
    names.push(path[prefix.length]);
  }
  return [...new Set(names)];
}

/** The formats the verifier says it takes (§11.1): a list left out takes all, a wrong one none. */
function accepted(formats, name, member) {
  const values = isObject(formats?.[name]) ? formats[name][member] : undefined;
  return values === undefined ? null : strings(values) ? new Set(values) : new Set();
}

/** Whether the verifier takes an eddsa-jcs-2022 presentation of this credential (Appendix
 * B.1.3.1; as wallet.openid4vp.presentation_suite, for the one suite the browser signs). */
function takesDataIntegrity(formats, credential) {
  const proofs = [credential.proof ?? []].flat();
  if (!isObject(formats?.ldp_vc)) return proofs.length > 0; // nothing said of ldp_vc: the default suite
  const types = accepted(formats, "ldp_vc", "proof_type_values");
  const suites = accepted(formats, "ldp_vc", "cryptosuite_values");
  const takes = (type, suite) => (types === null || types.has(type)) && (type !== "DataIntegrityProof" || suites === null || suites.has(suite));
  return takes("DataIntegrityProof", JCS) && proofs.length > 0 && proofs.every((proof) => takes(proof?.type, proof?.cryptosuite));
}

/** Whether every alternative of DCQL `type_values` (expanded IRIs) names types the credential has. */
function typesMatch(meta, credential) {
  const alternatives = meta?.type_values;
  if (alternatives === undefined) return true;
  const held = [credential.type ?? []].flat();
  const named = (iri) => held.some((type) => type === iri || iri.endsWith(`#${type}`) || iri.endsWith(`/${type}`));
  return Array.isArray(alternatives) && alternatives.some((set) => strings(set) && set.length > 0 && set.every(named));
}

/** What one held credential can answer of the query: {queryId, claims} or a reason it cannot. */
function matchOne(state, query, found, formats) {
  if (found.format === "dc+sd-jwt") {
    const token = found.held.sdJwt;
    const known = sdJwtClaims(token);
    const vcts = query.meta?.vct_values;
    const kbAlgs = accepted(formats, "dc+sd-jwt", "kb-jwt_alg_values");
    if (vcts !== undefined && !(strings(vcts) && vcts.includes(known.vct))) return "vp-not-held";
    if (sdJwtSigner(state, token) === null) return "vp-not-held";
    if (kbAlgs !== null && !kbAlgs.has("EdDSA")) return "vp-format";
    const names = claimNames(query, []);
    if (names === null || names.some((name) => !Object.hasOwn(known, name))) return "vp-not-held";
    return names.length ? { queryId: query.id, claims: names } : "vp-empty";
  }
  const credential = found.held.credential;
  if (!typesMatch(query.meta, credential)) return "vp-not-held";
  const names = claimNames(query, LDP_PREFIX);
  const facts = [credential.credentialSubject ?? []].flat().find((subject) => isObject(subject?.identityDocument))?.identityDocument ?? {};
  if (names === null || names.some((name) => !Object.hasOwn(facts, name))) return "vp-not-held";
  if (!names.length) return "vp-empty";
  return takesDataIntegrity(formats, credential) ? { queryId: query.id, claims: names } : "vp-format";
}

const REASONS = {
  "vp-empty": "The request asks for nothing: no fact is named.",
  "vp-not-held": "The verifier asks for a credential or facts this wallet does not hold.",
  "vp-format": "The verifier says it cannot check the presentation this wallet signs (eddsa-jcs-2022, EdDSA).",
};

/** [{credentialId, format, queryId, claims}] for each held credential that answers the DCQL query. */
function choicesFor(state, request) {
  const queries = (Array.isArray(request.dcql_query.credentials) ? request.dcql_query.credentials : []).filter(
    (query) => isObject(query) && typeof query.id === "string" && ["dc+sd-jwt", "ldp_vc"].includes(query.format),
  );
  if (!(request.dcql_query.credentials?.length > 0)) {
    throw refusal(REASONS["vp-empty"], "vp-empty");
  }
  const formats = request.client_metadata?.vp_formats_supported;
  const held = [
    ...(state.credentials ?? []).map((one) => findHeld(state, credentialId(one.credential))),
    ...(state.sdJwts ?? []).map((one) => findHeld(state, sdJwtId(one.sdJwt))),
  ];
  const choices = [];
  const reasons = [];
  for (const found of held) {
    // The first query in the credential's format answers for it, as the command line reads it.
    const query = queries.find((candidate) => candidate.format === found.format);
    const match = query ? matchOne(state, query, found, formats) : "vp-not-held";
    if (typeof match === "string") reasons.push(match);
    else choices.push({ credentialId: found.format === "ldp_vc" ? credentialId(found.held.credential) : sdJwtId(found.held.sdJwt), format: found.format, ...match });
  }
  if (choices.length === 0) {
    const code = ["vp-empty", "vp-format"].find((reason) => reasons.includes(reason)) ?? "vp-not-held";
    throw refusal(REASONS[code], code);
  }
  return choices;
}

/** Fetch and check the request of an openid4vp:// link: who asks (the client id, its DID, the
 * origin answers go to), what for, and which held credentials can answer. Nothing is sent. */
export async function readRequest(state, uri, { fetch = globalThis.fetch, now = Date.now() } = {}) {
  const reference = parseRequestUri(uri);
  const { status, text } = await requestText(fetch, reference.requestUri, "presentation request", {
    headers: { Accept: `application/${REQUEST_TYP}` },
  });
  if (status === 404) {
    throw refusal("This request is not open any more: it was answered already, or it has expired.", "vp-closed");
  }
  if (status !== 200) {
    throw refusal(`The verifier did not give the request (HTTP ${status}).`, "vp-unavailable");
  }
  const request = readRequestObject(text, reference, now);
  return Object.freeze({
    clientId: reference.clientId,
    verifier: verifierDid(reference.clientId),
    origin: new URL(request.response_uri).origin,
    request,
    choices: choicesFor(state, request),
  });
}

/** The `error_description` of an OAuth error answer (RFC 6749 §5.2), or null. */
function errorDescription(text) {
  try {
    const description = JSON.parse(text)?.error_description;
    return typeof description === "string" ? description : null;
  } catch {
    return null;
  }
}

/** Sign the chosen credential's presentation for the request read by readRequest and post it to
 * its response_uri (direct_post): {disclosed: [claim names]}; WalletError "vp-refused" with the
 * verifier's reason when it does not take it. */
export async function answerRequest(state, read, chosenId, { fetch = globalThis.fetch } = {}) {
  const choice = read.choices.find((one) => one.credentialId === chosenId);
  if (!choice) {
    throw refusal("This credential does not answer the request.", "vp-not-held");
  }
  const { request, clientId } = read;
  const options = { challenge: request.nonce, domain: clientId };
  const shown = await present(state, chosenId, choice.format === "dc+sd-jwt" ? { ...options, disclose: choice.claims } : options);
  const form = new URLSearchParams({ vp_token: JSON.stringify({ [choice.queryId]: [shown] }), state: String(request.state ?? "") });
  const { status, text } = await requestText(fetch, request.response_uri, "verifier", {
    method: "POST",
    body: form.toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  if (status !== 200) {
    const reason = String(errorDescription(text) ?? `HTTP ${status}`).slice(0, 300);
    const error = refusal(`The verifier refused the presentation: ${reason}`, "vp-refused");
    error.reason = reason;
    throw error;
  }
  return { disclosed: choice.format === "dc+sd-jwt" ? choice.claims : null };
}
