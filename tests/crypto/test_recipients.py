"""Document keys sealed to did:key recipients (and any DID with an X25519 key-agreement key)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from nansen import multibase
from nansen.crypto import (
    SEALED_BOX,
    DocumentKey,
    KeyDestroyed,
    Recipient,
    SealedKey,
    SealedKeyError,
    open_sealed,
    seal,
)
from nansen.did import DidDocument, Resolver
from nansen.did import key as did_key
from nansen.errors import DidResolutionError, InvalidInput
from tests.conftest import did_key_signer

HOLDER, ESCROW, GUARDIAN, STRANGER = (did_key_signer(seed) for seed in (0x21, 0x22, 0x23, 0x24))


def test_a_did_key_recipient_is_its_key_agreement_key() -> None:
    recipient = Recipient.from_did(HOLDER.controller)
    agreement_id = did_key.resolve(HOLDER.controller).data["keyAgreement"][0]
    assert recipient.key_id == agreement_id
    assert recipient.key_id.split("#")[1].startswith("z6LS")
    assert recipient.public_key == HOLDER.key_pair.public_key.to_x25519()


def test_each_of_three_recipients_opens_the_key_and_nobody_else() -> None:
    key = DocumentKey.generate()
    sealed = seal(key, [Recipient.from_did(s.controller) for s in (HOLDER, ESCROW, GUARDIAN)])
    assert [s.recipient.split("#")[0] for s in sealed] == [
        HOLDER.controller,
        ESCROW.controller,
        GUARDIAN.controller,
    ]
    for signer in (HOLDER, ESCROW, GUARDIAN):
        assert open_sealed(sealed, signer.key_pair).material() == key.material()
        # each record opens for its own recipient only
        mine = [s for s in sealed if s.recipient.startswith(signer.controller)]
        assert open_sealed(mine, signer.key_pair).material() == key.material()
    with pytest.raises(SealedKeyError, match="No sealed document key opens with this key"):
        open_sealed(sealed, STRANGER.key_pair)


def test_the_wrong_recipient_cannot_open_a_sealed_key() -> None:
    sealed = seal(DocumentKey.generate(), [Recipient.from_did(HOLDER.controller)])
    with pytest.raises(SealedKeyError):
        open_sealed(sealed, ESCROW.key_pair)


def test_a_tampered_sealed_key_does_not_open() -> None:
    (sealed,) = seal(DocumentKey.generate(), [Recipient.from_did(HOLDER.controller)])
    damaged = SealedKey(sealed.recipient, sealed.sealed[:-1] + bytes([sealed.sealed[-1] ^ 1]))
    with pytest.raises(SealedKeyError):
        open_sealed([damaged], HOLDER.key_pair)


def test_sealing_is_fresh_each_time_and_deduplicates_recipients() -> None:
    key = DocumentKey.generate()
    holder = Recipient.from_did(HOLDER.controller)
    first, second = seal(key, [holder]), seal(key, [holder, holder])
    assert len(second) == 1
    assert first[0].sealed != second[0].sealed


def test_a_wiped_key_cannot_be_sealed() -> None:
    key = DocumentKey.generate()
    with key:
        pass
    with pytest.raises(KeyDestroyed, match="destroyed"):
        seal(key, [Recipient.from_did(HOLDER.controller)])


def test_a_document_key_is_32_bytes() -> None:
    with pytest.raises(SealedKeyError, match="exactly 32 bytes"):
        DocumentKey(bytes(31))


def test_nobody_to_seal_to_is_refused() -> None:
    with pytest.raises(SealedKeyError, match="at least one recipient"):
        seal(DocumentKey.generate(), [])


def test_an_unusable_key_agreement_key_is_refused() -> None:
    small_order = Recipient("did:example:escrow#x", bytes(32))  # the all-zero X25519 point
    with pytest.raises(SealedKeyError, match="cannot be used"):
        seal(DocumentKey.generate(), [small_order])


# --- the JSON record -----------------------------------------------------------------------------


def test_the_sealed_key_record_round_trips_through_json() -> None:
    (sealed,) = seal(DocumentKey.generate(), [Recipient.from_did(HOLDER.controller)])
    record = json.loads(json.dumps(sealed.to_json()))
    assert set(record) == {"recipient", "algorithm", "sealedKey"}
    assert record["algorithm"] == SEALED_BOX
    assert record["sealedKey"].startswith("u")
    assert SealedKey.from_json(record) == sealed


def good_record() -> dict[str, Any]:
    (sealed,) = seal(DocumentKey.generate(), [Recipient.from_did(HOLDER.controller)])
    return sealed.to_json()


def b64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda r: [r], "is a JSON object"),
        (lambda r: {k: v for k, v in r.items() if k != "sealedKey"}, "needs 'recipient' and 'sealedKey'"),
        (lambda r: {**r, "recipient": 7}, "needs 'recipient' and 'sealedKey'"),
        (lambda r: {**r, "algorithm": "RSA-OAEP"}, "algorithm must be"),
        (lambda r: {k: v for k, v in r.items() if k != "algorithm"}, "algorithm must be"),
        (lambda r: {**r, "sealedKey": "z" + r["sealedKey"][1:]}, "base64url multibase"),
        (lambda r: {**r, "sealedKey": "uA"}, "not valid base64url"),
        (lambda r: {**r, "sealedKey": b64url(bytes(79))}, "wrong length"),
    ],
)
def test_malformed_records_are_refused(change: Any, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        SealedKey.from_json(change(good_record()))


# --- recipients from DID documents (escrow on did:web, rotated keys) -----------------------------

ESCROW_X25519 = multibase.encode_multicodec(multibase.X25519_PUB, ESCROW.key_pair.public_key.to_x25519())


def escrow_document(**method: Any) -> DidDocument:
    return DidDocument(
        {
            "id": "did:web:escrow.example",
            "verificationMethod": [
                {
                    "id": "did:web:escrow.example#old",
                    "type": "Multikey",
                    "controller": "did:web:escrow.example",
                    "publicKeyMultibase": multibase.encode_multicodec(multibase.X25519_PUB, bytes(range(32))),
                    **method,
                },
                {
                    "id": "did:web:escrow.example#sign",
                    "type": "Multikey",
                    "controller": "did:web:escrow.example",
                    "publicKeyMultibase": ESCROW.key_pair.public_key.multibase,
                },
                {
                    "id": "did:web:escrow.example#kex",
                    "type": "Multikey",
                    "controller": "did:web:escrow.example",
                    "publicKeyMultibase": ESCROW_X25519,
                },
            ],
            "assertionMethod": ["#sign"],
            "keyAgreement": ["#old", "#sign", "#kex"],
        }
    )


@pytest.mark.parametrize(
    "retired", [{"revoked": "2025-01-01T00:00:00Z"}, {"expires": "2025-01-01T00:00:00Z"}]
)
def test_a_retired_key_agreement_key_is_passed_over(retired: dict[str, str]) -> None:
    recipient = Recipient.from_document(escrow_document(**retired))
    assert recipient.key_id == "did:web:escrow.example#kex"
    (sealed,) = seal(DocumentKey.generate(), [recipient])
    open_sealed([sealed], ESCROW.key_pair)


def test_the_first_current_key_agreement_key_is_used() -> None:
    assert Recipient.from_document(escrow_document()).key_id == "did:web:escrow.example#old"
    future = datetime(2024, 6, 1, tzinfo=UTC)
    retired = escrow_document(expires="2025-01-01T00:00:00Z")
    assert Recipient.from_document(retired, at=future).key_id == "did:web:escrow.example#old"


def test_a_document_without_an_x25519_key_agreement_key_is_refused() -> None:
    document = DidDocument({**escrow_document().data, "keyAgreement": ["#sign"]})
    with pytest.raises(DidResolutionError, match="no usable X25519 key-agreement key"):
        Recipient.from_document(document)


def test_a_did_web_recipient_resolves_through_the_resolver() -> None:
    resolver = Resolver(documents=[escrow_document(revoked="2025-01-01T00:00:00Z").data])
    assert Recipient.from_did("did:web:escrow.example", resolver).key_id.endswith("#kex")


@pytest.mark.parametrize("did", ["did:web:escrow.example", "did:key:zNotAKey", "not a did"])
def test_an_unresolvable_recipient_is_refused(did: str) -> None:
    with pytest.raises(DidResolutionError):
        Recipient.from_did(did)
