// Taking a credential offer (OpenID4VCI 1.0, pre-authorised code flow) as wallet/openid4vci.py
// does: the issuer's metadata (§12.2.2, well-known path inserted after the host, else appended),
// its authorisation server's (RFC 8414 §3), the token for the code and the PIN (§6), then for each
// configuration offered in a format this wallet holds a fresh c_nonce (§7) and a credential request
// with a `jwt` proof by the holder's did:key (§8). Each credential is verified before it is kept.
import { WalletError } from "./errors.js";
import { requestJson, requireHttps } from "./http.js";
import { holderSigner } from "./identity.js";
import { signJwt } from "./jws.js";
import { sdJwtSigner } from "./present.js";
import { credentialId, formatDatetime, sdJwtId } from "./state.js";
import { verifyCredential } from "./verify.js";

const OFFER_SCHEME = "openid-credential-offer:";
const PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
const ISSUER_METADATA = "/.well-known/openid-credential-issuer";
const AUTHORIZATION_SERVER_METADATA = "/.well-known/oauth-authorization-server";
const FORMATS = ["ldp_vc", "dc+sd-jwt"];
const MAX_URI = 8000;

const refused = (message) => new WalletError(message, "offer");

function offerFromJson(body) {
  const grant = body?.grants?.[PRE_AUTHORIZED_GRANT];
  const ids = body?.credential_configuration_ids;
  if (typeof body?.credential_issuer !== "string" || !body.credential_issuer.startsWith("https://")) {
    throw refused("The credential offer's issuer must be an https URL.");
  }
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === "string")) {
    throw refused("The credential offer names no credential configuration.");
  }
  if (typeof grant?.["pre-authorized_code"] !== "string") {
    throw refused("The credential offer has no pre-authorised code (only that grant is supported).");
  }
  return { issuer: body.credential_issuer, ids, code: grant["pre-authorized_code"], pin: grant.tx_code ?? null };
}

/** The offer of an openid-credential-offer:// URI: by value, or fetched by reference (https only). */
async function resolveOffer(uri, fetch) {
  if (typeof uri !== "string" || uri.length > MAX_URI || !uri.startsWith(`${OFFER_SCHEME}//`)) {
    throw refused("A credential offer starts with openid-credential-offer://.");
  }
  const at = uri.indexOf("?");
  const query = new URLSearchParams(at < 0 ? "" : uri.slice(at + 1).split("#")[0]);
  const reference = query.getAll("credential_offer_uri");
  if (reference.length > 0) {
    if (reference.length !== 1) {
      throw refused("An offer by reference must name one https URL.");
    }
    const { status, body } = await requestJson(fetch, reference[0], "credential offer");
    if (status !== 200) {
      throw refused("The credential offer could not be fetched.");
    }
    return offerFromJson(body);
  }
  const values = query.getAll("credential_offer");
  if (values.length !== 1) {
    throw refused("The URI carries no credential offer.");
  }
  try {
    return offerFromJson(JSON.parse(values[0]));
  } catch (error) {
    throw error instanceof WalletError ? error : refused("The credential offer is not JSON.");
  }
}

async function metadata(fetch, identifier, suffix, what) {
  const url = new URL(identifier);
  const inserted = `https://${url.host}${suffix}${url.pathname.replace(/\/$/, "")}`;
  let answer = await requestJson(fetch, inserted, what);
  if (answer.status === 404) {
    answer = await requestJson(fetch, identifier.replace(/\/$/, "") + suffix, what);
  }
  if (answer.status !== 200 || answer.body === null || typeof answer.body !== "object") {
    throw refused(`The ${what} could not be fetched.`);
  }
  return answer.body;
}

function endpoint(meta, name, issuer) {
  const url = meta[name];
  if (typeof url !== "string" || !url.startsWith("https://")) {
    throw refused(`The issuer's metadata gives no https ${name}.`);
  }
  if (new URL(url).host !== new URL(issuer).host) {
    throw refused(`The issuer's ${name} is on another host than the issuer, which is refused.`);
  }
  return url;
}

async function post(fetch, url, what, body, headers) {
  const { status, body: answer } = await requestJson(fetch, url, what, { method: "POST", body, headers });
  if (status !== 200 || answer === null || typeof answer !== "object") {
    const reason = answer?.error_description ?? answer?.error ?? `HTTP ${status}`;
    throw refused(`The issuer refused (${what}): ${String(reason).slice(0, 300)}`);
  }
  return answer;
}

/** Every credential of the offer in a format this wallet holds: [{format, credential}]. */
async function take(offer, pin, signer, fetch) {
  const meta = await metadata(fetch, offer.issuer, ISSUER_METADATA, "credential issuer metadata");
  if (meta.credential_issuer !== offer.issuer) {
    throw refused("The issuer's metadata names another credential issuer than the offer.");
  }
  const configurations = meta.credential_configurations_supported ?? {};
  const wanted = offer.ids
    .filter((id) => FORMATS.includes(configurations[id]?.format))
    .map((id) => [id, configurations[id].format]);
  if (wanted.length === 0) {
    throw refused("The offer holds no credential in a format this wallet can keep (ldp_vc, dc+sd-jwt).");
  }
  const server = (meta.authorization_servers ?? [offer.issuer])[0];
  requireHttps(server, "authorisation server");
  const oauth = await metadata(fetch, server, AUTHORIZATION_SERVER_METADATA, "authorisation server metadata");
  const form = new URLSearchParams({ grant_type: PRE_AUTHORIZED_GRANT, "pre-authorized_code": offer.code });
  if (pin !== null && pin !== undefined) {
    form.set("tx_code", pin);
  }
  const token = (
    await post(fetch, endpoint(oauth, "token_endpoint", server), "the token request", form.toString(), {
      "Content-Type": "application/x-www-form-urlencoded",
    })
  ).access_token;
  if (typeof token !== "string") {
    throw refused("The issuer's token answer has no access token.");
  }
  const nonceUrl = endpoint(meta, "nonce_endpoint", offer.issuer);
  const credentialUrl = endpoint(meta, "credential_endpoint", offer.issuer);
  const given = [];
  for (const [id, format] of wanted) {
    const { c_nonce: nonce } = await post(fetch, nonceUrl, "the nonce request", "", { "Content-Type": "application/json" });
    if (typeof nonce !== "string") {
      throw refused("The issuer's nonce answer has no c_nonce.");
    }
    // An SD-JWT VC is bound by cnf.jwk, so its proof names the key; a Data Integrity credential
    // names the holder's DID, so its proof names the did:key (wallet/openid4vci.py).
    const header =
      format === "ldp_vc"
        ? { typ: "openid4vci-proof+jwt", kid: signer.verificationMethod }
        : { typ: "openid4vci-proof+jwt", jwk: signer.jwk };
    const jwt = signJwt(header, { aud: offer.issuer, iat: Math.floor(Date.now() / 1000), nonce }, signer);
    const answer = await post(
      fetch,
      credentialUrl,
      "the credential request",
      JSON.stringify({ credential_configuration_id: id, proofs: { jwt: [jwt] } }),
      { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    );
    const credentials = answer.credentials;
    if (!Array.isArray(credentials) || credentials.length !== 1 || typeof credentials[0] !== "object") {
      throw refused("The issuer's credential answer does not hold one credential.");
    }
    given.push({ format, credential: credentials[0].credential });
  }
  return given;
}

function keep(state, { format, credential }, holder) {
  const received = formatDatetime();
  if (format === "dc+sd-jwt" && typeof credential === "string" && credential.includes("~")) {
    if (sdJwtSigner(state, credential) === null) {
      throw refused("This credential was issued to someone else, not to this wallet.");
    }
    const issued = `${credential.split("~").slice(0, -1).join("~")}~`; // without a KB-JWT, as issued
    const id = sdJwtId(issued);
    if (state.sdJwts.some((held) => sdJwtId(held.sdJwt) === id)) {
      throw refused("This credential is already in the wallet.");
    }
    return { state: { ...state, sdJwts: [...state.sdJwts, { sdJwt: issued, received }] }, id };
  }
  if (format === "ldp_vc" && credential && typeof credential === "object") {
    const subjects = [credential.credentialSubject ?? []].flat().map((subject) => subject?.id);
    if (!subjects.includes(holder.did)) {
      throw refused("This credential was issued to someone else, not to this wallet.");
    }
    const id = credentialId(credential);
    if (state.credentials.some((held) => credentialId(held.credential) === id)) {
      throw refused("This credential is already in the wallet.");
    }
    const held = { credential, received, documents: [] };
    return { state: { ...state, credentials: [...state.credentials, held] }, id };
  }
  throw refused(`The issuer gave a ${format} credential in a form this wallet cannot read.`);
}

/** Take the offer, verify each credential, and keep those that pass: {state, credentialId,
 * credentialIds, refused: [sentence for each one not kept]}; WalletError when none is kept. */
export async function receiveOffer(state, offerUri, pin, { fetch = globalThis.fetch } = {}) {
  const offer = await resolveOffer(offerUri, fetch);
  if (offer.pin !== null && (pin === null || pin === undefined || pin === "")) {
    throw new WalletError("This offer needs the PIN the organisation gave you.", "pin-needed");
  }
  const signer = holderSigner(state);
  const given = await take(offer, offer.pin === null ? null : pin, signer, fetch);
  let current = state;
  const ids = [];
  const refusals = [];
  for (const item of given) {
    // Each credential on its own: the issuer has spent the offer, so one refused must not lose
    // the others it gave.
    try {
      const { verified, problems } = await verifyCredential(item.credential, { fetch });
      if (!verified) {
        throw refused(`The credential was refused: ${problems[0]}`);
      }
      const kept = keep(current, item, signer);
      current = kept.state;
      ids.push(kept.id);
    } catch (error) {
      if (!(error instanceof WalletError)) {
        throw error;
      }
      refusals.push(error.message);
    }
  }
  if (ids.length === 0) {
    throw refused(refusals[0]);
  }
  return { state: current, credentialId: ids[0], credentialIds: ids, refused: refusals };
}
