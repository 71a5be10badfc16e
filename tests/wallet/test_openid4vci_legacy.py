"""The opt-in legacy ``ldp_vc`` configuration (``NANSEN_ISSUER_LEGACY_LDP_VC``): off by default, and
then neither listed nor offered nor issued; on, a VC 1.1 credential signed with
Ed25519Signature2020 with the upload's facts and status reaches the wallet (real issuer over HTTPS,
the wallet's command line), verifies in the one pipeline, and is revoked with the upload's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme

from issuer.legacy_ldp import with_legacy_methods
from nansen.openid4vc.names import LDP_VC, LEGACY_LDP_VC, SD_JWT
from nansen.proofs.ed25519_signature_2020 import CONTEXT as ED25519_2020
from nansen.verify import Verdict
from tests.wallet.cli import run
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.services import Issuer, Trust, client_context, issuer_service
from tests.wallet.test_openid4vci import FACTS, ca, holder, partner

__all__ = ["ca", "holder", "partner"]  # fixtures shared with the OpenID4VCI tests


@pytest.fixture
def legacy_partner(tmp_path: Path, ca: trustme.CA, monkeypatch: pytest.MonkeyPatch) -> Iterator[Issuer]:
    monkeypatch.setenv("NANSEN_ISSUER_LEGACY_LDP_VC", "1")
    with issuer_service(tmp_path / "issuer", ca, monkeypatch) as issuer:
        yield issuer


def upload(http: httpx.Client, partner: Issuer, holder: str) -> dict[str, Any]:
    issued = http.post(
        f"{partner.url}/documents",
        files={"scan": ("passport.png", b"\x89PNG\r\n\x1a\n" + bytes(512), "image/png")},
        data={
            "holder": holder,
            "documentType": "Passport",
            "facts": json.dumps(FACTS),
            "checkMethod": "Original inspected",
        },
        headers={"Authorization": f"Bearer {partner.api_key}"},
    )
    assert issued.status_code == 201, issued.text
    credential: dict[str, Any] = issued.json()["credential"]
    return credential


def metadata(http: httpx.Client, partner: Issuer) -> dict[str, Any]:
    found = http.get(
        f"{partner.url}/openid4vci/{partner.did.rsplit(':', 1)[1]}/.well-known/openid-credential-issuer"
    )
    assert found.status_code == 200, found.text
    configurations: dict[str, Any] = found.json()["credential_configurations_supported"]
    return configurations


def test_off_by_default_it_is_not_listed_offered_or_issued(
    partner: Issuer, ca: trustme.CA, holder: str
) -> None:
    with httpx.Client(verify=client_context(ca), timeout=60) as http:
        assert sorted(metadata(http, partner)) == sorted([LDP_VC, SD_JWT])
        credential = upload(http, partner, holder)
        refused = http.post(
            f"{partner.url}/openid4vci/offers",
            json={"credential": credential, "configurations": [LEGACY_LDP_VC]},
            headers={"Authorization": f"Bearer {partner.api_key}"},
        )
    assert refused.status_code == 422
    assert "The configurations must be some of" in refused.json()["detail"]
    assert LEGACY_LDP_VC not in refused.json()["detail"]


def test_on_the_wallet_takes_a_vc_1_1_ed25519_signature_2020_credential_that_is_revoked_with_the_upload(
    legacy_partner: Issuer, ca: trustme.CA, holder: str, tmp_path: Path
) -> None:
    auth = {"Authorization": f"Bearer {legacy_partner.api_key}"}
    with httpx.Client(verify=client_context(ca), timeout=60) as http:
        listed = metadata(http, legacy_partner)
        legacy = listed[LEGACY_LDP_VC]
        assert legacy["format"] == "ldp_vc"
        assert legacy["credential_signing_alg_values_supported"] == ["Ed25519Signature2020"]
        assert legacy["proof_types_supported"] == {"jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}}
        assert listed[LDP_VC]["credential_signing_alg_values_supported"] == ["eddsa-rdfc-2022"]
        original = upload(http, legacy_partner, holder)
        made = http.post(
            f"{legacy_partner.url}/openid4vci/offers",
            json={"credential": original, "configurations": [LEGACY_LDP_VC]},
            headers=auth,
        )
        assert made.status_code == 201, made.text
        received = run(
            "receive", made.json()["credentialOffer"], "--pin", made.json()["txCode"], passphrase=PASSPHRASE
        )
        assert received.exit_code == 0, received.output
        (held,) = json.loads(run("list", "--json", passphrase=PASSPHRASE).output)
        credential = json.loads(run("show", held["id"], passphrase=PASSPHRASE).stdout)["credential"]
        assert credential["@context"][0] == "https://www.w3.org/2018/credentials/v1"
        assert credential["proof"]["type"] == "Ed25519Signature2020"
        assert credential["issuanceDate"] == original["validFrom"]
        assert "validFrom" not in credential
        assert "relatedResource" not in credential
        assert credential["credentialSubject"] == original["credentialSubject"]
        assert credential["proof"]["verificationMethod"].endswith("-ed2020")
        served = http.get(
            f"{legacy_partner.url}/partners/{legacy_partner.did.rsplit(':', 1)[1]}/did.json"
        ).json()
        assert [m["type"] for m in served["verificationMethod"]] == ["Multikey", "Ed25519VerificationKey2020"]
        (revocation,) = [e for e in original["credentialStatus"] if e["statusPurpose"] == "revocation"]
        assert credential["credentialStatus"] == revocation  # one object (VC 1.1 §4.9)

        pipeline = Trust(tmp_path / "ca.pem", tmp_path / "cache").verifier()
        result = pipeline.verify_credential(credential)
        assert result.verdict is Verdict.VALID, result.to_json()
        assert result.to_json()["dataModel"] == "VC 1.1"
        assert result.to_json()["proofSuites"] == ["Ed25519Signature2020"]

        revoked = http.post(
            f"{legacy_partner.url}/credentials/status",
            json={
                "credentialId": original["id"],
                "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
                "status": True,
            },
            headers=auth,
        )
        assert revoked.status_code == 200, revoked.text
    after = Trust(tmp_path / "ca.pem", tmp_path / "cache-after").verifier().verify_credential(credential)
    assert after.verdict is not Verdict.VALID
    assert after.check("status: revocation").outcome.value == "failed"  # type: ignore[union-attr]


def test_the_did_document_has_ed2020_twins_only_with_the_profile_on(partner: Issuer, ca: trustme.CA) -> None:
    path = f"/partners/{partner.did.rsplit(':', 1)[1]}/did.json"
    with httpx.Client(verify=client_context(ca), timeout=60) as http:
        plain = http.get(partner.url + path).json()
    assert [m["type"] for m in plain["verificationMethod"]] == ["Multikey"]
    assert ED25519_2020 not in plain["@context"]

    retired = {
        **plain["verificationMethod"][0],
        "id": plain["id"] + "#old",
        "expires": "2026-01-01T00:00:00Z",
    }
    document = {**plain, "verificationMethod": [*plain["verificationMethod"], retired]}
    document["assertionMethod"] = [*plain["assertionMethod"], retired["id"]]
    twinned = with_legacy_methods(document)
    assert twinned["@context"] == [*plain["@context"], ED25519_2020]
    key, old, key_twin, old_twin = twinned["verificationMethod"]
    assert (key_twin["id"], old_twin["id"]) == (key["id"] + "-ed2020", old["id"] + "-ed2020")
    assert key_twin == {**key, "id": key["id"] + "-ed2020", "type": "Ed25519VerificationKey2020"}
    assert old_twin["expires"] == old["expires"]  # the same lifecycle: a retired key stays retired
    assert twinned["assertionMethod"] == [*document["assertionMethod"], key_twin["id"], old_twin["id"]]
    assert twinned["authentication"] == plain["authentication"]  # never for authentication

    agreement = {
        **key,
        "id": plain["id"] + "#x25519",
        "publicKeyMultibase": "z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc",
    }
    with_agreement = {**plain, "verificationMethod": [*plain["verificationMethod"], agreement]}
    with_agreement["keyAgreement"] = [agreement["id"]]
    with_agreement["assertionMethod"] = [*plain["assertionMethod"], agreement["id"]]  # even if listed
    assert [m["id"] for m in with_legacy_methods(with_agreement)["verificationMethod"]] == [
        key["id"],
        agreement["id"],
        key["id"] + "-ed2020",
    ]
