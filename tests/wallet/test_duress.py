"""The duress passphrase: a decoy that opens like a wallet, and nothing that tells another exists.

The comparison: wallet A has a duress wallet, wallet B has none. Opened with A's duress
passphrase and B's passphrase, the same commands give the same output (once the identifiers that
differ between any two wallets are masked), the directories the same names and sizes, the same
work (Argon2id runs, slots tried), and the decoy's contents the same shape as B's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from nansen.ipfs import EmbeddedStore
from tests.wallet.cli import run
from tests.wallet.conftest import DURESS, PASSPHRASE
from tests.wallet.issuing import credential
from wallet import Wallet, WeakPassphrase, WrongPassphrase, aead, header
from wallet.container import SLOTS, WalletFile

#: What differs between any two wallets: DIDs, CIDs, local ids, UUIDs, times, signatures, QR text.
_VARIABLE = re.compile(
    r"did:key:z\w+|\bbaf\w+|urn:uuid:[0-9a-f-]+|\b[0-9a-f]{8}\b|\d{4}-\d\d-\d\dT[\d:]+Z|\"z\w+\"|NV1:.*"
)


def masked(text: str) -> str:
    return _VARIABLE.sub("<x>", text)


def listing(directory: Path) -> list[tuple[str, int]]:
    return sorted((p.name, p.stat().st_size) for p in directory.iterdir())


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    with_duress, without = tmp_path / "a", tmp_path / "b"
    assert (
        run(
            "init",
            "--wallet",
            str(with_duress),
            "--duress",
            "--no-recovery",
            passphrase=PASSPHRASE,
            NANSEN_WALLET_DURESS_PASSPHRASE=DURESS,
        ).exit_code
        == 0
    )
    assert run("init", "--wallet", str(without), "--no-recovery", passphrase=PASSPHRASE).exit_code == 0
    return with_duress, without


def _session(directory: Path, secret: str, tmp_path: Path) -> list[str]:
    """The same commands on one wallet; their output."""
    outputs = []

    def step(*args: str) -> str:
        result = run(*args, "--wallet", str(directory), passphrase=secret)
        assert result.exit_code == 0, result.output
        outputs.append(masked(result.output))
        return result.output

    did = step("did").strip()
    path = tmp_path / f"{directory.name}-credential.json"
    path.write_text(json.dumps(credential(did)))
    step("list")
    step("receive", str(path))
    ident = json.loads(step("list", "--json"))[0]["id"]
    step("show", ident)
    step("present", ident, "--challenge", "c", "--domain", "d")
    step("duress")  # run with the duress passphrase below too: the decoy may set one of its own
    return outputs


def test_the_decoy_and_a_plain_wallet_are_indistinguishable(
    pair: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_duress, without = pair
    assert listing(with_duress) == listing(without)
    monkeypatch.setenv("NANSEN_WALLET_DURESS_PASSPHRASE", "another decoy phrase")
    decoy_output = _session(with_duress, DURESS, tmp_path)
    plain_output = _session(without, PASSPHRASE, tmp_path)
    assert decoy_output == plain_output
    assert listing(with_duress) == listing(without)
    with Wallet.open(with_duress, DURESS) as decoy, Wallet.open(without, PASSPHRASE) as plain:
        assert _shape(decoy.state.to_json()) == _shape(plain.state.to_json())


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return type(value).__name__


def test_the_real_wallet_survives_what_is_done_in_the_decoy(
    pair: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_duress, _ = pair
    with Wallet.open(with_duress, PASSPHRASE) as real:
        real_did, real_slot = real.did, real.state.duress
    before = WalletFile.read(with_duress).slots
    monkeypatch.setenv("NANSEN_WALLET_DURESS_PASSPHRASE", "another decoy phrase")
    _session(with_duress, DURESS, tmp_path)
    after = WalletFile.read(with_duress).slots
    changed = [i for i in range(SLOTS) if before[i] != after[i]]
    with Wallet.open(with_duress, PASSPHRASE) as real:
        assert real.did == real_did
        assert real._slot not in changed
    with Wallet.open(with_duress, DURESS) as decoy:
        assert decoy.did != real_did
        assert decoy._slot == real_slot
    with Wallet.open(with_duress, "another decoy phrase") as third:
        assert third.did not in (real_did,)


def test_every_passphrase_costs_the_same_work(
    pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    with_duress, without = pair
    counts: dict[str, int] = {"argon2": 0, "slots": 0}
    real_key, real_unseal = header.passphrase_key, aead.unseal

    def counting_key(*args: Any) -> bytes:
        counts["argon2"] += 1
        return real_key(*args)

    def counting_unseal(*args: Any) -> bytes | None:
        counts["slots"] += 1
        return real_unseal(*args)

    monkeypatch.setattr(header, "passphrase_key", counting_key)
    monkeypatch.setattr(aead, "unseal", counting_unseal)
    seen = []
    for directory, secret in (
        (with_duress, PASSPHRASE),
        (with_duress, DURESS),
        (without, PASSPHRASE),
        (without, DURESS),
    ):
        counts.update(argon2=0, slots=0)
        try:
            with Wallet.open(directory, secret):
                pass
        except WrongPassphrase:
            pass
        seen.append(dict(counts))
    assert seen == [{"argon2": 1, "slots": SLOTS}] * 4


def test_a_wrong_passphrase_reads_the_same_on_both(pair: tuple[Path, Path]) -> None:
    outputs = {masked(run("list", "--wallet", str(d), passphrase="not it at all").output) for d in pair}
    assert outputs == {"Error: The passphrase does not open the wallet here.\n"}


def test_the_duress_passphrase_must_differ(tmp_path: Path) -> None:
    with Wallet.create(tmp_path / "w", PASSPHRASE) as wallet:
        with pytest.raises(WeakPassphrase):
            wallet.set_duress(PASSPHRASE)
        wallet.set_duress(DURESS)
        wallet.set_duress("replaced duress phrase")
    with pytest.raises(WrongPassphrase), Wallet.open(tmp_path / "w", DURESS):
        pass
    with Wallet.open(tmp_path / "w", "replaced duress phrase"):
        pass


def test_unused_slots_look_like_used_ones(tmp_path: Path, store: EmbeddedStore) -> None:
    with Wallet.create(tmp_path / "w", PASSPHRASE):
        pass
    slots = WalletFile.read(tmp_path / "w").slots
    assert len({len(s) for s in slots}) == 1
    for slot in slots:
        assert 0.45 < sum(bin(b).count("1") for b in slot) / (8 * len(slot)) < 0.55
