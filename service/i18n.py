"""Message catalogues and choosing one: every service's words, in the person's language.

A service's catalogues are data: one JSON file per language in a folder (``issuer/console/messages``,
``verifier/messages``), named by its language tag (``en.json``, ``ar.json``). Adding a language is
adding a file; ``nansen i18n check LANG`` lists what it lacks (:func:`Catalogues.gaps`).

- **Values.** A message is a string with ``{name}`` placeholders (``str.format``), or, where it
  counts something, an object of CLDR plural categories (``{"one": "…", "few": "…", "other": "…"}``)
  chosen with Babel from the ``count`` placeholder (Unicode CLDR, Language Plural Rules). Every
  catalogue must carry every category its language uses (Arabic six, Ukrainian four, English two).
- **Fallback.** A key missing from a language falls back to English, then to the caller's default:
  a page never fails for a missing translation (a test and ``nansen i18n check`` find the gaps).
- **Choice.** ``?lang=`` (or the language kept in a session) if there is a catalogue for it, else
  the best of ``Accept-Language`` (RFC 9110 §12.5.4) with one, else the deployment's default
  language, else English.
- **Direction.** A language written right to left (CLDR ``characterOrder``: Arabic) lays its pages
  out ``dir="rtl"``; DIDs, CIDs and numbers inside stay left to right (the templates wrap them in
  ``<bdi dir="ltr">``).
- **Dates and numbers** are written with Babel in the page's language.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.numbers import format_decimal

#: The language every catalogue is checked against, and the last fallback.
ENGLISH: Final = "en"
#: The plural category every language has (CLDR).
OTHER: Final = "other"
#: The most language preferences of one ``Accept-Language`` header considered.
MAX_PREFERENCES: Final = 20

Message = str | dict[str, str]


@cache
def _locale(tag: str) -> Locale:
    try:
        return Locale.parse(tag)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(ENGLISH)


def direction(lang: str) -> str:
    """``rtl`` for a language written right to left, else ``ltr`` (CLDR character order)."""
    return "rtl" if _locale(lang).character_order == "right-to-left" else "ltr"


def plural_categories(lang: str) -> frozenset[str]:
    """The CLDR plural categories a language's messages must give (``one``, ``few``, …, ``other``)."""
    return frozenset(_locale(lang).plural_form.tags) | {OTHER}


def placeholders(text: str) -> frozenset[str]:
    """The ``{name}`` placeholders of a message."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def _ranked(accept_language: str) -> list[str]:
    """Primary language subtags of an Accept-Language header, best first (RFC 9110 §12.5.4)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:MAX_PREFERENCES]):
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


@dataclass(frozen=True)
class Gap:
    """Something a language's catalogue lacks or gets wrong, said for a translator."""

    key: str
    problem: str

    def __str__(self) -> str:
        return f"{self.key}: {self.problem}"


@cache
def _load(directory: Path) -> Mapping[str, Mapping[str, Message]]:
    found: dict[str, dict[str, Message]] = {}
    for path in sorted(directory.glob("*.json")):
        loaded = json.loads(path.read_text(encoding="utf-8"))
        found[path.stem] = {
            str(key): {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else str(value)
            for key, value in loaded.items()
        }
    return found


@dataclass(frozen=True)
class Catalogues:
    """The catalogues of one service: ``<directory>/<lang>.json``."""

    directory: Path
    #: The language shown when neither the person nor the browser names one there is a catalogue for.
    default: str = ENGLISH

    @property
    def entries(self) -> Mapping[str, Mapping[str, Message]]:
        """Every catalogue, by language tag (the file's name); read once per folder."""
        return _load(self.directory)

    def languages(self) -> dict[str, str]:
        """Each language, by tag, named in itself (its catalogue's ``language.name``)."""
        return {tag: str(entries.get("language.name", tag)) for tag, entries in self.entries.items()}

    def with_default(self, lang: str | None) -> Catalogues:
        """The same catalogues with another default language (a deployment's theme chooses it)."""
        if not lang or lang == self.default or lang not in self.entries:
            return self
        return Catalogues(self.directory, lang)

    def choose(self, chosen: str | None, accept_language: str) -> str:
        """The chosen language if it has a catalogue, else the browser's best, else the default."""
        for tag in [chosen or "", *_ranked(accept_language)]:
            primary = tag.split("-", 1)[0].lower()
            if primary in self.entries:
                return primary
        return self.default if self.default in self.entries else ENGLISH

    def translator(self, lang: str) -> Translator:
        return Translator(self, lang if lang in self.entries else ENGLISH)

    def gaps(self, lang: str) -> list[Gap]:
        """What ``lang``'s catalogue lacks or gets wrong against English: missing keys, plural
        categories its language needs, placeholders that differ, and keys English does not have."""
        reference = self.entries[ENGLISH]
        catalogue = self.entries.get(lang, {})
        found: list[Gap] = []
        for key, english in reference.items():
            if key not in catalogue:
                found.append(Gap(key, "missing"))
                continue
            found += _compare(key, english, catalogue[key], lang)
        found += [
            Gap(key, "not in English: remove it or add it there") for key in catalogue if key not in reference
        ]
        return found


def _forms(message: Message) -> dict[str, str]:
    return dict(message) if isinstance(message, dict) else {OTHER: message}


def _compare(key: str, english: Message, translated: Message, lang: str) -> list[Gap]:
    expected = frozenset().union(*(placeholders(text) for text in _forms(english).values()))
    gaps: list[Gap] = []
    if isinstance(english, dict) != isinstance(translated, dict):
        kind = "plural forms (an object)" if isinstance(english, dict) else "one string"
        return [Gap(key, f"must be {kind}, as in English")]
    if isinstance(translated, dict):
        needed = plural_categories(lang)
        missing = sorted(needed - translated.keys())
        if missing:
            gaps.append(Gap(key, f"plural forms missing: {', '.join(missing)}"))
        unknown = sorted(translated.keys() - needed)
        if unknown:
            gaps.append(Gap(key, f"plural forms this language does not use: {', '.join(unknown)}"))
    for form, text in _forms(translated).items():
        if not placeholders(text) <= expected:
            extra = ", ".join(sorted("{" + p + "}" for p in placeholders(text) - expected))
            gaps.append(Gap(key, f"placeholders not in English ({form}): {extra}"))
    found = frozenset().union(*(placeholders(text) for text in _forms(translated).values()))
    # "count" may be left out of a form ("one day"); every other value must be shown.
    lost = sorted(expected - found - {"count"})
    if lost:
        gaps.append(Gap(key, "placeholders missing: " + ", ".join("{" + p + "}" for p in lost)))
    return gaps


@dataclass(frozen=True)
class Translator:
    """The words of one language; a missing message falls back to English (see the module)."""

    catalogues: Catalogues
    lang: str

    @property
    def direction(self) -> str:
        return direction(self.lang)

    def __call__(self, key: str, default: str | None = None, **values: object) -> str:
        """The message for ``key``; ``default`` (else the key) when no catalogue has it."""
        message = (
            self.catalogues.entries[self.lang].get(key)
            or self.catalogues.entries.get(ENGLISH, {}).get(key)
            or default
            or key
        )
        if isinstance(message, dict):
            count = values.get("count")
            category = _locale(self.lang).plural_form(count) if isinstance(count, int | float) else OTHER
            message = message.get(category) or message[OTHER]
            if isinstance(count, int | float):
                values = {**values, "count": self.number(count)}
        return message.format(**values) if values else message

    def number(self, value: int | float) -> str:
        """A number written as the language writes it (Babel)."""
        return format_decimal(value, locale=_locale(self.lang))

    def moment(self, value: datetime) -> str:
        """A date and time written as the language writes them (Babel, CLDR's medium format)."""
        return format_datetime(value, format="medium", locale=_locale(self.lang))

    def ago(self, delta: timedelta) -> str:
        """How long ago, in the largest whole unit (days from two days on); under ten seconds: just now."""
        seconds = max(0, int(delta.total_seconds()))
        for unit, size, least in (("days", 86_400, 2), ("hours", 3_600, 1), ("minutes", 60, 1)):
            if seconds >= size * least:
                return self(f"age.{unit}", count=seconds // size)
        return self("age.seconds", count=seconds) if seconds >= 10 else self("age.now")
