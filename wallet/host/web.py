"""The app's files (``wallet/web/dist``, built by ``./dev setup``), served at ``/``, and what the host
tells the app about itself.

- ``GET /config.json``: the name to show, where quick exit goes, the idle lock, the languages,
  the Argon2id level of new wallets.
- ``GET /manifest.webmanifest``: the app's own manifest with the host's name in it.
- Files of the icon directory, when one is set, in place of the app's files of the same name: a
  neutral name and icon for people whose phones are looked at.
- ``sw.js`` is revalidated every time (``no-cache``) and may control the whole origin
  (``Service-Worker-Allowed: /``); every file is revalidated (the app's build names are not hashed).
- Compressed when the browser accepts it (RFC 9110 §12.5.3 ``Accept-Encoding``): the build writes
  ``NAME.br`` and ``NAME.gz`` beside each file (``wallet/web/build.mjs``), and the host sends the
  one the browser prefers with ``Content-Encoding``; every file answer carries ``Vary:
  Accept-Encoding``. Nothing is compressed on the fly, and nothing under ``/api/`` ever is: BREACH
  (and CRIME before it) reads a secret out of the compressed size of an answer that holds both the
  secret and text the attacker chose. The app's files hold neither (the same public bytes for
  everyone), so compressing them leaks nothing; the API's answers carry a session token, a wallet
  file's ciphertext or a header, some beside request-dependent text, so they stay uncompressed
  (the ciphertext would not shrink anyway).
- Without a build, every page is a 503 that says how to make one, in the browser's language (the
  app's catalogues, ``host.*``); the host never builds it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from html import escape
from mimetypes import guess_type
from pathlib import Path
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from service.i18n import direction
from service.negotiation import choose_coding
from wallet.host.settings import Settings
from wallet.webapp import CATALOGUES

API_PREFIX: Final = "/api/"
SERVICE_WORKER: Final = "sw.js"
MANIFEST: Final = "manifest.webmanifest"
MISSING_BUILD: Final = """<!doctype html>
<html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>{title}</h1>
<p>{body}</p></body></html>
"""
#: Content codings the build writes beside each file, the host's preference first, and their suffix.
CODINGS: Final = {"br": ".br", "gzip": ".gz"}
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
    async def manifest(request: Request) -> Response:
        path = settings.web_dir / MANIFEST
        if not path.is_file():
            return missing_build(request.headers.get("accept-language", ""))
        document = json.loads(path.read_text(encoding="utf-8"))
        document.update(name=settings.app_name, short_name=settings.app_name)
        return JSONResponse(document, media_type="application/manifest+json", headers=_REVALIDATE)

    return router


def missing_build(accept_language: str) -> HTMLResponse:
    """The 503 page of a host with no built app, in the best of the browser's languages."""
    lang = CATALOGUES.choose(None, accept_language)
    t = CATALOGUES.translator(lang)
    values = {"command": "./dev setup", "folder": "wallet/web/dist", "variable": "NANSEN_WALLET_HOST_WEB_DIR"}
    page = MISSING_BUILD.format(
        lang=lang,
        dir=direction(lang),
        title=escape(t("host.not_built_title")),
        body=escape(t("host.not_built_body", **values)),
    )
    headers = {"Retry-After": "60", "Content-Language": lang, "Vary": "Accept-Language"}
    return HTMLResponse(page, status_code=503, headers=headers)


def _accept_language(scope: Scope) -> str:
    return next((v.decode("latin-1") for k, v in scope["headers"] if k == b"accept-language"), "")


def precompressed(
    web_dir: Path, request_path: str, accept_encoding: str | None
) -> tuple[Path, str, Path] | None:
    """(the file asked for, the coding, its pre-compressed copy) when the browser accepts a coding the
    build wrote for that file; None otherwise (the file is then served as it is, if it exists)."""
    name = request_path.lstrip("/")
    if name == "" or name.endswith("/"):
        name += "index.html"
    original = web_dir / name
    try:
        original.resolve().relative_to(web_dir.resolve())
    except ValueError:
        return None
    if ".." in Path(name).parts or not original.is_file():
        return None
    available = [
        coding for coding, suffix in CODINGS.items() if original.with_name(original.name + suffix).is_file()
    ]
    coding = choose_coding(accept_encoding, available)
    if coding is None:
        return None
    return original, coding, original.with_name(original.name + CODINGS[coding])


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
            await missing_build(_accept_language(scope))(scope, receive, send)
            return
        icon = _icon(self.icon_dir, scope["path"])
        if icon is not None and scope["method"] in ("GET", "HEAD"):
            await FileResponse(icon, headers=_REVALIDATE)(scope, receive, send)
            return
        extra = [(b"cache-control", b"no-cache"), (b"vary", b"Accept-Encoding")]
        if scope["path"] == "/" + SERVICE_WORKER:
            extra.append((b"service-worker-allowed", b"/"))
        accept_encoding = next(
            (v.decode("latin-1") for k, v in scope["headers"] if k == b"accept-encoding"), None
        )
        found = (
            precompressed(self.web_dir, scope["path"], accept_encoding)
            if scope["method"] in ("GET", "HEAD")
            else None
        )
        if found is not None:
            original, coding, encoded = found
            headers = {name.decode(): value.decode() for name, value in extra}
            headers["Content-Encoding"] = coding
            media_type = guess_type(original.name)[0] or "application/octet-stream"
            await FileResponse(encoded, media_type=media_type, headers=headers)(scope, receive, send)
            return

        async def headed(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*_without(message["headers"], extra), *extra]}
            await send(message)

        await files(scope, receive, headed)


def _without(headers: list[tuple[bytes, bytes]], replaced: list[tuple[bytes, bytes]]) -> Iterator[Any]:
    names = {name for name, _value in replaced}
    return (header for header in headers if header[0].lower() not in names)
