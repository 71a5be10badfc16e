"""The pipeline's holder-binding policy (`nansen.verify.HolderBinding`, issue 11), in the core.

`REQUIRED` (the default, and what the pages, scans, wallet and CLI use) is tested with the other
promises in test_pipeline.py; here, what `HOLDER_ONLY` relaxes and what it keeps.
"""

from __future__ import annotations

from typing import Any

from nansen import vcdm
from nansen.verify import HolderBinding, Outcome, Verdict, VerificationResult, Verifier
from tests.attacks.test_pipeline import CHALLENGE, DOMAIN, T0, outcome, present, reason, sign_presentation
from tests.helpers import HOLDER, STRANGER, signed_credential


def verify(presentation: Any, binding: HolderBinding) -> VerificationResult:
    return Verifier(clock=lambda: T0).verify_presentation(
        presentation, challenge=CHALLENGE, domain=DOMAIN, holder_binding=binding
    )


def test_the_default_is_required() -> None:
    by_stranger = present([signed_credential()], signer=STRANGER)
    default = Verifier(clock=lambda: T0).verify_presentation(by_stranger, challenge=CHALLENGE, domain=DOMAIN)
    assert default.verdict is Verdict.NOT_VALID
    assert (
        reason(default, "holder binding") == "A credential was presented by someone who is not its subject."
    )


def test_holder_only_accepts_a_holder_who_is_not_the_subject() -> None:
    result = verify(present([signed_credential()], signer=STRANGER), HolderBinding.HOLDER_ONLY)
    assert result.verdict is Verdict.VALID, result.to_json()
    assert "does not require the credentials to be about the holder" in reason(result, "holder binding")


def test_holder_only_keeps_the_named_holder_as_the_only_signer() -> None:
    named_holder = present([signed_credential()], signer=STRANGER, holder=HOLDER.controller)
    result = verify(named_holder, HolderBinding.HOLDER_ONLY)
    assert result.verdict is Verdict.NOT_VALID
    assert reason(result, "holder binding") == "The presentation was signed by someone other than its holder."
    assert outcome(result, "proof") is Outcome.NOT_CHECKED


def test_holder_only_with_no_holder_named_needs_a_verifying_proof() -> None:
    unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[signed_credential()])
    del unsigned["holder"]
    signed = sign_presentation(unsigned, STRANGER)
    assert verify(signed, HolderBinding.HOLDER_ONLY).verdict is Verdict.VALID
    tampered = {**signed, "id": "urn:uuid:00000000-0000-4000-8000-000000000000"}
    refused = verify(tampered, HolderBinding.HOLDER_ONLY)
    assert refused.verdict is Verdict.NOT_VALID
    assert outcome(refused, "proof") is Outcome.FAILED
    assert verify(unsigned, HolderBinding.HOLDER_ONLY).verdict is Verdict.NOT_VALID


def test_holder_only_accepts_a_signed_presentation_without_credentials_and_required_does_not() -> None:
    empty = present([], signer=HOLDER)
    assert verify(empty, HolderBinding.HOLDER_ONLY).verdict is Verdict.VALID
    strict = verify(empty, HolderBinding.REQUIRED)
    assert strict.verdict is Verdict.NOT_VALID
    assert reason(strict, "credentials") == "The presentation carries no credential."
