"""The legacy Ed25519Signature2018 proof type, verify only (nansen.proofs.ed25519_signature_2018):
the JSON-LD credentials Credo 0.6 and other early issuers make (VC 1.1, a detached JWS with an
unencoded payload). It verifies; every refusal is sent and its reason checked: tampering, proof
options changed, a JWS header other than the one allowed (another alg, an encoded payload, another
critical parameter, an attached payload), a signature not in canonical base64url, a key of another,
the wrong purpose, a document without the context that defines the type. The signer is test code
(tests/legacy_signers.py); the other implementation is Credo's (tests/interop/test_credo.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from nansen.did import Resolver
from nansen.did.document import VerificationMethod
from nansen.errors import ProofError
from nansen.proofs.cryptosuites import LEGACY_PROOF_TYPES, SUITES
from nansen.proofs.dataintegrity import signature_identity
from nansen.sdjwt.encoding import b64decode, b64encode, json_bytes
from nansen.verify import Outcome, Verifier
from tests.helpers import HOLDER, ISSUED, PARTNER, STRANGER
from tests.legacy_signers import sign_ed25519_signature_2018

V1 = "https://www.w3.org/2018/credentials/v1"
NANSEN = "https://w3id.org/nansen/v1"
MOMENT = datetime(2026, 2, 1, tzinfo=UTC)


def credential(issuer: Any = PARTNER) -> dict[str, Any]:
    """A VC 1.1 identity credential, the form Credo's issuer gives (tests/interop/credo/issuer.mjs)."""
    return {
        "@context": [V1, NANSEN],
        "id": "urn:uuid:3e3f6c3a-54b4-4a5e-9d33-0f0d3c5f1c2a",
        "type": ["VerifiableCredential", "IdentityDocumentCredential"],
        "issuer": issuer.controller,
        "issuanceDate": "2026-01-05T09:30:00Z",
        "credentialSubject": {
            "id": HOLDER.controller,
            "type": "IdentityDocumentHolder",
            "identityDocument": {"type": "Passport", "givenName": "Amina", "birthDate": "1990-04-01"},
        },
    }


def signed(signer: Any = PARTNER, **options: Any) -> dict[str, Any]:
    return sign_ed25519_signature_2018(credential(), signer, ISSUED, **options)


def proof_check(document: dict[str, Any]) -> tuple[Outcome, str]:
    result = Verifier(resolver=Resolver(()), clock=lambda: MOMENT).verify_credential(document)
    check = result.check("proof")
    assert check is not None, result.to_json()
    return check.outcome, str(check.reason)


def refused(document: dict[str, Any]) -> str:
    """The reason the proof is refused, without the suite the report names at its end."""
    outcome, reason = proof_check(document)
    assert outcome is Outcome.FAILED, reason
    return reason.removesuffix(" (Ed25519Signature2018).").removesuffix(".") + "."


def test_it_verifies_and_the_report_names_it() -> None:
    assert proof_check(signed()) == (Outcome.PASSED, "Every proof verifies (Ed25519Signature2018).")


def test_tampered_is_refused() -> None:
    document = signed()
    document["credentialSubject"]["identityDocument"]["givenName"] = "Someone"
    assert "The signature does not match the document" in refused(document)


def test_proof_options_are_signed_too() -> None:
    document = signed()
    document["proof"]["created"] = "2026-01-06T09:30:00Z"
    assert "The signature does not match the document" in refused(document)


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "none", "b64": False, "crit": ["b64"]},
        {"alg": "ES256", "b64": False, "crit": ["b64"]},
        {"alg": "EdDSA"},  # an encoded payload
        {"alg": "EdDSA", "b64": True, "crit": ["b64"]},
        {"alg": "EdDSA", "b64": 0, "crit": ["b64"]},
        {"alg": "EdDSA", "b64": False, "crit": ["b64", "exp"], "exp": 1},
        {"alg": "EdDSA", "b64": False, "crit": ["b64"], "kid": "did:key:z6Mk#other"},
    ],
    ids=["none", "ES256", "encoded payload", "b64 true", "b64 zero", "another crit", "extra member"],
)
def test_any_other_jws_header_is_refused(header: dict[str, Any]) -> None:
    assert "The proof's JWS header must be" in refused(signed(header=header))


def test_an_attached_payload_is_refused() -> None:
    document = signed()
    head, _, signature = document["proof"]["jws"].split(".")
    document["proof"]["jws"] = f"{head}.{b64encode(b'payload')}.{signature}"
    assert "not a detached compact JWS" in refused(document)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda jws: jws[:-1] + ("B" if jws[-1] == "A" else "A"),  # other bytes, or other bits
        lambda jws: jws + "=",
        lambda jws: jws.replace("..", ".", 1),
        lambda jws: None,
    ],
    ids=["signature changed", "padded", "not detached", "missing"],
)
def test_a_spoiled_jws_is_refused(spoil: Any) -> None:
    document = signed()
    document["proof"]["jws"] = spoil(document["proof"]["jws"])
    if document["proof"]["jws"] is None:
        del document["proof"]["jws"]
    assert refused(document)


@pytest.mark.parametrize("member", ["proofValue", "signatureValue"])
def test_a_second_signature_member_is_refused(member: str) -> None:
    document = signed()
    document["proof"][member] = "z3FXQe"
    assert refused(document) == "An Ed25519Signature2018 proof carries its signature in 'jws' only."


def test_the_signature_is_one_text_for_replay_checks() -> None:
    document = signed()
    raw = b64decode(document["proof"]["jws"].rsplit(".", 1)[1])
    assert signature_identity(document["proof"]) == raw


def test_a_key_of_another_is_refused() -> None:
    document = sign_ed25519_signature_2018(credential(), STRANGER, ISSUED)
    document["proof"]["verificationMethod"] = PARTNER.verification_method
    assert "The signature does not match the document" in refused(document)


def test_a_key_of_another_type_is_refused() -> None:
    suite = LEGACY_PROOF_TYPES["Ed25519Signature2018"]
    method = VerificationMethod(
        id=PARTNER.verification_method,
        type="EcdsaSecp256r1VerificationKey2019",
        controller=PARTNER.controller,
        public_key_multibase=PARTNER.key_pair.public_key.multibase,
    )
    with pytest.raises(ProofError) as refusal:
        suite.public_key(method)
    assert str(refusal.value) == (
        "An Ed25519Signature2018 proof needs an Ed25519VerificationKey2020 or Multikey key."
    )


def test_the_wrong_purpose_is_refused() -> None:
    assert refused(signed(purpose="authentication")) == "The proof's purpose is not assertionMethod."


def test_a_document_without_the_vc_1_1_context_is_refused() -> None:
    document = signed()
    document["@context"] = ["https://www.w3.org/ns/credentials/v2", NANSEN]
    document["validFrom"] = document.pop("issuanceDate")  # well-formed VC 2.0 but for the proof
    assert refused(document) == (f"A document with an Ed25519Signature2018 proof must use the context {V1}.")


def test_nansen_never_signs_with_it() -> None:
    assert "Ed25519Signature2018" not in SUITES
    assert json_bytes({"alg": "EdDSA", "b64": False, "crit": ["b64"]}) == (
        b'{"alg":"EdDSA","b64":false,"crit":["b64"]}'
    )


def presentation(challenge: str, domain: str) -> dict[str, Any]:
    """A VC 1.1 presentation of the credential, signed by its holder as Credo signs one."""
    unsigned = {
        "@context": [V1],
        "id": "urn:uuid:7d1c1c9e-8f0e-4d53-a0a3-3b8b4f8f4c11",
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.controller,
        "verifiableCredential": [signed()],
    }
    return sign_ed25519_signature_2018(
        unsigned, HOLDER, ISSUED, "authentication", challenge=challenge, domain=domain
    )


@pytest.mark.parametrize(
    ("challenge", "domain", "reason"),
    [
        ("the nonce", "the client", None),
        ("another nonce", "the client", "The proof's challenge does not match the one this verifier issued."),
        ("the nonce", "another client", "The proof's domain is not this verifier's."),
    ],
    ids=["bound", "replayed for another nonce", "made for another verifier"],
)
def test_a_presentation_is_bound_to_the_nonce_and_the_client(
    challenge: str, domain: str, reason: str | None
) -> None:
    result = Verifier(resolver=Resolver(()), clock=lambda: MOMENT).verify_presentation(
        presentation(challenge, domain), challenge="the nonce", domain="the client"
    )
    check = result.check("proof")
    assert check is not None, result.to_json()
    if reason is None:
        assert result.verified, result.to_json()
        assert check.reason == "Every proof verifies (Ed25519Signature2018)."
    else:
        assert not result.verified
        assert check.outcome is Outcome.FAILED
        assert str(check.reason).startswith(reason.removesuffix(".")), check.reason
