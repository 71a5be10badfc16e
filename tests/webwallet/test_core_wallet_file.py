"""The wallet file (NSWALLET v1) is one format in two runtimes: a wallet the command line made opens
in the browser's engine with the same DID and credentials, its duress passphrase opens the decoy;
a wallet the engine made opens with ``nansen wallet``; the login key is ``wallet.kdf.derive``'s; a
passphrase the engine changed opens the command line's wallet, the old one no longer, the duress
wallet as before."""

from __future__ import annotations

import hashlib
import json
import zlib
from pathlib import Path

import pytest

from nansen.proofs import ProofOptions, add_proof
from tests.helpers import ISSUED, PARTNER, identity_credential
from tests.wallet.cli import run
from tests.webwallet.engine import EngineError, b64, call, unb64
from wallet import Wallet, aead, payload
from wallet.container import FILE_NAME, FILE_SIZE, WalletFile
from wallet.kdf import LEVELS, derive
from wallet.state import HeldCredential

REAL = "correct horse battery staple"
DURESS = "a decoy for the coercer"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NANSEN_WALLET_KDF", "minimum")


def cli_wallet(directory: Path) -> tuple[str, str]:
    """A wallet made by the Python wallet, holding one credential, with a duress passphrase."""
    with Wallet.create(directory, REAL, LEVELS["minimum"]) as wallet:
        unsigned = identity_credential(PARTNER, wallet.identities.holder)
        credential = add_proof(unsigned, PARTNER, ProofOptions(created=ISSUED))
        wallet.state.credentials.append(HeldCredential(credential, "2026-12-07T00:00:00Z"))
        wallet.save()
        wallet.set_duress(DURESS)
        return wallet.did, HeldCredential(credential, "").id


def test_a_cli_wallet_opens_in_the_engine_with_its_did_and_credentials(tmp_path: Path) -> None:
    did, ident = cli_wallet(tmp_path / "w")
    data = (tmp_path / "w" / FILE_NAME).read_bytes()

    real = call("open", file=b64(data), passphrase=REAL)
    assert real["opened"] is True
    assert real["did"] == did
    assert [c["id"] for c in real["credentials"]] == [ident]
    card = real["credentials"][0]
    assert card["format"] == "ldp_vc"
    assert card["issuer"] == PARTNER.controller
    assert card["facts"]["givenName"] == "Amina"
    assert "IdentityDocumentCredential" in card["types"]

    decoy = call("open", file=b64(data), passphrase=DURESS)
    assert decoy["opened"] is True
    assert decoy["did"] != did
    assert decoy["credentials"] == []
    assert decoy["slot"] == real["state"]["duress"]

    assert call("open", file=b64(data), passphrase="not the passphrase")["opened"] is False


def test_an_engine_wallet_opens_with_nansen_wallet(tmp_path: Path) -> None:
    made = call("create", passphrase=REAL, cost="minimum", duress=DURESS)
    data = unb64(made["file"])
    assert len(data) == FILE_SIZE == 786_400
    directory = tmp_path / "w"
    directory.mkdir(mode=0o700)
    (directory / FILE_NAME).write_bytes(data)

    shown = run("did", "--wallet", str(directory), passphrase=REAL)
    assert shown.exit_code == 0, shown.output
    assert made["did"] in shown.output
    listed = run("list", "--wallet", str(directory), passphrase=REAL)
    assert listed.exit_code == 0, listed.output
    with Wallet.open(directory, REAL) as wallet:
        assert wallet.did == made["did"]
        assert wallet.state.duress == made["state"]["duress"]
    with Wallet.open(directory, DURESS) as decoy:
        assert decoy.did != made["did"]
        assert decoy.state.credentials == []


def test_a_passphrase_changed_in_the_engine_opens_the_cli_wallet(tmp_path: Path) -> None:
    did, ident = cli_wallet(tmp_path / "w")
    data = (tmp_path / "w" / FILE_NAME).read_bytes()
    new = "a brand new passphrase"
    changed = call("changePassphrase", file=b64(data), passphrase=REAL, newPassphrase=new)
    out = unb64(changed["file"])
    assert len(out) == FILE_SIZE
    assert out[:40] == data[:40]  # the same header: salt and cost
    directory = tmp_path / "changed"
    directory.mkdir(mode=0o700)
    (directory / FILE_NAME).write_bytes(out)
    listed = run("list", "--json", "--wallet", str(directory), passphrase=new)
    assert listed.exit_code == 0, listed.output
    assert [c["id"] for c in json.loads(listed.stdout)] == [ident]
    assert run("list", "--wallet", str(directory), passphrase=REAL).exit_code != 0
    with Wallet.open(directory, new) as wallet:
        assert wallet.did == did
    with Wallet.open(directory, DURESS) as decoy:  # the duress slot's bytes are as they were
        assert decoy.did != did
    slot = changed["slot"]
    size = (FILE_SIZE - 40) // 3
    for other in {0, 1, 2} - {slot}:
        assert (
            out[40 + other * size : 40 + (other + 1) * size]
            == data[40 + other * size : 40 + (other + 1) * size]
        )
    # The current passphrase, or the duress one (it would open the decoy's slot), is refused.
    for refused in (REAL, DURESS):
        with pytest.raises(EngineError, match="Choose another passphrase"):
            call("changePassphrase", file=b64(data), passphrase=REAL, newPassphrase=refused)


def test_the_engine_writes_the_payload_python_writes() -> None:
    """The slot's plaintext is byte for byte what wallet.payload.pack makes of the same state: its
    length, zlib level 9 (pako 2.1 writes what Python's zlib 1.2.13 writes) of the JSON text
    Python writes (sorted keys, compact, ASCII escapes), zeros to the capacity."""
    fresh = call("create", passphrase=REAL, cost="minimum")["state"]
    credential = {
        "id": "urn:x",
        "credentialSubject": {"givenName": "Amína Ørsted 😀 \u007f", "b": 1, "a": [2.5]},
    }
    fresh["credentials"] = [{"credential": credential, "received": "", "documents": []}]
    made = call("create", passphrase=REAL, cost="minimum", state=fresh)
    file = WalletFile.parse(unb64(made["file"]))
    key = file.header.key_for(REAL)
    opened = file.open(key)
    assert opened is not None
    assert opened.state["credentials"][0]["credential"] == credential
    plaintext = aead.unseal(key, file.slots[opened.slot], file.header.raw + bytes((opened.slot,)))
    assert plaintext is not None
    assert plaintext == payload.pack(opened.state)
    assert len(plaintext) == payload.CAPACITY
    length = int.from_bytes(plaintext[:4], "big")
    text = json.dumps(made["state"], separators=(",", ":"), sort_keys=True).encode("utf-8")
    assert zlib.decompress(plaintext[4 : 4 + length]) == text
    assert not any(plaintext[4 + length :])


def test_the_login_key_is_the_one_python_derives(tmp_path: Path) -> None:
    made = call("create", passphrase=REAL, cost="minimum")
    file = WalletFile.parse(unb64(made["file"]))
    keys = call("loginKey", file=made["file"], passphrase=REAL)
    login = derive(file.header.key_for(REAL), b"nslogin_", 1)
    assert unb64(keys["loginKey"]) == login
    assert unb64(keys["verifier"]) == hashlib.sha256(login).digest()


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda data: data[:-1], "short by one byte"),
        (lambda data: b"NSWALLEX" + data[8:], "another magic"),
        (lambda data: data[:8] + b"\x02" + data[9:], "version 2"),
        (lambda data: data[:16] + (2**40).to_bytes(8, "big") + data[24:], "a memory cost above sensitive"),
    ],
)
def test_a_damaged_or_forged_file_is_refused(damage: object, why: str) -> None:
    made = call("create", passphrase=REAL, cost="minimum")
    forged = damage(unb64(made["file"]))  # type: ignore[operator]
    with pytest.raises(EngineError, match="damaged or is not a Nansen wallet"):
        call("open", file=b64(forged), passphrase=REAL)


def test_a_changed_slot_does_not_open_and_a_weak_duress_is_refused() -> None:
    made = call("create", passphrase=REAL, cost="minimum")
    data = bytearray(unb64(made["file"]))
    data[40 + made["slot"] * ((len(data) - 40) // 3) + 100] ^= 1
    assert call("open", file=b64(bytes(data)), passphrase=REAL)["opened"] is False
    with pytest.raises(EngineError, match="another duress passphrase"):
        call("create", passphrase=REAL, cost="minimum", duress=REAL)
    with pytest.raises(EngineError, match="at least 8 characters"):
        call("create", passphrase="short", cost="minimum")


def test_partner_dids_are_the_python_wallets(tmp_path: Path) -> None:
    with Wallet.create(tmp_path / "w", REAL, LEVELS["minimum"]) as wallet:
        state = wallet.state.to_json()
        first = call("partnerDid", state=state, label=" Shelter of Hope ")
        assert first["did"] == wallet.partner_did("Shelter of Hope")
        second = call("partnerDid", state=first["state"], label="Clinic")
        assert second["did"] == wallet.partner_did("Clinic")
        assert second["state"]["partners"] == wallet.state.partners == ["Shelter of Hope", "Clinic"]
        assert call("partnerDid", state=second["state"], label="Shelter of Hope")["did"] == first["did"]
        assert len({first["did"], second["did"], wallet.did}) == 3
    with pytest.raises(EngineError, match="must not be empty"):
        call("partnerDid", state=state, label="  ")
