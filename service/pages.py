"""What every service's pages share: security headers, the Content-Security-Policy, the theme's
stylesheet and logo (served here, so the policy stays ``'self'``), and what every template is given.

Pages load nothing from elsewhere and run no inline script or style (CSP Level 3, ``default-src
'none'``); the theme's colours arrive as CSS custom properties in ``/theme/theme.css``.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import Response

from service.i18n import Catalogues, Translator
from service.theme import Theme

#: A page that runs its own served script (``script``) or none.
PAGE_CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS: Final = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
THEME_CSS: Final = "/theme/theme.css"
THEME_LOGO: Final = "/theme/logo"
#: A logo opened on its own is inert (an SVG's scripts would not run anyway: it was checked).
_LOGO_CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def theme_router(theme: Theme) -> APIRouter:
    """``GET /theme/theme.css`` (the colours) and ``GET /theme/logo`` (404 without a logo)."""
    router = APIRouter(include_in_schema=False)
    stylesheet = theme.stylesheet().encode()

    @router.get(THEME_CSS)
    async def theme_css() -> Response:
        headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
        return Response(stylesheet, media_type="text/css; charset=utf-8", headers=headers)

    @router.get(THEME_LOGO)
    async def theme_logo() -> Response:
        if theme.logo is None:
            return Response(status_code=404, headers=SECURITY_HEADERS)
        headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache", "Content-Security-Policy": _LOGO_CSP}
        return Response(theme.logo.content, media_type=theme.logo.media_type, headers=headers)

    return router


def page_context(catalogues: Catalogues, t: Translator, theme: Theme) -> dict[str, Any]:
    """What every page's template is given: its words, language and direction, the languages to
    switch to, and the deployment's theme."""
    return {
        "t": t,
        "lang": t.lang,
        "dir": t.direction,
        "languages": catalogues.languages(),
        "theme": theme,
        "theme_css": THEME_CSS,
        "theme_logo": THEME_LOGO if theme.logo else None,
    }


def language_headers(t: Translator) -> dict[str, str]:
    return {"Content-Language": t.lang, "Vary": "Accept-Language, Cookie"}
