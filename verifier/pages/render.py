"""Rendering the pages: the catalogue's language, the theme, the security headers, and the result of a scan.

Pages load nothing from elsewhere: two stylesheets (the theme's and the pages') and one script from
this service (CSP ``'self'``, `service.pages`), and ``data:`` pictures on the original document's
page only. Nothing is cached.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from nansen.verify import VerificationResult
from service.i18n import Catalogues, Translator
from service.pages import PAGE_CSP, SECURITY_HEADERS, language_headers, page_context
from service.problems import Problem
from verifier import replay
from verifier.dependencies import PartnerNames
from verifier.originals import OriginalUnavailable, shared_documents
from verifier.pages.verdict import ResultView
from verifier.settings import Mode, Settings

templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")

#: The verifier's words: one catalogue per language (``verifier/messages/<lang>.json``).
CATALOGUES: Final = Catalogues(Path(__file__).resolve().parents[1] / "messages")
#: The original document is shown as a ``data:`` picture: it is never stored, not even to be served.
ORIGINAL_CSP: Final = PAGE_CSP.replace("img-src 'self'", "img-src data:")
_HEADERS: Final = {
    **SECURITY_HEADERS,
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.services.settings
    return settings


async def get_translator(request: Request) -> Translator:
    catalogues = CATALOGUES.with_default(_settings(request).theme.default_language)
    lang = catalogues.choose(request.query_params.get("lang"), request.headers.get("accept-language", ""))
    return catalogues.translator(lang)


TranslatorDep = Annotated[Translator, Depends(get_translator)]


def wants_html(request: Request) -> bool:
    """A browser (a form, or the scan page's script) asks for HTML; an API client for JSON."""
    return "text/html" in request.headers.get("accept", "")


def page(
    request: Request, t: Translator, name: str, status: int = 200, csp: str = PAGE_CSP, **context: Any
) -> HTMLResponse:
    settings = _settings(request)
    shared = page_context(CATALOGUES, t, settings.theme)
    # The scan page offers a challenge only where there are challenges (a one-way verifier has none).
    shared["gives_challenges"] = settings.mode is not Mode.ONE_WAY
    response = templates.TemplateResponse(request, name, {**shared, **context}, status_code=status)
    response.headers.update(language_headers(t))
    response.headers["Content-Security-Policy"] = csp
    response.headers.update(_HEADERS)
    return response


def error_page(
    request: Request, t: Translator, message: str, status: int = 400, **context: Any
) -> HTMLResponse:
    """The scan page again, with the error at its top."""
    return page(request, t, "index.html", status, error=message, **context)


def problem_page(request: Request, t: Translator, problem: Problem) -> HTMLResponse:
    message = t(f"problem.{problem.kind}") if problem.kind else t("problem.other")
    response = error_page(
        request,
        t,
        message,
        problem.status,
        problem=problem.kind,
        detail=None if problem.kind else problem.detail,
    )
    response.headers.update(problem.headers)
    return response


def result_page(
    request: Request,
    t: Translator,
    result: VerificationResult,
    *,
    text: str,
    partners: PartnerNames,
    moment: datetime,
    session: Session,
    settings: Settings,
) -> HTMLResponse:
    """The verdict, facts, partner, data age and checks; and, if the holder shared the original
    document and the presentation is valid, a ticket to open it once."""
    ticket = problem = None
    # An SD-JWT VC shares no original document: its result's document is the disclosed claims.
    if result.kind == "presentation" and result.document is not None and not result.sd_jwt:
        try:
            shared = shared_documents(result.document, [c.document or {} for c in result.credentials])
        except OriginalUnavailable as unavailable:
            problem = unavailable.kind
        else:
            if shared and result.verified:
                ttl = timedelta(seconds=settings.document_ttl_seconds)
                digest = replay.presentation_digest(result.document)
                ticket = replay.issue_ticket(session, digest, moment, ttl)
    view = ResultView.of(result, partners, moment)
    return page(request, t, "result.html", view=view, ticket=ticket, text=text, original_problem=problem)
