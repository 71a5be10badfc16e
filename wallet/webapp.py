"""The web wallet's message catalogues (``wallet/web/messages/*.json``, the PWA's words; issue #14).

The app reads them in the browser; here they are the same `service.i18n.Catalogues` as the services'
so that ``nansen i18n check`` (the ``nansen.catalogues`` entry point ``webwallet``) and the tests
compare every language with English: same keys, same placeholders, every plural form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from service.i18n import Catalogues

CATALOGUES: Final = Catalogues(Path(__file__).resolve().parent / "web" / "messages")
