"""Interactive API documentation (Swagger UI) for the services, served offline from installed files.

FastAPI's own ``/docs`` page loads Swagger UI from a CDN and starts it with an inline script: blank
offline, and refused by a strict Content-Security-Policy. Here the page, the Swagger UI build that
the ``fastapi-offline`` package ships (its static files only; MIT, bundling Swagger UI's Apache-2.0
build) and a start script of our own all come from the service itself, under ``script-src 'self'``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

DOCS_PATH = "/docs"

#: Nothing from elsewhere; the page fetches the service's own OpenAPI document (connect-src 'self').
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

_HERE = Path(__file__).resolve().parent
_SWAGGER_UI = Path(str(files("fastapi_offline") / "static"))
#: The files the page loads, by the name it loads them under.
ASSETS = {
    "swagger-ui-bundle.js": (_SWAGGER_UI / "swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": (_SWAGGER_UI / "swagger-ui.css", "text/css"),
    "favicon.png": (_SWAGGER_UI / "favicon.png", "image/png"),
    "start.js": (_HERE / "start.js", "text/javascript"),
}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: API</title>
<link rel="icon" href="{docs}/favicon.png">
<link rel="stylesheet" href="{docs}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{docs}/swagger-ui-bundle.js"></script>
<script src="{docs}/start.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Serve ``/docs`` and its files on ``app`` (created with ``docs_url=None, redoc_url=None``)."""
    if app.openapi_url is None:
        raise ValueError("The API documentation needs the app's OpenAPI document.")
    page = PAGE.format(title=app.title, docs=DOCS_PATH, openapi=app.openapi_url)
    router = APIRouter(include_in_schema=False)

    @router.get(DOCS_PATH)
    def docs() -> HTMLResponse:
        return HTMLResponse(page, headers=HEADERS)

    @router.get(DOCS_PATH + "/{name}")
    def asset(name: str) -> FileResponse:
        if name not in ASSETS:
            raise HTTPException(status_code=404, detail="No such file.")
        path, media_type = ASSETS[name]
        return FileResponse(path, media_type=media_type, headers={**HEADERS, "Cache-Control": "max-age=3600"})

    app.include_router(router)
