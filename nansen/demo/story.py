"""The story of DESIGN.md §1, told by the roles themselves on one laptop (`nansen.demo.cast`).

A partner, Harbour Legal Aid, joins the network; the governance lists it in a signed trust list
that the shelter's verifier loads; a person at risk gets a wallet, a credential for their birth
certificate, shows it, loses their phone, recovers everything and finally forgets the document.
Each step prints one numbered sentence, then what came of it; a step that does not go as told
raises `DemoError`.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import typer

from nansen import qr, trust, vcdm
from nansen.crypto import DigestCheck, DigestMismatch
from nansen.demo.cast import Cast
from nansen.demo.original import open_original
from nansen.demo.roles import DemoError
from nansen.demo.sample_scan import sample_scan
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair

PARTNER: Final = "Harbour Legal Aid"
CREDENTIAL_TYPE: Final = "IdentityDocumentCredential"
FACTS: Final = {
    "givenName": "Amina",
    "familyName": "Haddad",
    "birthDate": "2004-03-17",
    "birthPlace": "Aleppo",
    "issuingCountry": "SY",
    "documentNumber": "BC-2004-118833",
}
CHECK_METHOD: Final = "Original inspected under UV light; seal and signature compared."
COLOURS: Final = {"VALID": typer.colors.GREEN, "NOT VALID": typer.colors.RED}


def step(number: int, text: str) -> None:
    typer.secho(f"\n{number}. {text}", bold=True)


def say(text: str) -> None:
    typer.echo(f"   {text}")


class Story:
    def __init__(self, cast: Cast) -> None:
        self.cast = cast
        self.root = cast.root
        self.phone = cast.root / "phone"
        self.partner_did = ""
        self.holder = ""
        self.credential: dict[str, Any] = {}

    def partner_joins(self) -> None:
        step(1, f"A partner organisation, {PARTNER}, starts its issuer service and joins the network.")
        self.partner_did = self.cast.start_issuer(PARTNER)
        say(f"Its DID is {self.partner_did}; its API key stays with the partner and is not shown.")
        say(f"Its service answers at {self.cast.partner.base_url}: HTTPS, as did:web and status lists need.")
        say(
            "A certificate authority made for this run stands in for the web's; a real one serves public HTTPS."
        )

    def governance_lists_the_partner(self) -> None:
        step(2, f"The governance lists {PARTNER} in a signed trust list; the shelter's verifier loads it.")
        governance = did_key.signing_key(Ed25519KeyPair.generate())
        governance.write(self.root / "governance.key.json")
        entry = trust.TrustedIssuer(self.partner_did, PARTNER, (CREDENTIAL_TYPE,))
        signed = trust.sign(
            trust.build(governance.controller, [entry]), governance, valid_for=timedelta(days=30)
        )
        trust_list = self.root / "trust-list.json"
        trust_list.write_text(json.dumps(signed, indent=2) + "\n", encoding="utf-8")
        self.cast.start_verifier(trust_list, governance.controller)
        say(f"The governance {governance.controller} signed it: {PARTNER} may issue {CREDENTIAL_TYPE}.")
        say(f"The shelter's verifier answers at {self.cast.shelter.base_url}.")

    def onboard(self) -> None:
        step(
            3,
            "Onboard: a person at risk creates a wallet; it shows its DID as a QR code, which the partner scans.",
        )
        say(
            "The demo gives the passphrase in NANSEN_WALLET_PASSPHRASE, with the fast 'interactive' Argon2id cost."
        )
        self.cast.wallet(self.phone, ["init", "--no-recovery"])
        picture = self.root / "did.png"
        self.cast.wallet(self.phone, ["did", "--qr", str(picture)])
        self.holder = qr.decode_image(picture)
        say(f"The partner scanned {self.holder} from {picture.name}.")

    def preserve_and_attest(self, scan: bytes) -> None:
        step(
            4,
            "Preserve and attest: the partner checks the original birth certificate and uploads its scan with "
            "the facts; its service encrypts the scan for the holder, pins it to IPFS and issues a credential.",
        )
        form = {
            "holder": self.holder,
            "documentType": "BirthCertificate",
            "facts": json.dumps(FACTS),
            "checkMethod": CHECK_METHOD,
            "documentPresence": "Physical",
            "subjectPresence": "Physical",
        }
        issued = self.cast.issue_document(form, ("birth-certificate.png", scan, "image/png"))
        (self.root / "response.json").write_text(json.dumps(issued, indent=2) + "\n", encoding="utf-8")
        self.credential = issued["credential"]
        size = len(json.dumps(self.credential, separators=(",", ":")))
        suite = self.credential["proof"]["cryptosuite"]
        say(f"The {CREDENTIAL_TYPE} ({size:,} bytes, {suite}) attests: {_facts(self.credential)}.")
        say(f"The scan ({len(scan):,} bytes) is encrypted and pinned as ipfs://{issued['cid']}.")
        say(
            f"Its key is sealed to the holder's DID ({len(issued['sealedKeys'])} sealed key); the partner keeps none."
        )

    def hold(self) -> None:
        step(5, "Hold: the wallet verifies the credential before keeping it, encrypted under the passphrase.")
        say(self.cast.wallet(self.phone, ["receive", str(self.root / "response.json")]).splitlines()[0])

    def present_and_verify(self) -> None:
        step(6, "Present: the shelter gives a one-time challenge; the wallet answers with a QR code.")
        picture = self.root / "vp.png"
        challenge = self.present(picture)
        text = qr.decode_image(picture)
        say(
            f"QR code version {qr.qr_version(text)} (error correction M), {len(text)} characters: {picture.name}."
        )
        say(
            "It lets the shelter open the original once; this verifier has no DID, so the key is in the code."
        )
        step(7, "Verify: the shelter scans the QR code.")
        self.verdict(self.cast.report(picture, challenge), "VALID")
        shown = qr.decode_presentation(text)["verifiableCredential"][0]
        say(f"The shelter reads the attested facts: {_facts(shown)}.")
        say("The same QR code, shown again:")
        self.verdict(self.cast.report(picture, challenge), "NOT VALID")

    def open_the_original(self, scan: bytes) -> None:
        step(8, "Open the original: with the holder's consent, the shelter opens the scan, once.")
        picture = self.root / "vp-original.png"
        original = open_original(self.cast, picture, self.present(picture))
        (self.root / "original.png").write_bytes(original)
        digest = self.credential["relatedResource"][0]["digestMultibase"]
        check = DigestCheck(digest)
        check.update(original)
        try:
            check.verify()
        except DigestMismatch as error:
            raise DemoError(
                "The original the shelter opened does not match the credential's digest."
            ) from error
        if original != scan:
            raise DemoError("The original the shelter opened is not the partner's scan.")
        say(
            f"Fetched by its CID, decrypted and shown: {len(original):,} bytes, the partner's scan (original.png)."
        )
        say(f"Its digest matches the credential's digestMultibase {digest[:20]}…")
        say("Pressing the button again is refused: the ticket opened it once.")

    def suspend_and_reinstate(self) -> None:
        step(9, "Suspend: the partner suspends the credential; the holder presents it to the shelter again.")
        self.cast.set_status(self.credential["id"], "suspension", True)
        self.verdict(self.present_and_scan("vp-suspended.png"), "NOT VALID")
        say("The partner reinstates it (a suspension can be lifted; a revocation cannot), and again:")
        self.cast.set_status(self.credential["id"], "suspension", False)
        self.verdict(self.present_and_scan("vp-reinstated.png"), "VALID")

    def recover(self) -> None:
        step(
            10,
            "Recover: the wallet is backed up to IPFS; the phone is lost; a new device restores everything.",
        )
        sheet = self.cast.wallet(self.phone, ["backup"])
        cid = _match(r"Backup CID:\s*(\S+)", sheet, "The backup printed no CID.")
        split = self.cast.wallet(self.phone, ["guardians", "split", "--threshold", "2", "--shares", "3"])
        shares = re.findall(r"Share \d+ of \d+:\n(.+)", split)
        if len(shares) != 3:
            raise DemoError("The wallet did not print three guardian shares.")
        say(f"Backup {cid}: its CID is on the recovery sheet, which holds no key.")
        say("Three guardians each get a share; any two of them can recover the wallet.")
        shutil.rmtree(self.phone)
        say(f"The phone is lost: its wallet directory ({self.phone.name}/) is deleted.")
        self.phone = self.root / "new-phone"
        recovered = self.cast.wallet(self.phone, ["recover", "--cid", cid]).strip()
        say(f"On a new device, with the passphrase: {recovered}")
        self.verdict(self.present_and_scan("vp-recovered.png"), "VALID")
        elsewhere = self.root / "guardians-phone"
        given = f"{shares[0]}\n{shares[2]}\n\n"
        out = self.cast.wallet(elsewhere, ["recover", "--cid", cid, "--guardians"], stdin=given)
        line = _match(r"(Recovered the wallet of .*)", out, "The guardians' shares recovered nothing.")
        if self.holder not in line:
            raise DemoError("The guardians' shares recovered another wallet than the holder's.")
        say(f"On another device, with guardian shares 1 and 3 instead: {line}")
        shutil.rmtree(elsewhere)

    def forget(self) -> None:
        step(11, "Forget: the holder deletes the credential; the key to its document is destroyed.")
        ident = self.credential["id"]
        say(self.cast.wallet(self.phone, ["forget", ident, "--yes"]).splitlines()[0])
        out = self.root / "forgotten.png"
        refused = self.cast.wallet_refusal(self.phone, ["document", "open", ident, "--out", str(out)])
        say(f"Opening the document now: {refused}")

    # --

    def present(self, picture: Path) -> dict[str, Any]:
        return self.cast.present(self.phone, self.credential["id"], picture)

    def present_and_scan(self, name: str) -> dict[str, Any]:
        picture = self.root / name
        return self.cast.report(picture, self.present(picture))

    def verdict(self, report: dict[str, Any], expected: str) -> None:
        """Show the shelter's verdict and why: who issued it if VALID, else the first reason."""
        verdict = report["verdict"]
        typer.secho(f"   Verdict: {verdict}", fg=COLOURS.get(verdict, typer.colors.YELLOW), bold=True)
        if verdict != expected:
            raise DemoError(f"The shelter's verdict was {verdict} where the story expects {expected}.")
        if verdict == "VALID":
            checks = report["credentials"][0]["results"]
            say(next(c["reason"] for c in checks if c["check"] == trust.CHECK_NAME))
        else:
            say(report["errors"][0])


def tell(root: Path) -> None:
    """Tell the whole story, writing its files under ``root``; the services are stopped at the end,
    however it ends."""
    scan = sample_scan("BIRTH CERTIFICATE", FACTS)
    (root / "birth-certificate.png").write_bytes(scan)
    with Cast(root) as cast:
        story = Story(cast)
        story.partner_joins()
        story.governance_lists_the_partner()
        story.onboard()
        story.preserve_and_attest(scan)
        story.hold()
        story.present_and_verify()
        story.open_the_original(scan)
        story.suspend_and_reinstate()
        story.recover()
        story.forget()


def _match(pattern: str, text: str, missing: str) -> str:
    found = re.search(pattern, text)
    if found is None:
        raise DemoError(missing)
    return found.group(1)


def _facts(credential: dict[str, Any]) -> str:
    document = vcdm.subjects(credential)[0]["identityDocument"]
    return ", ".join(f"{name} {value}" for name, value in sorted(document.items()) if name != "type")
