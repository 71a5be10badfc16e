"""``nansen ipfs``: cid, add, cat, export, import — outputs, binary safety, refusals in one sentence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from nansen.cli.ipfs import app
from nansen.ipfs import CID, EmbeddedStore
from tests.ipfs.data import pattern

TWO_CHUNKS = "bafybeiavfl3mrv5rig3iqfle6aheyo3crcdzseal3jfwykhuwtmc4vtyjy"  # pattern(262145)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def run(data_dir: Path, *args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin, env={"NANSEN_DATA_DIR": str(data_dir)})


def refused(result: Result, reason: str) -> None:
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert reason in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "scan.bin"
    path.write_bytes(pattern(262145))
    return path


def test_cid_prints_what_ipfs_add_prints_and_stores_nothing(data_dir: Path, document: Path) -> None:
    result = run(data_dir, "cid", str(document))
    assert result.exit_code == 0
    assert result.stdout == TWO_CHUNKS + "\n"
    assert not (data_dir / "ipfs").exists()


def test_cid_of_standard_input(data_dir: Path) -> None:
    result = run(data_dir, "cid", "-", stdin=b"")
    assert result.stdout == "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku\n"


def test_add_then_cat_is_binary_safe(data_dir: Path, document: Path) -> None:
    added = run(data_dir, "add", str(document))
    assert added.exit_code == 0
    assert added.stdout == TWO_CHUNKS + "\n"
    assert EmbeddedStore(data_dir / "ipfs").stat(CID.parse(TWO_CHUNKS)).pinned
    shown = run(data_dir, "cat", TWO_CHUNKS)
    assert shown.exit_code == 0
    assert shown.stdout_bytes == pattern(262145)


def test_add_from_standard_input(data_dir: Path) -> None:
    raw = bytes(range(256)) * 3
    added = run(data_dir, "add", "-", stdin=raw)
    assert run(data_dir, "cat", added.stdout.strip()).stdout_bytes == raw


def test_export_and_import_move_content_between_installations(
    data_dir: Path, document: Path, tmp_path: Path
) -> None:
    run(data_dir, "add", str(document))
    car = tmp_path / "out.car"
    exported = run(data_dir, "export", TWO_CHUNKS, str(car))
    assert exported.exit_code == 0
    assert exported.stdout == TWO_CHUNKS + "\n"
    assert not (tmp_path / "out.car.partial").exists()
    elsewhere = tmp_path / "elsewhere"
    imported = run(elsewhere, "import", str(car))
    assert imported.exit_code == 0
    assert imported.stdout == TWO_CHUNKS + "\n"
    assert run(elsewhere, "cat", TWO_CHUNKS).stdout_bytes == pattern(262145)
    assert run(elsewhere, "import", "-", stdin=car.read_bytes()).stdout == TWO_CHUNKS + "\n"


def test_refusals(data_dir: Path, document: Path, tmp_path: Path) -> None:
    refused(run(data_dir, "cid", str(tmp_path / "absent")), "Cannot read")
    refused(run(data_dir, "add", str(tmp_path / "absent")), "No such file")
    refused(run(data_dir, "cat", "not-a-cid"), "base32 ('b')")
    refused(run(data_dir, "cat", TWO_CHUNKS), "not in the store")
    refused(run(data_dir, "export", TWO_CHUNKS, str(tmp_path / "x.car")), "not in the store")
    assert not (tmp_path / "x.car").exists()
    assert not (tmp_path / "x.car.partial").exists()
    refused(run(data_dir, "import", str(document)), "CAR")
    refused(run(data_dir, "import", "-", stdin=b""), "not a CAR file")
    run(data_dir, "add", str(document))
    refused(run(data_dir, "export", TWO_CHUNKS, str(tmp_path / "no" / "x.car")), "cannot be read or written")


def test_a_damaged_store_is_reported_by_cat(data_dir: Path, document: Path) -> None:
    run(data_dir, "add", str(document))
    for path in (data_dir / "ipfs" / "blocks").glob("*/*"):
        path.write_bytes(b"damaged")
    result = run(data_dir, "cat", TWO_CHUNKS)
    refused(result, "does not match its CID")
    assert result.stdout_bytes == b""


def test_the_sub_app_runs_as_a_module(data_dir: Path, document: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "nansen", "ipfs", "cid", str(document)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NANSEN_DATA_DIR": str(data_dir)},
        check=False,
    )
    assert process.returncode == 0
    assert process.stdout == TWO_CHUNKS + "\n"
    failed = subprocess.run(
        [sys.executable, "-m", "nansen", "ipfs", "cat", "z0OIl"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NANSEN_DATA_DIR": str(data_dir)},
        check=False,
    )
    assert failed.returncode == 1
    assert failed.stderr == "Error: A base58btc CID holds a character outside the base58 alphabet.\n"
    assert "Traceback" not in failed.stderr
