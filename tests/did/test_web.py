"""did:web: identifiers, partner documents and key rotation (resolution: test_web_resolver.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from nansen.did import Resolver
from nansen.did.web import (
    CONTEXTS,
    PartnerKey,
    build_document,
    current_key,
    did_from_url,
    did_to_url,
    mark_compromised,
    rotate,
)
from nansen.errors import DidResolutionError, InvalidInput
from nansen.keys import Ed25519KeyPair
from nansen.proofs import Expectations, verify_proofs
from tests.did.partners import KEY_1, KEY_2, PARTNER_DID, T0, signed

# ---------------------------------------------------------------------------------------------
# did:web <-> URL


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:partners:7", "https://example.com/partners/7/did.json"),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
        ("did:web:example.com%3a3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:Example.COM", "https://example.com/.well-known/did.json"),
        ("did:web:example.com#key-1", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:a%20b", "https://example.com/a%20b/did.json"),
    ],
)
def test_did_to_url(did: str, url: str) -> None:
    assert did_to_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:web::partners",
        "did:web:%3A8443",
        "did:web:example.com:",
        "did:web:example.com::7",
        "did:web:example.com:..",
        "did:web:example.com:.",
        "did:web:example.com:partners:..:admin",
        "did:web:example.com:%2e%2e",
        "did:web:example.com:a%2Fb",
        "did:web:example.com:a%5Cb",
        "did:web:example.com:%252e%252e",
        "did:web:example.com:a%00",
        "did:web:example.com:a/b",
        "did:web:example.com/x",
        "did:web:example.com:a?b",
        "did:web:exa mple.com",
        "did:web:exam_ple.com",
        "did:web:-example.com",
        "did:web:example..com",
        "did:web:example.com.",
        "did:web:user@example.com",
        "did:web:127.0.0.1",
        "did:web:127.0.0.1%3A8443",
        "did:web:example.com%3A0",
        "did:web:example.com%3A65536",
        "did:web:example.com%3Ahttp",
        "did:web:example.com%3A443%3A1",
        "did:web:example.com:%zz",
        "did:web:ex%41mple.com",
        "did:web:" + "a" * 64 + ".com",
        "did:web:example.com:" + "a" * 3000,
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "https://example.com",
    ],
)
def test_malformed_dids_are_refused(did: str) -> None:
    with pytest.raises(DidResolutionError) as refused:
        did_to_url(did)
    assert "example.com" not in str(refused.value)


@pytest.mark.parametrize(
    ("url", "did"),
    [
        ("https://example.com/.well-known/did.json", "did:web:example.com"),
        ("https://example.com", "did:web:example.com"),
        ("https://example.com/partners/7/did.json", "did:web:example.com:partners:7"),
        ("https://example.com/partners/7/", "did:web:example.com:partners:7"),
        ("https://localhost:8443/.well-known/did.json", "did:web:localhost%3A8443"),
        ("https://example.com:3000/user/alice/did.json", "did:web:example.com%3A3000:user:alice"),
    ],
)
def test_did_from_url_round_trips(url: str, did: str) -> None:
    assert did_from_url(url) == did
    assert did_from_url(did_to_url(did)) == did


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/.well-known/did.json",
        "https://user:pw@example.com/did.json",
        "https://example.com/did.json?x=1",
        "https://example.com/a//b/did.json",
        "https://example.com/../did.json",
        "https://127.0.0.1/did.json",
        "ftp://example.com/did.json",
    ],
)
def test_did_from_url_refuses(url: str) -> None:
    with pytest.raises(DidResolutionError):
        did_from_url(url)


# ---------------------------------------------------------------------------------------------
# Partner documents, rotation, compromise


def _verify(document: dict[str, Any], did_document: dict[str, Any], moment: datetime) -> list[str]:
    results = verify_proofs(document, Resolver(documents=[did_document]), Expectations(moment=moment))
    assert len(results) == 1
    return [result.reason for result in results if not result.verified]


def test_build_document_shape() -> None:
    document = build_document(PARTNER_DID, [PartnerKey("key-1", KEY_1.public_key)])
    method_id = PARTNER_DID + "#key-1"
    assert document == {
        "@context": list(CONTEXTS),
        "id": PARTNER_DID,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": PARTNER_DID,
                "publicKeyMultibase": KEY_1.public_key.multibase,
            }
        ],
        "assertionMethod": [method_id],
        "authentication": [method_id],
    }
    assert KEY_1.public_key.multibase.startswith("z6Mk")
    assert current_key(document) == method_id


@pytest.mark.parametrize(
    "keys",
    [
        [],
        [PartnerKey("key-1", KEY_1.public_key), PartnerKey("key-2", KEY_2.public_key)],
        [PartnerKey("key-1", KEY_1.public_key, expires=T0), PartnerKey("key-1", KEY_2.public_key)],
        [PartnerKey("key 1", KEY_1.public_key)],
        [PartnerKey("key-1", KEY_1.public_key, expires=datetime(2026, 1, 1))],  # no time zone
    ],
)
def test_build_document_refuses(keys: list[PartnerKey]) -> None:
    with pytest.raises(InvalidInput):
        build_document(PARTNER_DID, keys)


def test_build_document_refuses_a_bad_did() -> None:
    with pytest.raises(DidResolutionError):
        build_document("did:web:example.com:..", [PartnerKey("key-1", KEY_1.public_key)])


def test_rotation_keeps_old_credentials_valid_and_refuses_later_ones() -> None:
    before = build_document(PARTNER_DID, [PartnerKey("key-1", KEY_1.public_key)])
    signed_before = signed(KEY_1, "key-1", T0 - timedelta(days=30))
    rotated_at = T0
    rotated = rotate(before, KEY_2.public_key, "key-2", rotated_at)

    old_id, new_id = PARTNER_DID + "#key-1", PARTNER_DID + "#key-2"
    old_method, new_method = rotated["verificationMethod"]
    assert old_method["id"] == old_id
    assert old_method["expires"] == "2026-03-01T12:00:00Z"
    assert "revoked" not in old_method
    assert "expires" not in new_method
    assert rotated["assertionMethod"] == [old_id, new_id]
    assert rotated["authentication"] == [new_id]
    assert current_key(rotated) == new_id
    assert before["authentication"] == [old_id]  # the input is not changed

    later = T0 + timedelta(days=10)
    assert _verify(signed_before, rotated, later) == []
    # The retired key signing after the rotation: refused.
    signed_late = signed(KEY_1, "key-1", rotated_at + timedelta(days=1))
    assert _verify(signed_late, rotated, later) == ["The proof was made after its key was retired."]
    # The new key signs from now on.
    assert _verify(signed(KEY_2, "key-2", rotated_at + timedelta(days=1)), rotated, later) == []

    # key-1 found compromised: nothing it ever signed verifies; key-2 is unaffected.
    compromised = mark_compromised(rotated, old_id, T0 + timedelta(days=5))
    assert compromised["verificationMethod"][0]["revoked"] == "2026-03-06T12:00:00Z"
    assert _verify(signed_before, compromised, later) == ["The signing key has been revoked as compromised."]
    assert _verify(signed(KEY_2, "key-2", rotated_at + timedelta(days=1)), compromised, later) == []


def test_compromised_current_key_then_rotation() -> None:
    document = build_document(PARTNER_DID, [PartnerKey("key-1", KEY_1.public_key)])
    document["service"] = [{"id": PARTNER_DID + "#site", "type": "LinkedDomains", "serviceEndpoint": "x"}]
    compromised = mark_compromised(document, "#key-1", T0)
    assert current_key(compromised) is None
    assert compromised["authentication"] == []
    recovered = rotate(compromised, KEY_2.public_key, "key-2", T0 + timedelta(hours=1))
    assert current_key(recovered) == PARTNER_DID + "#key-2"
    assert recovered["verificationMethod"][0]["revoked"] == "2026-03-01T12:00:00Z"
    assert "expires" not in recovered["verificationMethod"][0]
    assert recovered["service"] == document["service"]  # members it does not manage are kept
    with pytest.raises(InvalidInput):
        rotate(recovered, KEY_2.public_key, "key-3", T0)  # a key already listed
    with pytest.raises(InvalidInput):
        rotate(recovered, Ed25519KeyPair.from_seed(b"\x13" * 32).public_key, "key-2", T0)  # fragment taken
    with pytest.raises(InvalidInput):
        mark_compromised(recovered, "#key-9", T0)
