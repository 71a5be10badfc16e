"""The cryptosuite the wallet signs an ``ldp_vc`` presentation with, read from the verifier's
``client_metadata.vp_formats_supported.ldp_vc`` (OpenID4VP 1.0 §11.1, Appendix B.1.3.1): one the
verifier lists, for a credential whose every proof it lists; otherwise nothing is sent."""

from __future__ import annotations

from typing import Any

import pytest

from wallet.openid4vp import RequestError, presentation_suite

RDFC = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z1"}
CREDENTIAL: dict[str, Any] = {"type": ["VerifiableCredential"], "proof": RDFC}


def request(ldp: Any) -> dict[str, Any]:
    return {"client_metadata": {"vp_formats_supported": {"ldp_vc": ldp}}}


def test_no_ldp_vc_metadata_means_the_default_suite() -> None:
    assert presentation_suite({}, CREDENTIAL) == "eddsa-rdfc-2022"
    assert presentation_suite(request({}), CREDENTIAL) == "eddsa-rdfc-2022"


def test_the_verifiers_only_cryptosuite_is_used() -> None:
    jcs_only = request(
        {"proof_type_values": ["DataIntegrityProof"], "cryptosuite_values": ["eddsa-jcs-2022"]}
    )
    jcs_credential = {**CREDENTIAL, "proof": {**RDFC, "cryptosuite": "eddsa-jcs-2022"}}
    assert presentation_suite(jcs_only, jcs_credential) == "eddsa-jcs-2022"


def test_the_default_suite_is_preferred_when_listed() -> None:
    both = request({"cryptosuite_values": ["eddsa-jcs-2022", "eddsa-rdfc-2022"]})
    assert presentation_suite(both, CREDENTIAL) == "eddsa-rdfc-2022"


@pytest.mark.parametrize(
    "ldp",
    [
        {"proof_type_values": ["Ed25519Signature2018", "Ed25519Signature2020"]},  # Credo 0.6
        {"proof_type_values": ["DataIntegrityProof"], "cryptosuite_values": ["ecdsa-rdfc-2019"]},
        {"proof_type_values": []},
    ],
)
def test_a_verifier_that_lists_none_of_ours_gets_nothing(ldp: dict[str, Any]) -> None:
    with pytest.raises(RequestError, match="Nothing was sent"):
        presentation_suite(request(ldp), CREDENTIAL)


def test_a_credential_whose_own_proof_the_verifier_does_not_list_is_not_sent() -> None:
    rdfc_only = request({"cryptosuite_values": ["eddsa-rdfc-2022"]})
    jcs_credential = {**CREDENTIAL, "proof": {**RDFC, "cryptosuite": "eddsa-jcs-2022"}}
    with pytest.raises(RequestError, match="Nothing was sent"):
        presentation_suite(rdfc_only, jcs_credential)


@pytest.mark.parametrize("values", ["DataIntegrityProof", [1], {"a": 1}])
def test_malformed_lists_are_refused(values: Any) -> None:
    with pytest.raises(RequestError, match="lists its proof types wrongly"):
        presentation_suite(request({"proof_type_values": values}), CREDENTIAL)


LEGACY = {"type": "Ed25519Signature2020", "proofValue": "z1"}
LEGACY_CREDENTIAL: dict[str, Any] = {"type": ["VerifiableCredential"], "proof": LEGACY}
CREDO = {"proof_type_values": ["Ed25519Signature2018", "Ed25519Signature2020"]}


def test_a_verifier_listing_only_legacy_types_gets_an_ed25519_signature_2020_presentation() -> None:
    assert presentation_suite(request(CREDO), LEGACY_CREDENTIAL) == "Ed25519Signature2020"


@pytest.mark.parametrize(
    "ldp",
    [
        {},  # nothing listed: takes everything, so the modern suite
        {"proof_type_values": ["DataIntegrityProof", "Ed25519Signature2020"]},
        {
            "proof_type_values": ["Ed25519Signature2020", "DataIntegrityProof"],
            "cryptosuite_values": ["eddsa-rdfc-2022"],
        },
    ],
)
def test_modern_comes_first_whenever_the_verifier_takes_it(ldp: dict[str, Any]) -> None:
    assert presentation_suite(request(ldp), LEGACY_CREDENTIAL) == "eddsa-rdfc-2022"


def test_a_verifier_listing_only_ed25519_signature_2018_gets_nothing() -> None:
    """The wallet never signs Ed25519Signature2018 (its detached JWS is verified only)."""
    with pytest.raises(RequestError, match="Nothing was sent"):
        presentation_suite(request({"proof_type_values": ["Ed25519Signature2018"]}), LEGACY_CREDENTIAL)


def test_a_data_integrity_credential_still_is_not_sent_to_a_legacy_only_verifier() -> None:
    """Signing the presentation the legacy way does not help when the credential's own proof is
    one the verifier says it cannot check: it is shown whole, so it stays in the wallet."""
    with pytest.raises(RequestError, match="Nothing was sent"):
        presentation_suite(request(CREDO), CREDENTIAL)
