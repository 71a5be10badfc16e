"""The scan page's two-way flow: give the person a challenge, then scan their wallet's answer.

``POST /challenge`` issues a single-use challenge from the challenge store (`verifier.replay`,
expiring after ``NANSEN_VERIFIER_CHALLENGE_TTL_SECONDS``) as a short code a person can type, and
shows it with this verifier's domain, and as a QR code whose text is ``NC1:`` + code + ``:`` +
domain (`nansen.qr.challenge`). The page then scans as ``GET /`` does: the wallet's NV1 code
carries the challenge in its proof, which `verifier.verification.check_scanned` checks and spends.
A verifier that scans one way issues no challenges (Data Integrity 1.0 §2.1).
"""

from __future__ import annotations

import base64
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from nansen.qr import uri_svg
from nansen.qr.challenge import encode_challenge, grouped, new_code
from verifier import replay
from verifier.dependencies import ClockDep, SessionDep, SettingsDep
from verifier.pages.ask import ASK_CSP
from verifier.pages.render import TranslatorDep, error_page, page
from verifier.settings import Mode

router = APIRouter(include_in_schema=False)


@router.post("/challenge", response_class=HTMLResponse)
def give_challenge(
    request: Request, t: TranslatorDep, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> HTMLResponse:
    if settings.mode is Mode.ONE_WAY:
        return error_page(request, t, t("challenge.one_way"), 404)
    code, expires = replay.issue_challenge(
        session, clock(), timedelta(seconds=settings.challenge_ttl_seconds), new_code()
    )
    svg = uri_svg(encode_challenge(code, settings.domain))
    return page(
        request,
        t,
        "index.html",
        csp=ASK_CSP,
        challenge_code=grouped(code),
        challenge_domain=settings.domain,
        challenge_qr="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii"),
        challenge_expires=expires,
    )
