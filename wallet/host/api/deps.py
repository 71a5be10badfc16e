"""What the routes draw on: the host's operations, the caller's address, the signed-in account,
bodies (JSON within bounds, or a wallet file's bytes) and the ``If-Match`` precondition."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.bodies import JSON_TYPES, media_type, parse_body
from service.problems import Problem
from wallet.host.accounts import VERIFIER_SIZE, VERIFIERS, Accounts, not_signed_in
from wallet.host.backups import Backups
from wallet.host.encoding import from_b64u
from wallet.host.settings import Settings

OCTETS: Final = "application/octet-stream"
_bearer = HTTPBearer(auto_error=False, description="The token POST /api/session gave.")


@dataclass(frozen=True)
class Host:
    settings: Settings
    accounts: Accounts
    backups: Backups


def get_host(request: Request) -> Host:
    host = request.app.state.host
    assert isinstance(host, Host)
    return host


HostDep = Annotated[Host, Depends(get_host)]


def moment() -> int:
    """Now, in whole seconds since the epoch."""
    return int(time.time())


def address(request: Request) -> str:
    """The caller's address, only ever used keyed-hashed to name a counter."""
    return request.client.host if request.client is not None else "unknown"


AddressDep = Annotated[str, Depends(address)]


@dataclass(frozen=True)
class Caller:
    account: str
    token: str


def get_caller(
    host: HostDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Caller:
    if credentials is None or len(credentials.credentials) > 128:
        raise not_signed_in()
    return Caller(host.accounts.signed_in(credentials.credentials, moment()), credentials.credentials)


CallerDep = Annotated[Caller, Depends(get_caller)]


async def json_object(request: Request, host: HostDep) -> dict[str, Any]:
    """The body as a JSON object, within the size (the body limit) and depth bounds."""
    if media_type(request) not in JSON_TYPES:
        raise Problem(415, "The request body must be JSON (Content-Type: application/json).")
    body = await parse_body(await request.body(), host.settings.limits)
    if not isinstance(body, dict):
        raise Problem(422, "The request body must be a JSON object.")
    return body


JsonDep = Annotated[dict[str, Any], Depends(json_object)]


async def octets(request: Request) -> bytes:
    if media_type(request) != OCTETS:
        raise Problem(415, f"The request body must be bytes (Content-Type: {OCTETS}).")
    return await request.body()


OctetsDep = Annotated[bytes, Depends(octets)]


def members(body: dict[str, Any], *names: str) -> list[Any]:
    """The body's members, exactly ``names`` (a missing or unknown one is a 422)."""
    if set(body) != set(names):
        raise Problem(422, f"The request body must have exactly these members: {', '.join(names)}.")
    return [body[name] for name in names]


def verifiers(value: Any) -> bytes:
    """Three distinct 32-byte verifiers, base64url, joined."""
    if not isinstance(value, list) or len(value) != VERIFIERS:
        raise Problem(422, f"verifiers must be a list of exactly {VERIFIERS}.")
    decoded = [from_b64u(item, "Each verifier", VERIFIER_SIZE) for item in value]
    if len(set(decoded)) != VERIFIERS:
        raise Problem(422, "The verifiers must all differ (unused ones are random).")
    return b"".join(decoded)


def etag(version: str) -> str:
    return f'"{version}"'


def expected_version(request: Request) -> str | None:
    """The version named by ``If-Match``; None for ``If-None-Match: *`` (only if there is no file
    yet); 428 when neither is given (RFC 6585 §3), or when ``If-Match`` names no single version."""
    if_match = request.headers.get("if-match")
    if if_match is None:
        if request.headers.get("if-none-match", "").strip() == "*":
            return None
        raise Problem(
            428,
            "Send If-Match with the ETag of the copy this replaces (If-None-Match: * for the first upload).",
        )
    tag = if_match.strip()
    if len(tag) < 3 or not (tag.startswith('"') and tag.endswith('"')) or '"' in tag[1:-1]:
        raise Problem(428, "If-Match must be the one strong ETag the host gave for the stored copy.")
    return tag[1:-1]
