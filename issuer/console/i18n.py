"""The console's words, from a message catalogue per language (``messages/<tag>.json``).

The language is the one the person chose (``?lang=`` on any page, kept in the session), else the
best of the browser's ``Accept-Language`` that has a catalogue, else English. Every catalogue has
the same keys (a test checks it). Refusals that come from the service itself (a schema's rule, a
status that cannot change) are English sentences and are shown as they are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MESSAGES = Path(__file__).resolve().parent / "messages"
DEFAULT = "en"


@cache
def catalogues() -> Mapping[str, Mapping[str, str]]:
    """Every catalogue, by language tag."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(MESSAGES.glob("*.json"))
    }


@dataclass(frozen=True)
class Translator:
    lang: str

    def __call__(self, key: str, **values: object) -> str:
        text = catalogues()[self.lang][key]
        return text.format(**values) if values else text


def _acceptable(accept_language: str) -> list[str]:
    """The primary subtags of an ``Accept-Language`` header, most preferred first (RFC 9110 §12.5.4)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")[:20]):
        tag, _, parameter = item.partition(";")
        name, _, value = parameter.partition("=")
        try:
            quality = float(value) if name.strip() == "q" else 1.0
        except ValueError:
            quality = 0.0
        if tag.strip() and quality > 0:
            ranked.append((-quality, position, tag.strip().split("-")[0].lower()))
    return [tag for _, _, tag in sorted(ranked)]


def choose(chosen: str | None, accept_language: str) -> str:
    """The language to show: the one chosen if it has a catalogue, else the browser's best, else English."""
    for tag in [chosen or "", *_acceptable(accept_language)]:
        if tag in catalogues():
            return tag
    return DEFAULT
