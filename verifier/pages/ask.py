"""The scan page's other way: ask the person's wallet (OpenID4VP 1.0, cross-device, §5 and §8.2).

``POST /ask`` opens a request for the facts this verifier is configured to ask for
(``NANSEN_VERIFIER_OPENID4VP_CLAIMS``) and shows its ``openid4vp://`` URI as a QR code and a link.
The page holds the request's read key (in its verdict form) and nothing else does: its script
(``/static/ask.js``) polls ``GET /openid4vp/requests/ID/progress`` with it, which says only
waiting, done or expired, and posts the form when the wallet has answered. ``POST /ask/verdict``
shows the verdict once and deletes it (`verifier.openid4vp.requests`); without the read key a
request is as unknown as one that never existed, so whoever saw the QR code can answer it but
never read its verdict.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from nansen.qr import uri_svg
from service.pages import PAGE_CSP
from service.problems import Problem
from verifier.dependencies import ClockDep, PartnerNamesDep, SessionDep, SettingsDep
from verifier.openid4vp.models import PresentationRequest
from verifier.openid4vp.requests import (
    open_request,
    progress,
    public_base,
    readable,
    request_uri,
    take_verdict,
)
from verifier.pages.render import TranslatorDep, error_page, page, problem_page, result_page
from verifier.pages.routes import FormDep

router = APIRouter(include_in_schema=False)

#: The QR code is a ``data:`` picture made here (its URI is the request's, so never stored).
ASK_CSP: Final = PAGE_CSP.replace("img-src 'self'", "img-src 'self' data:")
_ID: Final = re.compile("[A-Za-z0-9_-]{16,64}")


def _ask_page(
    request: Request, t: TranslatorDep, row: PresentationRequest, read_key: str, base: str
) -> HTMLResponse:
    uri = request_uri(base, row)
    qr = "data:image/svg+xml;base64," + base64.b64encode(uri_svg(uri).encode()).decode("ascii")
    return page(
        request,
        t,
        "ask.html",
        csp=ASK_CSP,
        ident=row.id,
        read_key=read_key,
        uri=uri,
        qr=qr,
        claims=row.claims.split(","),
        expires=row.expires_at,
    )


@router.post("/ask", response_class=HTMLResponse)
def ask(
    request: Request, t: TranslatorDep, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> HTMLResponse:
    try:
        base = public_base(request, settings)
    except Problem as problem:
        return problem_page(request, t, problem)
    opened = open_request(session, settings, base, settings.openid4vp_claims, clock(), judge_trust=True)
    return _ask_page(request, t, opened.row, opened.read_key, base)


@router.post("/ask/verdict", response_class=HTMLResponse)
def ask_verdict(
    request: Request,
    t: TranslatorDep,
    fields: FormDep,
    session: SessionDep,
    settings: SettingsDep,
    partners: PartnerNamesDep,
    clock: ClockDep,
) -> HTMLResponse:
    """The verdict, once; the page again while the wallet has not answered; else the request is gone."""
    ident, read_key = fields.get("id", ""), fields.get("key", "")
    row = readable(session, ident, read_key) if _ID.fullmatch(ident) and read_key else None
    state = progress(row, clock()) if row is not None else None
    if row is not None and state == "waiting":
        try:
            return _ask_page(request, t, row, read_key, public_base(request, settings))
        except Problem as problem:
            return problem_page(request, t, problem)
    result = take_verdict(session, row, read_key) if row is not None else None
    if result is None:
        return error_page(request, t, t("ask.expired" if state == "expired" else "ask.gone"), 410)
    text = json.dumps(result.document) if result.document is not None and not result.sd_jwt else ""
    return result_page(
        request, t, result, text=text, partners=partners, moment=clock(), session=session, settings=settings
    )
