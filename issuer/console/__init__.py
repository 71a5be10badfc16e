"""The partner console: server-rendered pages for partner staff (DESIGN.md §6), under ``/console``.

``install(app, theme)`` adds its routes, its stylesheet and the deployment's theme (`service.pages`). See ``issuer.console.pages``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from issuer.console import pages
from service.pages import theme_router
from service.theme import Theme


def install(app: FastAPI, theme: Theme) -> None:
    app.include_router(pages.router)
    app.include_router(theme_router(theme))
    app.mount(
        f"{pages.PREFIX}/static",
        StaticFiles(directory=Path(__file__).resolve().parent / "static"),
        name="console-static",
    )
