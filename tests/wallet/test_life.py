"""The whole life of a wallet, against a running issuer and a running verifier: init, receive,
present (QR code, challenge, verified), back up, lose the phone, recover on an empty directory with
the passphrase, and again with 2 of 3 guardian shares, and present again: verified each time."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import httpx
import pytest
import trustme

from nansen.qr import decode_image, decode_presentation
from tests.wallet.cli import run
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.services import DOMAIN, Trust, client_context, issuer_service, verifier_service
from wallet import Issuance, Wallet

NEW_PASSPHRASE = "my new passphrase at the shelter"


def _present_and_verify(verifier: str, directory: Path, secret: str, ident: str, image: Path) -> None:
    with httpx.Client(timeout=60) as http:
        challenge = http.post(f"{verifier}/challenges").json()
        assert challenge["domain"] == DOMAIN
        shown = run(
            "present",
            ident,
            "--challenge",
            challenge["challenge"],
            "--domain",
            DOMAIN,
            "--qr",
            str(image),
            "--wallet",
            str(directory),
            passphrase=secret,
        )
        assert shown.exit_code == 0, shown.output
        scanned = decode_presentation(decode_image(image))
        body = {
            "verifiablePresentation": scanned,
            "options": {"challenge": challenge["challenge"], "domain": DOMAIN},
        }
        answer = http.post(f"{verifier}/presentations/verify", json=body)
        assert answer.status_code == 200, answer.text
        assert answer.json()["verified"] is True
        replayed = http.post(f"{verifier}/presentations/verify", json=body)
        assert replayed.status_code == 400


def test_the_whole_life(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    trust = Trust(ca_file, tmp_path / "client-cache")
    phone = tmp_path / "phone"
    assert run("init", "--wallet", str(phone), "--no-recovery", passphrase=PASSPHRASE).exit_code == 0
    holder = run("did", "--wallet", str(phone), passphrase=PASSPHRASE).stdout.strip()

    with (
        issuer_service(tmp_path / "issuer", ca, monkeypatch) as partner,
        verifier_service(tmp_path / "verifier", trust) as verifier,
    ):
        facts = {
            "givenName": "Amina",
            "familyName": "Haddad",
            "birthDate": "1990-04-01",
            "documentNumber": "N0123456",
            "issuingCountry": "SY",
        }
        scan = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64  # the partner's scan of the passport
        with httpx.Client(verify=client_context(ca), timeout=60) as http:
            issued = http.post(
                f"{partner.url}/documents",
                files={"scan": ("passport.png", scan, "image/png")},
                data={
                    "holder": holder,
                    "documentType": "Passport",
                    "facts": json.dumps(facts),
                    "checkMethod": "Original inspected under UV light",
                    "documentPresence": "Physical",
                    "subjectPresence": "Physical",
                },
                headers={"Authorization": f"Bearer {partner.api_key}"},
            )
        assert issued.status_code == 201, issued.text
        assert issued.json()["credential"]["issuer"] == partner.did

        with Wallet.open(phone, PASSPHRASE) as wallet:
            received = wallet.receive(Issuance.from_json(issued.json()), trust.verifier())
        assert received.result.verified, received.result.to_json()
        ident = received.held.id
        _present_and_verify(verifier, phone, PASSPHRASE, ident, tmp_path / "first.png")

        backed_up = run("backup", "--wallet", str(phone), passphrase=PASSPHRASE)
        assert backed_up.exit_code == 0, backed_up.output
        cid = re.search(r"Backup CID: (\S+)", backed_up.stdout)[1]
        split = run(
            "guardians",
            "split",
            "--threshold",
            "2",
            "--shares",
            "3",
            "--wallet",
            str(phone),
            passphrase=PASSPHRASE,
        )
        shares = re.findall(r"Share \d of 3:\n(.+)", split.stdout)
        assert len(shares) == 3

        shutil.rmtree(phone)  # the phone is lost

        shelter = tmp_path / "shelter"
        recovered = run("recover", "--cid", cid, "--wallet", str(shelter), passphrase=PASSPHRASE)
        assert recovered.exit_code == 0, recovered.output
        assert holder in recovered.stdout
        _present_and_verify(verifier, shelter, PASSPHRASE, ident, tmp_path / "second.png")
        original = tmp_path / "original.png"
        opened = run(
            "document", "open", ident, "--out", str(original), "--wallet", str(shelter), passphrase=PASSPHRASE
        )
        assert opened.exit_code == 0, opened.output
        assert original.read_bytes() == scan

        guarded = tmp_path / "guardians"
        by_shares = run(
            "recover",
            "--cid",
            cid,
            "--guardians",
            "--wallet",
            str(guarded),
            input=f"{shares[1]}\n{shares[2]}\n\n",
            passphrase=NEW_PASSPHRASE,
        )
        assert by_shares.exit_code == 0, by_shares.output
        _present_and_verify(verifier, guarded, NEW_PASSPHRASE, ident, tmp_path / "third.png")
