"""The partner console: server-rendered pages for partner staff (DESIGN.md §6), under ``/console``.

``install(app)`` adds its routes and its stylesheet. See ``issuer.console.pages``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from issuer.console import pages


def install(app: FastAPI) -> None:
    app.include_router(pages.router)
    app.mount(
        f"{pages.PREFIX}/static",
        StaticFiles(directory=Path(__file__).resolve().parent / "static"),
        name="console-static",
    )
