"""The ``nansen`` command, run as a real process: forms, exit codes, errors without tracebacks."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import HOLDER, PARTNER, identity_credential

NANSEN = [sys.executable, "-m", "nansen"]


def run(
    *args: str, stdin: str | bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    data = stdin.decode() if isinstance(stdin, bytes) else stdin
    return subprocess.run(
        [*NANSEN, *args],
        input=data,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def assert_no_traceback(process: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in process.stderr
    assert "Traceback" not in process.stdout


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    partner = tmp_path / "partner.json"
    holder = tmp_path / "holder.json"
    assert run("did", "new", "--seed", "01" * 32, "--out", str(partner)).returncode == 0
    assert run("did", "new", "--seed", "02" * 32, "--out", str(holder)).returncode == 0
    return {"partner": partner, "holder": holder}


def signed(keys: dict[str, Path], suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    unsigned = identity_credential()
    del unsigned["issuer"]
    unsigned["credentialSubject"]["id"] = HOLDER.controller
    process = run(
        "credential", "sign", "--key", str(keys["partner"]), "--suite", suite, "-", stdin=json.dumps(unsigned)
    )
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)  # type: ignore[no-any-return]


def test_did_new_writes_a_private_key_file_and_prints_the_did(tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    process = run("did", "new", "--seed", "01" * 32, "--out", str(out))
    assert process.returncode == 0
    assert process.stdout.strip() == PARTNER.controller
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text())["secretKeyMultibase"].startswith("z3u2")
    again = run("did", "new", "--out", str(out))
    assert again.returncode == 1
    assert "exists" in again.stderr


@pytest.mark.parametrize("seed", ["zz", "01" * 31])
def test_did_new_refuses_a_bad_seed(tmp_path: Path, seed: str) -> None:
    process = run("did", "new", "--seed", seed, "--out", str(tmp_path / "k.json"))
    assert process.returncode == 1
    assert process.stderr.startswith("Error: ")
    assert_no_traceback(process)


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_sign_then_verify(keys: dict[str, Path], tmp_path: Path, suite: str) -> None:
    credential = signed(keys, suite)
    assert credential["issuer"] == PARTNER.controller
    path = tmp_path / "vc.json"
    path.write_text(json.dumps(credential))
    process = run("credential", "verify", str(path))
    assert process.returncode == 0, process.stdout
    report = json.loads(process.stdout)
    assert report["verified"] is True
    assert {c["check"] for c in report["checks"]} >= {"format", "proof", "issuer key", "validity period"}


def test_sign_refuses_another_issuer(keys: dict[str, Path]) -> None:
    unsigned = identity_credential()  # names the test partner's DID, not the key file's
    unsigned["issuer"] = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    process = run("credential", "sign", "--key", str(keys["partner"]), stdin=json.dumps(unsigned))
    assert process.returncode == 1
    assert "another issuer" in process.stderr
    assert_no_traceback(process)


def test_verify_refuses_a_tampered_credential(keys: dict[str, Path]) -> None:
    credential = signed(keys)
    credential["credentialSubject"]["identityDocument"]["familyName"] = "Other"
    process = run("credential", "verify", "-", stdin=json.dumps(credential))
    assert process.returncode == 1
    assert json.loads(process.stdout)["verified"] is False


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"this is not json", id="not-json"),
        pytest.param(b"[" * 5000 + b"]" * 5000, id="deep"),
        pytest.param(b'{"a": "' + b"x" * 2_000_000 + b'"}', id="too-large"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
        pytest.param(b'{"a": NaN}', id="nan"),
    ],
)
def test_verify_refuses_input_that_is_not_json_as_a_usage_error(payload: bytes) -> None:
    process = subprocess.run(
        [*NANSEN, "credential", "verify", "-"], input=payload, capture_output=True, timeout=60, check=False
    )
    assert process.returncode == 2
    assert process.stdout == b""
    assert process.stderr.startswith(b"Error: ")
    assert process.stderr.count(b"\n") == 1
    assert b"Traceback" not in process.stderr


def test_verify_refuses_json_that_is_not_a_credential_with_a_report() -> None:
    process = run("credential", "verify", "-", stdin="[]")
    assert process.returncode == 1
    report = json.loads(process.stdout)
    assert report["verified"] is False
    assert report["checks"][0]["check"] == "format"
    assert_no_traceback(process)


def test_usage_error_exits_2() -> None:
    assert run("credential", "verify", "--no-such-option").returncode == 2
    assert run("credential", "sign", "--suite", "rsa", "--key", "k", "-", stdin="{}").returncode == 2


def test_missing_file_is_one_sentence(tmp_path: Path) -> None:
    process = run("credential", "sign", "--key", str(tmp_path / "missing.json"), "-", stdin="{}")
    assert process.returncode == 2
    assert process.stderr.startswith("Error: Cannot read the key file")
    assert_no_traceback(process)


def test_presentation_sign_and_verify(keys: dict[str, Path], tmp_path: Path) -> None:
    credential = signed(keys)
    signing = run(
        "presentation",
        "sign",
        "--key",
        str(keys["holder"]),
        "--challenge",
        "n-1",
        "--domain",
        "shelter.example",
        stdin=json.dumps(credential),
    )
    assert signing.returncode == 0, signing.stderr
    vp = signing.stdout
    good = run("presentation", "verify", "--challenge", "n-1", "--domain", "shelter.example", stdin=vp)
    assert good.returncode == 0, good.stdout
    assert json.loads(good.stdout)["credentials"][0]["verified"] is True
    wrong = run("presentation", "verify", "--challenge", "n-2", "--domain", "shelter.example", stdin=vp)
    assert wrong.returncode == 1
    other_domain = run("presentation", "verify", "--challenge", "n-1", "--domain", "evil.example", stdin=vp)
    assert other_domain.returncode == 1


def test_presentation_signed_by_a_stranger_is_refused(keys: dict[str, Path], tmp_path: Path) -> None:
    credential = signed(keys)
    stranger = tmp_path / "stranger.json"
    run("did", "new", "--out", str(stranger))
    vp = run(
        "presentation",
        "sign",
        "--key",
        str(stranger),
        "--challenge",
        "c",
        "--domain",
        "d",
        stdin=json.dumps(credential),
    )
    assert vp.returncode == 0
    result = run("presentation", "verify", "--challenge", "c", "--domain", "d", stdin=vp.stdout)
    assert result.returncode == 1
    checks = {c["check"]: c["outcome"] for c in json.loads(result.stdout)["checks"]}
    assert checks["holder binding"] == "failed"


def test_did_doc_and_status_list_options(tmp_path: Path) -> None:
    """A did:web issuer resolved offline from --did-doc, status from --status-list."""
    from nansen import status
    from nansen.keys import Ed25519KeyPair, SigningKey
    from nansen.proofs import add_proof

    did = "did:web:partner.example"
    key = SigningKey(Ed25519KeyPair.from_seed(b"\x07" * 32), did + "#key-1")
    document = {
        "id": did,
        "verificationMethod": [
            {
                "id": did + "#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.key_pair.public_key.multibase,
            }
        ],
        "assertionMethod": [did + "#key-1"],
    }
    url = "https://partner.example/status/revocation"
    bits = status.StatusList()
    bits.set(7, True)
    status_list = add_proof(status.build_list_credential(url, did, "revocation", bits), key)
    unsigned = identity_credential()
    unsigned["issuer"] = did
    unsigned["credentialStatus"] = [status.build_entry(url, 7, "revocation")]
    credential = add_proof(unsigned, key)
    (tmp_path / "did.json").write_text(json.dumps(document))
    (tmp_path / "list.json").write_text(json.dumps(status_list))
    (tmp_path / "vc.json").write_text(json.dumps(credential))
    without = run("credential", "verify", str(tmp_path / "vc.json"))
    assert without.returncode == 1
    revoked = run(
        "credential",
        "verify",
        "--did-doc",
        str(tmp_path / "did.json"),
        "--status-list",
        str(tmp_path / "list.json"),
        str(tmp_path / "vc.json"),
    )
    assert revoked.returncode == 1
    report = json.loads(revoked.stdout)
    assert {c["check"]: c["outcome"] for c in report["checks"]}["status: revocation"] == "failed"
    assert {c["check"]: c["outcome"] for c in report["checks"]}["proof"] == "passed"


def test_help_everywhere() -> None:
    for command in (
        [],
        ["did"],
        ["did", "new"],
        ["credential", "verify"],
        ["presentation", "sign"],
        ["demo"],
    ):
        process = run(*command, "--help")
        assert process.returncode == 0, command
        assert "Usage" in process.stdout


def test_did_web_issuer_is_resolved_over_https_only_from_public_addresses(tmp_path: Path) -> None:
    """No --did-doc: the did:web is resolved online; a loopback host is refused, in one sentence."""
    credential = identity_credential()
    credential["issuer"] = "did:web:localhost%3A1"
    credential["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-01-05T09:30:00Z",
        "verificationMethod": "did:web:localhost%3A1#key-1",
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "1" * 86,
    }
    process = run(
        "credential", "verify", stdin=json.dumps(credential), env={"NANSEN_DATA_DIR": str(tmp_path)}
    )
    assert process.returncode == 1
    proof = next(c for c in json.loads(process.stdout)["checks"] if c["check"] == "proof")
    assert proof["outcome"] == "failed"
    assert "private" in proof["reason"]
    assert "localhost" not in proof["reason"]
    assert_no_traceback(process)


def test_context_allow_list_is_configuration(tmp_path: Path) -> None:
    """NANSEN_JSONLD_CONTEXTS narrows the allow-list: the examples context is then refused."""
    from nansen.proofs import add_proof

    credential = add_proof(
        {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://www.w3.org/ns/credentials/examples/v2",
            ],
            "type": ["VerifiableCredential"],
            "issuer": PARTNER.controller,
            "credentialSubject": {"id": HOLDER.controller, "alumniOf": "Example University"},
        },
        PARTNER,
    )
    default = run("credential", "verify", stdin=json.dumps(credential))
    assert default.returncode == 0, default.stdout
    narrowed = run(
        "credential",
        "verify",
        stdin=json.dumps(credential),
        env={"NANSEN_JSONLD_CONTEXTS": "https://www.w3.org/ns/credentials/v2,https://w3id.org/nansen/v1"},
    )
    assert narrowed.returncode == 1
    checks = {c["check"]: c for c in json.loads(narrowed.stdout)["checks"]}
    assert checks["format"]["outcome"] == "failed"
    assert "allow-list" in checks["format"]["reason"]
