"""``nansen document encrypt`` and ``decrypt`` through the IPFS store (the embedded one in a temporary
data directory): as a real process, and each refusal through the Typer app."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from nansen import multibase
from nansen.cli.document import PROGRESS_FROM, app, with_progress
from nansen.crypto import ciphertext_size
from nansen.crypto.stream import SEALED_CHUNK_SIZE
from nansen.ipfs import CID, EmbeddedStore
from tests.conftest import did_key_signer

DOCUMENT = [sys.executable, "-m", "nansen", "document"]
SIGNERS = {"holder": did_key_signer(0x31), "escrow": did_key_signer(0x32), "stranger": did_key_signer(0x33)}


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every command here keeps its ciphertexts in the embedded store of a fresh data directory."""
    path = tmp_path / "data"
    monkeypatch.setenv("NANSEN_DATA_DIR", str(path))
    for name in [name for name in os.environ if name.startswith("NANSEN_IPFS_")]:
        monkeypatch.delenv(name)
    return path


def store(data_dir: Path) -> EmbeddedStore:
    return EmbeddedStore(data_dir / "ipfs")


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*DOCUMENT, *args], input=stdin, capture_output=True, timeout=120, check=False)


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, signer in SIGNERS.items():
        paths[name] = tmp_path / f"{name}.key"
        signer.write(paths[name])
    return paths


def refused(process: subprocess.CompletedProcess[bytes], reason: str) -> None:
    stderr = process.stderr.decode()
    assert process.returncode == 1, stderr
    assert stderr.startswith("Error: ")
    assert reason in stderr
    assert stderr.count("\n") == 1
    assert "Traceback" not in stderr


def test_encrypt_for_two_recipients_then_each_decrypts(
    tmp_path: Path, keys: dict[str, Path], data_dir: Path
) -> None:
    document = tmp_path / "scan.jpg"
    document.write_bytes(os.urandom(5 * 1024 * 1024 + 3))  # over PROGRESS_FROM
    holder, escrow = SIGNERS["holder"].controller, SIGNERS["escrow"].controller
    process = run("encrypt", "--to", holder, "--to", escrow, str(document))
    assert process.returncode == 0, process.stderr
    assert process.stderr == b""
    report = json.loads(process.stdout)
    assert set(report) == {"cid", "digestMultibase", "sealedKeys", "ciphertextBytes"}
    assert report["digestMultibase"].startswith("uID")  # sha2-384 multihash, base64url
    assert [k["recipient"].split("#")[0] for k in report["sealedKeys"]] == [holder, escrow]
    stat_ = store(data_dir).stat(CID.parse(report["cid"]))
    assert stat_.pinned
    assert report["ciphertextBytes"] == stat_.size == ciphertext_size(5 * 1024 * 1024 + 3)
    sealed = tmp_path / "sealed.json"
    sealed.write_text(process.stdout.decode())

    for name in ("holder", "escrow"):
        out = tmp_path / f"{name}.jpg"
        process = run(
            "decrypt",
            "--key", str(keys[name]),
            "--sealed-key", str(sealed),
            "--cid", report["cid"],
            "--out", str(out),
            "--digest", report["digestMultibase"],
        )  # fmt: skip
        assert process.returncode == 0, process.stderr
        assert out.read_bytes() == document.read_bytes()
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert json.loads(process.stdout) == {
            "digestMultibase": report["digestMultibase"],
            "plaintextBytes": 5 * 1024 * 1024 + 3,
        }


def test_a_stranger_cannot_decrypt_and_no_file_appears(tmp_path: Path, keys: dict[str, Path]) -> None:
    process = run("encrypt", "--to", SIGNERS["holder"].controller, "-", stdin=b"scan")
    assert process.returncode == 0, process.stderr
    report = json.loads(process.stdout)
    record = json.dumps(report["sealedKeys"][0])
    out = tmp_path / "out.jpg"
    args = ["--sealed-key", record, "--cid", report["cid"], "--out", str(out)]
    refused(
        run("decrypt", "--key", str(keys["stranger"]), *args), "No sealed document key opens with this key."
    )
    assert not out.exists()
    assert run("decrypt", "--key", str(keys["holder"]), *args).returncode == 0
    assert out.read_bytes() == b"scan"


# --- refusals, through the Typer app -------------------------------------------------------------


def invoke(*args: str, stdin: bytes | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=stdin)


def invoke_refused(reason: str, *args: str, code: int = 1) -> None:
    result = invoke(*args)
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("Error: ")
    assert reason in result.stderr
    assert result.stdout == ""


@pytest.fixture
def encrypted(tmp_path: Path) -> dict[str, Any]:
    source = tmp_path / "scan.jpg"
    source.write_bytes(b"a scan" * 50_000)
    result = invoke("encrypt", "--to", SIGNERS["holder"].controller, str(source))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    sealed = tmp_path / "sealed.json"
    sealed.write_text(json.dumps(report["sealedKeys"]))
    return {"report": report, "cid": report["cid"], "sealed": sealed, "source": source}


def decrypt_args(
    tmp_path: Path, keys: dict[str, Path], encrypted: dict[str, Any], **changes: str
) -> list[str]:
    options = {
        "--key": str(keys["holder"]),
        "--sealed-key": str(encrypted["sealed"]),
        "--cid": encrypted["cid"],
        "--out": str(tmp_path / "out.jpg"),
        **changes,
    }
    return ["decrypt", *[part for pair in options.items() for part in pair]]


def test_the_typer_app_round_trips(tmp_path: Path, keys: dict[str, Path], encrypted: dict[str, Any]) -> None:
    result = invoke(*decrypt_args(tmp_path, keys, encrypted))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.jpg").read_bytes() == encrypted["source"].read_bytes()


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: data[:-1], "truncated"),
        (lambda data: data[:-SEALED_CHUNK_SIZE], "final chunk is missing"),
        (lambda data: data + data[-SEALED_CHUNK_SIZE:], "data after its end"),
        (lambda data: data[:100] + bytes([data[100] ^ 1]) + data[101:], "altered"),
        (lambda data: b"PK\x03\x04" + data[4:], "not a Nansen encrypted document"),
        (lambda data: data[:5] + b"\x09" + data[6:], "format version 9"),
    ],
)
def test_a_damaged_ciphertext_is_refused_and_leaves_no_output(
    tmp_path: Path, keys: dict[str, Path], encrypted: dict[str, Any], data_dir: Path, damage: Any, reason: str
) -> None:
    """A damaged ciphertext stored under its own, valid CID: the decryption refuses it."""
    ciphertext = b"".join(store(data_dir).get(CID.parse(encrypted["cid"])))
    encrypted["cid"] = str(store(data_dir).put(io.BytesIO(damage(ciphertext))))
    invoke_refused(reason, *decrypt_args(tmp_path, keys, encrypted))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["data", "escrow.key", "holder.key", "stranger.key", "scan.jpg", "sealed.json"]
    )


def test_a_block_that_does_not_match_its_cid_is_refused(
    tmp_path: Path, keys: dict[str, Path], encrypted: dict[str, Any], data_dir: Path
) -> None:
    for path in (data_dir / "ipfs" / "blocks").glob("*/*"):
        path.write_bytes(path.read_bytes()[:-1] + b"!")
    invoke_refused("does not match its CID", *decrypt_args(tmp_path, keys, encrypted))
    assert not (tmp_path / "out.jpg").exists()


def test_a_digest_mismatch_is_refused_and_leaves_no_output(
    tmp_path: Path, keys: dict[str, Path], encrypted: dict[str, Any]
) -> None:
    other = "uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA"
    invoke_refused(
        "does not match the digest", *decrypt_args(tmp_path, keys, encrypted, **{"--digest": other})
    )
    assert not (tmp_path / "out.jpg").exists()


@pytest.mark.parametrize(
    ("value", "reason", "code"),
    [
        ("{", "not JSON", 2),
        ("[]", "No sealed key was given.", 1),
        ('{"recipient": "x"}', "needs 'recipient' and 'sealedKey'", 1),
        ("/nonexistent/sealed.json", "Cannot read", 2),
    ],
)
def test_a_bad_sealed_key_is_refused(
    tmp_path: Path, keys: dict[str, Path], encrypted: dict[str, Any], value: str, reason: str, code: int
) -> None:
    invoke_refused(reason, *decrypt_args(tmp_path, keys, encrypted, **{"--sealed-key": value}), code=code)


def test_the_encrypt_output_is_accepted_as_sealed_keys(
    tmp_path: Path, keys: dict[str, Path], encrypted: dict[str, Any]
) -> None:
    whole = json.dumps(encrypted["report"])
    assert invoke(*decrypt_args(tmp_path, keys, encrypted, **{"--sealed-key": whole})).exit_code == 0


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"--digest": "uA"}, "not valid multibase"),
        ({"--cid": "not-a-cid"}, "base32 ('b')"),
        ({"--cid": "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"}, "not in the store"),
    ],
)
def test_bad_decrypt_options_are_refused(
    tmp_path: Path, keys: dict[str, Path], encrypted: dict[str, Any], changes: dict[str, str], reason: str
) -> None:
    invoke_refused(reason, *decrypt_args(tmp_path, keys, encrypted, **changes))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"--out": "/nonexistent/out.jpg"}, "Cannot write the output file"),
        ({"--key": "/nonexistent/holder.key"}, "Cannot read the key file"),
    ],
)
def test_unusable_decrypt_paths_are_usage_errors(
    tmp_path: Path, keys: dict[str, Path], encrypted: dict[str, Any], changes: dict[str, str], reason: str
) -> None:
    invoke_refused(reason, *decrypt_args(tmp_path, keys, encrypted, **changes), code=2)


def test_an_existing_output_is_kept_unless_forced(
    tmp_path: Path, keys: dict[str, Path], encrypted: dict[str, Any]
) -> None:
    out = tmp_path / "out.jpg"
    out.write_bytes(b"keep me")
    invoke_refused("exists already", *decrypt_args(tmp_path, keys, encrypted))
    assert out.read_bytes() == b"keep me"
    assert invoke(*decrypt_args(tmp_path, keys, encrypted), "--force").exit_code == 0
    assert out.read_bytes() == encrypted["source"].read_bytes()


@pytest.mark.parametrize(
    ("to", "reason"),
    [
        ("did:example:escrow", "Recipient 2 cannot be used: The DID method is not supported"),
        ("did:key:z6MkNotAKey", "Recipient 2 cannot be used"),
    ],
)
def test_a_bad_recipient_is_refused_before_anything_is_written(data_dir: Path, to: str, reason: str) -> None:
    invoke_refused(reason, "encrypt", "--to", SIGNERS["holder"].controller, "--to", to, "-")
    assert not (data_dir / "ipfs").exists()


def test_a_missing_document_is_refused(data_dir: Path) -> None:
    invoke_refused(
        "Cannot read the input file", "encrypt", "--to", SIGNERS["holder"].controller, "/nonexistent", code=2
    )
    assert list(store(data_dir).pins()) == []


def test_a_bad_store_configuration_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NANSEN_IPFS_REPLICAS", "kubo")
    invoke_refused("NANSEN_IPFS_API is not set", "encrypt", "--to", SIGNERS["holder"].controller, "-")


def test_a_did_web_recipient_from_an_offline_document(tmp_path: Path) -> None:
    did = "did:web:escrow.example"
    agreement = SIGNERS["escrow"].key_pair.public_key.to_x25519()
    document = {
        "id": did,
        "verificationMethod": [
            {
                "id": f"{did}#kex",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multibase.encode_multicodec(multibase.X25519_PUB, agreement),
            }
        ],
        "keyAgreement": [f"{did}#kex"],
    }
    did_doc = tmp_path / "escrow-did.json"
    did_doc.write_text(json.dumps(document))
    result = invoke("encrypt", "--to", did, "--did-doc", str(did_doc), "-", stdin=b"x")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sealedKeys"][0]["recipient"] == f"{did}#kex"


def test_large_inputs_show_a_progress_bar_on_a_terminal() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80)
    chunks = [bytes(1024 * 1024)] * 5
    assert list(with_progress(chunks, 5 * 1024 * 1024, "Encrypting", console)) == chunks
    assert "Encrypting" in screen.getvalue()
    quiet = io.StringIO()
    small = Console(file=quiet, force_terminal=True)
    assert list(with_progress([b"x"], PROGRESS_FROM - 1, "Encrypting", small)) == [b"x"]
    assert quiet.getvalue() == ""
