"""Message catalogues (verifier/messages/<lang>.json) and choosing one: ``?lang=``, then Accept-Language.

Every string a page shows comes from a catalogue; a key missing from one falls back to English.
The reasons given by the core's checks are English sentences and are shown as they are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

MESSAGES = Path(__file__).resolve().parents[1] / "verifier" / "messages"
DEFAULT = "en"


@cache
def catalogues() -> Mapping[str, Mapping[str, str]]:
    """Every catalogue, by language tag (the file's name)."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(MESSAGES.glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        found[path.stem] = {str(k): str(v) for k, v in entries.items()}
    return found


@dataclass(frozen=True)
class Translator:
    lang: str

    def __call__(self, key: str, default: str | None = None, **values: object) -> str:
        """The message for ``key``; ``default`` (else the key) when no catalogue has it."""
        text = catalogues()[self.lang].get(key) or catalogues()[DEFAULT].get(key) or default or key
        return text.format(**values) if values else text

    def ago(self, delta: timedelta) -> str:
        """How long ago, in the largest whole unit (days from two days on); under ten seconds: just now."""
        seconds = max(0, int(delta.total_seconds()))
        for unit, size, least in (("days", 86_400, 2), ("hours", 3_600, 1), ("minutes", 60, 1)):
            if seconds >= size * least:
                return self(f"age.{unit}", count=seconds // size)
        return self("age.seconds", count=seconds) if seconds >= 10 else self("age.now")


def _ranked(accept_language: str) -> list[str]:
    """Primary language subtags of an Accept-Language header, best first (RFC 9110 §12.5.4)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.split("-", 1)[0].strip().lower()))
    return [tag for _, _, tag in sorted(weighted)]


def choose(query_lang: str | None, accept_language: str) -> str:
    """The language of ``?lang=`` if there is a catalogue for it, else the best acceptable one."""
    available = catalogues()
    for tag in [query_lang or "", *_ranked(accept_language)]:
        primary = tag.split("-", 1)[0].lower()
        if primary in available:
            return primary
    return DEFAULT
