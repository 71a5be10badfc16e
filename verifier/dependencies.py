"""FastAPI dependencies: configuration, database sessions and the one verification pipeline.

Routes ask for `get_verifier`; it is built from smaller dependencies that can each be replaced
(``app.dependency_overrides``): `get_status_lists` (today a `StaticStatusLists` with no list, so
a credential with a status entry is "cannot confirm"; the cached status-list source plugs in
here), `get_trust` (today none: every well-formed, correctly signed, unrevoked credential is
valid; the trust list plugs in here), `get_clock` (tests move time), `get_resolver`.
The ones that do no I/O are ``async`` so that FastAPI calls them without a thread hop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from nansen.did.resolver import Resolver
from nansen.timeutil import now
from nansen.verify import StatusListSource, TrustPolicy, Verifier
from verifier.settings import Settings

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Services:
    """What one app instance shares between requests (kept on ``app.state.services``)."""

    settings: Settings
    sessions: sessionmaker[Session]
    resolver: Resolver
    status_lists: StatusListSource


async def get_services(request: Request) -> Services:
    services = request.app.state.services
    assert isinstance(services, Services)
    return services


async def get_settings(services: Annotated[Services, Depends(get_services)]) -> Settings:
    return services.settings


def get_session(services: Annotated[Services, Depends(get_services)]) -> Iterator[Session]:
    with services.sessions() as session:
        yield session


async def get_clock() -> Clock:
    return now


async def get_resolver(services: Annotated[Services, Depends(get_services)]) -> Resolver:
    return services.resolver


async def get_status_lists(services: Annotated[Services, Depends(get_services)]) -> StatusListSource:
    return services.status_lists


async def get_trust() -> TrustPolicy | None:
    return None


async def get_verifier(
    settings: Annotated[Settings, Depends(get_settings)],
    resolver: Annotated[Resolver, Depends(get_resolver)],
    status_lists: Annotated[StatusListSource, Depends(get_status_lists)],
    trust: Annotated[TrustPolicy | None, Depends(get_trust)],
    clock: Annotated[Clock, Depends(get_clock)],
) -> Verifier:
    return Verifier(
        resolver=resolver, status_lists=status_lists, trust=trust, limits=settings.limits, clock=clock
    )


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
VerifierDep = Annotated[Verifier, Depends(get_verifier)]
ClockDep = Annotated[Clock, Depends(get_clock)]
