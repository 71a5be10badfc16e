"""``nansen wallet`` as a person uses it: each command, and each refusal in one sentence."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nansen.ipfs import CID, EmbeddedStore
from nansen.qr import decode_image, decode_presentation
from nansen.verify import Verifier
from tests.wallet.cli import run
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.issuing import SCAN, issuance

_CID = re.compile(r"Backup CID: (\S+)")


@pytest.fixture
def wallet_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "phone"
    monkeypatch.setenv("NANSEN_WALLET_DIR", str(directory))
    result = run("init", "--no-recovery", passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    return directory


def _did() -> str:
    return run("did", passphrase=PASSPHRASE).output.strip()


def _receive(tmp_path: Path, store: EmbeddedStore) -> str:
    path = tmp_path / "issued.json"
    path.write_text(json.dumps(issuance(_did(), store)))
    result = run("receive", str(path), passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    return str(json.loads(run("list", "--json", passphrase=PASSPHRASE).output)[0]["id"])


def test_init_prompts_twice_for_a_new_passphrase(tmp_path: Path) -> None:
    result = run(
        "init", "--wallet", str(tmp_path / "w"), "--no-recovery", input=f"{PASSPHRASE}\n{PASSPHRASE}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created the wallet of did:key:z6Mk" in result.output
    assert run("did", "--wallet", str(tmp_path / "w"), input=f"{PASSPHRASE}\n").exit_code == 0


def test_init_with_recovery_backs_up_and_splits(tmp_path: Path, store: EmbeddedStore) -> None:
    result = run(
        "init",
        "--wallet",
        str(tmp_path / "w"),
        "--recovery",
        "--threshold",
        "2",
        "--shares",
        "3",
        passphrase=PASSPHRASE,
    )
    assert result.exit_code == 0, result.output
    assert CID.parse(_CID.search(result.output)[1]) in set(store.pins())
    assert result.output.count("Share ") == 3


def test_did_as_a_qr_code(wallet_dir: Path, tmp_path: Path) -> None:
    result = run("did", "--qr", str(tmp_path / "did.png"), passphrase=PASSPHRASE)
    assert result.exit_code == 0
    assert decode_image(tmp_path / "did.png") == result.output.strip()
    partner = run("did", "--partner", "Notary", passphrase=PASSPHRASE).output.strip()
    assert partner.startswith("did:key:")
    assert partner != result.output.strip()


def test_receive_list_show_open(wallet_dir: Path, tmp_path: Path, store: EmbeddedStore) -> None:
    ident = _receive(tmp_path, store)
    listed = run("list", passphrase=PASSPHRASE).output
    assert ident in listed
    assert "Passport" in listed
    assert "1 document(s)" in listed
    shown = json.loads(run("show", ident, passphrase=PASSPHRASE).output)
    assert shown["credential"]["credentialSubject"]["id"] == _did()
    assert set(shown["documents"][0]) == {"cid", "digestMultibase"}
    out = tmp_path / "passport.pdf"
    result = run("document", "open", ident, "--out", str(out), passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == SCAN


def test_present_as_a_qr_code_that_verifies(wallet_dir: Path, tmp_path: Path, store: EmbeddedStore) -> None:
    ident = _receive(tmp_path, store)
    image = tmp_path / "vp.png"
    result = run(
        "present",
        ident,
        "--challenge",
        "n-1",
        "--domain",
        "shelter.example",
        "--qr",
        str(image),
        passphrase=PASSPHRASE,
    )
    assert result.exit_code == 0, result.output
    text = result.output.strip()
    assert decode_image(image) == text
    vp = decode_presentation(text)
    assert Verifier().verify_presentation(vp, challenge="n-1", domain="shelter.example").verified


def test_present_answers_the_nc1_text_of_a_verifier_pages_qr_code(
    wallet_dir: Path, tmp_path: Path, store: EmbeddedStore
) -> None:
    """``--challenge NC1:…`` (the text of the challenge a verifier's page shows) gives the challenge
    and the domain; a --domain that differs from it is refused."""
    ident = _receive(tmp_path, store)
    scanned = "NC1:7KQ2M9XD4RTB:shelter.example"
    result = run("present", ident, "--challenge", scanned, "--json", passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    vp = json.loads(result.stdout)
    assert Verifier().verify_presentation(vp, challenge="7KQ2M9XD4RTB", domain="shelter.example").verified
    other = run(
        "present", ident, "--challenge", scanned, "--domain", "elsewhere.example", passphrase=PASSPHRASE
    )
    assert other.exit_code == 1
    assert other.stderr == "Error: --domain differs from the domain in the challenge's QR code.\n"
    damaged = run("present", ident, "--challenge", "NC1:7KQ2M9XD4RT:shelter.example", passphrase=PASSPHRASE)
    assert damaged.stderr == "Error: This is not a verifier's challenge.\n"


def test_present_warns_about_a_verifier_that_cannot_be_checked(
    wallet_dir: Path, tmp_path: Path, store: EmbeddedStore
) -> None:
    from tests.helpers import STRANGER

    ident = _receive(tmp_path, store)
    result = run(
        "present",
        ident,
        "--verifier",
        STRANGER.controller,
        "--share-document",
        "--json",
        passphrase=PASSPHRASE,
    )
    assert result.exit_code == 0
    assert "Warning: No trust list is configured" in result.stderr
    vp = json.loads(result.stdout)
    assert "sealedKey" in json.dumps(vp)


def test_backup_and_recover_on_an_empty_directory(
    wallet_dir: Path, tmp_path: Path, store: EmbeddedStore
) -> None:
    ident = _receive(tmp_path, store)
    did = _did()
    car = tmp_path / "backup.car"
    result = run("backup", "--car", str(car), passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    assert "This sheet holds no key" in result.output
    cid = _CID.search(result.output)[1]
    shares = re.findall(
        r"Share \d of 3:\n(.+)",
        run("guardians", "split", "--threshold", "2", "--shares", "3", passphrase=PASSPHRASE).output,
    )
    assert len(shares) == 3

    by_passphrase = run("recover", "--cid", cid, "--wallet", str(tmp_path / "a"), passphrase=PASSPHRASE)
    assert by_passphrase.exit_code == 0, by_passphrase.output
    by_car = run("recover", "--car", str(car), "--wallet", str(tmp_path / "b"), passphrase=PASSPHRASE)
    assert by_car.exit_code == 0, by_car.output
    by_guardians = run(
        "recover",
        "--cid",
        cid,
        "--guardians",
        "--wallet",
        str(tmp_path / "c"),
        input=f"{shares[0]}\n{shares[2]}\n\n",
        passphrase="a new passphrase",
    )
    assert by_guardians.exit_code == 0, by_guardians.output
    for name, secret in (("a", PASSPHRASE), ("b", PASSPHRASE), ("c", "a new passphrase")):
        assert run("did", "--wallet", str(tmp_path / name), passphrase=secret).output.strip() == did
        assert ident in run("list", "--wallet", str(tmp_path / name), passphrase=secret).output


def test_forget_then_open(wallet_dir: Path, tmp_path: Path, store: EmbeddedStore) -> None:
    ident = _receive(tmp_path, store)
    run("backup", passphrase=PASSPHRASE)
    result = run("forget", ident, "--yes", passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    assert "Destroyed: 1 credential(s) and their document keys" in result.output
    assert "1 earlier backup(s)" in result.output
    assert "The new backup below holds none of the forgotten keys." in result.output
    opened = run("document", "open", ident, "--out", str(tmp_path / "x"), passphrase=PASSPHRASE)
    assert opened.exit_code == 1
    assert opened.stderr == "Error: No credential in the wallet has this identifier.\n"
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list",), "The passphrase does not open the wallet here."),
        (
            (
                "recover",
                "--cid",
                "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
                "--wallet",
                "{tmp}/n",
            ),
            "No backup with this CID can be found in the configured stores.",
        ),
        (("recover", "--cid", "not-a-cid", "--wallet", "{tmp}/n"), None),
        (
            ("recover", "--wallet", "{tmp}/n"),
            "Give the backup's CID (--cid), or a CAR file (--car), or both.",
        ),
        (("forget", "--yes"), "Name the credentials to forget, or give --all."),
        (("show", "nothing"), "No credential in the wallet has this identifier."),
        (("receive", "{tmp}/missing.json"), None),
    ],
)
def test_refusals_are_one_sentence(
    wallet_dir: Path, tmp_path: Path, args: tuple[str, ...], message: str | None
) -> None:
    secret = "wrong passphrase" if args == ("list",) else PASSPHRASE
    result = run(*(a.format(tmp=tmp_path) for a in args), passphrase=secret)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1
    if message is not None:
        assert result.stderr == f"Error: {message}\n"


def test_no_wallet_and_weak_passphrase(tmp_path: Path) -> None:
    missing = run("list", "--wallet", str(tmp_path / "none"), passphrase=PASSPHRASE)
    assert missing.stderr == "Error: There is no wallet here; create one with `nansen wallet init`.\n"
    weak = run("init", "--wallet", str(tmp_path / "w"), "--no-recovery", passphrase="short")
    assert weak.stderr == "Error: Choose a passphrase of at least 8 characters.\n"


def test_receive_says_where_the_original_is(wallet_dir: Path, tmp_path: Path, store: EmbeddedStore) -> None:
    """The partner pinned the original in the same store: kept, not "unreachable"."""
    path = tmp_path / "issued.json"
    path.write_text(json.dumps(issuance(_did(), store)))
    result = run("receive", str(path), passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    assert "already pinned in this store" in result.output
    assert "not reachable" not in result.output
