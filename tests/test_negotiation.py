"""Choosing a response's media type from ``Accept`` (service.negotiation, RFC 9110 §12.5.1)."""

from __future__ import annotations

import pytest

from service.negotiation import choose

OFFERED = ("application/vc", "application/ld+json", "application/json")


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/vc"),
        ("", "application/vc"),
        ("*/*", "application/vc"),
        ("application/ld+json", "application/ld+json"),
        ("APPLICATION/JSON", "application/json"),
        ("application/json, application/ld+json", "application/ld+json"),  # equal: the server's order
        ("application/ld+json;q=0.5, application/json", "application/json"),
        ("application/vc;q=0, */*;q=0.1", "application/ld+json"),
        ("application/*;q=0.2, application/json;q=0.9", "application/json"),
        ("application/vc+ld+json, application/ld+json, application/json", "application/ld+json"),
        ("text/html", "application/vc"),  # nothing acceptable: the default, not a 406
        ("application/json;q=bad, application/ld+json;q=0.1", "application/ld+json"),
        (" , ;q=1, application/json ; q = 0.7 ", "application/json"),
    ],
)
def test_choose(accept: str | None, chosen: str) -> None:
    assert choose(accept, OFFERED) == chosen
