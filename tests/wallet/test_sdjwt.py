"""SD-JWT VCs in the wallet: received only when bound to its key, presented with only the claims
the holder chooses (``nansen wallet present --disclose``), verified by the one pipeline."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from nansen.qr import decode_image
from nansen.qr.sdjwt import decode_sd_jwt
from nansen.sdjwt import issue_identity_document, serialization
from nansen.timeutil import now
from nansen.verify import Verdict, Verifier
from tests.sdjwt.support import FACTS, ISSUER, STRANGER
from tests.wallet.cli import run
from tests.wallet.conftest import PASSPHRASE

NONCE = "a-nonce-from-the-shelter"
DOMAIN = "did:web:shelter.example"


@pytest.fixture
def wallet_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "phone"
    monkeypatch.setenv("NANSEN_WALLET_DIR", str(directory))
    result = run("init", "--no-recovery", passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    return directory


def issued_to(did: str) -> str:
    moment = now()
    return issue_identity_document(
        signer=ISSUER.signer,
        holder_did=did,
        document_type="Passport",
        facts=FACTS,
        issued_at=moment,
        expires_at=moment + timedelta(days=30),
    )


def receive(tmp_path: Path, token: str) -> str:
    path = tmp_path / "issued.sd-jwt"
    path.write_text(token + "\n")
    result = run("receive", str(path), passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    assert "SD-JWT VC, can disclose: " in result.output
    assert "Amina" not in result.output
    listed = json.loads(run("list", "--json", passphrase=PASSPHRASE).output)
    assert listed[-1]["validFrom"].endswith("Z")
    return str(listed[-1]["id"])


def test_receive_then_present_only_the_chosen_claims(wallet_dir: Path, tmp_path: Path) -> None:
    did = run("did", passphrase=PASSPHRASE).output.strip()
    ident = receive(tmp_path, issued_to(did))
    shown = run(
        "present",
        ident,
        "--disclose",
        "givenName,birthDate",
        "--challenge",
        NONCE,
        "--domain",
        DOMAIN,
        "--json",
        passphrase=PASSPHRASE,
    )
    assert shown.exit_code == 0, shown.output
    text = shown.output.strip()
    result = Verifier().verify_sd_jwt(text, nonce=NONCE, audience=DOMAIN)
    assert result.verdict is Verdict.VALID, result.to_json()
    assert result.document is not None
    assert {k: result.document.get(k) for k in ("givenName", "birthDate")} == {
        "givenName": "Amina",
        "birthDate": "1990-01-01",
    }
    for hidden in ("familyName", "birthPlace", "documentNumber"):
        assert hidden not in result.document
    assert len(serialization.split(text).disclosures) == 2


def test_a_presentation_as_a_qr_code_reads_back_and_verifies(wallet_dir: Path, tmp_path: Path) -> None:
    did = run("did", passphrase=PASSPHRASE).output.strip()
    ident = receive(tmp_path, issued_to(did))
    image = tmp_path / "code.png"
    shown = run(
        "present",
        ident,
        "--disclose",
        "givenName,familyName,birthDate",
        "--qr",
        str(image),
        passphrase=PASSPHRASE,
    )
    assert shown.exit_code == 0, shown.output
    text = decode_sd_jwt(decode_image(image.read_bytes()))
    assert text == decode_sd_jwt(shown.output.strip())
    # One way: no nonce to match, the KB-JWT's iat must be recent.
    assert Verifier().verify_sd_jwt(text).verdict is Verdict.VALID


def test_a_credential_bound_to_someone_else_is_refused(wallet_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "other.sd-jwt"
    path.write_text(issued_to(STRANGER.did))
    result = run("receive", str(path), passphrase=PASSPHRASE)
    assert result.exit_code == 1
    assert "issued to someone else" in result.output
    assert json.loads(run("list", "--json", passphrase=PASSPHRASE).output) == []


def test_a_tampered_credential_is_refused_with_its_reason(wallet_dir: Path, tmp_path: Path) -> None:
    did = run("did", passphrase=PASSPHRASE).output.strip()
    parts = serialization.split(issued_to(did))
    path = tmp_path / "tampered.sd-jwt"
    path.write_text(serialization.join(parts.issuer_jwt, [*parts.disclosures, parts.disclosures[0]]))
    result = run("receive", str(path), passphrase=PASSPHRASE)
    assert result.exit_code == 1
    assert "The credential was refused: the same disclosure is given more than once." in result.output


def test_presenting_without_a_known_sd_jwt_is_refused(wallet_dir: Path) -> None:
    result = run("present", "abcd1234", "--disclose", "givenName", passphrase=PASSPHRASE)
    assert result.exit_code == 1
    assert "No SD-JWT credential in the wallet has this identifier." in result.output
