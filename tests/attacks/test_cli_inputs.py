"""Bad input files given to the real ``nansen`` command: one line on stderr, exit 2, no traceback.

Every core command that reads a file is sent each kind of bad file in each place it reads one:
missing, a directory, empty, not JSON, duplicate keys, an integer beyond Python's 4,300-digit
conversion limit, nesting far beyond the depth limit; and ``--did-doc``/``--status-list`` files
that are JSON but not an object with an ``id``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import HOLDER, PARTNER, identity_credential

#: The console script pip installed beside the interpreter: the real entry point.
NANSEN = str(Path(sys.executable).with_name("nansen"))

BAD_FILES: dict[str, bytes | None] = {
    "missing": None,
    "directory": None,
    "empty": b"",
    "not-json": b"this is not json",
    "duplicate-keys": b'{"id": "urn:a", "id": "urn:b"}',
    "huge-integer": b'{"id": "urn:a", "n": ' + b"9" * 5000 + b"}",
    "deep-nesting": b"[" * 5000 + b"]" * 5000,
}

#: Each command, with {bad} where the bad file goes.
COMMANDS = {
    "credential sign input": ["credential", "sign", "--key", "{partner}", "{bad}"],
    "credential sign key": ["credential", "sign", "--key", "{bad}", "{unsigned}"],
    "credential verify input": ["credential", "verify", "{bad}"],
    "credential verify did-doc": ["credential", "verify", "{unsigned}", "--did-doc", "{bad}"],
    "credential verify status-list": ["credential", "verify", "{unsigned}", "--status-list", "{bad}"],
    "presentation sign input": [
        "presentation", "sign", "--key", "{holder}", "--challenge", "c", "--domain", "d", "{bad}",
    ],
    "presentation verify input": ["presentation", "verify", "--challenge", "c", "--domain", "d", "{bad}"],
    "presentation verify did-doc": [
        "presentation", "verify", "--challenge", "c", "--domain", "d", "{unsigned}", "--did-doc", "{bad}",
    ],
    "document decrypt sealed-key": [
        "document", "decrypt", "--key", "{holder}", "--cid", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        "--sealed-key", "{bad}", "--out", "{out}",
    ],
    "document decrypt key": [
        "document", "decrypt", "--key", "{bad}", "--cid", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        "--sealed-key", "[]", "--out", "{out}",
    ],
    "trust show": ["trust", "show", "{bad}"],
    "trust add": ["trust", "add", "{bad}", PARTNER.controller, "--name", "P", "--type", "IdentityCredential"],
    "trust sign key": ["trust", "sign", "{unsigned}", "--key", "{bad}"],
    "trust init key": ["trust", "init", "--key", "{bad}", "--out", "{out}"],
}  # fmt: skip


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NANSEN_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [NANSEN, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def assert_usage_error(process: subprocess.CompletedProcess[str]) -> None:
    assert process.returncode == 2, (process.returncode, process.stdout, process.stderr)
    assert "Traceback" not in process.stderr + process.stdout
    assert process.stderr.startswith("Error: ") or process.stderr.startswith("Usage: "), process.stderr
    if process.stderr.startswith("Error: "):
        assert process.stderr.count("\n") == 1, process.stderr


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    PARTNER.write(tmp_path / "partner.key")
    HOLDER.write(tmp_path / "holder.key")
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(json.dumps(identity_credential()))
    return {
        "partner": str(tmp_path / "partner.key"),
        "holder": str(tmp_path / "holder.key"),
        "unsigned": str(unsigned),
        "out": str(tmp_path / "out"),
    }


def bad_file(tmp_path: Path, kind: str) -> str:
    path = tmp_path / f"bad-{kind}"
    if kind == "directory":
        path.mkdir()
    elif (content := BAD_FILES[kind]) is not None:
        path.write_bytes(content)
    return str(path)


@pytest.mark.parametrize("kind", list(BAD_FILES))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_bad_input_file_is_a_usage_error(
    tmp_path: Path, files: dict[str, str], command: str, kind: str
) -> None:
    bad = bad_file(tmp_path, kind)
    args = [a.format(bad=bad, **files) for a in COMMANDS[command]]
    assert_usage_error(run(args, tmp_path))


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_a_document_to_encrypt_that_cannot_be_read_is_a_usage_error(
    tmp_path: Path, files: dict[str, str], kind: str
) -> None:
    process = run(["document", "encrypt", "--to", HOLDER.controller, bad_file(tmp_path, kind)], tmp_path)
    assert_usage_error(process)


@pytest.mark.parametrize("where", ["directory", "missing-parent"])
def test_did_new_to_an_unwritable_path_is_a_usage_error(tmp_path: Path, where: str) -> None:
    out = tmp_path if where == "directory" else tmp_path / "no" / "such" / "k.json"
    assert_usage_error(run(["did", "new", "--out", str(out)], tmp_path))


@pytest.mark.parametrize("option", ["--did-doc", "--status-list"])
@pytest.mark.parametrize("content", ["[]", '"a string"', '{"type": "no id"}', "7", '{"id": 5}'])
@pytest.mark.parametrize("kind", ["credential", "presentation"])
def test_offline_files_that_are_not_identified_objects_are_usage_errors(
    tmp_path: Path, files: dict[str, str], option: str, content: str, kind: str
) -> None:
    offline = tmp_path / "offline.json"
    offline.write_text(content)
    challenge = ["--challenge", "c", "--domain", "d"] if kind == "presentation" else []
    process = run([kind, "verify", *challenge, files["unsigned"], option, str(offline)], tmp_path)
    assert_usage_error(process)
    assert option in process.stderr


@pytest.mark.parametrize("methods", ["not a list", [5], [{"id": "#k"}], {"id": "#k"}])
def test_a_malformed_did_document_fails_verification_without_a_traceback(
    tmp_path: Path, files: dict[str, str], methods: object
) -> None:
    offline = tmp_path / "did.json"
    offline.write_text(json.dumps({"id": PARTNER.controller, "verificationMethod": methods}))
    process = run(["credential", "verify", files["unsigned"], "--did-doc", str(offline)], tmp_path)
    assert process.returncode == 1, process.stderr
    assert "Traceback" not in process.stderr + process.stdout
    assert json.loads(process.stdout)["verified"] is False


def test_a_missing_credential_to_verify_is_a_usage_error_not_a_failed_verification(tmp_path: Path) -> None:
    process = run(["credential", "verify", str(tmp_path / "missing.json")], tmp_path)
    assert_usage_error(process)
    assert process.stdout == ""
    assert "Cannot read" in process.stderr


def test_a_credential_with_a_duplicate_key_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "vc.json"
    path.write_text('{"@context": ["https://www.w3.org/ns/credentials/v2"], "issuer": "a", "issuer": "b"}')
    process = run(["credential", "verify", str(path)], tmp_path)
    assert_usage_error(process)
    assert 'The JSON has the key "issuer" twice.' in process.stderr
