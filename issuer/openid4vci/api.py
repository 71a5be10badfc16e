"""The OpenID4VCI routes: the partner's offer (API key), and the wallet's metadata, token, nonce and
credential endpoints (OpenID4VCI 1.0 §4, §6, §7, §8, §12), each under the partner's issuer identifier.

Errors of the token and credential endpoints are OAuth's JSON (``error``, ``error_description``),
as wallets expect, not problem details.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Header, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from issuer import legacy_ldp, sdjwt
from issuer.api.deps import BodyDep, CallerDep, SessionDep, SettingsDep, VaultDep
from issuer.openid4vci import metadata, offers
from issuer.openid4vci.offers import GrantError
from nansen.openid4vc import proof
from nansen.openid4vc.names import FORMATS, LDP_VC, LEGACY_LDP_VC, PRE_AUTHORIZED_GRANT, SD_JWT
from nansen.openid4vc.offer import CredentialOffer
from nansen.timeutil import format_datetime
from service.problems import Problem

router = APIRouter(tags=["openid4vci"])
log = logging.getLogger("issuer")

PartnerId = Annotated[str, Path(pattern="^[A-Za-z0-9_-]{1,32}$")]
_NO_STORE = {"Cache-Control": "no-store"}
_FORM = "application/x-www-form-urlencoded"


def _answer(body: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=_NO_STORE)


async def _on_grant_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, GrantError)
    headers = dict(_NO_STORE)
    if error.status == 401:
        headers["WWW-Authenticate"] = f'Bearer error="{error.error}"'
    return JSONResponse(
        {"error": error.error, "error_description": error.description},
        status_code=error.status,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.add_exception_handler(GrantError, _on_grant_error)


@router.post("/openid4vci/offers", status_code=201, summary="Offer an issued credential to a wallet")
def make_offer(
    caller: CallerDep, body: BodyDep, session: SessionDep, vault: VaultDep, settings: SettingsDep
) -> JSONResponse:
    """Body ``{"credential": <the credential POST /documents answered with>, "configurations": [...]}``
    (default: both formats). Answers the ``openid-credential-offer://`` URI for a QR code and the PIN
    (``txCode``) to read out to the person; both are shown once."""
    if not isinstance(body, dict):
        raise Problem(400, "The body must be a JSON object.")
    wanted = body.get("configurations", list(FORMATS))
    if not isinstance(wanted, list) or not all(isinstance(c, str) for c in wanted):
        raise Problem(422, "The configurations must be a list of configuration ids.")
    served = metadata.configurations(settings)
    made = offers.make_offer(session, vault, caller, body.get("credential"), tuple(wanted), served)
    offer = CredentialOffer(
        metadata.issuer_id(settings, caller.id), made.configurations, made.code, len(made.pin)
    )
    log.info("credential offer made by partner %s", caller.id)
    return _answer(
        {"credentialOffer": offer.uri(), "txCode": made.pin, "expiresAt": format_datetime(made.expires_at)},
        201,
    )


@router.get("/.well-known/openid-credential-issuer/openid4vci/{partner_id}", include_in_schema=False)
@router.get(
    "/openid4vci/{partner_id}/.well-known/openid-credential-issuer", summary="Credential issuer metadata"
)
def issuer_metadata(partner_id: PartnerId, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    return metadata.credential_issuer(settings, offers.partner_named(session, partner_id))


@router.get("/.well-known/oauth-authorization-server/openid4vci/{partner_id}", include_in_schema=False)
@router.get(
    "/openid4vci/{partner_id}/.well-known/oauth-authorization-server", summary="Authorisation server metadata"
)
def authorization_metadata(
    partner_id: PartnerId, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    return metadata.authorization_server(settings, offers.partner_named(session, partner_id))


@router.post("/openid4vci/{partner_id}/token", summary="Token endpoint (pre-authorised code)")
async def token(
    partner_id: PartnerId, request: Request, session: SessionDep, vault: VaultDep
) -> JSONResponse:
    """``grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code``, ``pre-authorized_code``,
    ``tx_code`` (the PIN), form-encoded (RFC 6749 §4.1.3, OpenID4VCI 1.0 §6.1)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != _FORM:
        raise GrantError(400, "invalid_request", f"The token request must be {_FORM}.")
    try:
        fields = parse_qs((await request.body()).decode("utf-8"), strict_parsing=False, max_num_fields=10)
    except (UnicodeDecodeError, ValueError) as error:
        raise GrantError(400, "invalid_request", "The token request's form cannot be read.") from error
    if any(len(values) != 1 for values in fields.values()):
        raise GrantError(400, "invalid_request", "Each field of the token request must be given once.")
    form = {name: values[0] for name, values in fields.items()}
    if form.get("grant_type") != PRE_AUTHORIZED_GRANT:
        raise GrantError(400, "unsupported_grant_type", "Only the pre-authorised code grant is supported.")
    code = form.get("pre-authorized_code")
    if not code or len(code) > 100:
        raise GrantError(400, "invalid_request", "The token request carries no pre-authorised code.")
    access = await run_in_threadpool(
        offers.exchange_code, session, vault, partner_id, code, form.get("tx_code")
    )
    lifetime = int(offers.TOKEN_LIFETIME.total_seconds())
    return _answer({"access_token": access, "token_type": "Bearer", "expires_in": lifetime})


@router.post("/openid4vci/{partner_id}/nonce", summary="Nonce endpoint")
def nonce(partner_id: PartnerId, session: SessionDep, vault: VaultDep) -> JSONResponse:
    offers.partner_named(session, partner_id)
    return _answer({"c_nonce": offers.new_nonce(session, vault)})


def _bearer(authorization: str | None) -> str:
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise GrantError(
            401,
            "invalid_token",
            "The credential request needs the access token: 'Authorization: Bearer TOKEN'.",
        )
    return value.strip()


def _proof_of(body: dict[str, Any]) -> str:
    proofs = body.get("proofs")
    jwts = proofs.get("jwt") if isinstance(proofs, dict) else None
    if not isinstance(proofs, dict) or set(proofs) != {"jwt"} or not isinstance(jwts, list) or len(jwts) != 1:
        raise GrantError(400, "invalid_proof", "The request must carry one proof, as proofs.jwt: [JWT].")
    return str(jwts[0]) if isinstance(jwts[0], str) else ""


@router.post("/openid4vci/{partner_id}/credential", summary="Credential endpoint")
def credential(
    partner_id: PartnerId,
    body: BodyDep,
    session: SessionDep,
    vault: VaultDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """``{"credential_configuration_id", "proofs": {"jwt": [PROOF]}}`` with the access token
    (OpenID4VCI 1.0 §8.2); answers ``{"credentials": [{"credential": …}]}`` (§8.3)."""
    grant = offers.open_grant(session, vault, partner_id, _bearer(authorization))
    if not isinstance(body, dict):
        raise GrantError(400, "invalid_credential_request", "The body must be a JSON object.")
    configuration = body.get("credential_configuration_id")
    if configuration not in metadata.configurations(settings):
        raise GrantError(
            400, "unknown_credential_configuration", "This issuer has no such credential configuration."
        )
    moment = datetime.now(UTC)
    try:
        proven = proof.verify(
            _proof_of(body),
            audience=metadata.issuer_id(settings, partner_id),
            moment=moment,
            skew=timedelta(seconds=settings.limits.clock_skew_seconds),
        )
    except proof.ProofError as error:
        raise GrantError(400, "invalid_proof", str(error)) from error
    holder = grant.payload.credential["credentialSubject"].get("id")
    if configuration in (LDP_VC, LEGACY_LDP_VC) and proven.did != holder:
        raise GrantError(
            400,
            "invalid_proof",
            "This credential is bound to the wallet key the organisation named at the upload; "
            "the proof must be made with that did:key.",
        )
    offers.use_nonce(session, vault, proven.nonce)
    offers.spend(session, grant, configuration)
    if configuration == SD_JWT:
        partner = offers.partner_named(session, partner_id)
        issued: Any = sdjwt.issue_for(
            session,
            vault,
            partner,
            holder=proven.did or proven.key,
            document_type=grant.payload.document_type,
            facts=grant.payload.facts,
            credential=grant.payload.credential,
            issued_at=moment.replace(microsecond=0),
        )
    elif configuration == LEGACY_LDP_VC:
        partner = offers.partner_named(session, partner_id)
        issued = legacy_ldp.issue_for(
            session, vault, partner, grant.payload.credential, moment.replace(microsecond=0)
        )
    else:
        issued = grant.payload.credential
    log.info("credential given through OpenID4VCI by partner %s", partner_id)
    return _answer({"credentials": [{"credential": issued}]})
