"""The verifier service's settings, typed, from ``NANSEN_*`` environment variables.

Every variable is listed in verifier/README.md. The core's own variables (``NANSEN_DATA_DIR``,
``NANSEN_MAX_DOCUMENT_BYTES``, ``NANSEN_MAX_JSON_DEPTH``, ``NANSEN_CLOCK_SKEW_SECONDS``, …) apply
too: the request body limit is ``NANSEN_MAX_DOCUMENT_BYTES``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Final

from nansen.config import Limits, configured_limits, data_dir
from nansen.facts import FACT_TERMS
from nansen.verify import HolderBinding
from service.settings import SettingsError, flag, origins, public_url, whole_number
from service.theme import NEUTRAL, Theme
from service.theme import from_env as theme_from_env


class Mode(StrEnum):
    """How presentations are protected against replay."""

    #: A challenge from ``POST /challenges`` when the caller gives one, else one-way scanning.
    MIXED = "mixed"
    #: Every presentation must carry a challenge this verifier issued.
    CHALLENGE = "challenge"
    #: Every presentation is scanned one way: fresh, and accepted once. No challenges are issued.
    ONE_WAY = "one-way"


class Presentations(StrEnum):
    """Who answers for the challenge of ``POST /presentations/verify`` (the pages are never affected)."""

    #: This verifier: the endpoint follows ``NANSEN_VERIFIER_MODE``, as the scan flow does.
    VERIFIER = "verifier"
    #: The caller (the VC-API model): it chose ``options.challenge`` and ``options.domain`` and
    #: answers for the challenge's single use; the proof is checked against them (`verifier.relying_party`).
    RELYING_PARTY = "relying-party"


def _mode(environ: Mapping[str, str]) -> Mode:
    raw = environ.get("NANSEN_VERIFIER_MODE", "") or Mode.MIXED.value
    try:
        return Mode(raw)
    except ValueError as cause:
        choices = ", ".join(m.value for m in Mode)
        raise SettingsError(f"NANSEN_VERIFIER_MODE must be one of: {choices}.") from cause


#: The facts an OpenID4VP request asks for when its maker names none: who the person is.
DEFAULT_CLAIMS: Final = ("givenName", "familyName", "birthDate")


def _claims(environ: Mapping[str, str]) -> tuple[str, ...]:
    raw = environ.get("NANSEN_VERIFIER_OPENID4VP_CLAIMS", "").replace(",", " ").split()
    if not raw:
        return DEFAULT_CLAIMS
    if not set(raw) <= set(FACT_TERMS):
        raise SettingsError(f"NANSEN_VERIFIER_OPENID4VP_CLAIMS must name some of: {', '.join(FACT_TERMS)}.")
    return tuple(dict.fromkeys(raw))


def _choice(environ: Mapping[str, str], name: str, kind: type[StrEnum], default: StrEnum) -> StrEnum:
    raw = environ.get(name, "") or default.value
    try:
        return kind(raw)
    except ValueError as cause:
        choices = ", ".join(m.value for m in kind)
        raise SettingsError(f"{name} must be one of: {choices}.") from cause


@dataclass(frozen=True)
class Settings:
    """What the service needs to know; ``from_env`` reads it from the environment."""

    database_url: str
    data_dir: Path
    #: The security domain put in challenges and required in challenged presentations' proofs.
    domain: str = "localhost"
    mode: Mode = Mode.MIXED
    #: Who answers for the challenge of ``POST /presentations/verify``.
    presentations: Presentations = Presentations.VERIFIER
    #: Whom ``POST /presentations/verify`` requires to have signed; the pages always require the
    #: holder and subject (`HolderBinding.REQUIRED`).
    api_holder_binding: HolderBinding = HolderBinding.REQUIRED
    challenge_ttl_seconds: int = 300
    #: One-way scanning: how recent the holder's proof must be.
    one_way_window_seconds: int = 300
    migrate_on_start: bool = True
    #: The governance's signed trust list (a file or an HTTPS URL); None: no trust check.
    trust_list: str | None = None
    #: The DID whose signature the trust list must carry.
    governance_did: str | None = None
    #: The largest picture ``POST /scan`` takes (a phone's photo of a QR code fits easily).
    max_image_bytes: int = 10_000_000
    #: The most pixels a picture ``POST /scan`` decodes may have (4096 by 4096; a phone's 12-megapixel
    #: photo fits): checked from the picture's header, before anything is decoded.
    max_image_pixels: int = 16_777_216
    #: How many pictures are decoded at once; more scans meanwhile are refused (503, Retry-After).
    max_concurrent_scans: int = 2
    #: How many requests' work runs on threads at once in one worker process; more wait their turn.
    #: A verification is mostly Python holding the interpreter lock: two threads let one compute
    #: while the other waits for the database or a fetch, and every thread beyond costs CPU in lock
    #: hand-offs (32 clients: 2.9 ms a request and p99 132 ms with two, 3.3 ms and 189 ms with
    #: eight; README "Speed"). Scale with worker processes, not with this.
    request_threads: int = 2
    #: How long after a scan the original document may be opened, once.
    document_ttl_seconds: int = 300
    #: The largest original document that is decrypted and shown.
    max_original_bytes: int = 20_000_000
    #: How long a fetched status list answers before it is fetched again: how soon a revocation or
    #: suspension is seen.
    status_ttl_seconds: int = 300
    #: The address wallets reach this service at (``NANSEN_VERIFIER_PUBLIC_URL``): the origin (and
    #: path) of the OpenID4VP ``request_uri`` and ``response_uri``. None: only a loopback ``Host``
    #: is believed (development); a request naming any other host is refused.
    public_url: str | None = None
    #: The facts the scan page's OpenID4VP request asks for, and the API's when its caller names none.
    openid4vp_claims: tuple[str, ...] = DEFAULT_CLAIMS
    #: The web origins whose pages may call the OpenID4VP wallet endpoints (CORS); none: no CORS.
    cors_origins: tuple[str, ...] = ()
    limits: Limits = field(default_factory=configured_limits)
    #: The organisation's look (``NANSEN_THEME_DIR``, `service.theme`); neutral when unset.
    theme: Theme = NEUTRAL

    def __post_init__(self) -> None:
        if self.trust_list and not self.governance_did:
            raise SettingsError("NANSEN_VERIFIER_GOVERNANCE_DID must be set with NANSEN_VERIFIER_TRUST_LIST.")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The service's settings; `SettingsError` (or the core's `ConfigurationError`, the core's
        variables being checked here too) names the first variable that cannot be used."""
        limits = configured_limits()
        env = os.environ if environ is None else environ
        directory = Path(env["NANSEN_DATA_DIR"]) if env.get("NANSEN_DATA_DIR") else data_dir()
        return cls(
            database_url=env.get("NANSEN_VERIFIER_DATABASE_URL")
            or f"sqlite:///{directory / 'verifier.sqlite3'}",
            data_dir=directory,
            domain=env.get("NANSEN_VERIFIER_DOMAIN") or "localhost",
            mode=_mode(env),
            presentations=Presentations(
                _choice(env, "NANSEN_VERIFIER_PRESENTATIONS", Presentations, Presentations.VERIFIER)
            ),
            api_holder_binding=HolderBinding(
                _choice(env, "NANSEN_VERIFIER_API_HOLDER_BINDING", HolderBinding, HolderBinding.REQUIRED)
            ),
            challenge_ttl_seconds=whole_number(env, "NANSEN_VERIFIER_CHALLENGE_TTL_SECONDS", 300),
            one_way_window_seconds=whole_number(env, "NANSEN_VERIFIER_ONE_WAY_WINDOW_SECONDS", 300),
            migrate_on_start=flag(env, "NANSEN_VERIFIER_MIGRATE_ON_START", True),
            trust_list=env.get("NANSEN_VERIFIER_TRUST_LIST") or None,
            governance_did=env.get("NANSEN_VERIFIER_GOVERNANCE_DID") or None,
            max_image_bytes=whole_number(env, "NANSEN_VERIFIER_MAX_IMAGE_BYTES", 10_000_000),
            max_image_pixels=whole_number(env, "NANSEN_VERIFIER_MAX_IMAGE_PIXELS", 16_777_216),
            max_concurrent_scans=whole_number(env, "NANSEN_VERIFIER_MAX_CONCURRENT_SCANS", 2),
            request_threads=whole_number(env, "NANSEN_VERIFIER_REQUEST_THREADS", 2),
            document_ttl_seconds=whole_number(env, "NANSEN_VERIFIER_DOCUMENT_TTL_SECONDS", 300),
            max_original_bytes=whole_number(env, "NANSEN_VERIFIER_MAX_ORIGINAL_BYTES", 20_000_000),
            status_ttl_seconds=whole_number(env, "NANSEN_VERIFIER_STATUS_TTL_SECONDS", 300),
            public_url=public_url(env, "NANSEN_VERIFIER_PUBLIC_URL"),
            openid4vp_claims=_claims(env),
            cors_origins=origins(env, "NANSEN_VERIFIER_CORS_ORIGINS"),
            limits=limits,
            theme=theme_from_env(env),
        )
