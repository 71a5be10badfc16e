// What a wallet holds: the JSON wallet/state.py writes (format 1). The state is a plain object;
// functions here return new objects and never change the one they are given.
import canonicalize from "canonicalize";

import { b64u, fromB64u, fromUtf8, randomBytes, toHex, utf8 } from "./bytes.js";
import { WalletError } from "./errors.js";
import { sodium } from "./sodium.js";

export const FORMAT = 1;
export const MASTER_SIZE = 16;
const UNREADABLE = "The wallet's contents are not in a format this software reads.";

/** "2026-12-07T02:00:00Z": UTC, whole seconds (nansen.timeutil.format_datetime). */
export function formatDatetime(moment = new Date()) {
  return `${moment.toISOString().slice(0, 19)}Z`;
}

/** The state of a new wallet (its slot numbers are set when it is written to a file). */
export function newState() {
  return portableState({ master: `u${b64u(randomBytes(MASTER_SIZE))}`, created: formatDatetime() });
}

/** A state's portable part (what backups keep), with every field present. */
export function portableState(data) {
  if (data === null || typeof data !== "object" || (data.format ?? FORMAT) !== FORMAT) {
    throw new WalletError(UNREADABLE, "unreadable");
  }
  return {
    format: FORMAT,
    created: String(data.created ?? ""),
    master: data.master,
    partners: [...(data.partners ?? [])],
    credentials: [...(data.credentials ?? [])],
    backups: [...(data.backups ?? [])],
    sdJwts: [...(data.sdJwts ?? [])],
  };
}

export function withSlots(data, reserved, duress = null) {
  const state = { ...portableState(data), reserved, duress };
  masterOf(state);
  return state;
}

export function masterOf(state) {
  const value = state?.master;
  let raw = null;
  try {
    raw = typeof value === "string" && value.startsWith("u") ? fromB64u(value.slice(1)) : null;
  } catch {
    raw = null;
  }
  if (raw === null || raw.length !== MASTER_SIZE) {
    throw new WalletError(UNREADABLE, "unreadable");
  }
  return raw;
}

const sha256Hex8 = (bytes) => toHex(sodium().crypto_hash_sha256(bytes)).slice(0, 8);

/** wallet.state.HeldCredential.id: 8 hex digits of SHA-256 of the credential's id (else of its JCS). */
export function credentialId(credential) {
  return sha256Hex8(utf8(typeof credential.id === "string" ? credential.id : canonicalize(credential)));
}

/** wallet.state.HeldSdJwt.id: 8 hex digits of SHA-256 of the issuer-signed JWT. */
export function sdJwtId(token) {
  return sha256Hex8(utf8(token.split("~", 1)[0]));
}

function jwtPayload(jwt) {
  return JSON.parse(fromUtf8(fromB64u(jwt.split(".")[1])));
}

/** The claims of an SD-JWT with every disclosure it carries applied (top-level and nested). */
export function sdJwtClaims(token) {
  const [issuerJwt, ...rest] = token.split("~");
  const payload = jwtPayload(issuerJwt);
  const byDigest = new Map();
  for (const disclosure of rest.filter((part) => part && !part.includes("."))) {
    const digest = b64u(sodium().crypto_hash_sha256(utf8(disclosure)));
    byDigest.set(digest, JSON.parse(fromUtf8(fromB64u(disclosure))));
  }
  const reveal = (value) => {
    if (Array.isArray(value)) {
      return value
        .filter((item) => !(item && typeof item === "object" && "..." in item && !byDigest.has(item["..."])))
        .map((item) => (item && typeof item === "object" && "..." in item ? reveal(byDigest.get(item["..."])[1]) : reveal(item)));
    }
    if (value === null || typeof value !== "object") {
      return value;
    }
    const out = {};
    for (const [name, member] of Object.entries(value)) {
      if (name !== "_sd" && name !== "_sd_alg") {
        out[name] = reveal(member);
      }
    }
    for (const digest of value._sd ?? []) {
      const found = byDigest.get(digest);
      if (found && found.length === 3) {
        out[found[1]] = reveal(found[2]);
      }
    }
    return out;
  };
  return reveal(payload);
}

const SD_JWT_FIELDS = new Set(["iss", "iat", "nbf", "exp", "vct", "cnf", "status", "sub"]);

/** The attested facts by name: members of nested objects (identityDocument's) lifted to the top,
 * a name met twice kept under its dotted path; ids and types left out. */
function flatFacts(subject) {
  const facts = {};
  for (const [name, value] of Object.entries(subject ?? {})) {
    if (name === "id" || name === "type") {
      continue;
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(flatFacts(value))) {
        facts[inner in facts ? `${name}.${inner}` : inner] = innerValue;
      }
    } else {
      facts[name] = value;
    }
  }
  return facts;
}

const asTime = (seconds) => (typeof seconds === "number" ? formatDatetime(new Date(seconds * 1000)) : null);

/** Each credential as a card shows it. */
export function credentials(state) {
  const dataIntegrity = (state.credentials ?? []).map(({ credential }) => {
    const subjects = [credential.credentialSubject ?? {}].flat();
    return {
      id: credentialId(credential),
      types: [credential.type ?? []].flat(),
      issuer: typeof credential.issuer === "string" ? credential.issuer : (credential.issuer?.id ?? null),
      facts: Object.assign({}, ...subjects.map(flatFacts)),
      validFrom: credential.validFrom ?? null,
      validUntil: credential.validUntil ?? null,
      format: "ldp_vc",
    };
  });
  const sdJwts = (state.sdJwts ?? []).map(({ sdJwt }) => {
    const claims = sdJwtClaims(sdJwt);
    return {
      id: sdJwtId(sdJwt),
      types: [claims.vct].filter(Boolean),
      issuer: claims.iss ?? null,
      facts: flatFacts(Object.fromEntries(Object.entries(claims).filter(([name]) => !SD_JWT_FIELDS.has(name)))),
      validFrom: asTime(claims.nbf ?? claims.iat),
      validUntil: asTime(claims.exp),
      format: "dc+sd-jwt",
    };
  });
  return [...dataIntegrity, ...sdJwts];
}

/** The held credential (either format) with this local id, or null. */
export function findHeld(state, id) {
  const dataIntegrity = (state.credentials ?? []).find((held) => credentialId(held.credential) === id);
  if (dataIntegrity) {
    return { format: "ldp_vc", held: dataIntegrity };
  }
  const sdJwt = (state.sdJwts ?? []).find((held) => sdJwtId(held.sdJwt) === id);
  return sdJwt ? { format: "dc+sd-jwt", held: sdJwt } : null;
}

/** A new state without the credential (its document keys go with it). */
export function forget(state, id) {
  if (findHeld(state, id) === null) {
    throw new WalletError("No credential in the wallet has this identifier.", "unknown-credential");
  }
  return {
    ...state,
    credentials: state.credentials.filter((held) => credentialId(held.credential) !== id),
    sdJwts: state.sdJwts.filter((held) => sdJwtId(held.sdJwt) !== id),
  };
}
