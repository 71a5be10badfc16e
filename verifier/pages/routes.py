"""The pages: scan (camera, photo upload, pasted text), the verdict, and the original document.

``GET /`` is the scan page: its script (``/static/scan.js``) sends camera frames to ``POST /scan``
(`verifier.api.scan`); a photo upload goes there too, and pasted text (a QR code's ``NV1:`` text,
JSON, or an SD-JWT's compact text) to ``POST /verify-page``. A presentation is checked as ``POST /scan`` checks it
(`verifier.verification.check_scanned`): one way (fresh, and accepted once), or with the challenge its
proof carries; the pages always judge trust (with no trust list the verdict is CANNOT CONFIRM). A
credential on its own is shown as not presented by its holder, never as valid. ``POST /document``
opens the original document the holder shared, with the single-use ticket the verdict page gave.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from nansen.errors import NansenError
from nansen.qr import PREFIX
from nansen.sdjwt.serialization import looks_like_sd_jwt
from service.bodies import media_type
from service.parsing import parse_json
from service.problems import Problem
from verifier import replay
from verifier.body import FORM_TYPE
from verifier.dependencies import (
    ClockDep,
    PartnerNamesDep,
    ScanVerifierDep,
    SessionDep,
    SettingsDep,
    StoreDep,
)
from verifier.originals import OriginalUnavailable, open_original, shared_documents
from verifier.pages.render import ORIGINAL_CSP, TranslatorDep, error_page, page, problem_page, result_page
from verifier.pictures import read_text
from verifier.settings import Settings
from verifier.verification import PresentationOptions, check_scanned, is_a

router = APIRouter(include_in_schema=False)

STATIC: Final = Path(__file__).resolve().parent / "static"
_STATIC_TYPES: Final = {
    "scan.js": "text/javascript; charset=utf-8",
    "ask.js": "text/javascript; charset=utf-8",
    "verifier.css": "text/css; charset=utf-8",
}
_STATIC_FILES: Final = {name: (STATIC / name).read_bytes() for name in _STATIC_TYPES}


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, t: TranslatorDep) -> HTMLResponse:
    return page(request, t, "index.html")


@router.get("/static/{name}")
async def static(name: str) -> Response:
    if name not in _STATIC_FILES:
        raise Problem(404, "There is nothing at this address.")
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    return Response(_STATIC_FILES[name], media_type=_STATIC_TYPES[name], headers=headers)


async def form_fields(request: Request) -> dict[str, str]:
    """The fields of a form the pages send, read within the body limit."""
    if media_type(request) != FORM_TYPE:
        raise Problem(415, "The form must be sent as application/x-www-form-urlencoded.")
    try:
        fields = parse_qs((await request.body()).decode("utf-8", errors="replace"), max_num_fields=10)
    except ValueError as error:
        raise Problem(400, "The form has more fields than this page sends.") from error
    return {name: values[0].strip() for name, values in fields.items()}


FormDep = Annotated[dict[str, str], Depends(form_fields)]


def decode_text(text: str, settings: Settings) -> Any:
    """A QR code's text (``NV1:…``), an SD-JWT's compact text (kept as text), or JSON, as a document."""
    if text.startswith(PREFIX[:2]):
        return read_text(text)
    return text if looks_like_sd_jwt(text) else parse_json(text, settings.limits)


@router.post("/verify-page", response_class=HTMLResponse)
def verify_page(
    request: Request,
    t: TranslatorDep,
    fields: FormDep,
    verifier: ScanVerifierDep,
    partners: PartnerNamesDep,
    session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:
    text = fields.get("text", "")
    if not text:
        return error_page(request, t, t("error.empty"))
    try:
        document = decode_text(text, settings)
    except Problem as problem:
        return problem_page(request, t, problem)
    except NansenError:
        return error_page(request, t, t("error.unreadable"))
    if not (
        isinstance(document, str)
        or is_a(document, "VerifiablePresentation")
        or is_a(document, "VerifiableCredential")
    ):
        return error_page(request, t, t("error.not_document"))
    try:
        result = check_scanned(
            document, PresentationOptions(), verifier=verifier, session=session, settings=settings
        )
    except Problem as problem:
        return problem_page(request, t, problem)
    return result_page(
        request,
        t,
        result,
        text=text,
        partners=partners,
        moment=verifier.clock(),
        session=session,
        settings=settings,
    )


@router.post("/document", response_class=HTMLResponse)
def open_document(
    request: Request,
    t: TranslatorDep,
    fields: FormDep,
    verifier: ScanVerifierDep,
    session: SessionDep,
    settings: SettingsDep,
    store: StoreDep,
    clock: ClockDep,
) -> HTMLResponse:
    """Spend the ticket, verify the presentation again, then fetch, decrypt, check and show."""

    def refused(kind: str, status: int) -> HTMLResponse:
        return page(request, t, "original.html", status, problem=kind)

    try:
        document = decode_text(fields.get("text", ""), settings)
        if not is_a(document, "VerifiablePresentation"):
            return refused("malformed", 400)
        presentation_hash = replay.presentation_digest(document)
    except (NansenError, Problem):
        return refused("malformed", 400)
    if not replay.spend_ticket(session, fields.get("ticket", ""), presentation_hash, clock()):
        return refused("used", 410)
    result = verifier.verify_presentation(document, challenge=None, domain=None)
    if not result.verified:
        return refused("not-valid", 400)
    try:
        shared = shared_documents(document, [c.document or {} for c in result.credentials])
        originals = [open_original(d, store, settings.max_original_bytes) for d in shared]
    except OriginalUnavailable as unavailable:
        return refused(unavailable.kind, unavailable.status)
    if not originals:
        return refused("malformed", 400)
    return page(request, t, "original.html", csp=ORIGINAL_CSP, originals=originals)
