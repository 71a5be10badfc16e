"""Accounts and sign-in: ``POST /api/accounts``, ``POST /api/header``, ``POST /api/session``,
``DELETE /api/session``, ``DELETE /api/account`` (WEBWALLET-PROTOCOL.md)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from wallet.host.api.deps import AddressDep, CallerDep, HostDep, JsonDep, members, moment, verifiers
from wallet.host.encoding import account_id, account_text, b64u, from_b64u
from wallet.kdf import KEY_SIZE

router = APIRouter(prefix="/api", tags=["accounts"])


@router.post("/accounts", status_code=201, summary="Create an account")
def create_account(host: HostDep, body: JsonDep, caller_address: AddressDep) -> JSONResponse:
    """A new account holding three verifiers; its identifier and a sign-in token. Upload the wallet
    file next (``PUT /api/container`` with ``If-None-Match: *``). Limited per address."""
    (given,) = members(body, "verifiers")
    joined = verifiers(given)
    now = moment()
    host.accounts.count_address("create", caller_address, now)
    raw, token = host.accounts.create(joined, now)
    return JSONResponse(
        {"account": account_text(raw), "token": token.token, "expiresIn": token.expires_in}, status_code=201
    )


@router.post("/header", summary="The header of an account's wallet file")
def header(host: HostDep, body: JsonDep, caller_address: AddressDep) -> JSONResponse:
    """The 40-byte header a new device derives the login key from. An unknown account gets a
    header too, the same each time, so the answer does not tell whether an account exists."""
    (given,) = members(body, "account")
    raw = account_id(given)
    host.accounts.count_address("header", caller_address, moment())
    return JSONResponse({"header": b64u(host.accounts.header(raw))})


@router.post("/session", summary="Sign in")
def sign_in(host: HostDep, body: JsonDep, caller_address: AddressDep) -> JSONResponse:
    """A bearer token for the holder of a login key; 401 otherwise. Limited per address and per
    account (429 with Retry-After)."""
    account, login = members(body, "account", "login")
    raw = account_id(account)
    login_key = from_b64u(login, "login", KEY_SIZE)
    now = moment()
    host.accounts.count_address("sign-in", caller_address, now)
    token = host.accounts.sign_in(raw, login_key, now)
    return JSONResponse({"token": token.token, "expiresIn": token.expires_in})


@router.delete("/session", status_code=204, summary="Sign out")
def sign_out(host: HostDep, caller: CallerDep) -> Response:
    host.accounts.sign_out(caller.token)
    return Response(status_code=204)


@router.delete("/account", status_code=204, summary="Delete the account and everything held for it")
def delete_account(host: HostDep, caller: CallerDep) -> Response:
    """The wallet file, the verifiers, every sign-in, and the backups it pinned (unless another
    account pinned the same bytes) are removed."""
    released = host.accounts.delete(caller.account)
    host.backups.release(released)
    return Response(status_code=204)
