"""Format NV1: exact round trips, presentations that still verify, sizes, the frozen vocabulary."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from nansen.proofs import ProofOptions, add_proof
from nansen.qr import PREFIX, decode_presentation, encode_presentation, qr_version
from nansen.qr.base45 import ALPHABET
from nansen.qr.codec import ZDICT
from nansen.qr.vocabulary import TERMS
from nansen.verify import Verdict
from tests.helpers import ISSUED, STRANGER, presentation, signed_credential
from tests.qr.builders import CHALLENGE, DOMAIN, realistic_credential, realistic_presentation, verifier

SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022"]


def same_json(a: Any, b: Any) -> bool:
    """Equal, and equal as JSON text: the same member order and the same number types."""
    return bool(a == b and json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False))


@pytest.mark.parametrize("suite", SUITES)
def test_realistic_presentation_round_trips_exactly(suite: str) -> None:
    vp = realistic_presentation(suite)
    assert same_json(decode_presentation(encode_presentation(vp)), vp)


@pytest.mark.parametrize("suite", SUITES)
def test_decoded_presentation_still_verifies(suite: str) -> None:
    vp = realistic_presentation(suite)
    decoded = decode_presentation(encode_presentation(vp))
    result = verifier().verify_presentation(decoded, challenge=CHALLENGE, domain=DOMAIN)
    assert result.verdict is Verdict.VALID, result.to_json()
    assert result.credentials[0].verdict is Verdict.VALID
    original = verifier().verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN)
    assert result.to_json() == original.to_json()


@pytest.mark.parametrize("suite", SUITES)
def test_helper_presentation_still_verifies(suite: str) -> None:
    vp = presentation(signed_credential(suite), suite=suite)
    decoded = decode_presentation(encode_presentation(vp))
    result = verifier().verify_presentation(decoded, challenge="c-123", domain="shelter.example")
    assert result.verdict is Verdict.VALID, result.to_json()


def test_a_proof_set_round_trips() -> None:
    credential = add_proof(
        realistic_credential(), STRANGER, ProofOptions(cryptosuite="eddsa-jcs-2022", created=ISSUED)
    )
    vp = presentation(credential)
    assert isinstance(credential["proof"], list)
    assert same_json(decode_presentation(encode_presentation(vp)), vp)


@pytest.mark.parametrize("suite", SUITES)
def test_text_is_one_alphanumeric_segment(suite: str) -> None:
    text = encode_presentation(realistic_presentation(suite))
    assert text.startswith(PREFIX)
    assert set(text) <= set(ALPHABET)


@pytest.mark.parametrize("suite", SUITES)
def test_realistic_presentation_fits_version_20_at_level_m(suite: str) -> None:
    assert qr_version(encode_presentation(realistic_presentation(suite))) <= 20


@pytest.mark.parametrize("suite", SUITES)
def test_identity_credential_with_holder_proof_fits_version_25(suite: str) -> None:
    vp = presentation(signed_credential(suite), suite=suite)
    assert qr_version(encode_presentation(vp)) <= 25


def test_two_credentials_still_fit_one_code() -> None:
    vp = presentation(realistic_credential())
    vp_two = presentation(realistic_credential("eddsa-jcs-2022"))
    both = {**vp, "verifiableCredential": vp["verifiableCredential"] + vp_two["verifiableCredential"]}
    assert qr_version(encode_presentation(both)) <= 25


#: A document with every compact form, unknown members, numbers and Unicode; and its NV1 text,
#: written once. Decoding the text must give the document for as long as the format is NV1.
GOLDEN = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/nansen/v1"],
    "id": "urn:uuid:4dfc3ec4-5627-4bef-863a-eb2a14076a83",
    "type": ["VerifiablePresentation"],
    "holder": "did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH",
    "validFrom": "2026-01-05T09:30:00Z",
    "birthDate": "1990-04-01",
    "relatedResource": [
        {
            "id": "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
            "digestMultibase": "uEiBHgvd7CPOdXTLAJt9xhJXnZx9vi3IQc8W1GNb1d7jHEw",
        }
    ],
    "unknownTerm": {"nested": [1, -2, 1.5, 1e300, True, False, None, "Zoë 😀", "2026-01-05T09:30:00.5Z"]},
    "proof": {
        "verificationMethod": "did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH"
        "#z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH",
        "challenge": "3f1c9a7e-5b2d-4c8e-9a6f-1d2e3f4a5b6c",
        "proofValue": "z5ZnFaDnZi7SQPncHM7uar3GnbvkmK4crcH4xqS2sXwxNj4XWXzEWGx3GGm5ZNmDDfHkoM1xym9b1PbrRjhRdbjMC",
    },
}
GOLDEN_TEXT = (
    "NV1:EOBP/KQPSHCP:79SSN5YVQWLYHBP*TE-P2PMOTKAE73MHOQUSFM3A4Z5HZUTY$JV1U%GNV/JIQK37EROQ4/4K:9S0T7ITJA3LYCK9B"
    "ADE%Q5-*3W64YMPA92$YIEZ5O*TGZOICVW9LN7I3JNDG5.388KKFDTNWTFQ4GON0+F/8TPR7Q7R1DGR3W42JDCQ73T-VN$P0/5IX-IM8V"
    "%YF%HEB.TY*N5+N+UU732+UM$DC5.BUC6UKK9MPOKV$2IL5F/LV4RJ:1HHB7F9O/WPPPPN NFOS7*V9V1JHOKD6QW6A$QG36UC65ZM5-6"
    "NF6JEQE*H1+B1LH1BCEIRE*PNUH/3V4UJ816C6D/W26K0CGJZFCN0WZYN302F-F16T$IFXCVNWVLYCLI0AO2JYI46C$VTJ/OPBN50HB6KL"
    "BB/CV9XF1T4EQ8VDF48HUU5C7KDOR:Z1G:F6-5V7F+.6"
)


def test_golden_text_decodes_to_its_document() -> None:
    assert same_json(decode_presentation(GOLDEN_TEXT), GOLDEN)


def test_golden_document_round_trips() -> None:
    assert same_json(decode_presentation(encode_presentation(GOLDEN)), GOLDEN)


def test_vocabulary_is_frozen() -> None:
    """Changing the vocabulary changes what NV1 texts mean: bump the version instead."""
    assert hashlib.sha256("\n".join(TERMS).encode()).hexdigest() == (
        "06c9958b4135969b1bf5f2ad15935122ac5044f78a698ed3df74ca6843bca17c"
    )
    assert hashlib.sha256(ZDICT).hexdigest() == (
        "cf2f1270415118cad772058d13e0676d9dba17774f5e45af3b43db7af1d6993c"
    )


def test_terms_are_distinct_and_the_dictionary_fits_the_window() -> None:
    assert len(set(TERMS)) == len(TERMS)
    assert len(ZDICT) <= 32 * 1024
