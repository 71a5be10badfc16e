"""Dependencies every route draws on: settings, a database session, the vault, the caller, the body,
and the IPFS store that keeps encrypted documents.

The store is the one the ``NANSEN_IPFS_*`` variables configure (``nansen.ipfs.settings``), made
once per process on first use; tests put another in its place through ``dependency_overrides``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from issuer import partners, ratelimit
from issuer.models import Partner
from issuer.settings import Settings
from issuer.vault import Vault
from nansen.ipfs import Store
from nansen.ipfs.settings import configured_store
from service.bodies import parse_body
from service.groupcommit import GroupCommit
from service.problems import Problem

_bearer = HTTPBearer(auto_error=False, description="The partner's API key.")
_UNAUTHORISED = {"WWW-Authenticate": "Bearer"}


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_vault(request: Request) -> Vault:
    vault: Vault = request.app.state.vault
    return vault


def get_commits(request: Request) -> GroupCommit:
    commits: GroupCommit = request.app.state.commits
    return commits


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


@functools.cache
def get_store() -> Store:
    """The configured IPFS store (raises ``InvalidInput`` naming a variable that is wrong)."""
    return configured_store()


SettingsDep = Annotated[Settings, Depends(get_settings)]
VaultDep = Annotated[Vault, Depends(get_vault)]
SessionDep = Annotated[Session, Depends(get_session)]
CommitsDep = Annotated[GroupCommit, Depends(get_commits)]
StoreDep = Annotated[Store, Depends(get_store)]


def admit(partner: Partner, settings: Settings) -> None:
    """Take a token from the (locked) partner's bucket, or refuse the request (429)."""
    wait = ratelimit.take(partner, settings, datetime.now(UTC))
    if wait is not None:
        raise Problem(
            429, "Too many requests; try again shortly.", headers={"Retry-After": str(math.ceil(wait))}
        )


def get_caller(
    commits: CommitsDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Partner:
    """The partner whose API key the request carries, after taking a token from its bucket (in the
    group commit, `service.groupcommit`, as the bucket lives in the partner's row)."""
    if credentials is None:
        raise Problem(
            401, "The request needs an API key: 'Authorization: Bearer KEY'.", headers=_UNAUTHORISED
        )
    api_key = credentials.credentials
    partner_id = partners.partner_id_of(api_key)
    if partner_id is None:  # not even of the form of a key: refused without queueing for the database
        raise Problem(401, "The API key is missing or not valid.", headers=_UNAUTHORISED)

    def admitted(session: Session) -> Partner:
        partner = partners.authenticate(session, api_key)
        if partner is None:
            raise Problem(401, "The API key is missing or not valid.", headers=_UNAUTHORISED)
        admit(partner, settings)
        return partner

    return commits.submit(admitted, key=partner_id)


CallerDep = Annotated[Partner, Depends(get_caller)]


async def json_body(request: Request, settings: SettingsDep) -> Any:
    """The request body as JSON, parsed with the core's bounds on size and depth (400 otherwise), a
    large body off the event loop (`service.parsing`)."""
    return await parse_body(await request.body(), settings.limits)


BodyDep = Annotated[Any, Depends(json_body)]
