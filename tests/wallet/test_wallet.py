"""The wallet as a library: making, opening, receiving, presenting, opening originals, forgetting."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from nansen import capability, multibase
from nansen.crypto import Decryption, DocumentKey, SealedKey, open_sealed
from nansen.ipfs import CID, EmbeddedStore
from nansen.verify import Verifier
from tests.helpers import STRANGER
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.issuing import SCAN, credential, issuance
from wallet import (
    DOCUMENT_ACCESS,
    CredentialRefused,
    DocumentUnavailable,
    Issuance,
    NoWallet,
    UnknownCredential,
    Wallet,
    WalletExists,
    WeakPassphrase,
    WrongPassphrase,
)


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    path = tmp_path / "wallet"
    with Wallet.create(path, PASSPHRASE):
        pass
    return path


def holder_of(directory: Path) -> str:
    with Wallet.open(directory, PASSPHRASE) as wallet:
        return wallet.did


def received(directory: Path, store: EmbeddedStore) -> str:
    """Receive an issuance with an original document; return the credential's local id."""
    with Wallet.open(directory, PASSPHRASE) as wallet:
        answer = issuance(wallet.did, store)
        return wallet.receive(Issuance.from_json(answer), Verifier(), store).held.id


def test_the_directory_holds_one_file_readable_by_its_owner_only(directory: Path) -> None:
    assert [p.name for p in directory.iterdir()] == ["wallet"]
    assert (directory / "wallet").stat().st_mode & 0o077 == 0
    assert directory.stat().st_mode & 0o077 == 0


def test_the_same_passphrase_opens_the_same_wallet(directory: Path) -> None:
    assert holder_of(directory) == holder_of(directory)
    assert holder_of(directory).startswith("did:key:z6Mk")


def test_a_wrong_passphrase_is_refused(directory: Path) -> None:
    with pytest.raises(WrongPassphrase), Wallet.open(directory, "not the passphrase"):
        pass


def test_no_wallet_no_overwrite_no_weak_passphrase(tmp_path: Path, directory: Path) -> None:
    with pytest.raises(NoWallet), Wallet.open(tmp_path / "nowhere", PASSPHRASE):
        pass
    with pytest.raises(WalletExists), Wallet.create(directory, PASSPHRASE):
        pass
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(WalletExists), Wallet.create(tmp_path / "busy", PASSPHRASE):
        pass
    with pytest.raises(WeakPassphrase), Wallet.create(tmp_path / "new", "short"):
        pass
    assert not (tmp_path / "new").exists() or not any((tmp_path / "new").iterdir())


def test_receive_verifies_and_keeps_the_credential_and_its_document_key(
    directory: Path, store: EmbeddedStore
) -> None:
    ident = received(directory, store)
    with Wallet.open(directory, PASSPHRASE) as wallet:
        held = wallet.find(ident)
        assert held.credential["credentialSubject"]["id"] == wallet.did
        assert b"".join(wallet.read_document(ident, store)) == SCAN
        assert wallet.find(ident[:4]) is held


def test_receive_pins_the_original_only_if_nobody_had(directory: Path, store: EmbeddedStore) -> None:
    with Wallet.open(directory, PASSPHRASE) as wallet:
        answer = issuance(wallet.did, store)
        store.unpin(CID.parse(answer["cid"]))
        held = wallet.receive(Issuance.from_json(answer), Verifier(), store).held
    assert held.documents[0].pinned
    assert CID.parse(answer["cid"]) in set(store.pins())


def test_a_credential_for_someone_else_is_refused(directory: Path, store: EmbeddedStore) -> None:
    with Wallet.open(directory, PASSPHRASE) as wallet:
        with pytest.raises(CredentialRefused, match="issued to someone else"):
            wallet.receive(Issuance.from_json(credential(STRANGER.controller)), Verifier())
        assert wallet.state.credentials == []


def test_a_key_sealed_to_someone_else_is_refused(directory: Path, store: EmbeddedStore) -> None:
    with Wallet.open(directory, PASSPHRASE) as wallet:
        answer = issuance(wallet.did, store, sealed_to=STRANGER.controller)
        with pytest.raises(CredentialRefused, match="not sealed to this wallet"):
            wallet.receive(Issuance.from_json(answer), Verifier(), store)


def test_a_tampered_credential_is_refused(directory: Path, store: EmbeddedStore) -> None:
    with Wallet.open(directory, PASSPHRASE) as wallet:
        forged = credential(wallet.did)
        forged["credentialSubject"]["identityDocument"]["givenName"] = "Someone"
        with pytest.raises(CredentialRefused, match="signature does not match"):
            wallet.receive(Issuance.from_json(forged), Verifier())


def test_a_document_the_credential_does_not_describe_is_refused(
    directory: Path, store: EmbeddedStore
) -> None:
    with Wallet.open(directory, PASSPHRASE) as wallet:
        answer = issuance(wallet.did, store)
        answer["cid"] = issuance(wallet.did, store)["cid"]
        with pytest.raises(CredentialRefused, match="does not describe"):
            wallet.receive(Issuance.from_json(answer), Verifier(), store)


def test_the_same_credential_twice_is_refused(directory: Path, store: EmbeddedStore) -> None:
    with Wallet.open(directory, PASSPHRASE) as wallet:
        answer = issuance(wallet.did, store)
        wallet.receive(Issuance.from_json(answer), Verifier(), store)
        with pytest.raises(CredentialRefused, match="already"):
            wallet.receive(Issuance.from_json(answer), Verifier(), store)


def test_an_altered_original_is_refused(directory: Path, store: EmbeddedStore, tmp_path: Path) -> None:
    ident = received(directory, store)
    with Wallet.open(directory, PASSPHRASE) as wallet:
        document = wallet.find(ident).documents[0]
        other = issuance(wallet.did, store, scan=b"another document")
        document.digest_multibase = other["credential"]["relatedResource"][0]["digestMultibase"]
        with pytest.raises(Exception, match="does not match the digest"):
            b"".join(wallet.read_document(ident, store))


def test_an_original_missing_from_every_store_is_reported(directory: Path, tmp_path: Path) -> None:
    elsewhere = EmbeddedStore(tmp_path / "partner-ipfs")
    with Wallet.open(directory, PASSPHRASE) as wallet:
        answer = issuance(wallet.did, elsewhere)
        ident = wallet.receive(
            Issuance.from_json(answer), Verifier(), EmbeddedStore(tmp_path / "mine")
        ).held.id
        with pytest.raises(DocumentUnavailable, match="cannot be fetched"):
            wallet.read_document(ident, EmbeddedStore(tmp_path / "mine"))


def test_the_presentation_verifies_with_the_challenge(directory: Path, store: EmbeddedStore) -> None:
    ident = received(directory, store)
    with Wallet.open(directory, PASSPHRASE) as wallet:
        vp = wallet.present(ident, challenge="nonce-1", domain="shelter.example")
    assert vp["holder"] == holder_of(directory)
    assert DOCUMENT_ACCESS not in vp
    result = Verifier().verify_presentation(vp, challenge="nonce-1", domain="shelter.example")
    assert result.verified, result.to_json()
    assert not Verifier().verify_presentation(vp, challenge="nonce-2", domain="shelter.example").verified


def _open_as_verifier(vp: dict[str, object], store: EmbeddedStore, key: DocumentKey) -> bytes:
    access = vp[DOCUMENT_ACCESS]
    assert isinstance(access, dict)
    entry = access["@value"]["documents"][0]
    cid = CID.parse(entry["resource"].removeprefix("ipfs://"))
    credential = vp["verifiableCredential"]
    assert isinstance(credential, list)
    digest = credential[0]["relatedResource"][0]["digestMultibase"]
    with key:
        return b"".join(Decryption(store.get(cid), key, expected_digest=digest))


def test_a_shared_document_opens_for_the_named_verifier_only(directory: Path, store: EmbeddedStore) -> None:
    ident = received(directory, store)
    with Wallet.open(directory, PASSPHRASE) as wallet:
        from nansen.crypto import Recipient

        vp = wallet.present(
            ident,
            challenge="n",
            domain="d",
            share_document=True,
            recipient=Recipient.from_did(STRANGER.controller),
        )
    assert Verifier().verify_presentation(vp, challenge="n", domain="d").verified
    sealed = SealedKey.from_json(vp[DOCUMENT_ACCESS]["@value"]["documents"][0]["sealedKey"])
    assert "key" not in vp[DOCUMENT_ACCESS]["@value"]["documents"][0]
    assert _open_as_verifier(vp, store, open_sealed([sealed], STRANGER.key_pair)) == SCAN
    with (
        Wallet.open(directory, PASSPHRASE) as wallet,
        pytest.raises(Exception, match="No sealed document key"),
    ):
        open_sealed([sealed], wallet.identities.holder.key_pair)


def test_a_shared_document_without_a_verifier_did_carries_the_key(
    directory: Path, store: EmbeddedStore
) -> None:
    ident = received(directory, store)
    with Wallet.open(directory, PASSPHRASE) as wallet:
        vp = wallet.present(ident, share_document=True)
    key = DocumentKey(multibase.decode(vp[DOCUMENT_ACCESS]["@value"]["documents"][0]["key"]))
    assert _open_as_verifier(vp, store, key) == SCAN


def test_the_holder_signature_covers_the_capability(directory: Path, store: EmbeddedStore) -> None:
    ident = received(directory, store)
    with Wallet.open(directory, PASSPHRASE) as wallet:
        vp = wallet.present(ident, challenge="n", domain="d", share_document=True)
    altered = copy.deepcopy(vp)
    altered[DOCUMENT_ACCESS]["@value"]["documents"][0]["resource"] = "ipfs://elsewhere"
    result = Verifier().verify_presentation(altered, challenge="n", domain="d")
    assert not result.verified


def test_sharing_needs_a_document(directory: Path) -> None:
    with Wallet.open(directory, PASSPHRASE) as wallet:
        wallet.receive(Issuance.from_json(credential(wallet.did)), Verifier())
        with pytest.raises(DocumentUnavailable):
            wallet.present(wallet.state.credentials[0].id, share_document=True)


def test_the_capability_is_in_the_cores_format(directory: Path, store: EmbeddedStore) -> None:
    ident = received(directory, store)
    with Wallet.open(directory, PASSPHRASE) as wallet:
        vp = wallet.present(ident, share_document=True)
    access = capability.parse(vp)
    assert access is not None
    credential = vp["verifiableCredential"][0]
    (shared,) = capability.for_credential(access, credential)
    assert shared.resource == credential["relatedResource"][0]["id"]
    assert shared.key is not None
    assert shared.sealed_key is None


def test_a_document_with_several_digests_cannot_be_shared(directory: Path, store: EmbeddedStore) -> None:
    with Wallet.open(directory, PASSPHRASE) as wallet:
        answer = issuance(wallet.did, store)
        resource = answer["credential"]["relatedResource"][0]
        listed = {**resource, "digestMultibase": [resource["digestMultibase"]]}
        answer["credential"] = credential(wallet.did, related_resource=[listed])
        ident = wallet.receive(Issuance.from_json(answer), Verifier(), store).held.id
        with pytest.raises(DocumentUnavailable, match="several digests"):
            wallet.present(ident, share_document=True)


def test_a_partner_did_is_unlinkable_and_presents_its_credentials(directory: Path) -> None:
    with Wallet.open(directory, PASSPHRASE) as wallet:
        partner = wallet.partner_did("Red Crescent")
        assert partner != wallet.did
        assert wallet.partner_did("Red Crescent") == partner
        assert wallet.partner_did("Notary") not in (partner, wallet.did)
        ident = wallet.receive(Issuance.from_json(credential(partner)), Verifier()).held.id
        vp = wallet.present(ident, challenge="c", domain="d")
    assert vp["holder"] == partner
    assert Verifier().verify_presentation(vp, challenge="c", domain="d").verified


def test_forget_destroys_the_keys_and_unpins(directory: Path, store: EmbeddedStore) -> None:
    with Wallet.open(directory, PASSPHRASE) as wallet:
        answer = issuance(wallet.did, store)
        cid = CID.parse(answer["cid"])
        store.unpin(cid)
        ident = wallet.receive(Issuance.from_json(answer), Verifier(), store).held.id
        key = wallet.find(ident).documents[0].key
        assert cid in set(store.pins())
        done = wallet.forget([ident], store, PASSPHRASE)
        assert done.removed == 1
    assert cid not in set(store.pins())
    with Wallet.open(directory, PASSPHRASE) as wallet:
        with pytest.raises(UnknownCredential):
            wallet.read_document(ident, store)
        assert multibase.encode_base64url(key) not in str(wallet.state.to_json())


def test_forget_all(directory: Path, store: EmbeddedStore) -> None:
    received(directory, store)
    received(directory, store)
    with Wallet.open(directory, PASSPHRASE) as wallet:
        assert wallet.forget(None, store, PASSPHRASE).removed == 2
        assert wallet.state.credentials == []
