"""The console's pages: sign in with the API key, onboard a person by their DID, upload a scan and see
the credential (and a QR code of it, with its document key, for the person's wallet to scan), list
the partner's credentials, revoke, suspend or reinstate one.

Server-rendered, no script at all, nothing from elsewhere (a strict Content-Security-Policy), readable
on a phone. Every page acts for the signed-in partner only, through the same functions as the API
(``issuer.documents``, ``issuer.records``), so a partner sees and changes its own credentials only.
A refusal is shown as a page (or as the form again, with the reason), never as JSON.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import replace
from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from issuer import documents, partners, records, uploads
from issuer.api.deps import SessionDep, SettingsDep, StoreDep, VaultDep, admit, get_vault
from issuer.console import session
from issuer.console.i18n import CATALOGUES
from issuer.console.session import ConsoleSession
from issuer.models import Partner
from issuer.openid4vci import metadata, offers
from issuer.settings import Settings
from issuer.vault import Vault
from nansen import vcdm
from nansen.errors import InvalidInput
from nansen.openid4vc.names import FORMATS
from nansen.openid4vc.offer import CredentialOffer
from nansen.qr import QRCodeError, encode_presentation, qr_svg, uri_svg
from nansen.timeutil import parse_datetime
from service.i18n import Translator
from service.pages import SECURITY_HEADERS, language_headers, page_context
from service.problems import Problem
from service.theme import Theme

PREFIX = "/console"
UPLOAD_PATH = f"{PREFIX}/documents"
PAGE_SIZE = 50
#: The facts the upload form asks for (the IdentityDocumentCredential schema's identityDocument).
FACTS = (
    "givenName",
    "familyName",
    "birthDate",
    "birthPlace",
    "nationality",
    "gender",
    "fatherName",
    "motherName",
    "documentNumber",
    "documentTitle",
    "issuingCountry",
    "issuingAuthority",
    "dateOfIssue",
    "dateOfExpiry",
)
_UPLOAD_FIELDS = (
    "csrf",
    "holder",
    "documentType",
    "checkMethod",
    "documentPresence",
    "subjectPresence",
    "escrow",
    *FACTS,
)
_ACTIONS = {
    "revoke": ("revocation", True),
    "suspend": ("suspension", True),
    "reinstate": ("suspension", False),
}
_FORM_TYPES = ("application/x-www-form-urlencoded", uploads.MULTIPART)

templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}


class SignInRequired(Exception):
    """The page needs a signed-in partner; the answer is the sign-in page."""


def _theme(request: Request) -> Theme:
    theme: Theme = request.app.state.settings.theme
    return theme


def _translator(request: Request, state: ConsoleSession) -> Translator:
    catalogues = CATALOGUES.with_default(_theme(request).default_language)
    return catalogues.translator(catalogues.choose(state.lang, request.headers.get("accept-language", "")))


def _finish(response: Response, request: Request, vault: Vault, state: ConsoleSession) -> Response:
    response.headers.update(_HEADERS)
    session.save(response, request, vault, state)
    return response


def render(request: Request, state: ConsoleSession, name: str, status: int = 200, **context: Any) -> Response:
    """A page, in the session's language, with the session's cookie refreshed."""
    vault = get_vault(request)
    t = _translator(request, state)
    # A page shown after a POST has no address of its own to show in another language.
    here = request.url.path if request.method == "GET" else f"{PREFIX}/credentials"
    response = templates.TemplateResponse(
        request,
        name,
        {**page_context(CATALOGUES, t, _theme(request)), "here": here, "csrf": state.csrf, **context},
        status_code=status,
    )
    response.headers.update(language_headers(t))
    return _finish(response, request, vault, state)


def redirect(request: Request, state: ConsoleSession, to: str) -> Response:
    return _finish(RedirectResponse(to, status_code=303), request, get_vault(request), state)


class PageRoute(APIRoute):
    """A console route: refusals become pages, and a page that needs a partner sends to sign-in."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handle(request)
            except SignInRequired:
                return redirect(request, session.load(request, get_vault(request)), f"{PREFIX}/sign-in")
            except RequestValidationError:
                return _error(request, Problem(400, "A parameter of the request is missing or not valid."))
            except HTTPException as error:
                return _error(request, Problem(error.status_code, f"{HTTPStatus(error.status_code).phrase}."))
            except Problem as problem:
                return _error(request, problem)

        return page


#: The refusals whose meaning the console says in the page's language (``error.status.<code>``);
#: any other status reads ``error.status.other``.
TRANSLATED_STATUSES = frozenset({400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503})


def refusal_summary(t: Translator, status: int) -> str:
    """What a refusal means, in the page's language. The service's own sentence (English, and
    more precise) is shown beside it, marked as English, so nothing it says is lost."""
    return t(f"error.status.{status}" if status in TRANSLATED_STATUSES else "error.status.other")


def _error(request: Request, problem: Problem) -> Response:
    state = session.load(request, get_vault(request))
    summary = refusal_summary(_translator(request, state), problem.status)
    response = render(request, state, "error.html", problem.status, summary=summary, detail=problem.detail)
    response.headers.update(problem.headers)
    return response


router = APIRouter(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


def get_state(request: Request, vault: VaultDep) -> ConsoleSession:
    """The console session; ``?lang=`` on any page chooses the language."""
    state = session.load(request, vault)
    chosen = request.query_params.get("lang")
    if chosen in CATALOGUES.entries and chosen != state.lang:
        return replace(state, lang=chosen)
    return state


StateDep = Annotated[ConsoleSession, Depends(get_state)]


def get_partner(state: StateDep, db: SessionDep, vault: VaultDep, settings: SettingsDep) -> Partner:
    """The signed-in partner, after taking a token from its bucket; else to the sign-in page."""
    if state.partner_id is None:
        raise SignInRequired
    with db.begin():
        partner = partners.locked(db, state.partner_id)
        if partner is None or not state.is_of(vault, partner) or not state.is_live(db, partner):
            raise SignInRequired
        admit(partner, settings)
    return partner


PartnerDep = Annotated[Partner, Depends(get_partner)]


async def _posted(request: Request, state: ConsoleSession, settings: Settings) -> FormData:
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type not in _FORM_TYPES:
        raise Problem(415, _translator(request, state)("error.form"))
    form = await request.form(
        max_files=1, max_fields=len(_UPLOAD_FIELDS), max_part_size=settings.limits.max_document_bytes
    )
    if not state.accepts(form.get("csrf")):
        await form.close()
        raise Problem(403, _translator(request, state)("error.csrf"))
    return form


async def anonymous_form(request: Request, state: StateDep, settings: SettingsDep) -> AsyncIterator[FormData]:
    """A posted form whose CSRF token is the session's (403 otherwise)."""
    form = await _posted(request, state, settings)
    try:
        yield form
    finally:
        await form.close()


async def partner_form(
    request: Request, _partner: PartnerDep, state: StateDep, settings: SettingsDep
) -> AsyncIterator[FormData]:
    """A signed-in partner's posted form (read only once the partner is known), CSRF-checked."""
    form = await _posted(request, state, settings)
    try:
        yield form
    finally:
        await form.close()


AnonymousFormDep = Annotated[FormData, Depends(anonymous_form)]
FormDep = Annotated[FormData, Depends(partner_form)]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@router.get("")
def home() -> Response:
    return RedirectResponse(f"{PREFIX}/credentials", status_code=303)


@router.get("/sign-in")
def sign_in_page(request: Request, state: StateDep) -> Response:
    return render(request, state, "sign_in.html")


@router.post("/sign-in")
def sign_in(
    request: Request, state: StateDep, form: AnonymousFormDep, db: SessionDep, vault: VaultDep
) -> Response:
    with db.begin():
        partner = partners.authenticate(db, _text(form, "api_key"))
        signed_in = None if partner is None else state.signed_in(db, vault, partner)
    if signed_in is None:
        return render(request, state, "sign_in.html", 401, error=_translator(request, state)("sign_in.wrong"))
    return redirect(request, signed_in, f"{PREFIX}/credentials")


@router.post("/sign-out")
def sign_out(request: Request, state: StateDep, _form: AnonymousFormDep, db: SessionDep) -> Response:
    with db.begin():
        state.end(db)
    return redirect(request, ConsoleSession.new(state.lang), f"{PREFIX}/sign-in")


@router.get("/onboard")
def onboard_page(request: Request, state: StateDep, partner: PartnerDep) -> Response:
    return render(request, state, "onboard.html", partner=partner)


def _upload_page(
    request: Request,
    state: ConsoleSession,
    partner: Partner,
    values: dict[str, str],
    status: int = 200,
    error: str = "",
    error_detail: str = "",
) -> Response:
    return render(
        request,
        state,
        "upload.html",
        status,
        partner=partner,
        values=values,
        facts=FACTS,
        document_types=vcdm.IDENTITY_DOCUMENT_TYPES,
        presences=documents.PRESENCES,
        error=error,
        error_detail=error_detail,
    )


@router.post("/onboard")
def onboard(request: Request, state: StateDep, partner: PartnerDep, form: FormDep) -> Response:
    """The holder's DID, pasted from their wallet: checked, then the upload form for them."""
    holder = _text(form, "holder")
    try:
        documents.recipient(holder)
    except InvalidInput:  # the core's reason is English; the person at the desk reads the page's language
        error = _translator(request, state)("onboard.not_usable")
        return render(request, state, "onboard.html", 422, partner=partner, holder=holder, error=error)
    return _upload_page(request, state, partner, {"holder": holder})


def _request(form: FormData) -> documents.DocumentRequest:
    return documents.DocumentRequest(
        holder=_text(form, "holder"),
        document_type=_text(form, "documentType"),
        facts={name: _text(form, name) for name in FACTS if _text(form, name)},
        check_method=_text(form, "checkMethod"),
        document_presence=_text(form, "documentPresence") or None,
        subject_presence=_text(form, "subjectPresence") or None,
        escrow=_text(form, "escrow") == "yes",
    )


@router.post("/documents")
def upload(
    request: Request,
    state: StateDep,
    partner: PartnerDep,
    form: FormDep,
    db: SessionDep,
    vault: VaultDep,
    settings: SettingsDep,
    store: StoreDep,
) -> Response:
    """Encrypt and pin the scan, issue its credential, and show it (or the form again, with the reason)."""
    values = {name: _text(form, name) for name in _UPLOAD_FIELDS if name != "csrf"}
    try:
        uploads.text_fields(form, _UPLOAD_FIELDS, "scan")
        issued = documents.issue(
            db, vault, settings, store, partner, _request(form), uploads.scan_file(form, settings, "scan")
        )
    except Problem as problem:
        summary = refusal_summary(_translator(request, state), problem.status)
        return _upload_page(request, state, partner, values, problem.status, summary, problem.detail)
    bundle = json.dumps(issued.to_json(), indent=2)
    return render(
        request,
        state,
        "issued.html",
        partner=partner,
        credential=issued.credential,
        facts=issued.credential["credentialSubject"]["identityDocument"],
        bundle=bundle,
        download=_data_url("application/json", bundle),
        qr=_wallet_qr(issued.to_json()),
        holder=values["holder"],
        offer=_openid4vc_offer(db, vault, settings, partner, issued.credential),
    )


def _openid4vc_offer(
    db: Session, vault: Vault, settings: Settings, partner: Partner, credential: dict[str, Any]
) -> dict[str, str] | None:
    """An OpenID4VCI offer of the credential in both formats (docs/openid4vc.md): its URI as a QR
    code and a link, and the PIN to read out; None when it cannot be made (the page says nothing)."""
    try:
        made = offers.make_offer(db, vault, partner, credential, tuple(FORMATS))
    except Problem:
        return None
    uri = CredentialOffer(
        metadata.issuer_id(settings, partner.id), made.configurations, made.code, len(made.pin)
    ).uri()
    return {"uri": uri, "pin": made.pin, "qr": _data_url("image/svg+xml", uri_svg(uri))}


def _data_url(media_type: str, content: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(content.encode()).decode()}"


def _wallet_qr(answer: dict[str, Any]) -> str | None:
    """The issuance answer (credential, sealed keys, CID) as a QR code image for the wallet to scan,
    in the NV1 format of ``nansen.qr``; None when it does not fit in one code."""
    try:
        return _data_url("image/svg+xml", qr_svg(encode_presentation(answer)))
    except QRCodeError:
        return None


def _actions(status: dict[str, bool]) -> list[str]:
    """What can be done to a credential with this status: nothing once it is revoked."""
    if status.get("revocation"):
        return []
    actions = []
    if "suspension" in status:
        actions.append("reinstate" if status["suspension"] else "suspend")
    if "revocation" in status:
        actions.append("revoke")
    return actions


@router.get("/credentials")
def credentials_page(
    request: Request, state: StateDep, partner: PartnerDep, db: SessionDep, page: int = 1, done: str = ""
) -> Response:
    page = min(max(page, 1), 1_000_000)
    listed = records.listing(db, partner.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    return render(
        request,
        state,
        "credentials.html",
        partner=partner,
        credentials=[
            {**record, "issued_at": parse_datetime(record["issued"]), "actions": _actions(record["status"])}
            for record in listed[:PAGE_SIZE]
        ],
        page=page,
        more=len(listed) > PAGE_SIZE,
        done=done if done in _ACTIONS else "",
    )


@router.post("/credentials/status")
def change_status(
    request: Request,
    state: StateDep,
    partner: PartnerDep,
    form: FormDep,
    db: SessionDep,
    vault: VaultDep,
    settings: SettingsDep,
) -> Response:
    """Revoke (after a confirmation), suspend or reinstate one of the partner's credentials."""
    action, credential_id = _text(form, "action"), _text(form, "credential")
    if action not in _ACTIONS or not credential_id:
        raise Problem(400, _translator(request, state)("error.form"))
    if action == "revoke" and _text(form, "confirm") != "yes":
        record = records.view(db, partner.id, credential_id)
        issued_at = parse_datetime(record["issued"])
        return render(request, state, "confirm.html", partner=partner, record=record, issued_at=issued_at)
    purpose, value = _ACTIONS[action]
    records.change_status(
        db, vault, settings, partner.id, records.StatusChange(credential_id, purpose, value)
    )
    return redirect(request, state, f"{PREFIX}/credentials?done={action}")
