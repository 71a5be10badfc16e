"""``POST /scan``: a picture of a QR code in, the verdict out.

The picture is a multipart form's ``image`` field (the page's upload, with optional ``challenge``
and ``domain`` fields) or an ``image/*`` body (the page's camera frames; ``?challenge=&domain=``).
Its one QR code is decoded (`nansen.qr`; an SD-JWT+KB too, `nansen.qr.sdjwt`, checked by
`verifier.sdjwt_checks`), and the presentation verified as ``POST /presentations/verify`` does (a challenge this verifier issued, or one way: fresh and accepted
once), except that trust is always judged (no trust list: CANNOT CONFIRM). A browser (``Accept:
text/html``) gets the verdict page, or the scan page with the problem; any other client the
VC-API report (200 valid, 400 not) or a problem (RFC 9457) whose ``type`` names what went wrong:
``#no-image``, ``#not-an-image``, ``#image-too-large`` (413), ``#no-qr-code``,
``#several-qr-codes``, ``#not-nansen`` (not our format), ``#other-version``, ``#damaged``,
``#challenge-required``, ``#wrong-domain``, ``#unsupported-image`` (422: deeper than 8 bits a
channel, more than 4 channels, several frames), ``#busy`` (503 with ``Retry-After``: other
pictures are being decoded; see `verifier.pictures`).
"""

from __future__ import annotations

from functools import partial
from typing import Any, Final

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from nansen.verify import VerificationResult
from service.problems import Problem
from verifier.api.report import vc_api
from verifier.api.vcapi import NO_STORE
from verifier.dependencies import PartnerNamesDep, ScanSlotsDep, ScanVerifierDep, SessionDep, SettingsDep
from verifier.pages.render import TranslatorDep, problem_page, result_page, wants_html
from verifier.pictures import MULTIPART, check_picture, read_code, read_scan
from verifier.verification import check_scanned

SCAN_PATH: Final = "/scan"

router = APIRouter()

_BODY: Final[dict[str, Any]] = {
    "requestBody": {
        "required": True,
        "content": {
            MULTIPART: {
                "schema": {
                    "type": "object",
                    "required": ["image"],
                    "properties": {
                        "image": {"type": "string", "format": "binary"},
                        "challenge": {"type": "string"},
                        "domain": {"type": "string"},
                    },
                }
            },
            "image/*": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(SCAN_PATH, summary="Verify the presentation in a picture of a QR code", openapi_extra=_BODY)
async def scan(
    request: Request,
    t: TranslatorDep,
    verifier: ScanVerifierDep,
    partners: PartnerNamesDep,
    session: SessionDep,
    settings: SettingsDep,
    slots: ScanSlotsDep,
) -> Response:
    html = wants_html(request)
    try:
        scanned = await read_scan(request)
        # The header alone, before waiting for a slot: a bomb is refused whatever the load.
        await to_thread.run_sync(check_picture, scanned.image, settings.max_image_pixels)
        with slots.taken():
            text, document = await to_thread.run_sync(read_code, scanned.image, settings.max_image_pixels)
        check = partial(check_scanned, verifier=verifier, session=session, settings=settings)
        result: VerificationResult = await to_thread.run_sync(check, document, scanned.options)
    except Problem as problem:
        if html:
            return problem_page(request, t, problem)
        raise
    if not html:
        return JSONResponse(vc_api(result), status_code=200 if result.verified else 400, headers=NO_STORE)
    render = partial(
        result_page, text=text, partners=partners, moment=verifier.clock(), session=session, settings=settings
    )
    return await to_thread.run_sync(render, request, t, result)
