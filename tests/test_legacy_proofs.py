"""Credentials people already hold: ecdsa-rdfc-2019 and legacy Ed25519Signature2020 proofs (issue 11).

Each is verified on VC 2.0 credentials (a VC 1.1 credential needs the core's VC 1.1 support), and
every refusal the suites call for is sent and its reason checked: wrong type, bad encoding, wrong
purpose, a key its controller does not list or that is not the issuer's, the wrong curve or key
type, tampering. ecdsa-rdfc-2019 is signed only in test code (tests/legacy_signers.py);
Ed25519Signature2020 also by `add_legacy_proof`, for the opt-in legacy profile only.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest

from nansen import multibase
from nansen.did import Resolver
from nansen.ecdsa import P256, P384, EcdsaPublicKey, canonical_signature
from nansen.errors import KeyFormatError, ProofError
from nansen.proofs import Expectations, ProofOptions, add_legacy_proof, add_proof, verify_proofs
from nansen.proofs.cryptosuites import SUITES, suite_named
from nansen.proofs.ed25519_signature_2020 import CONTEXT as ED2020
from nansen.verify import Outcome, Verifier
from tests.helpers import HOLDER, ISSUED, PARTNER, STRANGER, copy_of, identity_credential
from tests.legacy_signers import EcdsaSigner, sign_ecdsa_rdfc_2019, sign_ed25519_signature_2020

P256_SIGNER = EcdsaSigner.from_secret(P256, 0x1D0C5)
P384_SIGNER = EcdsaSigner.from_secret(P384, 0x2D0C5)
MOMENT = datetime(2026, 2, 1, tzinfo=UTC)


def verifier(*documents: dict[str, Any]) -> Verifier:
    return Verifier(resolver=Resolver(documents), clock=lambda: MOMENT)


def ed2020_credential(**extra: Any) -> dict[str, Any]:
    credential = identity_credential(**extra)
    credential["@context"] = [*credential["@context"], ED2020]
    return credential


def ed2020_signed(signer: Any = PARTNER, purpose: str = "assertionMethod", **extra: Any) -> dict[str, Any]:
    return sign_ed25519_signature_2020(ed2020_credential(issuer=signer), signer, ISSUED, purpose, **extra)


def ecdsa_signed(signer: EcdsaSigner = P256_SIGNER, purpose: str = "assertionMethod") -> dict[str, Any]:
    credential = identity_credential()
    credential["issuer"] = signer.did
    return sign_ecdsa_rdfc_2019(credential, signer, ISSUED, purpose)


def proof_reason(result: Any) -> str:
    check = result.check("proof")
    assert check is not None
    return str(check.reason)


def refused(document: dict[str, Any], *documents: dict[str, Any]) -> str:
    """The reason the verifier gives for refusing the document's proof (failing if it does not),
    without the suite the report names at its end (checked here when the proof names one)."""
    result = verifier(*documents).verify_credential(document)
    assert result.check("proof").outcome is Outcome.FAILED, result.to_json()  # type: ignore[union-attr]
    assert not result.verified
    reason = proof_reason(result)
    (suite,) = result.to_json()["proofSuites"]
    if suite == "unknown":
        return reason
    assert reason.endswith(f" ({suite})."), reason
    return reason.removesuffix(f" ({suite}).") + "."


# --- they verify, and the report names the suite and the data model ---------------------------


@pytest.mark.parametrize(
    ("make", "suite"),
    [
        (lambda: ed2020_signed(), "Ed25519Signature2020"),
        (lambda: ecdsa_signed(P256_SIGNER), "ecdsa-rdfc-2019"),
        (lambda: ecdsa_signed(P384_SIGNER), "ecdsa-rdfc-2019"),
    ],
    ids=["Ed25519Signature2020", "ecdsa-rdfc-2019 P-256", "ecdsa-rdfc-2019 P-384"],
)
def test_verifies_and_the_report_names_suite_and_data_model(make: Any, suite: str) -> None:
    result = verifier().verify_credential(make())
    assert result.verified, result.to_json()
    report = result.to_json()
    assert report["proofSuites"] == [suite]
    assert report["dataModel"] == "VC 2.0"
    assert result.check("format").reason == "The credential is well-formed (VC 2.0)."  # type: ignore[union-attr]
    assert proof_reason(result) == f"Every proof verifies ({suite})."


def test_the_report_names_the_suite_of_a_proof_that_fails() -> None:
    signed = ecdsa_signed()
    signed["credentialSubject"]["identityDocument"]["givenName"] = "Someone"
    result = verifier().verify_credential(signed)
    assert proof_reason(result) == "The signature does not match the document (ecdsa-rdfc-2019)."
    assert result.to_json()["proofSuites"] == ["ecdsa-rdfc-2019"]


def test_the_report_names_eddsa_and_never_echoes_an_unknown_suite() -> None:
    signed = add_proof(identity_credential(), PARTNER, ProofOptions(created=ISSUED))
    assert verifier().verify_credential(signed).to_json()["proofSuites"] == ["eddsa-rdfc-2022"]
    signed["proof"]["cryptosuite"] = "<script>made-up</script>"
    report = verifier().verify_credential(signed).to_json()
    assert report["proofSuites"] == ["unknown"]
    assert "made-up" not in str(report)


def test_a_presentation_report_names_each_credentials_suite() -> None:
    from tests.helpers import presentation

    vp = presentation(ecdsa_signed_for_holder())
    report = verifier().verify_presentation(vp, challenge="c-123", domain="shelter.example").to_json()
    assert report["verified"], report
    assert report["proofSuites"] == ["eddsa-rdfc-2022"]
    assert report["credentials"][0]["proofSuites"] == ["ecdsa-rdfc-2019"]
    assert report["credentials"][0]["dataModel"] == "VC 2.0"


def ecdsa_signed_for_holder() -> dict[str, Any]:
    credential = identity_credential(holder=HOLDER)
    credential["issuer"] = P256_SIGNER.did
    return sign_ecdsa_rdfc_2019(credential, P256_SIGNER, ISSUED)


# --- never signed with by default; Ed25519Signature2020 only when asked for -------------------


@pytest.mark.parametrize("name", ["Ed25519Signature2020", "ecdsa-rdfc-2019"])
def test_neither_suite_signs_by_default(name: str) -> None:
    assert name not in SUITES
    with pytest.raises(ProofError, match="not supported"):
        suite_named(name)
    with pytest.raises(ProofError, match="not supported"):
        add_proof(identity_credential(), PARTNER, ProofOptions(cryptosuite=name))


@pytest.mark.parametrize("name", ["ecdsa-rdfc-2019", "Ed25519Signature2018", "eddsa-rdfc-2022", None])
def test_the_legacy_signer_signs_only_ed25519_signature_2020(name: str | None) -> None:
    with pytest.raises(ProofError, match="Ed25519Signature2020 is"):
        add_legacy_proof(ed2020_credential(), PARTNER, ProofOptions(cryptosuite=name))  # type: ignore[arg-type]


def test_the_legacy_signer_makes_what_the_verifier_takes_and_a_change_fails() -> None:
    unsigned = ed2020_credential(issuer=PARTNER)
    signed = add_legacy_proof(
        unsigned, PARTNER, ProofOptions(cryptosuite="Ed25519Signature2020", created=ISSUED)
    )
    assert signed["proof"]["type"] == "Ed25519Signature2020"
    assert "cryptosuite" not in signed["proof"]
    # The same proof as the test signer's (deterministic Ed25519), itself checked against the W3C
    # CCG vectors and Digital Bazaar's implementation.
    assert signed == sign_ed25519_signature_2020(unsigned, PARTNER, ISSUED)
    assert verifier().verify_credential(signed).verified
    signed["credentialSubject"]["identityDocument"]["familyName"] = "Other"
    assert "does not match" in proof_reason(verifier().verify_credential(signed))


def test_the_legacy_signer_refuses_a_document_without_the_suite_context() -> None:
    with pytest.raises(ProofError, match="must use the context"):
        add_legacy_proof(identity_credential(), PARTNER)


# --- Ed25519Signature2020 refusals -----------------------------------------------------------


def test_ed2020_tampered_is_refused() -> None:
    signed = ed2020_signed()
    signed["credentialSubject"]["identityDocument"]["familyName"] = "Other"
    assert proof_reason(verifier().verify_credential(signed)) == (
        "The signature does not match the document (Ed25519Signature2020)."
    )


def test_ed2020_proof_options_are_signed_too() -> None:
    signed = ed2020_signed()
    signed["proof"]["created"] = "2026-01-06T09:30:00Z"
    assert "does not match the document" in refused(signed)


@pytest.mark.parametrize("wrong", ["ed25519signature2020", "JsonWebSignature2020"])
def test_ed2020_wrong_type_is_refused(wrong: str) -> None:
    signed = ed2020_signed()
    signed["proof"]["type"] = wrong
    assert (
        refused(signed)
        == "The proof type is not supported (DataIntegrityProof, Ed25519Signature2020, Ed25519Signature2018 are)."
    )


def test_ed2020_with_a_cryptosuite_is_refused() -> None:
    signed = ed2020_signed()
    signed["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    assert refused(signed) == "An Ed25519Signature2020 proof must not name a cryptosuite."


def test_ed2020_signature_as_data_integrity_proof_is_refused() -> None:
    """The same signature relabelled as eddsa-rdfc-2022 covers other proof options: refused."""
    signed = ed2020_signed()
    signed["proof"] = {**signed["proof"], "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
    assert "does not match the document" in refused(signed)


@pytest.mark.parametrize(
    ("encode", "reason"),
    [
        (lambda sig: multibase.encode_base64url(sig), "The proof value is missing or not base58btc."),
        (lambda sig: base64.b64encode(sig).decode(), "The proof value is missing or not base58btc."),
        (lambda sig: "z0OIl" + multibase.encode_base58btc(sig)[5:], "The proof value or key is malformed."),
        (lambda sig: multibase.encode_base58btc(sig[:63]), "does not match the document"),
    ],
    ids=["base64url multibase", "plain base64", "not base58", "63 bytes"],
)
def test_ed2020_bad_encoding_is_refused(encode: Any, reason: str) -> None:
    signed = ed2020_signed()
    signature = multibase.decode(signed["proof"]["proofValue"])
    value = encode(signature)
    signed["proof"]["proofValue"] = value
    if value.startswith("z") and reason.startswith("The proof value is missing"):
        # Base64 text that happens to begin with "z" (1 time in 64: the credential's id is random)
        # reads as a base58btc multibase value holding characters base58 lacks.
        reason = "The proof value or key is malformed."
    assert reason in refused(signed)


def test_ed2020_wrong_purpose_is_refused() -> None:
    assert refused(ed2020_signed(purpose="authentication")) == "The proof's purpose is not assertionMethod."


def test_ed2020_document_without_its_context_is_refused() -> None:
    credential = identity_credential()
    signed = sign_ed25519_signature_2020(ed2020_credential(), PARTNER, ISSUED)
    signed["@context"] = credential["@context"]
    assert refused(signed) == f"A document with an Ed25519Signature2020 proof must use the context {ED2020}."


def test_ed2020_proof_with_its_own_context_is_refused() -> None:
    signed = ed2020_signed()
    signed["proof"]["@context"] = signed["@context"]
    assert refused(signed) == "An Ed25519Signature2020 proof must not carry its own '@context'."


def test_ed2020_key_of_another_is_refused() -> None:
    """Signed by a stranger's key while naming the partner as issuer."""
    signed = sign_ed25519_signature_2020(ed2020_credential(), STRANGER, ISSUED)
    result = verifier().verify_credential(signed)
    assert result.check("issuer key").outcome is Outcome.FAILED  # type: ignore[union-attr]
    assert not result.verified


def web_issuer(method: dict[str, Any], relationships: dict[str, list[Any]] | None = None) -> dict[str, Any]:
    return {
        "id": "did:web:issuer.example",
        "verificationMethod": [method],
        **(relationships if relationships is not None else {"assertionMethod": [method["id"]]}),
    }


def ed2020_web_signed(method_id: str = "did:web:issuer.example#key-1") -> dict[str, Any]:
    from nansen.keys import SigningKey

    credential = ed2020_credential()
    credential["issuer"] = "did:web:issuer.example"
    return sign_ed25519_signature_2020(credential, SigningKey(PARTNER.key_pair, method_id), ISSUED)


def ed2020_method(**overrides: Any) -> dict[str, Any]:
    return {
        "id": "did:web:issuer.example#key-1",
        "type": "Ed25519VerificationKey2020",
        "controller": "did:web:issuer.example",
        "publicKeyMultibase": PARTNER.key_pair.public_key.multibase,
        **overrides,
    }


def test_ed2020_verifies_with_an_ed25519_verification_key_2020() -> None:
    result = verifier(web_issuer(ed2020_method())).verify_credential(ed2020_web_signed())
    assert result.verified, result.to_json()


def test_ed2020_key_controlled_by_another_is_refused() -> None:
    method = ed2020_method(controller="did:web:elsewhere.example")
    reason = refused(ed2020_web_signed(), web_issuer(method))
    assert reason.startswith("The signing key is not controlled by the DID that lists it.")


def test_ed2020_key_not_listed_for_assertion_is_refused() -> None:
    method = ed2020_method()
    reason = refused(ed2020_web_signed(), web_issuer(method, {"authentication": [method["id"]]}))
    assert reason.startswith("The signing key is not authorised for assertionMethod.")


def test_ed2020_key_of_another_type_is_refused() -> None:
    method = ed2020_method(type="EcdsaSecp256k1VerificationKey2019")
    reason = refused(ed2020_web_signed(), web_issuer(method))
    assert reason.startswith(
        "An Ed25519Signature2020 proof needs an Ed25519VerificationKey2020 or Multikey key."
    )


def test_ed2020_revoked_key_is_refused() -> None:
    method = ed2020_method(revoked="2026-01-01T00:00:00Z")
    assert refused(ed2020_web_signed(), web_issuer(method)).startswith(
        "The signing key has been revoked as compromised."
    )


# --- ecdsa-rdfc-2019 refusals ----------------------------------------------------------------


def test_ecdsa_tampered_is_refused() -> None:
    signed = ecdsa_signed(P384_SIGNER)
    signed["validFrom"] = "2026-01-04T09:30:00Z"
    assert refused(signed) == "The signature does not match the document."


def test_ecdsa_with_an_ed25519_key_is_refused() -> None:
    """Wrong curve: an ecdsa-rdfc-2019 proof naming an Ed25519 did:key."""
    signed = ecdsa_signed()
    signed["issuer"] = PARTNER.controller
    signed["proof"]["verificationMethod"] = PARTNER.verification_method
    assert refused(signed).startswith("The ecdsa-rdfc-2019 proof's key is not a P-256 or P-384 Multikey")


def test_eddsa_proof_with_a_p256_key_is_refused() -> None:
    signed = add_proof(identity_credential(), PARTNER, ProofOptions(created=ISSUED))
    signed["issuer"] = P256_SIGNER.did
    signed["proof"]["verificationMethod"] = P256_SIGNER.verification_method
    assert refused(signed).startswith("The proof value or key is malformed.")


def test_p384_signature_under_a_p256_key_is_refused() -> None:
    signed = ecdsa_signed(P384_SIGNER)
    signed["issuer"] = P256_SIGNER.did
    signed["proof"]["verificationMethod"] = P256_SIGNER.verification_method
    assert "does not match the document" in refused(signed)


def p256_scalars(signed: dict[str, Any]) -> tuple[int, int]:
    signature = multibase.decode(signed["proof"]["proofValue"])
    return int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")


def with_scalars(signed: dict[str, Any], r: int, s: int) -> dict[str, Any]:
    tampered = copy_of(signed)
    value = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    tampered["proof"]["proofValue"] = multibase.encode_base58btc(value)
    return tampered


def test_ecdsa_high_s_verifies_as_the_spec_allows() -> None:
    """vc-di-ecdsa does not require low-S (§5.1: ECDSA is not strongly unforgeable): (r, n - s) of a
    valid signature verifies too, and `canonical_signature` maps both to one form."""
    signed = ecdsa_signed()
    r, s = p256_scalars(signed)
    flipped = with_scalars(signed, r, P256.order - s)
    assert verifier().verify_credential(flipped).verified
    one = multibase.decode(signed["proof"]["proofValue"])
    other = multibase.decode(flipped["proof"]["proofValue"])
    assert one != other
    assert canonical_signature(P256, one) == canonical_signature(P256, other)


@pytest.mark.parametrize(
    "scalars",
    [
        lambda r, s: (0, s),
        lambda r, s: (r, 0),
        lambda r, s: (r, P256.order),
        lambda r, s: (P256.order, s),
        lambda r, s: (r, 2**256 - 1),
    ],
    ids=["r=0", "s=0", "s=n", "r=n", "s=2^256-1"],
)
def test_ecdsa_out_of_range_scalars_are_refused(scalars: Any) -> None:
    signed = ecdsa_signed()
    r, s = scalars(*p256_scalars(signed))
    assert "does not match the document" in refused(with_scalars(signed, r, s))


def test_ecdsa_der_signature_is_refused() -> None:
    """The signature must be P1363 r ‖ s, not DER."""
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    signed = ecdsa_signed()
    der = encode_dss_signature(*p256_scalars(signed))
    signed["proof"]["proofValue"] = multibase.encode_base58btc(der)
    assert "does not match the document" in refused(signed)


def ecdsa_method(public_key_multibase: str, kind: str = "Multikey") -> dict[str, Any]:
    return {
        "id": "did:web:issuer.example#key-1",
        "type": kind,
        "controller": "did:web:issuer.example",
        "publicKeyMultibase": public_key_multibase,
    }


def ecdsa_web_signed() -> dict[str, Any]:
    credential = identity_credential()
    credential["issuer"] = "did:web:issuer.example"
    return sign_ecdsa_rdfc_2019(credential, P256_SIGNER, ISSUED, method="did:web:issuer.example#key-1")


def test_ecdsa_verifies_with_a_did_web_multikey() -> None:
    document = web_issuer(ecdsa_method(P256_SIGNER.public_key.multibase))
    assert verifier(document).verify_credential(ecdsa_web_signed()).verified


def test_ecdsa_key_of_another_type_is_refused() -> None:
    document = web_issuer(ecdsa_method(P256_SIGNER.public_key.multibase, "JsonWebKey2020"))
    assert refused(ecdsa_web_signed(), document).startswith(
        "An ecdsa-rdfc-2019 proof needs a Multikey verification method."
    )


def test_ecdsa_key_not_listed_for_assertion_is_refused() -> None:
    method = ecdsa_method(P256_SIGNER.public_key.multibase)
    document = web_issuer(method, {"authentication": [method["id"]]})
    assert refused(ecdsa_web_signed(), document).startswith(
        "The signing key is not authorised for assertionMethod."
    )


def uncompressed_multikey() -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    point = P256_SIGNER.private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return multibase.encode_multicodec(multibase.P256_PUB, point)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (uncompressed_multikey(), "not a compressed point"),
        (multibase.encode_multicodec(multibase.P256_PUB, b"\x02" + b"\xff" * 32), "not a point on the curve"),
        (multibase.encode_multicodec(multibase.P256_PUB, b"\x05" + b"\x01" * 32), "not a compressed point"),
        (multibase.encode_multicodec(b"\x86\x26", b"\x01" * 32), "not a P-256 or P-384 public key"),
        ("u" + multibase.encode_base64url(b"\x80\x24" + b"\x02" * 33)[1:], "must be base58btc"),
    ],
    ids=["uncompressed", "off the curve", "bad prefix", "a secret key's header", "base64url"],
)
def test_ecdsa_malformed_keys_are_refused(value: str, reason: str) -> None:
    with pytest.raises(KeyFormatError, match=reason):
        EcdsaPublicKey.from_multibase(value)
    assert reason in refused(ecdsa_web_signed(), web_issuer(ecdsa_method(value)))


def test_p256_did_key_resolves_without_key_agreement() -> None:
    document = Resolver().resolve(P256_SIGNER.did)
    assert document.has_relationship(P256_SIGNER.verification_method, "assertionMethod")
    assert "keyAgreement" not in document.data


def test_ecdsa_proofs_verify_alone_too() -> None:
    results = verify_proofs(ecdsa_signed(P384_SIGNER), Resolver(), Expectations(moment=MOMENT))
    assert [(r.verified, r.cryptosuite) for r in results] == [(True, "ecdsa-rdfc-2019")]


def test_both_forms_of_one_ecdsa_signature_are_one_repeated_proof() -> None:
    """A proof set of (r, s) and (r, n - s) is one signing twice, not two signers: refused."""
    signed = ecdsa_signed()
    r, s = p256_scalars(signed)
    other = with_scalars(signed, r, P256.order - s)["proof"]
    signed["proof"] = [signed["proof"], other]
    result = verifier().verify_credential(signed)
    assert proof_reason(result) == "The credential carries the same proof more than once."
    assert not result.verified


@pytest.mark.parametrize(
    "make",
    [lambda: ed2020_signed(), lambda: ecdsa_signed(P384_SIGNER)],
    ids=["Ed25519Signature2020", "P-384"],
)
def test_a_presentation_of_either_survives_the_qr_code(make: Any) -> None:
    from nansen.qr import decode_presentation, encode_presentation
    from tests.helpers import presentation

    vp = presentation(make())  # the credentials' subject is the holder, tests.helpers.HOLDER
    decoded = decode_presentation(encode_presentation(vp))
    assert decoded == vp
    result = verifier().verify_presentation(decoded, challenge="c-123", domain="shelter.example")
    assert result.verified, result.to_json()


@pytest.mark.timeout(20)
@pytest.mark.parametrize("signer", [P256_SIGNER, P384_SIGNER], ids=["P-256", "P-384"])
def test_ecdsa_poison_graph_is_refused_quickly(signer: EcdsaSigner) -> None:
    """Eight mutually linked blank nodes: RDFC-1.0 with SHA-384 (P-384) is bounded as with SHA-256."""
    credential = ecdsa_signed(signer)
    credential["@context"] = [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ]
    nodes = [f"_:n{i}" for i in range(8)]
    credential["credentialSubject"] = [
        {"id": node, "linked": [{"id": other} for other in nodes if other != node]} for node in nodes
    ]
    assert "too complex" in refused(credential)
