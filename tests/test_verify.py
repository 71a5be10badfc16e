"""The verification pipeline: a valid credential, and each way a credential or presentation fails."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from nansen.did import Resolver
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair, SigningKey
from nansen.proofs import ProofOptions, add_proof
from nansen.verify import Outcome, Verdict, Verifier
from tests.helpers import HOLDER, ISSUED, PARTNER, STRANGER, copy_of, presentation, signed_credential

SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022"]


def verifier(resolver: Resolver | None = None, moment: Any = None) -> Verifier:
    return Verifier(resolver=resolver or Resolver(), clock=lambda: moment or ISSUED + timedelta(days=1))


def outcome(result: Any, name: str) -> Outcome:
    check = result.check(name)
    assert check is not None, [c.name for c in result.checks]
    return check.outcome


@pytest.mark.parametrize("suite", SUITES)
def test_valid_credential_passes_every_check(suite: str) -> None:
    result = verifier().verify_credential(signed_credential(suite))
    assert result.verdict is Verdict.VALID, result.to_json()
    assert [c.name for c in result.checks] == [
        "format",
        "proof",
        "issuer key",
        "validity period",
        "status",
        "trust",
    ]
    assert outcome(result, "status") is Outcome.NOT_CHECKED
    assert result.to_json()["verified"] is True


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda c: c["credentialSubject"]["identityDocument"].update(birthDate="1991-04-01"), id="claim"
        ),
        pytest.param(lambda c: c["type"].append("BirthCertificate"), id="type"),
        pytest.param(lambda c: c.update(issuer=STRANGER.controller), id="issuer"),
        pytest.param(lambda c: c["proof"].update(created="2026-01-04T09:30:00Z"), id="created"),
        pytest.param(
            lambda c: c["proof"].update(proofValue=c["proof"]["proofValue"][:-2] + "11"), id="proofValue"
        ),
        pytest.param(lambda c: c.update(validFrom="2025-01-05T09:30:00Z"), id="validFrom"),
    ],
)
def test_tampering_is_refused(suite: str, tamper: Any) -> None:
    credential = copy_of(signed_credential(suite))
    tamper(credential)
    result = verifier().verify_credential(credential)
    assert result.verdict is Verdict.NOT_VALID
    # A changed issuer leaves the proof's key someone else's: refused before it is resolved.
    refusing = "issuer key" if credential["issuer"] == STRANGER.controller else "proof"
    assert outcome(result, refusing) is Outcome.FAILED


def test_undefined_term_added_after_signing_is_refused() -> None:
    credential = copy_of(signed_credential())
    credential["credentialSubject"]["secretNote"] = "added later"
    result = verifier().verify_credential(credential)
    assert outcome(result, "proof") is Outcome.FAILED
    assert "not defined" in result.check("proof").reason  # type: ignore[union-attr]


def test_undefined_type_is_refused() -> None:
    credential = copy_of(signed_credential())
    credential["type"].append("MadeUpType")
    result = verifier().verify_credential(credential)
    assert outcome(result, "proof") is Outcome.FAILED
    assert "not defined" in result.check("proof").reason  # type: ignore[union-attr]


def test_unknown_cryptosuite_is_refused() -> None:
    credential = copy_of(signed_credential())
    credential["proof"]["cryptosuite"] = "ecdsa-sd-2023"
    result = verifier().verify_credential(credential)
    assert outcome(result, "proof") is Outcome.FAILED
    assert "cryptosuite" in result.check("proof").reason  # type: ignore[union-attr]


def test_missing_proof_is_refused() -> None:
    credential = copy_of(signed_credential())
    del credential["proof"]
    assert outcome(verifier().verify_credential(credential), "proof") is Outcome.FAILED


def test_key_not_controlled_by_issuer_is_refused() -> None:
    """A valid signature by someone else's key, on a credential naming the partner as issuer."""
    credential = add_proof(
        __import__("tests.helpers", fromlist=["identity_credential"]).identity_credential(),
        STRANGER,
        ProofOptions(created=ISSUED),
    )
    result = verifier().verify_credential(credential)
    # The other DID's key is not even resolved: it is not the issuer's, so nothing it names is fetched.
    assert outcome(result, "proof") is Outcome.NOT_CHECKED
    assert outcome(result, "issuer key") is Outcome.FAILED
    assert result.verdict is Verdict.NOT_VALID


def test_authentication_key_used_for_assertion_is_refused() -> None:
    partner_did = "did:web:partner.example"
    auth_key = SigningKey(Ed25519KeyPair.from_seed(b"\x09" * 32), partner_did + "#auth")
    document = {
        "id": partner_did,
        "verificationMethod": [
            {
                "id": partner_did + "#auth",
                "type": "Multikey",
                "controller": partner_did,
                "publicKeyMultibase": auth_key.key_pair.public_key.multibase,
            }
        ],
        "authentication": [partner_did + "#auth"],
    }
    from tests.helpers import identity_credential

    unsigned = identity_credential()
    unsigned["issuer"] = partner_did
    credential = add_proof(unsigned, auth_key, ProofOptions(created=ISSUED))
    result = verifier(Resolver(documents=[document])).verify_credential(credential)
    assert outcome(result, "proof") is Outcome.FAILED
    assert "assertionMethod" in result.check("proof").reason  # type: ignore[union-attr]


def test_method_controlled_by_another_did_is_refused() -> None:
    partner_did = "did:web:partner.example"
    key = SigningKey(Ed25519KeyPair.from_seed(b"\x0a" * 32), partner_did + "#k")
    document = {
        "id": partner_did,
        "verificationMethod": [
            {
                "id": partner_did + "#k",
                "type": "Multikey",
                "controller": "did:web:elsewhere.example",
                "publicKeyMultibase": key.key_pair.public_key.multibase,
            }
        ],
        "assertionMethod": [partner_did + "#k"],
    }
    from tests.helpers import identity_credential

    unsigned = identity_credential()
    unsigned["issuer"] = partner_did
    credential = add_proof(unsigned, key, ProofOptions(created=ISSUED))
    result = verifier(Resolver(documents=[document])).verify_credential(credential)
    assert outcome(result, "proof") is Outcome.FAILED


@pytest.mark.parametrize("suite", SUITES)
def test_one_bad_proof_in_a_proof_set_fails_the_set(suite: str) -> None:
    credential = signed_credential(suite)
    later = ISSUED + timedelta(minutes=1)  # the same options again would repeat the proof: refused
    both = add_proof(credential, PARTNER, ProofOptions(cryptosuite=suite, created=later))
    assert verifier().verify_credential(both).verdict is Verdict.VALID
    both["proof"][1]["proofValue"] = credential["proof"]["proofValue"][:-3] + "abc"
    result = verifier().verify_credential(both)
    assert outcome(result, "proof") is Outcome.FAILED


def test_expired_and_not_yet_valid_are_refused() -> None:
    from tests.helpers import identity_credential

    unsigned = identity_credential()
    unsigned["validUntil"] = "2026-06-01T00:00:00Z"
    credential = add_proof(unsigned, PARTNER, ProofOptions(created=ISSUED))
    later = verifier(moment=ISSUED + timedelta(days=365)).verify_credential(credential)
    assert outcome(later, "validity period") is Outcome.FAILED
    assert "expired" in later.check("validity period").reason  # type: ignore[union-attr]
    earlier = verifier(moment=ISSUED - timedelta(days=2)).verify_credential(credential)
    assert outcome(earlier, "validity period") is Outcome.FAILED
    assert "not valid yet" in earlier.check("validity period").reason  # type: ignore[union-attr]
    within_skew = verifier(moment=ISSUED - timedelta(seconds=60)).verify_credential(credential)
    assert outcome(within_skew, "validity period") is Outcome.PASSED


def test_small_order_issuer_key_is_refused() -> None:
    """did:key of the identity point: a lax verifier accepts R=identity, S=0 for any message."""
    identity_point = bytes([1]) + bytes(31)
    from nansen.keys import Ed25519PublicKey

    public = Ed25519PublicKey(identity_point)
    forged = identity_point + bytes(32)
    assert public.verify(b"any message", forged) is False
    did = did_key.did_from_public_key(public)
    from tests.helpers import identity_credential

    credential = identity_credential()
    credential["issuer"] = did
    credential["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2026-01-05T09:30:00Z",
        "verificationMethod": f"{did}#{public.multibase}",
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + __import__("base58").b58encode(forged).decode(),
    }
    result = verifier().verify_credential(credential)
    assert outcome(result, "proof") is Outcome.FAILED


def test_non_canonical_signature_is_refused() -> None:
    """S + L (the group order) verifies under a lax check; libsodium refuses it."""
    order = 2**252 + 27742317777372353535851937790883648493
    message = b"message"
    signature = PARTNER.key_pair.sign(message)
    s_value = int.from_bytes(signature[32:], "little") + order
    malleated = signature[:32] + s_value.to_bytes(32, "little")
    assert PARTNER.key_pair.public_key.verify(message, signature) is True
    assert PARTNER.key_pair.public_key.verify(message, malleated) is False

    credential = signed_credential()
    raw = __import__("nansen.multibase", fromlist=["decode"]).decode(credential["proof"]["proofValue"])
    s_value = int.from_bytes(raw[32:], "little") + order
    credential["proof"]["proofValue"] = (
        "z" + __import__("base58").b58encode(raw[:32] + s_value.to_bytes(32, "little")).decode()
    )
    assert outcome(verifier().verify_credential(credential), "proof") is Outcome.FAILED


@pytest.mark.timeout(20)
def test_poison_graph_is_refused_quickly() -> None:
    """Eight mutually linked blank nodes: factorial work for RDFC-1.0 without a bound."""
    from tests.helpers import identity_credential

    credential = identity_credential()
    credential["@context"] = [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ]
    nodes = [f"_:n{i}" for i in range(8)]
    credential["credentialSubject"] = [
        {"id": node, "linked": [{"id": other} for other in nodes if other != node]} for node in nodes
    ]
    credential["proof"] = signed_credential()["proof"]
    started = time.perf_counter()
    result = verifier().verify_credential(credential)
    elapsed = time.perf_counter() - started
    assert outcome(result, "proof") is Outcome.FAILED
    assert "too complex" in result.check("proof").reason  # type: ignore[union-attr]
    print(f"poison graph refused in {elapsed * 1000:.1f} ms")


@pytest.mark.parametrize("suite", SUITES)
def test_presentation_by_the_subject_is_valid(suite: str) -> None:
    vp = presentation(signed_credential(suite), suite=suite)
    result = verifier().verify_presentation(vp, challenge="c-123", domain="shelter.example")
    assert result.verdict is Verdict.VALID, result.to_json()
    assert outcome(result, "holder binding") is Outcome.PASSED
    assert result.credentials[0].verdict is Verdict.VALID


@pytest.mark.parametrize(("challenge", "domain"), [("c-999", "shelter.example"), ("c-123", "evil.example")])
def test_presentation_with_wrong_challenge_or_domain_is_refused(challenge: str, domain: str) -> None:
    vp = presentation(signed_credential())
    result = verifier().verify_presentation(vp, challenge=challenge, domain=domain)
    assert result.verdict is Verdict.NOT_VALID
    assert outcome(result, "proof") is Outcome.FAILED


def test_presentation_signed_by_someone_other_than_the_subject_is_refused() -> None:
    vp = presentation(signed_credential(), signer=STRANGER)
    result = verifier().verify_presentation(vp, challenge="c-123", domain="shelter.example")
    assert outcome(result, "proof") is Outcome.PASSED
    assert outcome(result, "holder binding") is Outcome.FAILED
    assert result.verdict is Verdict.NOT_VALID


def test_presentation_naming_another_holder_is_refused() -> None:
    vp = presentation(signed_credential(), signer=STRANGER)
    vp["holder"] = HOLDER.controller
    result = verifier().verify_presentation(vp, challenge="c-123", domain="shelter.example")
    assert result.verdict is Verdict.NOT_VALID


def test_assertion_proof_cannot_stand_in_for_a_presentation_proof() -> None:
    from nansen import vcdm

    unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[signed_credential()])
    vp = add_proof(
        unsigned, HOLDER, ProofOptions(challenge="c-123", domain="shelter.example", created=ISSUED)
    )
    result = verifier().verify_presentation(vp, challenge="c-123", domain="shelter.example")
    assert outcome(result, "proof") is Outcome.FAILED


def test_presentation_with_a_tampered_credential_is_refused() -> None:
    credential = copy_of(signed_credential())
    credential["credentialSubject"]["identityDocument"]["familyName"] = "Other"
    vp = presentation(credential)
    result = verifier().verify_presentation(vp, challenge="c-123", domain="shelter.example")
    assert outcome(result, "proof") is Outcome.PASSED
    assert result.credentials[0].verdict is Verdict.NOT_VALID
    assert result.verdict is Verdict.NOT_VALID
