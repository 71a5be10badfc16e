"""Guardian shares in the web engine (``wallet/web/src/core/guardians.js``, npm ``slip39``): SLIP-0039's
official vectors (vendored in ``tests/webwallet/slip39/``), then shares made by the command line's
``wallet.guardians`` (``shamir-mnemonic``) opening a backup the Python wallet sealed; a wrong word, a
mistyped share, too few shares, shares of two sets and another wallet's shares are refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shamir_mnemonic  # type: ignore[import-untyped, unused-ignore]
from shamir_mnemonic.wordlist import WORDLIST  # type: ignore[import-untyped, unused-ignore]

from tests.webwallet.engine import EngineError, b64, call, unb64
from wallet import Wallet, backup, guardians, identity
from wallet.kdf import LEVELS

VECTORS: list[list[Any]] = json.loads((Path(__file__).parent / "slip39" / "vectors.json").read_text("utf-8"))
PASSPHRASE = "correct horse battery staple"
REFUSED = "The guardian shares do not recover the secret"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NANSEN_WALLET_KDF", "minimum")


def test_the_engine_passes_slip39_official_vectors() -> None:
    """Every vector: a valid set gives its master secret (SLIP-39 passphrase "TREZOR"); an invalid one
    is refused. One Node process for all 45 would hide which failed, so each is its own call."""
    checked = 0
    for description, mnemonics, secret_hex, _xprv in VECTORS:
        if secret_hex:
            answer = call("combineShares", shares=mnemonics, passphrase="TREZOR")
            assert unb64(answer["secret"]).hex() == secret_hex, description
        else:
            with pytest.raises(EngineError, match=REFUSED) as refused:
                call("combineShares", shares=mnemonics, passphrase="TREZOR")
            assert refused.value.code == "shares", description
        checked += 1
    assert checked == len(VECTORS) == 45


def test_the_engine_has_slip39s_wordlist() -> None:
    assert call("slip39Words")["words"] == list(WORDLIST)


@pytest.fixture(scope="module")
def cli_wallet(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes, list[str]]:
    """A wallet made as `nansen wallet init`, backed up as `nansen wallet backup`, split 2 of 3 as
    `nansen wallet guardians split`: its DID, the backup, the three shares."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NANSEN_WALLET_KDF", "minimum")
        with Wallet.create(tmp_path_factory.mktemp("cli") / "w", PASSPHRASE, LEVELS["minimum"]) as wallet:
            sealed = backup.seal(
                wallet.state.portable(),
                PASSPHRASE,
                identity.backup_key(wallet.state.master),
                LEVELS["minimum"],
            )
            return wallet.did, sealed, wallet.guardian_shares(2, 3)


def test_two_of_three_cli_shares_open_the_cli_backup_in_the_engine(
    cli_wallet: tuple[str, bytes, list[str]],
) -> None:
    did, sealed, shares = cli_wallet
    assert all(len(share.split()) == 20 for share in shares)
    for pair in ([shares[0], shares[1]], [shares[2], shares[0]], [shares[1].upper(), "  " + shares[2]]):
        state = call("openBackupWithShares", backup=b64(sealed), shares=pair)["state"]
        assert state["master"] is not None
        made = call("create", passphrase="a new phone's passphrase 42", cost="minimum", state=state)
        assert made["did"] == did
    # All three work too (one more than needed).
    assert call("openBackupWithShares", backup=b64(sealed), shares=shares)["state"] == state


def test_the_engines_recovered_secret_is_the_clis(cli_wallet: tuple[str, bytes, list[str]]) -> None:
    _, _, shares = cli_wallet
    secret = unb64(call("combineShares", shares=shares[:2])["secret"])
    assert secret == guardians.combine(shares[1:])
    assert len(secret) == 16


def test_words_are_checked_as_typed(cli_wallet: tuple[str, bytes, list[str]]) -> None:
    _, _, shares = cli_wallet
    words = shares[0].split()
    assert call("checkShareWords", text=shares[0]) == {"count": 20, "unknown": [], "complete": True}
    typo = " ".join([*words[:4], "zzzebra", *words[5:]])
    answer = call("checkShareWords", text=typo)
    assert answer == {"count": 20, "unknown": [{"position": 5, "word": "zzzebra"}], "complete": False}
    half = " ".join(words[:10])
    assert call("checkShareWords", text=half) == {"count": 10, "unknown": [], "complete": False}


def refusal(sealed: bytes, shares: list[str]) -> EngineError:
    with pytest.raises(EngineError) as refused:
        call("openBackupWithShares", backup=b64(sealed), shares=shares)
    return refused.value


def test_bad_shares_are_refused_and_open_nothing(
    cli_wallet: tuple[str, bytes, list[str]], tmp_path: Path
) -> None:
    _, sealed, shares = cli_wallet
    words = shares[1].split()
    # A word not in the list; a valid word swapped for another (RS1024 checksum); one share only;
    # the same share twice; nothing at all.
    unknown = " ".join([*words[:3], "notaword", *words[4:]])
    swapped = " ".join([*words[:3], WORDLIST[(WORDLIST.index(words[3]) + 1) % 1024], *words[4:]])
    for bad in ([shares[0], unknown], [shares[0], swapped], [shares[0]], [shares[0], shares[0]]):
        error = refusal(sealed, bad)
        assert error.code == "shares"
        assert str(error).startswith(REFUSED)
        assert not any(word in str(error) for word in words)
    assert refusal(sealed, []).code == "no-shares"
    # Two shares of two different sets of the same wallet's secret (different SLIP-39 identifiers).
    master = shamir_mnemonic.combine_mnemonics(shares[:2])
    other_set = guardians.split(master, 2, 3)
    assert refusal(sealed, [shares[0], other_set[1]]).code == "shares"
    # Another wallet's guardians, a valid set: the backup does not open.
    with Wallet.create(tmp_path / "other", PASSPHRASE, LEVELS["minimum"]) as other:
        theirs = other.guardian_shares(2, 3)
    assert refusal(sealed, theirs[:2]).code == "other-wallet"
    # A changed byte in the backup body.
    altered = bytearray(sealed)
    altered[-100] ^= 1
    assert refusal(bytes(altered), shares[:2]).code == "damaged"
