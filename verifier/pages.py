"""Server-rendered pages: paste a QR code's text (or JSON), see the verdict and every check.

No script and no external resource; readable on a phone. A presentation pasted here is checked
one way (fresh, and accepted once), as a scanned QR code is. The full scanning page comes later.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from nansen import jsonutil, vcdm
from nansen.errors import NansenError
from nansen.verify import VerificationResult
from verifier.body import FORM_TYPE, media_type
from verifier.checking import PresentationOptions, check_presentation
from verifier.dependencies import SessionDep, SettingsDep, VerifierDep, get_settings
from verifier.i18n import Translator, catalogues, choose
from verifier.problems import Problem
from verifier.settings import Mode, Settings

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")

#: Turns the pasted text into a document. JSON today; the QR codec (nansen.qr) plugs in here.
TextDecoder = Callable[[str], Any]


async def get_text_decoder(settings: Annotated[Settings, Depends(get_settings)]) -> TextDecoder:
    return partial(jsonutil.parse, limits=settings.limits)


async def get_translator(request: Request) -> Translator:
    return Translator(choose(request.query_params.get("lang"), request.headers.get("accept-language", "")))


TranslatorDep = Annotated[Translator, Depends(get_translator)]


_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    # Nothing from elsewhere: no script at all, styles inline, forms only to this service.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def _page(request: Request, t: Translator, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    languages = {tag: entries.get("language.name", tag) for tag, entries in catalogues().items()}
    response = templates.TemplateResponse(
        request, name, {"t": t, "lang": t.lang, "languages": languages, **context}, status_code=status
    )
    response.headers["Content-Language"] = t.lang
    response.headers["Vary"] = "Accept-Language"
    response.headers.update(_PAGE_HEADERS)
    return response


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, t: TranslatorDep) -> HTMLResponse:
    return _page(request, t, "index.html")


async def pasted_text(request: Request) -> str:
    """The ``text`` field of the form, read within the body limit."""
    if media_type(request) != FORM_TYPE:
        raise Problem(415, "The form must be sent as application/x-www-form-urlencoded.")
    try:
        fields = parse_qs((await request.body()).decode("utf-8", errors="replace"), max_num_fields=10)
    except ValueError as error:
        raise Problem(400, "The form has more fields than this page sends.") from error
    return fields.get("text", [""])[0].strip()


def _is(document: Any, kind: str) -> bool:
    return isinstance(document, dict) and kind in vcdm.as_list(document.get("type"))


@router.post("/verify-page", response_class=HTMLResponse)
def verify_page(
    request: Request,
    t: TranslatorDep,
    text: Annotated[str, Depends(pasted_text)],
    decode: Annotated[TextDecoder, Depends(get_text_decoder)],
    verifier: VerifierDep,
    session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:
    if not text:
        return _page(request, t, "index.html", 400, error=t("error.empty"))
    try:
        document = decode(text)
    except NansenError:
        return _page(request, t, "index.html", 400, error=t("error.unreadable"))
    result: VerificationResult
    if _is(document, "VerifiablePresentation"):
        if settings.mode is Mode.CHALLENGE:
            return _page(request, t, "index.html", 400, error=t("error.challenge_mode"))
        result = check_presentation(
            document, PresentationOptions(), verifier=verifier, session=session, settings=settings
        )
    elif _is(document, "VerifiableCredential"):
        result = verifier.verify_credential(document)
    else:
        return _page(request, t, "index.html", 400, error=t("error.not_document"))
    return _page(request, t, "result.html", result=result)
