"""relatedResource digests (VC Data Model 2.0 §5.3): bare digests, sha2-512, resources held (the bundled
contexts) and their earlier versions: the decisions of nansen.crypto.digest and nansen.related_resources.

The two "valid" digests and the two "wrong" ones are the W3C vc2.0 suite's
(w3c/vc-data-model-2.0-test-suite, tests/fixtures.js and tests/5-advanced-concepts.js): digests of
https://www.w3.org/ns/credentials/v2 as at w3c/vc-data-model commit 8d0ee10 (bundled as
schemas/contexts/credentials-v2-8d0ee10.jsonld)."""

from __future__ import annotations

import base64
import copy
import hashlib
from typing import Any

import pytest

from nansen import jsonld, vcdm
from nansen.canonical import canonical_nquads_uncached
from nansen.config import schemas_dir
from nansen.crypto import DigestCheck, DigestFormatError
from nansen.crypto.digest import ALGORITHMS, Digest, decode
from nansen.errors import InvalidInput
from nansen.proofs import ProofOptions, add_proof
from nansen.related_resources import OTHER_MEANING, WRONG_DIGEST
from nansen.verify import Outcome, Verdict, Verifier
from tests.helpers import HOLDER, ISSUED, PARTNER

V2 = jsonld.CREDENTIALS_V2
SUITE_SRI = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"
SUITE_BARE_SHA256 = "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"
SUITE_WRONG_BARE = "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0"
SUITE_WRONG_SRI = "sha384-_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij-tD0ewLk4JpnXEz6a5AeeY_1qQ0d0P"
CURRENT = (schemas_dir() / "contexts" / "credentials-v2.jsonld").read_bytes()
EARLIER = (schemas_dir() / "contexts" / "credentials-v2-8d0ee10.jsonld").read_bytes()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def credential(resource: Any, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": PARTNER.controller,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER.controller},
        "relatedResource": resource,
        **extra,
    }


def v2(**digests: str) -> dict[str, str]:
    return {"id": V2, **digests}


def test_the_earlier_copy_is_the_one_the_suite_digested() -> None:
    assert hashlib.sha256(EARLIER).digest() == decode(SUITE_BARE_SHA256)[1]
    assert "sha384-" + base64.b64encode(hashlib.sha384(EARLIER).digest()).decode() == SUITE_SRI


@pytest.mark.parametrize(
    "resource",
    [
        v2(digestSRI=SUITE_SRI),
        v2(digestMultibase=SUITE_BARE_SHA256),
        [{**v2(digestSRI=SUITE_SRI), "mediaType": "application/ld+json"}],
        v2(digestMultibase="u" + b64url(b"\x12\x20" + hashlib.sha256(CURRENT).digest())),
        v2(digestMultibase="u" + b64url(hashlib.sha384(CURRENT).digest())),
        v2(digestMultibase="u" + b64url(b"\x13\x40" + hashlib.sha512(CURRENT).digest())),
        v2(digestSRI="sha512-" + base64.b64encode(hashlib.sha512(CURRENT).digest()).decode()),
        {
            "id": "ipfs://bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq",
            "digestMultibase": SUITE_BARE_SHA256,
        },
    ],
)
def test_digests_of_a_version_held_or_of_a_resource_not_held_are_accepted(resource: Any) -> None:
    vcdm.validate_credential(credential(resource))


@pytest.mark.parametrize(
    ("resource", "error"),
    [
        (v2(digestMultibase=SUITE_WRONG_BARE), WRONG_DIGEST),
        (v2(digestSRI=SUITE_WRONG_SRI), WRONG_DIGEST),
        (v2(digestSRI=SUITE_SRI, digestMultibase=SUITE_WRONG_BARE), WRONG_DIGEST),
        (v2(digestMultibase="u" + b64url(hashlib.sha3_256(CURRENT).digest())), WRONG_DIGEST),
        (v2(digestMultibase="u" + b64url(hashlib.sha256(CURRENT).digest()[:31])), "digestMultibase value"),
        ([V2], "must be an object"),
        ([v2(digestSRI=SUITE_SRI), v2(digestMultibase=SUITE_BARE_SHA256)], "same id"),
        ([{"digestSRI": SUITE_SRI}], "id that is a URL"),
        ([{"id": V2}], "digestSRI or a digestMultibase"),
    ],
)
def test_wrong_and_malformed_related_resources_are_refused(resource: Any, error: str) -> None:
    with pytest.raises(InvalidInput, match=error.replace("(", "\\(").replace(")", "\\)")):
        vcdm.validate_credential(credential(resource))


def test_a_wrong_digest_is_refused_on_verify_too() -> None:
    signed = add_proof(credential(v2(digestSRI=SUITE_SRI)), PARTNER, ProofOptions(created=ISSUED))
    assert Verifier(clock=lambda: ISSUED).verify_credential(signed).verdict is Verdict.VALID
    tampered = copy.deepcopy(signed)
    tampered["relatedResource"]["digestSRI"] = SUITE_WRONG_SRI
    result = Verifier(clock=lambda: ISSUED).verify_credential(tampered)
    assert result.verdict is Verdict.NOT_VALID
    check = result.check("format")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert check.reason == WRONG_DIGEST


STATUS_WITH_SIZE = {
    "id": "https://status.example/1#1",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "message",
    "statusListIndex": "1",
    "statusListCredential": "https://status.example/1",
    "statusSize": 2,
}


def test_an_earlier_version_is_refused_when_the_credential_would_mean_something_else() -> None:
    """statusSize is xsd:positiveInteger in the 8d0ee10 copy, xsd:integer in the bundled one."""
    pinned = credential(v2(digestSRI=SUITE_SRI), credentialStatus=STATUS_WITH_SIZE)
    with pytest.raises(InvalidInput, match="pins an earlier version"):
        vcdm.validate_credential(pinned)
    assert OTHER_MEANING.startswith("A relatedResource pins")
    current = credential(
        v2(digestSRI="sha384-" + base64.b64encode(hashlib.sha384(CURRENT).digest()).decode())
    )
    vcdm.validate_credential({**current, "credentialStatus": STATUS_WITH_SIZE})


def test_reading_an_earlier_version_leaves_the_shared_context_cache_alone() -> None:
    """pyld caches processed contexts by URL process-wide: the earlier copy has a cache of its own."""
    pinned = credential(v2(digestSRI=SUITE_SRI), credentialStatus=STATUS_WITH_SIZE)
    with pytest.raises(InvalidInput):
        vcdm.validate_credential(pinned)
    plain = credential(v2(digestSRI=SUITE_SRI), credentialStatus=STATUS_WITH_SIZE)
    del plain["relatedResource"]
    nquads = canonical_nquads_uncached(plain)
    assert "XMLSchema#integer" in nquads
    assert "positiveInteger" not in nquads


def test_an_unknown_earlier_version_is_not_served() -> None:
    store = jsonld.default_store()
    with pytest.raises(Exception, match="No earlier version"):
        store.with_version(V2, "0000000")
    assert [version for version, _ in store.versions(V2)] == [None, "8d0ee10"]


# nansen.crypto.digest: sha2-512 and bare digests.


def test_sha2_512_is_read_and_written() -> None:
    digest = Digest("sha2-512")
    digest.update(b"data")
    assert digest.multibase == "u" + b64url(b"\x13\x40" + hashlib.sha512(b"data").digest())
    assert decode(digest.multibase) == (ALGORITHMS["sha2-512"], hashlib.sha512(b"data").digest())
    check = DigestCheck(digest.multibase)
    check.update(b"data")
    check.verify()


@pytest.mark.parametrize(("name", "size"), [("sha256", 32), ("sha384", 48), ("sha512", 64)])
def test_a_bare_sha2_digest_is_read_by_its_length(name: str, size: int) -> None:
    raw = hashlib.new(name, b"data").digest()
    assert len(raw) == size
    algorithm, value = decode("u" + b64url(raw))
    assert algorithm.hashlib_name == name
    assert value == raw
    check = DigestCheck("u" + b64url(raw))
    check.update(b"data")
    check.verify()


@pytest.mark.parametrize("size", [31, 33, 47, 49, 63, 65])
def test_a_bare_digest_of_another_length_is_refused(size: int) -> None:
    with pytest.raises(DigestFormatError):
        decode("u" + b64url(bytes([0x55]) * size))
