"""Interoperability of the legacy suites, against Digital Bazaar's.

``Ed25519Signature2020`` against ``@digitalbazaar/ed25519-signature-2020`` and ``ecdsa-rdfc-2019``
(P-256 and P-384) against ``@digitalbazaar/ecdsa-rdfc-2019-cryptosuite`` with
``@digitalbazaar/ecdsa-multikey``, through ``dblegacy.mjs`` (real node processes, an offline
document loader; one node process for the whole module). Their credentials verify here and are
refused here once a claim is changed; ours, made with the test signers (tests/legacy_signers.py),
verify there and are refused there once changed. Ed25519 signatures being deterministic, both
sides write the very same Ed25519Signature2020 proof for the same key, document and date.

The credentials are VC 2.0 (``credentials/v2`` + the Nansen vocabulary, plus the ed25519-2020
context for Ed25519Signature2020). The VC 1.1 tests (the form most Ed25519Signature2020 credentials
in the wild take) run once the core bundles the VC 1.1 context (the core's VC 1.1 support); until
then they are skipped, saying so.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nansen.did import Resolver
from nansen.did import key as did_key
from nansen.ecdsa import P256, P384, Curve
from nansen.jsonld import default_store
from nansen.keys import Ed25519KeyPair
from nansen.proofs import Expectations, ProofOptions, add_legacy_proof, verify_proofs
from nansen.proofs.ed25519_signature_2020 import CONTEXT as ED2020
from nansen.verify import Verifier
from tests.legacy_signers import EcdsaSigner, sign_ecdsa_rdfc_2019

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "dblegacy.mjs"
INSTALL = "npm ci --prefix tests/interop"
CREATED = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)
CREATED_TEXT = "2024-06-01T12:00:00Z"
MOMENT = datetime(2025, 1, 1, tzinfo=UTC)

ISSUER = did_key.signing_key(Ed25519KeyPair.from_seed(bytes([0x31]) * 32))
HOLDER = did_key.signing_key(Ed25519KeyPair.from_seed(bytes([0x32]) * 32))
CURVES = {"P-256": P256, "P-384": P384}
VC_V1 = "https://www.w3.org/2018/credentials/v1"
HAS_VC_V1 = VC_V1 in default_store().allowed
needs_vc_v1 = pytest.mark.skipif(
    not HAS_VC_V1, reason="needs the VC 1.1 context bundled (the core's VC 1.1 support, task core11)"
)


def credential_v1(issuer: str) -> dict[str, Any]:
    """A VC 1.1 credential as early issuers wrote them (``issuanceDate``, the 1.1 context first)."""
    return {
        "@context": [VC_V1, ED2020],
        "id": "urn:uuid:6c0f2e4a-1b3d-4f5a-9c7e-8d9fa0b1c2d3",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER.controller},
    }


def credential(issuer: str, *extra_contexts: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/nansen/v1", *extra_contexts],
        "id": "urn:uuid:7b1d3c5e-2a4f-4e6b-8c0d-9e1f2a3b4c5d",
        "type": ["VerifiableCredential", "IdentityDocumentCredential"],
        "issuer": issuer,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "id": HOLDER.controller,
            "type": "IdentityDocumentHolder",
            "identityDocument": {
                "type": "Passport",
                "documentNumber": "X1",
                "givenName": "Amina",
                "familyName": "Haddad",
                "birthDate": "1990-04-01",
                "issuingCountry": "SY",
            },
        },
    }


def tampered(document: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["credentialSubject"]["identityDocument"]["familyName"] = "Someone Else"
    return changed


def ours_ed2020(document: dict[str, Any] | None = None) -> dict[str, Any]:
    """Signed by the core's legacy signer, as the issuer's legacy profile and the wallet sign."""
    unsigned = document or credential(ISSUER.controller, ED2020)
    return add_legacy_proof(
        unsigned, ISSUER, ProofOptions(cryptosuite="Ed25519Signature2020", created=CREATED)
    )


def ours_ecdsa(curve: Curve) -> dict[str, Any]:
    signer = EcdsaSigner.from_secret(curve, 0xC0FFEE + curve.scalar_size)
    return sign_ecdsa_rdfc_2019(credential(signer.did), signer, CREATED)


def require_node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; the interop tests need Node.js 20 or later.")
    for package in ("ed25519-signature-2020", "ecdsa-rdfc-2019-cryptosuite", "ecdsa-multikey"):
        if not (HERE / "node_modules" / "@digitalbazaar" / package).is_dir():
            pytest.fail(f"@digitalbazaar/{package} is not installed; run: {INSTALL}")
    return node


def run_batch(requests: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    names = list(requests)
    completed = subprocess.run(
        [require_node(), str(SCRIPT)],
        input=json.dumps([requests[n] for n in names]),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0 or not completed.stdout.strip():
        pytest.fail(f"dblegacy.mjs failed ({completed.returncode}): {completed.stderr}{completed.stdout}")
    results = dict(zip(names, json.loads(completed.stdout), strict=True))
    errors = {n: r["error"] for n, r in results.items() if "error" in r}
    if errors:
        pytest.fail(f"Digital Bazaar could not carry out: {json.dumps(errors, indent=2)}")
    return results


@pytest.fixture(scope="module")
def there() -> dict[str, dict[str, Any]]:
    """Everything Digital Bazaar does, in one node process."""
    requests: dict[str, dict[str, Any]] = {
        "sign Ed25519Signature2020": {
            "command": "sign-ed25519-signature-2020",
            "key": ISSUER.to_json(),
            "created": CREATED_TEXT,
            "document": credential(ISSUER.controller, ED2020),
        },
        "verify ours Ed25519Signature2020": {
            "command": "verify",
            "suite": "Ed25519Signature2020",
            "document": ours_ed2020(),
        },
        "verify ours Ed25519Signature2020 tampered": {
            "command": "verify",
            "suite": "Ed25519Signature2020",
            "document": tampered(ours_ed2020()),
        },
    }
    if HAS_VC_V1:
        requests["sign Ed25519Signature2020 VC 1.1"] = {
            "command": "sign-ed25519-signature-2020",
            "key": ISSUER.to_json(),
            "created": CREATED_TEXT,
            "document": credential_v1(ISSUER.controller),
        }
        requests["verify ours Ed25519Signature2020 VC 1.1"] = {
            "command": "verify",
            "suite": "Ed25519Signature2020",
            "document": ours_ed2020(credential_v1(ISSUER.controller)),
        }
        ours_changed = ours_ed2020(credential_v1(ISSUER.controller))
        ours_changed["credentialSubject"]["id"] = ISSUER.controller
        requests["verify ours Ed25519Signature2020 VC 1.1 tampered"] = {
            "command": "verify",
            "suite": "Ed25519Signature2020",
            "document": ours_changed,
        }
    for name, curve in CURVES.items():
        requests[f"sign ecdsa-rdfc-2019 {name}"] = {
            "command": "sign-ecdsa-rdfc-2019",
            "curve": name,
            "created": CREATED_TEXT,
            "document": credential("did:example:replaced-by-the-key"),
        }
        requests[f"verify ours ecdsa-rdfc-2019 {name}"] = {
            "command": "verify",
            "suite": "ecdsa-rdfc-2019",
            "document": ours_ecdsa(curve),
        }
        requests[f"verify ours ecdsa-rdfc-2019 {name} tampered"] = {
            "command": "verify",
            "suite": "ecdsa-rdfc-2019",
            "document": tampered(ours_ecdsa(curve)),
        }
    return run_batch(requests)


def verify_here(document: dict[str, Any]) -> Any:
    return Verifier(clock=lambda: MOMENT).verify_credential(document)


# --- theirs, verified here ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_name", "suite"),
    [
        ("sign Ed25519Signature2020", "Ed25519Signature2020"),
        ("sign ecdsa-rdfc-2019 P-256", "ecdsa-rdfc-2019"),
        ("sign ecdsa-rdfc-2019 P-384", "ecdsa-rdfc-2019"),
    ],
)
def test_theirs_verifies_here(there: dict[str, dict[str, Any]], request_name: str, suite: str) -> None:
    signed = there[request_name]["document"]
    result = verify_here(signed)
    assert result.verified, result.to_json()
    assert result.to_json()["proofSuites"] == [suite]
    proofs = verify_proofs(signed, Resolver(), Expectations(moment=MOMENT))
    assert [(p.verified, p.cryptosuite) for p in proofs] == [(True, suite)]


@pytest.mark.parametrize(
    "request_name",
    ["sign Ed25519Signature2020", "sign ecdsa-rdfc-2019 P-256", "sign ecdsa-rdfc-2019 P-384"],
)
def test_theirs_tampered_is_refused_here(there: dict[str, dict[str, Any]], request_name: str) -> None:
    result = verify_here(tampered(there[request_name]["document"]))
    assert not result.verified
    reason = result.check("proof").reason  # type: ignore[union-attr]
    assert reason.startswith("The signature does not match the document"), reason


def test_their_ecdsa_keys_are_the_curves_asked_for(there: dict[str, dict[str, Any]]) -> None:
    assert there["sign ecdsa-rdfc-2019 P-256"]["did"].startswith("did:key:zDn")
    assert there["sign ecdsa-rdfc-2019 P-384"]["did"].startswith("did:key:z82")


def test_both_write_the_same_ed25519_signature_2020_proof(there: dict[str, dict[str, Any]]) -> None:
    assert there["sign Ed25519Signature2020"]["document"] == ours_ed2020()


# --- ours, verified there ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_name",
    [
        "verify ours Ed25519Signature2020",
        "verify ours ecdsa-rdfc-2019 P-256",
        "verify ours ecdsa-rdfc-2019 P-384",
    ],
)
def test_ours_verifies_there(there: dict[str, dict[str, Any]], request_name: str) -> None:
    assert there[request_name] == {"verified": True, "errors": []}


@pytest.mark.parametrize(
    "request_name",
    [
        "verify ours Ed25519Signature2020 tampered",
        "verify ours ecdsa-rdfc-2019 P-256 tampered",
        "verify ours ecdsa-rdfc-2019 P-384 tampered",
    ],
)
def test_ours_tampered_is_refused_there(there: dict[str, dict[str, Any]], request_name: str) -> None:
    result = there[request_name]
    assert result["verified"] is False
    assert "Invalid signature." in result["errors"], result


@pytest.mark.parametrize("curve", [P256, P384], ids=["P-256", "P-384"])
def test_ours_tampered_is_refused_here_too(curve: Curve) -> None:
    assert verify_here(ours_ecdsa(curve)).verified
    assert not verify_here(tampered(ours_ecdsa(curve))).verified


@needs_vc_v1
def test_their_vc_1_1_ed25519_signature_2020_proof_verifies_here(there: dict[str, dict[str, Any]]) -> None:
    signed = there["sign Ed25519Signature2020 VC 1.1"]["document"]
    proofs = verify_proofs(signed, Resolver(), Expectations(moment=MOMENT))
    assert [(p.verified, p.cryptosuite) for p in proofs] == [(True, "Ed25519Signature2020")]
    changed = copy.deepcopy(signed)
    changed["credentialSubject"]["id"] = ISSUER.controller
    assert [p.verified for p in verify_proofs(changed, Resolver(), Expectations(moment=MOMENT))] == [False]


@needs_vc_v1
def test_their_vc_1_1_ed25519_signature_2020_credential_is_valid_here(
    there: dict[str, dict[str, Any]],
) -> None:
    result = verify_here(there["sign Ed25519Signature2020 VC 1.1"]["document"])
    assert result.verified, result.to_json()
    assert result.to_json()["dataModel"] == "VC 1.1"
    assert result.to_json()["proofSuites"] == ["Ed25519Signature2020"]


@needs_vc_v1
def test_our_vc_1_1_ed25519_signature_2020_verifies_there_and_a_change_is_refused(
    there: dict[str, dict[str, Any]],
) -> None:
    assert there["verify ours Ed25519Signature2020 VC 1.1"] == {"verified": True, "errors": []}
    refused = there["verify ours Ed25519Signature2020 VC 1.1 tampered"]
    assert refused["verified"] is False
    assert "Invalid signature." in refused["errors"], refused


@needs_vc_v1
def test_both_write_the_same_vc_1_1_ed25519_signature_2020_proof(there: dict[str, dict[str, Any]]) -> None:
    assert there["sign Ed25519Signature2020 VC 1.1"]["document"] == ours_ed2020(
        credential_v1(ISSUER.controller)
    )
