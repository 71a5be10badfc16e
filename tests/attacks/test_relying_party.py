"""Attacks on the verifier's relying-party mode and its holder-binding policy (issue 11).

``NANSEN_VERIFIER_PRESENTATIONS=relying-party``: ``POST /presentations/verify`` checks the proof
against the caller's own ``challenge`` and ``domain`` (the VC-API model). The pages and ``POST /scan``
never take that path: they keep this verifier's challenges and one-way scanning, and always require
holder binding, whatever ``NANSEN_VERIFIER_API_HOLDER_BINDING`` says. Each test sends the attack to
a running service on loopback.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from nansen import vcdm
from nansen.proofs import ProofOptions, add_proof
from nansen.qr import encode_presentation
from nansen.verify import HolderBinding
from tests.attacks.test_verifier import check, paste, scan, trusted, verdict
from tests.helpers import HOLDER, ISSUED, STRANGER, presentation, signed_credential
from tests.verifier.pictures import camera_jpeg
from tests.verifier.support import DOMAIN
from verifier.settings import Presentations, Settings, SettingsError

RP_DOMAIN = "relying-party.example"
RP_CHALLENGE = "rp-chosen-3f9a"
RP = {"presentations": Presentations.RELYING_PARTY}
HOLDER_ONLY = {"api_holder_binding": HolderBinding.HOLDER_ONLY}


def rp_presentation(**overrides: Any) -> dict[str, Any]:
    """HOLDER presents PARTNER's credential about HOLDER, bound to the relying party's challenge."""
    return presentation(signed_credential(), challenge=RP_CHALLENGE, domain=RP_DOMAIN, **overrides)


def test_the_relying_partys_own_challenge_and_domain_are_checked(tmp_path: Path) -> None:
    with trusted(tmp_path, **RP) as running:
        accepted = running.verify_presentation(rp_presentation(), challenge=RP_CHALLENGE, domain=RP_DOMAIN)
        assert accepted.status_code == 200, accepted.text
        assert verdict(accepted) == "VALID"
        assert "relying party answers for its single use" in check(accepted, "challenge")["reason"]
        wrong = running.verify_presentation(rp_presentation(), challenge="another", domain=RP_DOMAIN)
        assert wrong.status_code == 400
        assert "challenge" in check(wrong, "proof")["reason"]
        elsewhere = running.verify_presentation(
            rp_presentation(), challenge=RP_CHALLENGE, domain="other.example"
        )
        assert elsewhere.status_code == 400
        assert "domain" in check(elsewhere, "proof")["reason"]


def test_a_relying_party_must_give_a_challenge(tmp_path: Path) -> None:
    with trusted(tmp_path, **RP) as running:
        refused = running.verify_presentation(rp_presentation(), domain=RP_DOMAIN)
        assert refused.status_code == 400
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "options.challenge" in refused.json()["detail"]


def test_a_proof_made_for_a_domain_needs_that_domain_in_the_options(tmp_path: Path) -> None:
    with trusted(tmp_path, **RP) as running:
        refused = running.verify_presentation(rp_presentation(), challenge=RP_CHALLENGE)
        assert refused.status_code == 400
        assert verdict(refused) == "NOT VALID"
        assert check(refused, "domain")["outcome"] == "failed"


def test_tampered_and_unsigned_presentations_are_refused(tmp_path: Path) -> None:
    tampered = rp_presentation()
    value = tampered["proof"]["proofValue"]
    tampered["proof"]["proofValue"] = value[:-2] + ("11" if not value.endswith("11") else "22")
    unsigned = {k: v for k, v in rp_presentation().items() if k != "proof"}
    changed = copy.deepcopy(rp_presentation())
    changed["holder"] = STRANGER.controller
    with trusted(tmp_path, **RP, **HOLDER_ONLY) as running:
        for attack in (tampered, unsigned, changed):
            refused = running.verify_presentation(attack, challenge=RP_CHALLENGE, domain=RP_DOMAIN)
            assert refused.status_code == 400, refused.text
            assert verdict(refused) == "NOT VALID"


def test_the_pages_never_take_the_relying_party_path(tmp_path: Path) -> None:
    """A presentation bound to a challenge this verifier never issued is refused on the page and
    by a scan, though the API accepts it for its relying party; the page flow's own challenges are
    still single use."""
    with trusted(tmp_path, **RP, **HOLDER_ONLY) as running:
        vp = presentation(signed_credential(), challenge=RP_CHALLENGE, domain=DOMAIN)
        page = paste(running, vp)
        assert 'data-verdict="NOT VALID"' in page.text
        scanned = scan(running, camera_jpeg(encode_presentation(vp)))
        assert scanned.json()["verdict"] == "NOT VALID"
        assert "not issued by this verifier" in check(scanned, "challenge")["reason"]
        nonce = running.challenge()
        picture = camera_jpeg(
            encode_presentation(presentation(signed_credential(), challenge=nonce, domain=DOMAIN))
        )
        assert scan(running, picture).json()["verdict"] == "VALID"
        replayed = scan(running, picture)
        assert replayed.json()["verdict"] == "NOT VALID"
        assert "already been used" in check(replayed, "challenge")["reason"]


def test_holder_binding_is_required_by_default_on_the_api(tmp_path: Path) -> None:
    by_someone_else = rp_presentation(signer=STRANGER)  # STRANGER holds HOLDER's credential
    with trusted(tmp_path, **RP) as running:
        refused = running.verify_presentation(by_someone_else, challenge=RP_CHALLENGE, domain=RP_DOMAIN)
        assert refused.status_code == 400
        assert "not its subject" in check(refused, "holder binding")["reason"]


def test_holder_only_binding_lets_a_holder_present_another_subjects_credential_on_the_api_only(
    tmp_path: Path,
) -> None:
    by_someone_else = rp_presentation(signer=STRANGER)
    with trusted(tmp_path, **RP, **HOLDER_ONLY) as running:
        accepted = running.verify_presentation(by_someone_else, challenge=RP_CHALLENGE, domain=RP_DOMAIN)
        assert accepted.status_code == 200, accepted.text
        assert (
            "does not require the credentials to be about the holder"
            in check(accepted, "holder binding")["reason"]
        )
        # The same kind of presentation, bound to this verifier's own challenge, on the page: refused.
        nonce = running.challenge()
        page = paste(
            running, presentation(signed_credential(), signer=STRANGER, challenge=nonce, domain=DOMAIN)
        )
        assert 'data-verdict="NOT VALID"' in page.text
        assert "Amina" not in page.text


def test_holder_only_still_requires_the_named_holder_to_sign(tmp_path: Path) -> None:
    unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[signed_credential()])
    options = ProofOptions(purpose="authentication", challenge=RP_CHALLENGE, domain=RP_DOMAIN, created=ISSUED)
    signed_by_stranger = add_proof(unsigned, STRANGER, options)
    with trusted(tmp_path, **RP, **HOLDER_ONLY) as running:
        refused = running.verify_presentation(signed_by_stranger, challenge=RP_CHALLENGE, domain=RP_DOMAIN)
        assert refused.status_code == 400
        assert "someone other than its holder" in check(refused, "holder binding")["reason"]


def test_a_presentation_without_credentials_is_valid_only_under_holder_only(tmp_path: Path) -> None:
    unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[])
    options = ProofOptions(purpose="authentication", challenge=RP_CHALLENGE, domain=RP_DOMAIN, created=ISSUED)
    empty = add_proof(unsigned, HOLDER, options)
    with trusted(tmp_path / "a", **RP, **HOLDER_ONLY) as lenient, trusted(tmp_path / "b", **RP) as strict:
        assert lenient.verify_presentation(empty, challenge=RP_CHALLENGE, domain=RP_DOMAIN).status_code == 200
        refused = strict.verify_presentation(empty, challenge=RP_CHALLENGE, domain=RP_DOMAIN)
        assert refused.status_code == 400
        assert "carries no credential" in check(refused, "credentials")["reason"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("NANSEN_VERIFIER_PRESENTATIONS", "caller"), ("NANSEN_VERIFIER_API_HOLDER_BINDING", "none")],
)
def test_an_unknown_policy_is_refused_by_name(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({"NANSEN_DATA_DIR": str(tmp_path), name: value})


def test_the_defaults_are_this_verifiers_challenges_and_required_binding(tmp_path: Path) -> None:
    settings = Settings.from_env({"NANSEN_DATA_DIR": str(tmp_path)})
    assert settings.presentations is Presentations.VERIFIER
    assert settings.api_holder_binding is HolderBinding.REQUIRED


def test_holder_only_applies_to_the_api_in_this_verifiers_challenge_mode_too_and_never_to_a_scan(
    tmp_path: Path,
) -> None:
    with trusted(tmp_path, **HOLDER_ONLY) as running:
        api_vp = presentation(
            signed_credential(), signer=STRANGER, challenge=running.challenge(), domain=DOMAIN
        )
        accepted = running.verify_presentation(api_vp)
        assert accepted.status_code == 200, accepted.text
        assert check(accepted, "challenge")["outcome"] == "passed"
        scan_vp = presentation(
            signed_credential(), signer=STRANGER, challenge=running.challenge(), domain=DOMAIN
        )
        scanned = scan(running, camera_jpeg(encode_presentation(scan_vp)))
        assert scanned.json()["verdict"] == "NOT VALID"
        assert "not its subject" in check(scanned, "holder binding")["reason"]
