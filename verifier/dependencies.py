"""FastAPI dependencies: configuration, database sessions and the one verification pipeline.

Routes ask for `get_verifier`; it is built from smaller dependencies that can each be replaced
(``app.dependency_overrides``): `get_status_lists` (status list credentials fetched over HTTPS
and cached, `nansen.status_source.CachedStatusLists`), `get_status_tokens` (an SD-JWT VC's Token
Status Lists, `nansen.status_token_source.FetchedStatusTokens`), `get_trust` (the governance's trust list,
`nansen.trust.TrustListSource`, when one is configured; without one every well-formed, correctly
signed, unrevoked credential is valid), `get_clock` (tests move time), `get_resolver`. The pages
and ``POST /scan`` ask for `get_scan_verifier`, which always judges trust (no list: "cannot
confirm"), `get_partner_names` (display names from the trust list) and `get_store` (IPFS).
The ones that do no I/O are ``async`` so that FastAPI calls them without a thread hop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from nansen.did.resolver import Resolver
from nansen.ipfs import Store
from nansen.timeutil import now
from nansen.verify import StatusListSource, StatusTokenSource, TrustPolicy, Verifier
from verifier.services import Services
from verifier.settings import Settings
from verifier.slots import ScanSlots
from verifier.verification import judging_trust

Clock = Callable[[], datetime]


async def get_services(request: Request) -> Services:
    services = request.app.state.services
    assert isinstance(services, Services)
    return services


async def get_settings(services: Annotated[Services, Depends(get_services)]) -> Settings:
    return services.settings


async def get_session(services: Annotated[Services, Depends(get_services)]) -> AsyncIterator[Session]:
    """A session for the request. Opening one does no I/O, and the service ends every transaction
    it begins, so closing does none either: no thread hop (the route itself runs in a thread)."""
    session = services.sessions()
    try:
        yield session
    finally:
        session.close()


async def get_clock() -> Clock:
    return now


async def get_resolver(services: Annotated[Services, Depends(get_services)]) -> Resolver:
    return services.resolver


async def get_status_lists(services: Annotated[Services, Depends(get_services)]) -> StatusListSource:
    return services.status_lists


async def get_status_tokens(services: Annotated[Services, Depends(get_services)]) -> StatusTokenSource:
    return services.status_tokens


async def get_trust(services: Annotated[Services, Depends(get_services)]) -> TrustPolicy | None:
    return services.trust


async def get_verifier(
    settings: Annotated[Settings, Depends(get_settings)],
    resolver: Annotated[Resolver, Depends(get_resolver)],
    status_lists: Annotated[StatusListSource, Depends(get_status_lists)],
    status_tokens: Annotated[StatusTokenSource, Depends(get_status_tokens)],
    trust: Annotated[TrustPolicy | None, Depends(get_trust)],
    clock: Annotated[Clock, Depends(get_clock)],
    services: Annotated[Services, Depends(get_services)],
) -> Verifier:
    return Verifier(
        resolver=resolver,
        status_lists=status_lists,
        status_tokens=status_tokens,
        trust=trust,
        limits=settings.limits,
        clock=clock,
        verified_lists=services.verified_lists,
    )


async def get_scan_verifier(verifier: Annotated[Verifier, Depends(get_verifier)]) -> Verifier:
    return judging_trust(verifier)


#: A partner's display name from the trust list (None: no list, or not on it).
PartnerNames = Callable[[str], str | None]


async def get_partner_names(services: Annotated[Services, Depends(get_services)]) -> PartnerNames:
    return services.partner_name


async def get_scan_slots(services: Annotated[Services, Depends(get_services)]) -> ScanSlots:
    return services.scan_slots


def get_store(services: Annotated[Services, Depends(get_services)]) -> Store:
    """The IPFS store (made on first use: a thread, as it may touch the disk)."""
    return services.store


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
VerifierDep = Annotated[Verifier, Depends(get_verifier)]
ClockDep = Annotated[Clock, Depends(get_clock)]
ScanVerifierDep = Annotated[Verifier, Depends(get_scan_verifier)]
PartnerNamesDep = Annotated[PartnerNames, Depends(get_partner_names)]
StoreDep = Annotated[Store, Depends(get_store)]
ScanSlotsDep = Annotated[ScanSlots, Depends(get_scan_slots)]
