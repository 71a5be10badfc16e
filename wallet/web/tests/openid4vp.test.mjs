// The engine's reading and answering of a verifier's OpenID4VP request (src/core/openid4vp.js):
// each refusal is sent as the attack (a request object tampered with, signed by another key, late,
// pointing the answer elsewhere, asking for nothing or for what the wallet does not hold), through
// a fetch that plays the verifier and records every request. The real verifier and Chromium:
// tests/webwallet/test_app_openid4vp.py.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { SDJwtInstance } from "@sd-jwt/core";

import * as core from "../src/core/index.js";
import { parseRequestUri, readRequestObject } from "../src/core/openid4vp.js";
import { didOf, holderSigner } from "../src/core/identity.js";
import { b64u, fromB64u, fromUtf8, randomBytes, utf8 } from "../src/core/bytes.js";
import { signJwt } from "../src/core/jws.js";
import { sha256 } from "../src/core/present.js";
import { verifyJcsProof } from "../src/core/proofs.js";
import { sodium } from "../src/core/sodium.js";

const ORIGIN = "https://verifier.example";
const REQUEST_URI = `${ORIGIN}/openid4vp/requests/abcdefghijklmnop`;
const RESPONSE_URI = `${ORIGIN}/openid4vp/responses/abcdefghijklmnop`;
const LDP_TYPES = ["https://www.w3.org/2018/credentials#VerifiableCredential", "https://w3id.org/nansen/vocab#IdentityDocumentCredential"];

let verifier;
let intruder;
let state;

function keySigner() {
  const pair = sodium().crypto_sign_keypair();
  const did = didOf(pair.publicKey);
  return { did, kid: `${did}#${did.slice("did:key:".length)}`, sign: (m) => sodium().crypto_sign_detached(m, pair.privateKey) };
}

const clientId = (signer = verifier) => `decentralized_identifier:${signer.did}`;
const link = (signer = verifier, requestUri = REQUEST_URI) =>
  `openid4vp://?${new URLSearchParams({ client_id: clientId(signer), request_uri: requestUri })}`;

function claims(overrides = {}) {
  return {
    client_id: clientId(),
    response_type: "vp_token",
    response_mode: "direct_post",
    response_uri: RESPONSE_URI,
    nonce: "nonce-1234567890",
    state: "state-1",
    dcql_query: {
      credentials: [
        { id: "identity_sd_jwt", format: "dc+sd-jwt", meta: { vct_values: ["https://w3id.org/nansen/vct/identity-document"] }, claims: [{ path: ["givenName"] }] },
        {
          id: "identity_ldp_vc",
          format: "ldp_vc",
          meta: { type_values: [LDP_TYPES] },
          claims: [{ path: ["credentialSubject", "identityDocument", "givenName"] }, { path: ["credentialSubject", "identityDocument", "birthDate"] }],
        },
      ],
    },
    client_metadata: {
      vp_formats_supported: {
        "dc+sd-jwt": { "kb-jwt_alg_values": ["EdDSA", "ES256"] },
        ldp_vc: { proof_type_values: ["DataIntegrityProof"], cryptosuite_values: ["eddsa-rdfc-2022", "eddsa-jcs-2022"] },
      },
    },
    ...overrides,
  };
}

const signed = (body = claims(), signer = verifier, header = {}) => signJwt({ typ: "oauth-authz-req+jwt", kid: signer.kid, ...header }, body, signer);

/** A fetch that plays the verifier: GET the request gives `token` (or `status`); POST answers `answer`. */
function verifierFetch(token, { status = 200, answer = { status: 200, body: {} } } = {}) {
  const seen = [];
  const fetch = async (url, init = {}) => {
    seen.push({ url, method: init.method ?? "GET", body: init.body, headers: init.headers });
    if ((init.method ?? "GET") === "GET") {
      return new Response(status === 200 ? token : "", { status, headers: { "Content-Type": "application/oauth-authz-req+jwt" } });
    }
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "Content-Type": "application/json" } });
  };
  return { fetch, seen };
}

before(async () => {
  await core.ready();
  verifier = keySigner();
  intruder = keySigner();
  const holder = holderSigner(core.newState());
  state = core.newState();
  const credential = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/nansen/v1"],
    id: "urn:uuid:5b0f3c42-1111-4222-8333-444455556666",
    type: ["VerifiableCredential", "IdentityDocumentCredential"],
    issuer: intruder.did,
    credentialSubject: { id: core.holderDid(state), identityDocument: { givenName: "Amina", birthDate: "2004-03-17", familyName: "Haddad" } },
    proof: { type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022", verificationMethod: intruder.kid, proofPurpose: "assertionMethod", proofValue: "z1" },
  };
  state = { ...state, credentials: [{ credential, received: "2026-12-07T05:00:00Z", documents: [] }] };
  assert.notEqual(holder.did, core.holderDid(state));
});

async function refused(token, code, options = {}) {
  const { fetch, seen } = verifierFetch(token, options);
  await assert.rejects(core.readRequest(state, options.link ?? link(), { fetch }), (error) => {
    assert.equal(error.name, "WalletError");
    assert.equal(error.code, code, error.message);
    return true;
  });
  assert.ok(seen.every((request) => request.method === "GET"), "nothing may be posted before consent");
}

describe("openid4vp link", () => {
  it("reads the client id and the request URI", () => {
    assert.deepEqual(parseRequestUri(link()), { clientId: clientId(), requestUri: REQUEST_URI });
  });

  // Made lazily: the verifier's key exists once `before` has run.
  for (const [what, text] of [
    ["another scheme", () => link().replace("openid4vp:", "openid-credential-offer:")],
    ["two client ids", () => `${link()}&client_id=x`],
    ["no request_uri", () => `openid4vp://?client_id=${encodeURIComponent(clientId())}`],
    ["a plain http request_uri", () => link(verifier, REQUEST_URI.replace("https:", "http:"))],
    ["a link too long", () => `${link()}&x=${"a".repeat(4000)}`],
  ]) {
    it(`refuses ${what}`, () => assert.throws(() => parseRequestUri(text()), (error) => error.code === "vp-link"));
  }
});

describe("openid4vp request", () => {
  it("reads a request signed by the verifier its client id names, with what each credential answers", async () => {
    const { fetch, seen } = verifierFetch(signed());
    const read = await core.readRequest(state, link(), { fetch });
    assert.equal(read.verifier, verifier.did);
    assert.equal(read.origin, ORIGIN);
    assert.deepEqual(read.choices, [
      { credentialId: core.credentials(state)[0].id, format: "ldp_vc", queryId: "identity_ldp_vc", claims: ["givenName", "birthDate"] },
    ]);
    assert.deepEqual(seen.map((r) => [r.method, r.url]), [["GET", REQUEST_URI]]);
  });

  it("refuses a request object whose signature does not verify", async () => {
    const token = signed();
    const [head, body] = token.split(".");
    const forged = `${head}.${Buffer.from(JSON.stringify(claims({ response_uri: `${ORIGIN}/elsewhere` }))).toString("base64url")}.${token.split(".")[2]}`;
    await refused(forged, "vp-untrusted");
    await refused(`${head}.${body}.${Buffer.from(new Uint8Array(64)).toString("base64url")}`, "vp-untrusted");
  });

  it("refuses a request object signed by another key than the client id's", async () => {
    await refused(signed(claims(), intruder, { kid: verifier.kid }), "vp-untrusted");
    await refused(signed(claims(), intruder), "vp-untrusted"); // its own kid: not the client id's
  });

  it("refuses a request object for another client, of another type, with unknown critical headers or another audience", async () => {
    await refused(signed(claims({ client_id: clientId(intruder) })), "vp-untrusted");
    await refused(signed(claims(), verifier, { typ: "JWT" }), "vp-untrusted");
    await refused(signed(claims(), verifier, { crit: ["x"], x: 1 }), "vp-untrusted");
    await refused(signed(claims({ aud: "https://another.example" })), "vp-untrusted");
    await refused(signed(claims()), "vp-untrusted", { link: `openid4vp://?client_id=redirect_uri%3A${encodeURIComponent(RESPONSE_URI)}&request_uri=${encodeURIComponent(REQUEST_URI)}` });
  });

  it("refuses an expired request, and one the verifier no longer serves (answered or expired)", async () => {
    await refused(signed(claims({ exp: Math.floor(Date.now() / 1000) - 1 })), "vp-closed");
    await refused(signed(claims({ exp: "never" })), "vp-closed");
    await refused("", "vp-closed", { status: 404 });
    const read = await core.readRequest(state, link(), { fetch: verifierFetch(signed(claims({ exp: Math.floor(Date.now() / 1000) + 60 }))).fetch });
    assert.equal(read.choices.length, 1);
  });

  it("refuses a response_uri on another origin than the request's, or over plain http", async () => {
    await refused(signed(claims({ response_uri: "https://attacker.example/openid4vp/responses/abcdefghijklmnop" })), "vp-response-uri");
    await refused(signed(claims({ response_uri: "https://verifier.example:8443/openid4vp/responses/x" })), "vp-response-uri");
    await refused(signed(claims({ response_uri: RESPONSE_URI.replace("https:", "http:") })), "vp-response-uri");
  });

  it("refuses what it does not answer: another response mode, no nonce, a presentation definition instead of DCQL", async () => {
    await refused(signed(claims({ response_mode: "direct_post.jwt" })), "vp-unsupported");
    await refused(signed(claims({ nonce: "" })), "vp-unsupported");
    const { dcql_query: _, ...withoutDcql } = claims();
    await refused(signed({ ...withoutDcql, presentation_definition: { id: "x", input_descriptors: [] } }), "vp-unsupported");
  });

  it("refuses a request that asks for nothing", async () => {
    await refused(signed(claims({ dcql_query: { credentials: [] } })), "vp-empty");
    await refused(signed(claims({ dcql_query: {} })), "vp-empty");
    const noClaims = { credentials: [{ id: "identity_ldp_vc", format: "ldp_vc", meta: { type_values: [LDP_TYPES] }, claims: [] }] };
    await refused(signed(claims({ dcql_query: noClaims })), "vp-empty");
  });

  it("refuses a request for a credential or a fact the wallet does not hold", async () => {
    const ask = (query) => signed(claims({ dcql_query: { credentials: [query] } }));
    await refused(ask({ id: "mdl", format: "mso_mdoc", meta: { doctype_value: "org.iso.18013.5.1.mDL" } }), "vp-not-held");
    await refused(ask({ id: "q", format: "ldp_vc", meta: { type_values: [["https://example.org/vocab#DrivingLicence"]] }, claims: [{ path: ["credentialSubject", "identityDocument", "givenName"] }] }), "vp-not-held");
    await refused(ask({ id: "q", format: "ldp_vc", claims: [{ path: ["credentialSubject", "identityDocument", "passportNumber"] }] }), "vp-not-held");
    await refused(ask({ id: "q", format: "ldp_vc", claims: [{ path: ["credentialSubject", "address", "street"] }] }), "vp-not-held");
    await refused(ask({ id: "q", format: "dc+sd-jwt", claims: [{ path: ["givenName"] }] }), "vp-not-held"); // holds no SD-JWT VC
  });

  it("refuses a verifier that says it cannot verify what the browser signs (eddsa-jcs-2022) or the credential's proof", async () => {
    const only = (ldp) => signed(claims({ client_metadata: { vp_formats_supported: { ldp_vc: ldp } } }));
    await refused(only({ proof_type_values: ["DataIntegrityProof"], cryptosuite_values: ["eddsa-rdfc-2022"] }), "vp-format");
    await refused(only({ proof_type_values: ["DataIntegrityProof"], cryptosuite_values: ["eddsa-jcs-2022"] }), "vp-format");
    await refused(only({ proof_type_values: ["Ed25519Signature2020"] }), "vp-format");
  });
});

describe("openid4vp answer", () => {
  it("posts the presentation for the nonce and the client id to the response_uri, once asked to", async () => {
    const { fetch, seen } = verifierFetch(signed());
    const read = await core.readRequest(state, link(), { fetch });
    const chosen = read.choices[0].credentialId;
    assert.deepEqual(await core.answerRequest(state, read, chosen, { fetch }), { disclosed: null });
    const post = seen.at(-1);
    assert.equal(post.method, "POST");
    assert.equal(post.url, RESPONSE_URI);
    assert.equal(post.headers["Content-Type"], "application/x-www-form-urlencoded");
    const form = new URLSearchParams(post.body);
    assert.equal(form.get("state"), "state-1");
    const token = JSON.parse(form.get("vp_token"));
    assert.deepEqual(Object.keys(token), ["identity_ldp_vc"]);
    const [vp] = token.identity_ldp_vc;
    assert.equal(vp.proof.challenge, "nonce-1234567890");
    assert.equal(vp.proof.domain, clientId());
    assert.equal(vp.holder, core.holderDid(state));
    assert.ok(verifyJcsProof(vp, vp.proof, holderSigner(state).publicKey));
  });

  it("says why the verifier refused, and refuses a credential the request was not read for", async () => {
    const refusal = { status: 400, body: { error: "invalid_request", error_description: "This request is not open: it was answered already, or has expired." } };
    const { fetch } = verifierFetch(signed(), { answer: refusal });
    const read = await core.readRequest(state, link(), { fetch });
    await assert.rejects(core.answerRequest(state, read, read.choices[0].credentialId, { fetch }), (error) => {
      assert.equal(error.code, "vp-refused");
      assert.match(error.reason, /not open/);
      return true;
    });
    await assert.rejects(core.answerRequest(state, read, "00000000", { fetch }), (error) => error.code === "vp-not-held");
  });

  it("checks a request object as a unit: the same claims pass readRequestObject", () => {
    assert.equal(readRequestObject(signed(), { clientId: clientId(), requestUri: REQUEST_URI }).nonce, "nonce-1234567890");
  });
});

describe("openid4vp with an SD-JWT VC", () => {
  const VCT = "https://w3id.org/nansen/vct/identity-document";
  let sdState;

  before(async () => {
    const issuer = new SDJwtInstance({
      hasher: sha256,
      hashAlg: "sha-256",
      signer: (input) => b64u(intruder.sign(utf8(input))),
      signAlg: "EdDSA",
      saltGenerator: (size) => b64u(randomBytes(size)),
    });
    const payload = {
      iss: intruder.did,
      iat: Math.floor(Date.now() / 1000),
      vct: VCT,
      cnf: { jwk: holderSigner(state).jwk },
      givenName: "Amina",
      familyName: "Haddad",
      birthPlace: "Aleppo",
    };
    const token = await issuer.issue(payload, { _sd: ["givenName", "familyName", "birthPlace"] });
    sdState = { ...state, credentials: [], sdJwts: [{ sdJwt: token, received: "2026-12-07T05:00:00Z" }] };
  });

  const disclosed = (presentation) =>
    presentation
      .split("~")
      .slice(1, -1)
      .map((part) => JSON.parse(fromUtf8(fromB64u(part)))[1]);

  it("discloses exactly the claims asked, bound to the nonce and the client id", async () => {
    const { fetch, seen } = verifierFetch(signed());
    const read = await core.readRequest(sdState, link(), { fetch });
    assert.deepEqual(read.choices.map((c) => [c.format, c.queryId, c.claims]), [["dc+sd-jwt", "identity_sd_jwt", ["givenName"]]]);
    assert.deepEqual(await core.answerRequest(sdState, read, read.choices[0].credentialId, { fetch }), { disclosed: ["givenName"] });
    const [shown] = JSON.parse(new URLSearchParams(seen.at(-1).body).get("vp_token")).identity_sd_jwt;
    assert.deepEqual(disclosed(shown), ["givenName"]);
    const kb = JSON.parse(fromUtf8(fromB64u(shown.split("~").at(-1).split(".")[1])));
    assert.equal(kb.nonce, "nonce-1234567890");
    assert.equal(kb.aud, clientId());
  });

  it("refuses another vct, a claim it does not hold, a request for no claim and a verifier that takes no EdDSA key binding", async () => {
    const ask = (query, extra = {}) => signed(claims({ dcql_query: { credentials: [{ id: "q", format: "dc+sd-jwt", ...query }] }, ...extra }));
    const attempts = [
      [ask({ meta: { vct_values: ["https://example.org/driving-licence"] }, claims: [{ path: ["givenName"] }] }), "vp-not-held"],
      [ask({ claims: [{ path: ["passportNumber"] }] }), "vp-not-held"],
      [ask({ claims: [{ path: ["address", "street"] }] }), "vp-not-held"],
      [ask({ claims: [] }), "vp-empty"],
      [ask({ claims: [{ path: ["givenName"] }] }, { client_metadata: { vp_formats_supported: { "dc+sd-jwt": { "kb-jwt_alg_values": ["ES256"] } } } }), "vp-format"],
    ];
    for (const [token, code] of attempts) {
      const { fetch, seen } = verifierFetch(token);
      await assert.rejects(core.readRequest(sdState, link(), { fetch }), (error) => error.code === code);
      assert.ok(seen.every((request) => request.method === "GET"));
    }
  });
});
