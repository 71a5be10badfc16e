"""VC Data Model 2.0 rules on a credential's entries, in the core (`nansen.vcdm`): §5.3 relatedResource
(objects, unique URL ids, a digest of a form we read) and the typed entries of §4.10, §4.11, §5.4 to §5.6
(each has a type; an id is a URL; a credentialSchema has one). Each rule is checked where a credential
is built and where one is verified: a signed credential that breaks it fails the ``format`` check."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import pytest

from nansen import multibase, vcdm
from nansen.crypto.digest import DigestFormatError, check_sri
from nansen.errors import InvalidInput
from nansen.proofs import ProofOptions, add_proof
from nansen.verify import Outcome, Verdict
from tests.helpers import HOLDER, ISSUED, PARTNER
from tests.test_verify import verifier

CONTEXT_URL = "https://www.w3.org/ns/credentials/v2"
#: Defines every other term (``@vocab``), as the W3C suite's types are.
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
SHA256 = multibase.encode_base64url(b"\x12\x20" + hashlib.sha256(b"the resource").digest())
SHA384_SRI = "sha384-" + base64.b64encode(hashlib.sha384(b"the resource").digest()).decode()
SHA512_SRI = "sha512-" + base64.urlsafe_b64encode(hashlib.sha512(b"the resource").digest()).decode()
#: A resource this software does not hold: only the digests' forms are checked (a bundled context's
#: digests are checked against its bytes: tests/test_related_resources.py).
RESOURCE_URL = "https://resources.example/terms-of-service.html"
IPFS = "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"


def credential(**extra: Any) -> dict[str, Any]:
    """A VC 2.0 credential of the kind the W3C suite sends, unsigned."""
    return {
        "@context": [CONTEXT_URL, EXAMPLES],
        "id": "urn:uuid:7d5a1b8e-2c6f-4a57-9a0e-4a43f0c1d2e3",
        "type": ["VerifiableCredential"],
        "issuer": PARTNER.controller,
        "validFrom": "2026-01-05T09:30:00Z",
        "credentialSubject": {"id": HOLDER.controller},
        **extra,
    }


def signed(document: dict[str, Any], suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    """Signed without the data-model check (add_proof signs any document)."""
    return add_proof(document, PARTNER, ProofOptions(cryptosuite=suite, created=ISSUED))


def assert_refused(document: dict[str, Any], reason: str) -> None:
    """Refused when built (validate_credential) and, once signed anyway, by the verifier's format check."""
    with pytest.raises(InvalidInput, match=re.escape(reason)):
        vcdm.validate_credential(document)
    # eddsa-jcs-2022 signs without JSON-LD processing: a forger's way to sign what RDFC would not.
    result = verifier().verify_credential(signed(document, "eddsa-jcs-2022"))
    assert result.verdict is Verdict.NOT_VALID
    check = result.check("format")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert reason in check.reason, check.reason


def assert_accepted(document: dict[str, Any]) -> None:
    assert vcdm.validate_credential(document) is document
    result = verifier().verify_credential(signed(document))
    assert result.verdict is Verdict.VALID, result.to_json()


# -- §5.3 relatedResource ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "related",
    [
        pytest.param({"id": RESOURCE_URL, "digestSRI": SHA384_SRI}, id="one-object-sri"),
        pytest.param({"id": RESOURCE_URL, "digestMultibase": SHA256}, id="one-object-multibase"),
        pytest.param(
            [{"id": RESOURCE_URL, "mediaType": "application/ld+json", "digestSRI": SHA512_SRI}],
            id="list-with-media-type",
        ),
        pytest.param(
            [{"id": IPFS, "digestMultibase": [SHA256]}, {"id": RESOURCE_URL, "digestSRI": SHA384_SRI}],
            id="ipfs-and-https",
        ),
        pytest.param(
            {"id": RESOURCE_URL, "digestSRI": SHA384_SRI, "digestMultibase": SHA256}, id="both-digests"
        ),
    ],
)
def test_well_formed_related_resources_are_accepted(related: Any) -> None:
    assert_accepted(credential(relatedResource=related))


@pytest.mark.parametrize(
    ("related", "reason"),
    [
        pytest.param(CONTEXT_URL, "Each relatedResource must be an object", id="a-string"),
        pytest.param([CONTEXT_URL], "Each relatedResource must be an object", id="a-list-of-strings"),
        pytest.param([], "must not be empty", id="empty-list"),
        pytest.param([{"digestMultibase": SHA256}], "id that is a URL", id="no-id"),
        pytest.param([{"id": "not a url", "digestMultibase": SHA256}], "id that is a URL", id="non-url-id"),
        pytest.param(
            [{"id": RESOURCE_URL, "digestSRI": SHA384_SRI}, {"id": RESOURCE_URL, "digestMultibase": SHA256}],
            "the same id",
            id="duplicate-ids",
        ),
        pytest.param([{"id": RESOURCE_URL}], "a digestSRI or a digestMultibase", id="no-digest"),
        pytest.param(
            [{"id": RESOURCE_URL, "mediaType": "application/ld+json"}],
            "a digestSRI or a digestMultibase",
            id="media-type-only",
        ),
        pytest.param(
            [{"id": RESOURCE_URL, "digestMultibase": "uNotAMultihash"}],
            "digestMultibase value",
            id="multibase-not-a-multihash",
        ),
        pytest.param(
            [{"id": RESOURCE_URL, "digestMultibase": SHA256[:-4]}],
            "digestMultibase value",
            id="multibase-truncated",
        ),
        pytest.param(
            [{"id": RESOURCE_URL, "digestMultibase": []}], "string or a list", id="multibase-empty-list"
        ),
        pytest.param([{"id": RESOURCE_URL, "digestSRI": "md5-AAAA"}], "digestSRI", id="sri-md5"),
        pytest.param(
            [{"id": RESOURCE_URL, "digestSRI": SHA384_SRI.replace("sha384", "sha256")}],
            "wrong length",
            id="sri-length-of-another-algorithm",
        ),
        pytest.param([{"id": RESOURCE_URL, "digestSRI": 384}], "digestSRI", id="sri-not-a-string"),
    ],
)
def test_malformed_related_resources_are_refused(related: Any, reason: str) -> None:
    assert_refused(credential(relatedResource=related), reason)


def test_the_identity_credentials_own_related_resource_is_accepted() -> None:
    document = vcdm.build_identity_credential(
        issuer=PARTNER.controller,
        holder=HOLDER.controller,
        document_type="Passport",
        facts={"givenName": "Amina"},
        related_resource=[{"id": IPFS, "digestMultibase": SHA256, "mediaType": "application/octet-stream"}],
        valid_from=ISSUED,
    )
    assert_accepted(document)


def test_building_refuses_a_related_resource_without_a_digest() -> None:
    with pytest.raises(InvalidInput, match="a digestSRI or a digestMultibase"):
        vcdm.build_identity_credential(
            issuer=PARTNER.controller,
            holder=HOLDER.controller,
            document_type="Passport",
            facts={"givenName": "Amina"},
            related_resource=[{"id": IPFS}],
        )


@pytest.mark.parametrize(
    "value",
    [
        "sha256-" + "A" * 43 + "=",
        "sha384-" + base64.urlsafe_b64encode(bytes(48)).decode().rstrip("="),
        ["sha512-" + base64.b64encode(bytes(64)).decode()],
    ],
)
def test_sri_forms_read(value: object) -> None:
    check_sri(value)


@pytest.mark.parametrize(
    "value", ["sha384-", "sha384-A*A", "SHA384-" + "A" * 64, "sha384-" + "A" * 65, [], {"sha384": "x"}]
)
def test_sri_forms_refused(value: object) -> None:
    with pytest.raises(DigestFormatError):
        check_sri(value)


# -- typed entries: §4.10, §4.11, §5.4, §5.5, §5.6 ---------------------------------------------------

SCHEMA = {"id": "https://example.org/schemas/degree.json", "type": "JsonSchema"}


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("credentialSchema", SCHEMA),
        ("credentialSchema", [SCHEMA, {**SCHEMA, "id": "https://example.org/schemas/other.json"}]),
        ("refreshService", {"id": "https://example.org/refresh/3732", "type": "ManualRefreshService"}),
        ("termsOfUse", {"type": "TrustFrameworkPolicy"}),
        ("termsOfUse", {"id": "https://example.org/policies/1", "type": ["TrustFrameworkPolicy"]}),
        ("evidence", [{"type": ["Evidence", "DocumentVerification"]}]),
        ("evidence", {"id": "https://example.org/evidence/1", "type": "Evidence"}),
    ],
)
def test_typed_entries_are_accepted(name: str, entry: Any) -> None:
    assert_accepted(credential(**{name: entry}))


@pytest.mark.parametrize("name", ["credentialSchema", "refreshService", "termsOfUse", "evidence"])
@pytest.mark.parametrize(
    "entry",
    [
        pytest.param({"id": "https://example.org/x"}, id="no-type"),
        pytest.param({"id": "https://example.org/x", "type": []}, id="empty-type"),
        pytest.param({"id": "https://example.org/x", "type": ""}, id="blank-type"),
        pytest.param({"id": "https://example.org/x", "type": 7}, id="number-type"),
        pytest.param("https://example.org/x", id="a-string"),
    ],
)
def test_an_entry_without_a_type_is_refused(name: str, entry: Any) -> None:
    assert_refused(credential(**{name: entry}), f"Each {name} entry must be an object with a type.")


@pytest.mark.parametrize("name", ["credentialSchema", "refreshService", "termsOfUse", "evidence"])
def test_an_entry_whose_id_is_not_a_url_is_refused(name: str) -> None:
    entry = {"id": "not a url", "type": "JsonSchema"}
    assert_refused(credential(**{name: [entry]}), f"Each {name} entry must have an id that is a URL.")


def test_a_credential_schema_without_an_id_is_refused() -> None:
    assert_refused(
        credential(credentialSchema={"type": "JsonSchema"}),
        "Each credentialSchema entry must have an id that is a URL.",
    )


def test_a_status_entry_without_a_type_is_still_refused() -> None:
    with pytest.raises(InvalidInput, match="Each credentialStatus entry must be an object with a type"):
        vcdm.validate_credential(credential(credentialStatus={"id": "https://example.org/status/1#3"}))
