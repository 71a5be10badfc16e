"""Backups: ``POST /api/backups`` (signed in) pins one in the host's IPFS store; ``POST
/api/backups/fetch`` gives one back by CID to anyone, limited per address (`wallet.host.backups`)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from wallet.host.api.deps import OCTETS, AddressDep, CallerDep, HostDep, JsonDep, OctetsDep, members, moment

router = APIRouter(prefix="/api", tags=["backups"])


@router.post("/backups", status_code=201, summary="Pin a backup")
def pin_backup(host: HostDep, caller: CallerDep, body: OctetsDep) -> JSONResponse:
    cid = host.backups.pin(caller.account, body, moment())
    return JSONResponse({"cid": str(cid)}, status_code=201)


@router.post("/backups/fetch", summary="A backup's bytes, by CID")
def fetch_backup(host: HostDep, body: JsonDep, caller_address: AddressDep) -> Response:
    (cid,) = members(body, "cid")
    host.accounts.count_address("backup", caller_address, moment())
    return Response(host.backups.fetch(cid), media_type=OCTETS)
