"""Cross-origin access for browser wallets, on the wallet-facing endpoints only (Fetch standard,
"CORS protocol").

A web wallet served from another origin (issue 14) calls the issuer's OpenID4VCI endpoints and
the verifier's OpenID4VP ones with ``fetch``. Each service lists the origins it lets in
(``NANSEN_ISSUER_CORS_ORIGINS``, ``NANSEN_VERIFIER_CORS_ORIGINS``; none: no CORS at all). An
origin must match one listed exactly; credentials (cookies, client certificates) are never
allowed, so the console's and partners' sessions and API keys are never usable cross-origin; and
every other path (the console, the partner API, the verifier's own pages and read keys) gets no
CORS header, ever. Starlette's `CORSMiddleware` does the protocol (preflights, ``Vary: Origin``);
this only chooses which paths it sees.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

#: How long a browser may keep a preflight's answer (seconds).
PREFLIGHT_MAX_AGE: Final = 600


class PathCORS:
    """`CORSMiddleware` on the paths ``paths`` matches in full; every other path passes untouched."""

    def __init__(
        self, app: ASGIApp, *, origins: Sequence[str], paths: re.Pattern[str], headers: Sequence[str]
    ) -> None:
        self.app = app
        self.paths = paths
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=list(headers),
            allow_credentials=False,
            max_age=PREFLIGHT_MAX_AGE,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.paths.fullmatch(scope["path"]):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def install(app: FastAPI, origins: Sequence[str], paths: str, headers: Sequence[str] = ()) -> None:
    """Let ``origins`` call the paths the regular expression ``paths`` matches; nothing if none.
    Install it last, so that refusals (problems, 413s) carry the headers too."""
    if origins:
        app.add_middleware(PathCORS, origins=origins, paths=re.compile(paths), headers=headers)
