"""VC Data Model 1.1 credentials and presentations verify (issuanceDate/expirationDate), and the two
versions are never mixed up."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from nansen import jsonld, vcdm
from nansen.errors import InvalidInput
from nansen.proofs import ProofOptions, add_proof
from nansen.verify import Outcome, Verdict, Verifier
from tests.helpers import HOLDER, ISSUED, PARTNER

V1 = jsonld.CREDENTIALS_V1
DI = jsonld.DATA_INTEGRITY_V2
#: VC 1.1 §4.3 defines no "name"; the eddsa suite's 1.1 inputs define it inline, as here.
EXTRA = {
    "@context": {
        "AlumniCredential": "https://www.example.org/AlumniCredential",
        "alumniOf": "https://www.example.org/alumniOf",
    }
}


def credential_11(**changes: Any) -> dict[str, Any]:
    document = {
        "@context": [V1, DI, EXTRA],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": PARTNER.controller,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER.controller, "alumniOf": "The School of Examples"},
    }
    document.update(changes)
    return {k: v for k, v in document.items() if v is not None}


def signed(document: dict[str, Any], suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    return add_proof(document, PARTNER, ProofOptions(cryptosuite=suite, created=ISSUED))


def verifier(moment: datetime = ISSUED) -> Verifier:
    return Verifier(clock=lambda: moment)


def reason(result: Any, check: str) -> str:
    found = result.check(check)
    assert found is not None
    return str(found.reason)


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_vc_11_credential_verifies(suite: str) -> None:
    result = verifier().verify_credential(signed(credential_11(), suite))
    assert result.verdict is Verdict.VALID, result.to_json()
    assert vcdm.data_model_version(result.document or {}) == "1.1"


def test_validity_is_judged_from_issuance_and_expiration_dates() -> None:
    document = signed(credential_11(expirationDate="2026-06-01T00:00:00Z"))
    assert verifier(ISSUED).verify_credential(document).verdict is Verdict.VALID
    late = verifier(datetime(2026, 7, 1, tzinfo=UTC)).verify_credential(document)
    assert late.verdict is Verdict.NOT_VALID
    assert reason(late, "validity period") == "The credential has expired."
    future = signed(credential_11(issuanceDate="2026-03-01T00:00:00Z"))
    early = verifier(ISSUED).verify_credential(future)
    assert early.verdict is Verdict.NOT_VALID
    assert reason(early, "validity period") == "The credential is not valid yet."
    assert verifier(ISSUED + timedelta(days=60)).verify_credential(future).verdict is Verdict.VALID


def test_a_vc_11_credential_without_issuance_date_is_refused() -> None:
    result = verifier().verify_credential(signed(credential_11(issuanceDate=None)))
    assert result.verdict is Verdict.NOT_VALID
    assert reason(result, "format") == "A VC 1.1 credential must have an issuanceDate."


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            credential_11(validFrom="2026-01-01T00:00:00Z"),
            "is VC 1.1 (by its first '@context') but uses validFrom",
        ),
        (
            credential_11(validUntil="2027-01-01T00:00:00Z"),
            "is VC 1.1 (by its first '@context') but uses validUntil",
        ),
        (
            {
                **credential_11(issuanceDate=None),
                "@context": [jsonld.CREDENTIALS_V2, EXTRA],
                "issuanceDate": "2026-01-01T00:00:00Z",
            },
            "is VC 2.0 (by its first '@context') but uses issuanceDate",
        ),
        (
            {
                **credential_11(issuanceDate=None),
                "@context": [jsonld.CREDENTIALS_V2, EXTRA],
                "expirationDate": "2027-01-01T00:00:00Z",
            },
            "is VC 2.0 (by its first '@context') but uses expirationDate",
        ),
        (
            {**credential_11(), "@context": [V1, jsonld.CREDENTIALS_V2, EXTRA]},
            "names both the VC 2.0 and the VC 1.1",
        ),
        (
            {**credential_11(), "@context": [jsonld.CREDENTIALS_V2, V1, EXTRA]},
            "names both the VC 2.0 and the VC 1.1",
        ),
        ({**credential_11(), "@context": [EXTRA, V1]}, "The first '@context' must be"),
        (credential_11(issuanceDate="yesterday"), "issuanceDate is not a date-time"),
        (credential_11(expirationDate="2025-01-01T00:00:00Z"), "expirationDate is before its issuanceDate"),
    ],
)
def test_mixed_up_versions_are_refused_with_a_clear_reason(document: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", "\\(").replace(")", "\\)")):
        vcdm.validate_credential(document)
    # The same document carrying a proof (made before it was changed): refused at the format check.
    base = signed(credential_11())
    carried = {k: v for k, v in base.items() if k in document or k == "proof"} | document
    result = verifier().verify_credential(carried)
    assert result.verdict is Verdict.NOT_VALID
    assert message in reason(result, "format")


def test_a_vc_11_credential_without_the_data_integrity_context_does_not_verify() -> None:
    """VC 1.1's context does not define DataIntegrityProof's terms: the issuer appends
    data-integrity/v2; a proof without it cannot be read (its terms would be dropped)."""
    document = credential_11()
    document["@context"] = [V1, EXTRA]
    with_context = signed(credential_11())
    stripped = copy.deepcopy(with_context)
    stripped["@context"] = document["@context"]
    result = verifier().verify_credential(stripped)
    assert result.verdict is Verdict.NOT_VALID
    assert result.check("proof").outcome is Outcome.FAILED  # type: ignore[union-attr]


def test_a_vc_11_presentation_of_a_vc_11_credential_verifies() -> None:
    presentation = {
        "@context": [V1, DI],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.controller,
        "verifiableCredential": [signed(credential_11())],
    }
    options = ProofOptions(purpose="authentication", challenge="c-1", domain="d.example", created=ISSUED)
    vp = add_proof(presentation, HOLDER, options)
    result = verifier().verify_presentation(vp, challenge="c-1", domain="d.example")
    assert result.verdict is Verdict.VALID, result.to_json()
    assert (
        verifier().verify_presentation(vp, challenge="c-2", domain="d.example").verdict is Verdict.NOT_VALID
    )
