"""The app's files (``wallet/web/dist``, built by ``./dev setup``), served at ``/``, and what the host
tells the app about itself.

- ``GET /config.json``: the name to show, where quick exit goes, the idle lock, the languages,
  the Argon2id level of new wallets.
- ``GET /manifest.webmanifest``: the app's own manifest with the host's name in it.
- Files of the icon directory, when one is set, in place of the app's files of the same name: a
  neutral name and icon for people whose phones are looked at.
- ``sw.js`` is revalidated every time (``no-cache``) and may control the whole origin
  (``Service-Worker-Allowed: /``); every file is revalidated (the app's build names are not hashed).
- Without a build, every page is a 503 that says how to make one; the host never builds it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from wallet.host.settings import Settings

API_PREFIX: Final = "/api/"
SERVICE_WORKER: Final = "sw.js"
MANIFEST: Final = "manifest.webmanifest"
MISSING_BUILD: Final = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not built</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>The web wallet is not built</h1>
<p>This host has no built app in <code>wallet/web/dist</code>. Build it with <code>./dev setup</code>
(or set NANSEN_WALLET_HOST_WEB_DIR to a built copy), then reload this page.</p></body></html>
"""
_REVALIDATE: Final = {"Cache-Control": "no-cache"}


def app_config(settings: Settings) -> dict[str, Any]:
    return {
        "name": settings.app_name,
        "quickExitUrl": settings.quick_exit_url,
        "idleLockSeconds": settings.idle_lock_seconds,
        "languages": list(settings.languages),
        "sessionSeconds": settings.session_seconds,
        "kdf": settings.wallet_kdf,
    }


def config_router(settings: Settings) -> APIRouter:
    """``/config.json`` and ``/manifest.webmanifest`` (the latter only once the app is built)."""
    router = APIRouter(include_in_schema=False)
    config = app_config(settings)

    @router.get("/config.json")
    async def config_json() -> JSONResponse:
        return JSONResponse(config, headers=_REVALIDATE)

    @router.get("/" + MANIFEST)
    async def manifest() -> Response:
        path = settings.web_dir / MANIFEST
        if not path.is_file():
            return missing_build()
        document = json.loads(path.read_text(encoding="utf-8"))
        document.update(name=settings.app_name, short_name=settings.app_name)
        return JSONResponse(document, media_type="application/manifest+json", headers=_REVALIDATE)

    return router


def missing_build() -> HTMLResponse:
    return HTMLResponse(MISSING_BUILD, status_code=503, headers={"Retry-After": "60"})


def _icon(icon_dir: Path | None, path: str) -> Path | None:
    """The icon directory's file for a request of ``/NAME`` (no sub-directories, no links out)."""
    name = path.lstrip("/")
    if icon_dir is None or not name or "/" in name or name.startswith("."):
        return None
    candidate = icon_dir / name
    if candidate.is_symlink() or not candidate.is_file():
        return None
    return candidate


class WebFiles:
    """The built app's files (see the module); mounted last, so every route of the API comes first."""

    def __init__(self, settings: Settings) -> None:
        self.web_dir = settings.web_dir
        self.icon_dir = settings.icon_dir
        self._files: StaticFiles | None = None

    def _static(self) -> StaticFiles | None:
        if not (self.web_dir / "index.html").is_file():
            return None
        if self._files is None:
            self._files = StaticFiles(directory=self.web_dir, html=True)
        return self._files

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"].startswith(API_PREFIX):
            raise HTTPException(404)  # answered as a problem, not as a page
        files = self._static()
        if files is None:
            await missing_build()(scope, receive, send)
            return
        icon = _icon(self.icon_dir, scope["path"])
        if icon is not None and scope["method"] in ("GET", "HEAD"):
            await FileResponse(icon, headers=_REVALIDATE)(scope, receive, send)
            return
        service_worker = scope["path"] == "/" + SERVICE_WORKER

        async def headed(message: Any) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"cache-control", b"no-cache")]
                if service_worker:
                    extra.append((b"service-worker-allowed", b"/"))
                message = {**message, "headers": [*_without(message["headers"], extra), *extra]}
            await send(message)

        await files(scope, receive, headed)


def _without(headers: list[tuple[bytes, bytes]], replaced: list[tuple[bytes, bytes]]) -> Iterator[Any]:
    names = {name for name, _value in replaced}
    return (header for header in headers if header[0].lower() not in names)
