"""``nansen demo``: the story so far, on embedded defaults, in plain words.

A partner and a holder get keys; the partner attests a birth certificate; a shelter verifies
the credential, sees a tampered copy refused, verifies the holder's presentation, and finally
sees the credential refused once the partner revokes it through its status list.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import typer

from nansen import status, vcdm
from nansen.config import data_dir
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair, SigningKey
from nansen.proofs import ProofOptions, add_proof
from nansen.timeutil import format_datetime, now
from nansen.verify import Outcome, StaticStatusLists, VerificationResult, Verifier

STATUS_BASE = "https://partner.example/status"
COLOURS = {"VALID": typer.colors.GREEN, "NOT VALID": typer.colors.RED, "CANNOT CONFIRM": typer.colors.YELLOW}


def _step(number: int, text: str) -> None:
    typer.secho(f"\n{number}. {text}", bold=True)


def _show(result: VerificationResult) -> None:
    typer.secho(f"   Verdict: {result.verdict.value}", fg=COLOURS[result.verdict.value], bold=True)
    checks = [("", c) for c in result.checks]
    checks += [("credential: ", c) for r in result.credentials for c in r.checks]
    for prefix, check in checks:
        mark = {Outcome.PASSED: "ok", Outcome.FAILED: "FAILED", Outcome.UNKNOWN: "unknown"}.get(
            check.outcome, "-"
        )
        typer.echo(f"   [{mark:>7}] {prefix}{check.name}: {check.reason}")


def _save(directory: Path, name: str, document: dict[str, Any]) -> None:
    (directory / name).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def _signed_list(partner: SigningKey, purpose: str, bits: status.StatusList) -> dict[str, Any]:
    unsigned = status.build_list_credential(f"{STATUS_BASE}/{purpose}", partner.controller, purpose, bits)
    return add_proof(unsigned, partner)


def demo() -> None:
    """Run the whole story on embedded defaults (writes its files under NANSEN_DATA_DIR/demo)."""
    directory = data_dir() / "demo"
    directory.mkdir(parents=True, exist_ok=True)

    _step(1, "A partner organisation and a person at risk each get a key and a DID.")
    partner = did_key.signing_key(Ed25519KeyPair.generate())
    holder = did_key.signing_key(Ed25519KeyPair.generate())
    partner.write(directory / "partner.key.json")
    holder.write(directory / "holder.key.json")
    typer.echo("   Partner and holder keys written (mode 0600).")

    _step(2, "The partner checks the original birth certificate and issues a credential.")
    lists = {purpose: status.StatusList() for purpose in sorted(status.PURPOSES)}
    index = status.IndexAllocator().allocate()
    credential = vcdm.build_identity_credential(
        issuer=partner.controller,
        holder=holder.controller,
        document_type="BirthCertificate",
        facts={
            "givenName": "Amina",
            "familyName": "Haddad",
            "birthDate": "2004-03-17",
            "birthPlace": "Aleppo",
            "issuingCountry": "SY",
            "documentNumber": "BC-2004-118833",
        },
        evidence=[
            {
                "type": "DocumentCheck",
                "checkedBy": partner.controller,
                "checkedAt": format_datetime(now()),
                "checkMethod": "Original inspected under UV light; seal and signature compared.",
                "documentPresence": "Physical",
                "subjectPresence": "Physical",
            }
        ],
        credential_status=[
            status.build_entry(f"{STATUS_BASE}/{p}", index, p) for p in sorted(status.PURPOSES)
        ],
    )
    signed = add_proof(credential, partner)
    _save(directory, "credential.json", signed)
    typer.echo(
        f"   IdentityDocumentCredential signed with eddsa-rdfc-2022 ({len(json.dumps(signed))} bytes)."
    )

    published = {p: _signed_list(partner, p, bits) for p, bits in lists.items()}
    verifier = Verifier(status_lists=StaticStatusLists(published.values()))

    _step(3, "A shelter verifies the credential.")
    _show(verifier.verify_credential(signed))

    _step(4, "Someone alters the birth date on a copy; the shelter verifies it.")
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["identityDocument"]["birthDate"] = "1994-03-17"
    _show(verifier.verify_credential(tampered))

    _step(5, "The holder presents the credential, bound to the shelter's one-time challenge.")
    challenge = secrets.token_urlsafe(16)
    presentation = add_proof(
        vcdm.build_presentation(holder=holder.controller, credentials=[signed]),
        holder,
        ProofOptions(purpose="authentication", challenge=challenge, domain="shelter.example"),
    )
    _save(directory, "presentation.json", presentation)
    _show(verifier.verify_presentation(presentation, challenge=challenge, domain="shelter.example"))

    _step(6, "The same presentation replayed with another challenge is refused.")
    _show(verifier.verify_presentation(presentation, challenge="another", domain="shelter.example"))

    _step(7, "The partner finds it issued the credential in error and revokes it.")
    lists["revocation"].set(index, True)
    published["revocation"] = _signed_list(partner, "revocation", lists["revocation"])
    verifier = Verifier(status_lists=StaticStatusLists(published.values()))
    _show(verifier.verify_credential(signed))

    typer.echo(f"\nFiles of this run are in {directory}.")
