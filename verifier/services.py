"""What the service shares between requests, built once from the settings: the database sessions, the
DID resolver, the cached status lists (Bitstring lists, and Token Status Lists for SD-JWT VCs,
within the same bounds), the trust list and the document store. The command line
builds the same (``nansen verifier verify --qr``), so it verifies exactly as the service does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from nansen.did.resolver import Resolver
from nansen.did.web_resolver import WebResolver
from nansen.ipfs import Store, configured_store
from nansen.status_source import CachedStatusLists
from nansen.status_token_source import FetchedStatusTokens
from nansen.trust import TrustListSource
from nansen.verified_lists import VerifiedLists
from nansen.verify import StatusListSource, StatusTokenSource, TrustPolicy, Verifier
from verifier.db import session_factory
from verifier.settings import Settings
from verifier.slots import ScanSlots


@dataclass
class Services:
    settings: Settings
    sessions: sessionmaker[Session]
    resolver: Resolver
    status_lists: StatusListSource
    #: Status List Tokens (SD-JWT VCs), refetched after the same TTL as ``status_lists`` and used
    #: while refreshing fails for at most ``NANSEN_STATUS_GRACE_SECONDS`` more.
    status_tokens: StatusTokenSource
    #: The governance's trust list, when one is configured.
    trust_list: TrustListSource | None = field(default=None)
    #: Status lists whose proof verified, so each is checked once per content and issuer document.
    verified_lists: VerifiedLists = field(default_factory=VerifiedLists)
    #: How many pictures ``POST /scan`` may decode at once.
    scan_slots: ScanSlots = field(init=False)

    def __post_init__(self) -> None:
        self.scan_slots = ScanSlots(self.settings.max_concurrent_scans)

    @property
    def trust(self) -> TrustPolicy | None:
        return None if self.trust_list is None else self.trust_list.policy()

    def verifier(self) -> Verifier:
        """The pipeline with this service's resolver, status lists, trust list and limits."""
        return Verifier(
            resolver=self.resolver,
            status_lists=self.status_lists,
            status_tokens=self.status_tokens,
            trust=self.trust,
            limits=self.settings.limits,
            verified_lists=self.verified_lists,
        )

    def partner_name(self, did: str) -> str | None:
        """The display name the trust list gives a partner, if a list is held and names it."""
        snapshot = None if self.trust_list is None else self.trust_list.current()
        partner = None if snapshot is None else snapshot.trust_list.find(did)
        return None if partner is None else partner.name

    @cached_property
    def store(self) -> Store:
        """The IPFS store the ``NANSEN_IPFS_*`` variables describe, made when first needed."""
        return configured_store()


def build_services(settings: Settings, engine: Engine) -> Services:
    resolver = Resolver(web=WebResolver(settings.data_dir / "did-web"))
    trust_list = None
    if settings.trust_list is not None and settings.governance_did is not None:
        trust_list = TrustListSource(
            settings.trust_list,
            settings.governance_did,
            verifier=Verifier(resolver=resolver, limits=settings.limits),
            cache_dir=settings.data_dir / "trust-list",
        )
    return Services(
        settings=settings,
        sessions=session_factory(engine),
        resolver=resolver,
        status_lists=CachedStatusLists(
            settings.data_dir / "status-lists", ttl=timedelta(seconds=settings.status_ttl_seconds)
        ),
        status_tokens=FetchedStatusTokens(ttl=timedelta(seconds=settings.status_ttl_seconds)),
        trust_list=trust_list,
    )
