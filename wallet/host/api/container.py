"""The wallet file: ``GET /api/container`` and ``PUT /api/container`` with versions (ETag,
``If-Match``: RFC 9110 §13.1.1), ``PUT /api/verifiers`` when the passphrases change, and
``PUT /api/verifier`` when one passphrase changes (the others' verifiers kept).

Two devices: an upload names the version it replaces; when the stored file changed meanwhile the
answer is 412 and nothing is written (the app shows the conflict, never overwrites). The file's
size never changes (`wallet.host.containers`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from service.problems import Problem
from wallet.host import containers
from wallet.host.accounts import VERIFIER_SIZE
from wallet.host.api.deps import (
    OCTETS,
    CallerDep,
    HostDep,
    JsonDep,
    OctetsDep,
    etag,
    expected_version,
    members,
    verifiers,
)
from wallet.host.encoding import from_b64u

router = APIRouter(prefix="/api", tags=["wallet file"])


@router.get("/container", summary="The stored wallet file")
def read_container(request: Request, host: HostDep, caller: CallerDep) -> Response:
    """The bytes and their ``ETag``; 304 when ``If-None-Match`` names the stored version; 404 before
    the first upload."""
    stored = host.accounts.read(caller.account)
    if stored is None:
        raise Problem(404, "No wallet file has been uploaded for this account yet.")
    tag = etag(stored.version)
    if request.headers.get("if-none-match", "").strip() == tag:
        return Response(status_code=304, headers={"ETag": tag})
    return Response(stored.container, media_type=OCTETS, headers={"ETag": tag})


@router.put("/container", status_code=204, summary="Replace the stored wallet file")
def write_container(request: Request, host: HostDep, caller: CallerDep, body: OctetsDep) -> Response:
    """Stored if ``If-Match`` names the stored version (``If-None-Match: *`` for the first upload):
    204 with the new ``ETag``; 412 if it changed meanwhile; 428 without a precondition."""
    expected = expected_version(request)
    containers.check(body)
    version = host.accounts.replace(caller.account, body, expected)
    return Response(status_code=204, headers={"ETag": etag(version)})


@router.put("/verifiers", status_code=204, summary="Replace the login verifiers")
def write_verifiers(request: Request, host: HostDep, caller: CallerDep, body: JsonDep) -> Response:
    """New verifiers, if ``If-Match`` names the stored file's version (the one sealed with the new
    passphrases); every other sign-in of the account ends."""
    expected = expected_version(request)
    if expected is None:
        raise Problem(428, "Send If-Match with the ETag of the stored wallet file.")
    (given,) = members(body, "verifiers")
    host.accounts.change_verifiers(caller.account, verifiers(given), expected, caller.token)
    return Response(status_code=204, headers={"ETag": etag(expected)})


@router.put("/verifier", status_code=204, summary="Replace one login verifier (a passphrase changed)")
def swap_verifier(request: Request, host: HostDep, caller: CallerDep, body: JsonDep) -> Response:
    """``{"old", "new"}`` (base64url SHA-256 of the old and new login keys), if ``If-Match`` names the
    stored file's version (the one sealed with the new passphrase): ``old`` becomes ``new`` where it
    stands, the duress passphrase's verifier kept; every other sign-in of the account ends."""
    expected = expected_version(request)
    if expected is None:
        raise Problem(428, "Send If-Match with the ETag of the stored wallet file.")
    old, new = members(body, "old", "new")
    host.accounts.swap_verifier(
        caller.account,
        from_b64u(old, "The old verifier", VERIFIER_SIZE),
        from_b64u(new, "The new verifier", VERIFIER_SIZE),
        expected,
        caller.token,
    )
    return Response(status_code=204, headers={"ETag": etag(expected)})
