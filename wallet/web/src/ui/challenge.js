/**
 * The verifier's challenge, as the present screen reads it (Data Integrity 1.0 §2.1, `challenge`
 * and `domain`), in the forms `nansen/qr/challenge.py` defines:
 * - the text of the QR code the verifier's page shows: `NC1:` + 12-symbol code + `:` + domain;
 * - the short code a person types (Crockford's Base32: case, spaces and hyphens do not matter,
 *   O is 0, I and L are 1), with the domain the verifier's page shows under it, typed apart;
 * - the JSON `POST /challenges` answers, pasted or scanned.
 * Anything else throws a SyntaxError.
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LENGTH = 12;
const PREFIX = "NC1:";
const DOMAIN = /^[A-Za-z0-9.\-:[\]]{1,253}$/;

function readCode(typed) {
  const code = typed.trim().toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (code.length !== CODE_LENGTH || [...code].some((symbol) => !ALPHABET.includes(symbol))) throw new SyntaxError("code");
  return code;
}

function readDomain(text) {
  const domain = text.trim();
  if (!DOMAIN.test(domain)) throw new SyntaxError("domain");
  return domain;
}

/** Whether the text looks like a typed short code (so the screen asks for the domain too). */
export function isShortCode(text) {
  try {
    readCode(text);
    return true;
  } catch {
    return false;
  }
}

/** `{ challenge, domain }` from the challenge field's text and, for a typed code, the domain field's. */
export function parseChallenge(text, typedDomain = "") {
  const value = text.trim();
  if (value.startsWith(PREFIX)) {
    const rest = value.slice(PREFIX.length);
    const colon = rest.indexOf(":");
    if (colon !== CODE_LENGTH) throw new SyntaxError("challenge");
    return { challenge: readCode(rest.slice(0, colon)), domain: readDomain(rest.slice(colon + 1)) };
  }
  if (value.startsWith("{")) {
    const parsed = JSON.parse(value);
    if (typeof parsed?.challenge !== "string" || !parsed.challenge) throw new SyntaxError("challenge");
    return { challenge: parsed.challenge, domain: typeof parsed.domain === "string" ? parsed.domain : undefined };
  }
  return { challenge: readCode(value), domain: readDomain(typedDomain) };
}
