"""The console's words: one catalogue per language (``messages/<tag>.json``, `service.i18n`).

The language is the one the person chose (``?lang=`` on any page, kept in the session), else the
best of the browser's ``Accept-Language`` that has a catalogue, else the deployment's default
language (its theme), else English. A key missing from a catalogue falls back to English (a test
and ``nansen i18n check`` find the gaps).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from service.i18n import Catalogues

CATALOGUES: Final = Catalogues(Path(__file__).resolve().parent / "messages")
