"""Credo 0.6.3 (@credo-ts/core, @credo-ts/openid4vc, @credo-ts/askar from npm, in ``credo/``) in real
node processes, offline, against the real issuer, verifier and wallet: SD-JWT VCs go both ways and
verify on both sides. Installed by ``./dev setup`` with NOTES.md's askar workaround (README.md here).

``ldp_vc`` does not: Credo 0.6's JSON-LD credentials are VC 1.1 only (its model refuses a first
``@context`` other than ``https://www.w3.org/2018/credentials/v1``) and signed or verified only with
Ed25519Signature2018/2020, while Nansen's are VC 2.0 with DataIntegrityProof (eddsa-rdfc-2022). The
opt-in legacy profile (``NANSEN_ISSUER_LEGACY_LDP_VC``: VC 1.1, Ed25519Signature2020 by the partner
key's Ed25519VerificationKey2020 twin) closes it for Credo as a holder: VALID at our verifier. Our
wallet's Ed25519Signature2020 presentation is still refused by Credo's verifier, whose suite takes
only an ``Ed25519VerificationKey2020`` key while it resolves every did:key to an
``Ed25519VerificationKey2018``. The ``ldp_vc`` tests that stop run every step that can run and check
where and why, so that a Credo that closes its gap makes them fail and be turned into VALID tests
(docs/openid4vc.md)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
import trustme

from nansen.config import core_settings
from nansen.did import Resolver
from nansen.openid4vc.names import LDP_VC, LEGACY_LDP_VC, SD_JWT
from nansen.proofs import ProofOptions, add_legacy_proof
from nansen.proofs.ed25519_signature_2020 import CONTEXT as ED2020
from nansen.sdjwt import VCT, read
from nansen.status_token_source import FetchedStatusTokens
from nansen.verify import Outcome, Verdict, Verifier
from tests.helpers import PARTNER
from tests.servers import loopback_socket, serving
from tests.test_ed25519_signature_2018 import credential as ed2018_unsigned
from tests.test_ed25519_signature_2018 import signed as ed2018_credential
from tests.wallet.cli import run
from tests.wallet.services import Issuer, Trust, client_context, issuer_service
from verifier import Settings as VerifierSettings
from verifier import create_app as create_verifier
from verifier.dependencies import get_resolver, get_status_lists
from verifier.openid4vp.api import get_status_tokens

HERE = Path(__file__).resolve().parent / "credo"
INSTALL = "./dev setup"
FACTS = {
    "documentNumber": "N0123456",
    "givenName": "Amina",
    "familyName": "Haddad",
    "birthDate": "1990-04-01",
    "issuingCountry": "SY",
}


class Credo:
    """A Credo agent in a node process: one JSON command a line in, one JSON answer a line out."""

    def __init__(self, script: str, ca_file: Path, **env: str) -> None:
        if shutil.which("node") is None or not (HERE / "node_modules" / "@credo-ts" / "openid4vc").is_dir():
            pytest.fail(f"Credo is not installed in {HERE}: run `{INSTALL}`.", pytrace=False)
        self.process = subprocess.Popen(
            ["node", script],
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={"PATH": "/usr/bin:/bin:/usr/local/bin", "NODE_EXTRA_CA_CERTS": str(ca_file), **env},
        )
        self.hello = self._line()

    def _line(self) -> dict[str, Any]:
        stdout: IO[str] | None = self.process.stdout
        assert stdout is not None
        line = stdout.readline()
        if not line:
            pytest.fail("The Credo process ended without an answer.", pytrace=False)
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ask(self, command: str, **arguments: Any) -> dict[str, Any]:
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(json.dumps({"command": command, **arguments}) + "\n")
        stdin.flush()
        return self._line()

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)


@pytest.fixture
def ca(tmp_path: Path) -> tuple[trustme.CA, Path]:
    authority = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    return authority, ca_file


@pytest.fixture
def partner(tmp_path: Path, ca: tuple[trustme.CA, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Issuer]:
    with issuer_service(tmp_path / "issuer", ca[0], monkeypatch) as issuer:
        yield issuer


@pytest.fixture
def legacy_partner(
    tmp_path: Path, ca: tuple[trustme.CA, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Issuer]:
    """The issuer with the legacy profile on (``NANSEN_ISSUER_LEGACY_LDP_VC``)."""
    monkeypatch.setenv("NANSEN_ISSUER_LEGACY_LDP_VC", "1")
    with issuer_service(tmp_path / "issuer", ca[0], monkeypatch) as issuer:
        yield issuer


@pytest.fixture
def holder(ca: tuple[trustme.CA, Path]) -> Iterator[Credo]:
    credo = Credo("holder.mjs", ca[1])
    yield credo
    credo.close()


@pytest.fixture
def verifier(tmp_path: Path, ca: tuple[trustme.CA, Path]) -> Iterator[str]:
    """The verifier service on loopback (plain http: Credo runs with allowInsecureHttpUrls), trusting
    the test CA for the issuer's DID documents and status lists."""
    directory = tmp_path / "verifier"
    directory.mkdir()
    app = create_verifier(
        VerifierSettings(database_url=f"sqlite:///{directory / 'v.db'}", data_dir=directory)
    )
    trust = Trust(ca[1], tmp_path / "verifier-cache")
    resolver, lists = trust.resolver(), trust.status_lists()
    tokens = FetchedStatusTokens(verify=str(ca[1]), allow_private_addresses=True)
    app.dependency_overrides[get_resolver] = lambda: resolver
    app.dependency_overrides[get_status_lists] = lambda: lists
    app.dependency_overrides[get_status_tokens] = lambda: tokens
    sock, port = loopback_socket()
    with serving(app, sock):
        yield f"http://127.0.0.1:{port}"


def offer(
    partner: Issuer, authority: trustme.CA, holder_did: str, configurations: list[str]
) -> dict[str, Any]:
    auth = {"Authorization": f"Bearer {partner.api_key}"}
    with httpx.Client(verify=client_context(authority), timeout=60) as http:
        issued = http.post(
            f"{partner.url}/documents",
            files={"scan": ("passport.png", b"\x89PNG\r\n\x1a\n" + bytes(256), "image/png")},
            data={
                "holder": holder_did,
                "documentType": "Passport",
                "facts": json.dumps(FACTS),
                "checkMethod": "Original inspected",
            },
            headers=auth,
        )
        assert issued.status_code == 201, issued.text
        made = http.post(
            f"{partner.url}/openid4vci/offers",
            json={"credential": issued.json()["credential"], "configurations": configurations},
            headers=auth,
        )
    assert made.status_code == 201, made.text
    answer: dict[str, Any] = made.json()
    return answer


def credo_receives(holder: Credo, made: dict[str, Any], configuration: str, **options: Any) -> dict[str, Any]:
    """Credo's answer to our issuer's offer ``made`` (taken with its PIN) for ``configuration``."""
    return holder.ask(
        "receive",
        offer=made["credentialOffer"],
        pin=made["txCode"],
        configurations=[configuration],
        **options,
    )


def wallet_holds(made: dict[str, Any]) -> dict[str, Any]:
    """Our wallet takes our issuer's offer ``made`` with its PIN; the one credential it then holds."""
    received = run("receive", made["credentialOffer"], "--pin", made["txCode"])
    assert received.exit_code == 0, received.output
    (held,) = json.loads(run("list", "--json").output)
    return held  # type: ignore[no-any-return]


def credo_offer(credo_issuer: Credo, **options: Any) -> dict[str, Any]:
    """An offer of Credo's issuer for the given name and birth date (``options``: its format or vct)."""
    made = credo_issuer.ask("offer", facts={"givenName": "Amina", "birthDate": "1990-04-01"}, **options)
    assert made["ok"], made.get("error")
    return made


def presented_to(verifier: str, holder: Credo) -> tuple[dict[str, Any], dict[str, Any]]:
    """Our verifier asks for the given name and birth date and Credo presents: the request made and
    the verdict read back."""
    with httpx.Client(timeout=60) as http:
        request = http.post(f"{verifier}/openid4vp/requests", json={"claims": ["givenName", "birthDate"]})
        assert request.status_code == 201, request.text
        asked: dict[str, Any] = request.json()
        presented = holder.ask("present", request=asked["request"])
        assert presented["ok"], presented.get("error")
        verdict: dict[str, Any] = http.get(
            f"{verifier}/openid4vp/requests/{asked['id']}/verdict",
            headers={"Authorization": f"Bearer {asked['readKey']}"},
        ).json()
    return asked, verdict


def test_credo_takes_the_sd_jwt_vc_with_the_pin_and_it_is_valid_here(
    partner: Issuer, ca: tuple[trustme.CA, Path], holder: Credo, tmp_path: Path
) -> None:
    made = offer(partner, ca[0], holder.hello["did"], [SD_JWT])
    received = credo_receives(holder, made, SD_JWT)
    assert received["ok"], received.get("error")
    (kept,) = received["kept"]
    assert kept["format"] == "SdJwtVcRecord"
    token = kept["credential"]
    assert read(token).claims["givenName"] == "Amina"
    tokens = FetchedStatusTokens(verify=str(ca[1]), allow_private_addresses=True)
    pipeline = dataclasses.replace(Trust(ca[1], tmp_path / "cache").verifier(), status_tokens=tokens)
    result = pipeline.verify_sd_jwt(token, presentation=False)
    assert result.verdict is Verdict.VALID, result.to_json()

    again = credo_receives(holder, made, SD_JWT)
    assert not again["ok"]
    assert "has been used" in again["error"]


def test_credo_presents_only_the_asked_facts_to_the_verifier_and_it_is_valid(
    partner: Issuer, ca: tuple[trustme.CA, Path], holder: Credo, verifier: str
) -> None:
    made = offer(partner, ca[0], holder.hello["did"], [SD_JWT])
    received = credo_receives(holder, made, SD_JWT)
    assert received["ok"], received.get("error")
    _, verdict = presented_to(verifier, holder)
    assert verdict["status"] == "answered"
    report = verdict["result"]
    assert report["verdict"] == "VALID", report
    text = json.dumps(report)
    assert "N0123456" not in text  # the document number was not asked for, so not disclosed


def credo_over_https(script: str, ca: tuple[trustme.CA, Path], tmp_path: Path) -> Credo:
    """A Credo service over HTTPS with a certificate of the test CA for localhost."""
    leaf = ca[0].issue_cert("localhost")
    cert, key = tmp_path / f"{script}-cert.pem", tmp_path / f"{script}-key.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    return Credo(script, ca[1], CERT=str(cert), KEY=str(key))


@pytest.fixture
def credo_verifier(ca: tuple[trustme.CA, Path], tmp_path: Path) -> Iterator[Credo]:
    credo = credo_over_https("verifier.mjs", ca, tmp_path)
    yield credo
    credo.close()


@pytest.fixture
def credo_issuer(ca: tuple[trustme.CA, Path], tmp_path: Path) -> Iterator[Credo]:
    credo = credo_over_https("issuer.mjs", ca, tmp_path)
    yield credo
    credo.close()


def test_our_wallet_takes_an_sd_jwt_vc_from_credos_issuer_with_the_pin(
    credo_issuer: Credo, our_wallet: str
) -> None:
    made = credo_offer(credo_issuer, vct=VCT)
    wrong = f"{(int(made['pin']) + 1) % 10**6:06d}"
    refused = run("receive", made["offer"], "--pin", wrong)
    assert refused.exit_code != 0
    assert "The issuer refused (the token request)" in refused.output
    assert json.loads(run("list", "--json").output) == []

    made = credo_offer(credo_issuer, vct=VCT)
    received = run("receive", made["offer"], "--pin", made["pin"])
    assert received.exit_code == 0, received.output
    disclosable = received.output.split("can disclose: ", 1)[1].strip()
    assert sorted(disclosable.split(", ")) == ["birthDate", "givenName"]  # in whatever order Credo chose
    assert len(json.loads(run("list", "--json").output)) == 1


@pytest.fixture
def our_wallet(tmp_path: Path, ca: tuple[trustme.CA, Path], monkeypatch: pytest.MonkeyPatch) -> str:
    """Nansen's wallet (its command line), trusting the test CA and loopback addresses."""
    for name, value in {
        "NANSEN_DATA_DIR": str(tmp_path / "data"),
        "NANSEN_WALLET_DIR": str(tmp_path / "phone"),
        "NANSEN_WALLET_KDF": "minimum",
        "NANSEN_WALLET_PASSPHRASE": "correct horse battery staple at the shelter",
        "NANSEN_TLS_CA_FILE": str(ca[1]),
        "NANSEN_ALLOW_PRIVATE_ADDRESSES": "1",
    }.items():
        monkeypatch.setenv(name, value)
    core_settings.cache_clear()  # the issuer's fixture read them already
    assert run("init", "--no-recovery").exit_code == 0
    return run("did").stdout.strip()


def test_our_wallet_presents_to_credos_verifier_which_verifies_it(
    partner: Issuer, ca: tuple[trustme.CA, Path], credo_verifier: Credo, our_wallet: str
) -> None:
    made = offer(partner, ca[0], our_wallet, [SD_JWT])
    held = wallet_holds(made)
    query = {
        "credentials": [
            {
                "id": "identity",
                "format": "dc+sd-jwt",
                "meta": {"vct_values": [VCT]},
                "claims": [{"path": ["givenName"]}, {"path": ["birthDate"]}],
            }
        ]
    }
    asked = credo_verifier.ask("request", query=query)
    assert asked["ok"], asked.get("error")
    shown = run("present", held["id"], "--openid4vp", asked["request"])
    assert shown.exit_code == 0, shown.output
    assert "disclosing: givenName, birthDate." in shown.output
    result = credo_verifier.ask("result", session=asked["session"])
    assert result["ok"], result.get("error")
    assert result["state"] == "ResponseVerified", result
    disclosed = json.dumps(result["claims"])
    assert "Amina" in disclosed
    assert "N0123456" not in disclosed


def test_credos_json_ld_loader_is_offline_with_nansens_bundled_contexts(holder: Credo) -> None:
    served = holder.ask("document", url="https://w3id.org/nansen/v1")
    assert served["ok"], served.get("error")
    assert "IdentityDocumentCredential" in served["document"]["@context"]
    refused = holder.ask("document", url="https://example.org/contexts/v1")
    assert not refused["ok"]
    assert "Offline: no bundled JSON-LD document for https://example.org/contexts/v1" in refused["error"]


def test_credo_verifies_ed25519signature2018_as_our_test_signer_makes_it(holder: Credo) -> None:
    """The signer the refusal tests use (tests/legacy_signers.py) makes what Credo verifies, and a
    changed fact fails there too: both sides read Ed25519Signature2018 alike."""
    signed = ed2018_credential()
    verified = holder.ask("verify", credential=signed)
    assert verified["ok"], verified.get("error")
    assert verified["isValid"], verified["error"]
    signed["credentialSubject"]["identityDocument"]["givenName"] = "Someone"
    tampered = holder.ask("verify", credential=signed)
    assert tampered["ok"], tampered.get("error")
    assert not tampered["isValid"], tampered


def test_credo_takes_our_ldp_vc_with_the_pin_but_cannot_keep_a_vc_2_0_credential(
    partner: Issuer, ca: tuple[trustme.CA, Path], holder: Credo
) -> None:
    made = offer(partner, ca[0], holder.hello["did"], [LDP_VC])
    received = credo_receives(holder, made, LDP_VC)
    assert not received["ok"]
    # Our metadata lists the JWS algorithm (EdDSA); Credo looks for a signature-suite name there.
    assert "supports signature algorithms EdDSA, Ed25519, but one of '' was expected" in received["error"]

    made = offer(partner, ca[0], holder.hello["did"], [LDP_VC])
    received = credo_receives(holder, made, LDP_VC, suiteNamesAsProofAlgs=True)
    assert not received["ok"]
    # Past that step our issuer took Credo's proof of possession and gave the credential; Credo's
    # model refuses it: VC 2.0 (credentials/v2 first, validFrom, two status entries).
    error = received["error"]
    assert "W3cJsonLdVerifiableCredential: Failed to validate class" in error
    assert "the first item is the verifiable credential context URL" in error
    assert "issuanceDate must be RFC 3339 date" in error
    again = credo_receives(holder, made, LDP_VC, suiteNamesAsProofAlgs=True)
    assert not again["ok"]
    assert "has been used" in again["error"]  # the code was spent on the credential given


def test_credo_presents_an_ldp_vc_from_credos_issuer_to_our_verifier_and_it_is_valid(
    credo_issuer: Credo, holder: Credo, verifier: str
) -> None:
    """Credo's own JSON-LD credential (VC 1.1, Ed25519Signature2018) in a presentation Credo signs
    (Ed25519Signature2018, challenge = our nonce, domain = our client id), over OpenID4VP."""
    made = credo_offer(credo_issuer, format="ldp_vc")
    received = holder.ask(
        "receive",
        offer=made["offer"],
        pin=made["pin"],
        configurations=["identity"],
        suiteNamesAsProofAlgs=True,
    )
    assert received["ok"], received.get("error")
    asked, verdict = presented_to(verifier, holder)
    again = holder.ask("present", request=asked["request"])
    assert not again["ok"]  # answered once: the request object is no longer served
    assert verdict["status"] == "answered"
    report = verdict["result"]
    assert report["verdict"] == "VALID", report
    assert report["dataModel"] == "VC 1.1"
    assert report["proofSuites"] == ["Ed25519Signature2018"]
    (credential,) = report["credentials"]
    assert credential["verdict"] == "VALID", credential
    assert credential["proofSuites"] == ["Ed25519Signature2018"]


def test_our_wallet_takes_credos_ldp_vc_signed_with_ed25519signature2018(
    credo_issuer: Credo, our_wallet: str, tmp_path: Path
) -> None:
    made = credo_offer(credo_issuer, format="ldp_vc")
    received = run("receive", made["offer"], "--pin", made["pin"])
    assert received.exit_code == 0, received.output
    (held,) = json.loads(run("list", "--json").output)
    shown = run("show", held["id"])
    assert shown.exit_code == 0, shown.output
    credential = json.loads(shown.stdout)["credential"]
    assert credential["@context"][0] == "https://www.w3.org/2018/credentials/v1"
    assert credential["proof"]["type"] == "Ed25519Signature2018"
    assert credential["credentialSubject"]["id"] == our_wallet
    # Credo's signature verifies in the one pipeline, and a changed fact does not.
    pipeline = Verifier(resolver=Resolver(()))
    assert pipeline.verify_credential(credential).check("proof").outcome is Outcome.PASSED  # type: ignore[union-attr]
    credential["credentialSubject"]["identityDocument"]["givenName"] = "Someone"
    assert pipeline.verify_credential(credential).check("proof").outcome is Outcome.FAILED  # type: ignore[union-attr]


def test_our_wallet_keeps_an_ldp_vc_from_a_verifier_that_says_it_cannot_verify_it(
    partner: Issuer, ca: tuple[trustme.CA, Path], credo_verifier: Credo, our_wallet: str
) -> None:
    made = offer(partner, ca[0], our_wallet, [LDP_VC])
    held = wallet_holds(made)
    query = {
        "credentials": [
            {
                "id": "identity",
                "format": "ldp_vc",
                "meta": {"type_values": [["https://w3id.org/nansen/vocab#IdentityDocumentCredential"]]},
                "claims": [{"path": ["credentialSubject", "identityDocument", "givenName"]}],
            }
        ]
    }
    asked = credo_verifier.ask("request", query=query)
    assert asked["ok"], asked.get("error")
    shown = run("present", held["id"], "--openid4vp", asked["request"])
    # Credo's request says ldp_vc proof_type_values Ed25519Signature2018, Ed25519Signature2020: a
    # Data Integrity credential is shown whole, so it is not handed to a verifier that cannot check it.
    assert shown.exit_code != 0
    assert "The verifier says it verifies only these ldp_vc proofs: Ed25519Signature2018" in shown.output
    assert "Nothing was sent." in shown.output
    result = credo_verifier.ask("result", session=asked["session"])
    assert result["ok"], result.get("error")
    assert result["state"] == "RequestUriRetrieved", result  # it fetched the request, got no answer


LDP_QUERY = {
    "credentials": [
        {
            "id": "identity",
            "format": "ldp_vc",
            "meta": {"type_values": [["https://w3id.org/nansen/vocab#IdentityDocumentCredential"]]},
            "claims": [{"path": ["credentialSubject", "identityDocument", "givenName"]}],
        }
    ]
}
#: Credo 0.6's Ed25519Signature2020 suite, given a Multikey (our did:web) or the
#: Ed25519VerificationKey2018 its did:key resolver makes: it checks the key's context first.
CREDO_ED2020_KEY = (
    "The '@context' of the verification method (key) MUST contain the context url "
    '"https://w3id.org/security/suites/ed25519-2020/v1".'
)


def test_credo_takes_our_legacy_ldp_vc_and_presents_it_to_our_verifier_and_it_is_valid(
    legacy_partner: Issuer, ca: tuple[trustme.CA, Path], holder: Credo, verifier: str
) -> None:
    """The legacy profile on: Credo (with its proof-algorithm workaround) proves possession, our
    issuer gives the VC 1.1 Ed25519Signature2020 credential signed by the partner key's
    Ed25519VerificationKey2020 twin, Credo verifies and keeps it, and presents it to our verifier
    (its own Ed25519Signature2018 presentation for our nonce and client id): VALID."""
    made = offer(legacy_partner, ca[0], holder.hello["did"], [LEGACY_LDP_VC])
    received = credo_receives(holder, made, LEGACY_LDP_VC, suiteNamesAsProofAlgs=True)
    assert received["ok"], received.get("error")
    (kept,) = received["kept"]
    assert kept["format"] == "W3cCredentialRecord"
    assert kept["credential"]["proof"]["type"] == "Ed25519Signature2020"
    assert kept["credential"]["proof"]["verificationMethod"].endswith("-ed2020")
    _, verdict = presented_to(verifier, holder)
    assert verdict["status"] == "answered"
    report = verdict["result"]
    assert report["verdict"] == "VALID", report
    assert report["dataModel"] == "VC 1.1"
    assert report["proofSuites"] == ["Ed25519Signature2018"]
    (credential,) = report["credentials"]
    assert credential["verdict"] == "VALID", credential
    assert credential["proofSuites"] == ["Ed25519Signature2020"]


def test_credo_cannot_verify_an_ed25519signature2020_from_any_did_key(holder: Credo) -> None:
    """Not our issuer's keys only: Credo's did:key resolver makes Ed25519VerificationKey2018 methods,
    which its own Ed25519Signature2020 suite refuses, so no did:key signer's Ed25519Signature2020
    verifies in Credo 0.6 (the wallet's presentations among them). The same proof is the one Digital
    Bazaar's suite writes and verifies (tests/interop/test_legacy_suites.py), and VALID here."""
    unsigned = ed2018_unsigned()
    unsigned["@context"] = [unsigned["@context"][0], ED2020, *unsigned["@context"][1:]]
    signed = add_legacy_proof(unsigned, PARTNER, ProofOptions(cryptosuite="Ed25519Signature2020"))
    assert Verifier(resolver=Resolver(())).verify_credential(signed).check("proof").outcome is Outcome.PASSED  # type: ignore[union-attr]
    verified = holder.ask("verify", credential=signed)
    assert verified["ok"], verified.get("error")
    assert not verified["isValid"]
    assert CREDO_ED2020_KEY in verified["error"]


def test_our_wallet_signs_a_legacy_presentation_for_credos_verifier_which_cannot_verify_it(
    legacy_partner: Issuer, ca: tuple[trustme.CA, Path], credo_verifier: Credo, our_wallet: str
) -> None:
    """Credo's request lists only Ed25519Signature2018/2020: with the legacy credential the wallet
    answers with an Ed25519Signature2020 VC 1.1 presentation (it would send nothing for the VC 2.0
    one: test above). Credo's model takes it and the credential's twin key would verify (test
    above), but the presentation is signed by the wallet's did:key, which Credo resolves to an
    Ed25519VerificationKey2018 that its Ed25519Signature2020 suite refuses (next test): Credo's
    gap; only an Ed25519Signature2018 presentation would pass, which the wallet does not sign."""
    made = offer(legacy_partner, ca[0], our_wallet, [LEGACY_LDP_VC])
    held = wallet_holds(made)
    asked = credo_verifier.ask("request", query=LDP_QUERY)
    assert asked["ok"], asked.get("error")
    shown = run("present", held["id"], "--openid4vp", asked["request"])
    assert shown.exit_code != 0
    assert (
        "The verifier refused the presentation: One or more presentations failed verification."
        in shown.output
    )
    result = credo_verifier.ask("result", session=asked["session"])
    assert result["ok"], result.get("error")
    assert result["state"] == "Error", result
    assert "Error occured during verification of presentation. Verification error(s)." in result["error"]
    assert "Failed to validate class" not in result["error"]  # Credo's model took the VC 1.1 presentation
