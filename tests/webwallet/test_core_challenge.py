"""The web wallet's present screen (``src/ui/challenge.js``) reads a verifier's challenge as the core
(`nansen.qr.challenge`) writes and reads it: the same challenge and domain, the same refusals."""

from __future__ import annotations

from nansen.qr.challenge import decode_challenge, encode_challenge, grouped, new_code, read_code, read_domain
from nansen.qr.errors import QRCodeError
from tests.webwallet.engine import call

DOMAINS = ["localhost", "shelter.example", "shelter.example:8443", "Verifier.Example.ORG", "[::1]:8000"]


def python_reads(text: str, domain: str) -> dict[str, str] | None:
    """What the core makes of the field's text (NC1 text, or a typed code with its domain)."""
    try:
        if text.strip().startswith("NC1:"):
            read = decode_challenge(text.strip())
            return {"challenge": read.challenge, "domain": read.domain}
        return {"challenge": read_code(text), "domain": read_domain(domain)}
    except QRCodeError:
        return None


def test_scanned_and_typed_challenges_read_the_same_in_both_runtimes() -> None:
    typed: list[tuple[str, str]] = []
    for index in range(60):
        code, domain = new_code(), DOMAINS[index % len(DOMAINS)]
        typed += [
            (encode_challenge(code, domain), ""),
            (grouped(code).lower(), domain),
            (code.replace("0", "o").replace("1", "l"), domain),
            (grouped(code)[:-1], domain),
            (code, ""),
            (encode_challenge(code, domain)[: -len(domain) - 1], ""),
            (f"NC1:{grouped(code)}:{domain}", ""),
            (code + "U", domain),
        ]
    results = call("readChallenges", typed=[list(pair) for pair in typed])["results"]
    assert len(results) == len(typed)
    for (text, domain), read in zip(typed, results, strict=True):
        assert read == python_reads(text, domain), (text, domain)
    assert sum(read is not None for read in results) == 3 * 60  # scanned, typed grouped, look-alikes
