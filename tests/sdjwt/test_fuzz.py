"""Any text given as an SD-JWT gets a report, never an exception; mutated presentations are never VALID."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nansen.sdjwt import present, serialization
from nansen.verify import Verdict, Verifier
from tests.sdjwt.support import AUDIENCE, HOLDER, NONCE, NOW, THREE, identity_sd_jwt

PRESENTED = present(identity_sd_jwt(), THREE, HOLDER.jwk, nonce=NONCE, audience=AUDIENCE, issued_at=NOW)
VERIFIER = Verifier(clock=lambda: NOW)


def test_the_unmutated_presentation_is_valid() -> None:
    assert VERIFIER.verify_sd_jwt(PRESENTED, nonce=NONCE, audience=AUDIENCE).verdict is Verdict.VALID


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(PRESENTED) - 1), st.sampled_from('~.-_AaZz09=+/{}"\\ \x00é'))
def test_a_changed_character_is_never_valid(position: int, character: str) -> None:
    mutated = PRESENTED[:position] + character + PRESENTED[position + 1 :]
    result = VERIFIER.verify_sd_jwt(mutated, nonce=NONCE, audience=AUDIENCE)
    # Even a final character whose unused bits differ (the same bytes) is refused: one text per token.
    assert result.verdict is not Verdict.VALID or mutated == PRESENTED, (position, character)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5), max_size=8))
def test_any_rearrangement_of_parts_gets_a_report(picks: list[int]) -> None:
    parts = serialization.split(PRESENTED)
    pool = [*parts.disclosures, parts.issuer_jwt, parts.key_binding_jwt or ""]
    chosen = [pool[i % len(pool)] for i in picks]
    text = serialization.SEPARATOR.join([parts.issuer_jwt, *chosen])
    result = VERIFIER.verify_sd_jwt(text, nonce=NONCE, audience=AUDIENCE)
    assert result.verdict is not Verdict.VALID or text == PRESENTED


def test_a_signature_spelled_with_other_unused_bits_is_refused() -> None:
    parts = serialization.split(PRESENTED)
    head, _, signature = (parts.key_binding_jwt or "").rpartition(".")
    # 64 bytes are 86 characters with 4 unused bits in the last: flip one of them.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    respelled = signature[:-1] + alphabet[alphabet.index(signature[-1]) ^ 1]
    text = serialization.join(parts.issuer_jwt, parts.disclosures, f"{head}.{respelled}")
    result = VERIFIER.verify_sd_jwt(text, nonce=NONCE, audience=AUDIENCE)
    assert result.verdict is Verdict.NOT_VALID
    assert "canonical" in (result.check("holder binding") or result.credentials[0].checks[0]).reason
