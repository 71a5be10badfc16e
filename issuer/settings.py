"""The issuer service's settings, typed, from ``NANSEN_*`` environment variables.

Every variable is listed in issuer/README.md. The core's own variables apply too: the request
body limit is ``NANSEN_MAX_DOCUMENT_BYTES`` (except for uploads of scans, which have their own) and
JSON nesting is bounded by ``NANSEN_MAX_JSON_DEPTH``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from issuer.dids import authority
from nansen.config import Limits, configured_limits, data_dir
from nansen.errors import InvalidInput
from nansen.status import MIN_ENTRIES
from service.settings import SettingsError, flag, number, origins
from service.theme import NEUTRAL, Theme
from service.theme import from_env as theme_from_env

DEFAULT_PORT = 8081
#: The largest scan ``POST /documents`` accepts by default (bytes).
DEFAULT_MAX_SCAN_BYTES = 50_000_000
#: ``NANSEN_ISSUER_PROFILE``: what ``POST /credentials/issue`` accepts (issuer/README.md, "Profiles").
#: ``partner`` (the default): VC 2.0, the service's own status entries, types it has a schema for.
#: ``vc-api``: the general VC-API issuer the W3C suites test (caller status entries, any type, VC 1.1).
PROFILES = ("partner", "vc-api")


def _public_host(environ: Mapping[str, str]) -> str:
    host = environ.get("NANSEN_ISSUER_PUBLIC_HOST", "").strip() or f"localhost%3A{DEFAULT_PORT}"
    try:
        return authority(host)
    except InvalidInput as cause:
        raise SettingsError(
            "NANSEN_ISSUER_PUBLIC_HOST must be a domain name, with a port written as %3A if any."
        ) from cause


def _profile(environ: Mapping[str, str]) -> str:
    profile = environ.get("NANSEN_ISSUER_PROFILE", "").strip() or PROFILES[0]
    if profile not in PROFILES:
        raise SettingsError(f"NANSEN_ISSUER_PROFILE must be partner or vc-api, not {profile!r}.")
    return profile


def _list_length(environ: Mapping[str, str]) -> int:
    length = int(number(environ, "NANSEN_ISSUER_STATUS_LIST_LENGTH", MIN_ENTRIES, int))
    if length < MIN_ENTRIES or length % 8:
        raise SettingsError("NANSEN_ISSUER_STATUS_LIST_LENGTH must be a multiple of 8 and at least 131072.")
    return length


@dataclass(frozen=True)
class Settings:
    """What the service needs from its surroundings; ``from_env`` reads it from the environment."""

    database_url: str
    #: The did:web form of the public host (``example.org`` or ``localhost%3A8081``).
    public_host: str = f"localhost%3A{DEFAULT_PORT}"
    #: Where the master key file lives when ``master_key`` is not given.
    data_dir: Path = field(default_factory=lambda: data_dir() / "issuer")
    #: 32 bytes from ``NANSEN_ISSUER_MASTER_KEY`` (64 hex digits); None: the key file in data_dir.
    master_key: bytes | None = None
    rate_per_second: float = 10.0
    rate_burst: int = 100
    status_max_age: int = 300
    status_list_length: int = MIN_ENTRIES
    #: The largest scan accepted; a document upload's body may be this much larger than the usual limit.
    max_scan_bytes: int = DEFAULT_MAX_SCAN_BYTES
    #: ``NANSEN_ISSUER_PROFILE``: ``partner`` or ``vc-api`` (`PROFILES`).
    profile: str = PROFILES[0]
    #: The web origins whose pages (a browser wallet) may call the OpenID4VCI endpoints; none: no CORS.
    cors_origins: tuple[str, ...] = ()
    limits: Limits = field(default_factory=configured_limits)
    #: The organisation's look (``NANSEN_THEME_DIR``, `service.theme`); neutral when unset.
    theme: Theme = NEUTRAL
    #: ``NANSEN_ISSUER_LEGACY_LDP_VC``: also offer the VC 1.1 Ed25519Signature2020 ``ldp_vc``
    #: configuration (`issuer.legacy_ldp`) to partners who ask for it; off by default.
    legacy_ldp_vc: bool = False

    @property
    def max_upload_bytes(self) -> int:
        """The body limit of the routes that take a scan: the scan, and the usual limit for the rest."""
        return self.max_scan_bytes + self.limits.max_document_bytes

    @property
    def base_url(self) -> str:
        """``https://host[:port]``, the origin of every URL the service puts in a credential."""
        return "https://" + self.public_host.replace("%3A", ":")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """The service's settings; `SettingsError` (or the core's `ConfigurationError`, the core's
        variables being checked here too) names the first variable that cannot be used."""
        limits = configured_limits()
        directory = data_dir() / "issuer"
        url = (
            environ.get("NANSEN_ISSUER_DATABASE_URL", "").strip()
            or environ.get("NANSEN_DATABASE_URL", "").strip()
            or f"sqlite:///{directory / 'issuer.db'}"
        )
        raw_key = environ.get("NANSEN_ISSUER_MASTER_KEY", "").strip()
        master_key: bytes | None = None
        if raw_key:
            try:
                master_key = bytes.fromhex(raw_key)
            except ValueError:
                master_key = b""
            if len(master_key) != 32:
                raise SettingsError("NANSEN_ISSUER_MASTER_KEY must be 64 hexadecimal digits (32 bytes).")
        return cls(
            database_url=url,
            public_host=_public_host(environ),
            data_dir=directory,
            master_key=master_key,
            rate_per_second=number(environ, "NANSEN_ISSUER_RATE_PER_SECOND", 10.0, float),
            rate_burst=int(number(environ, "NANSEN_ISSUER_RATE_BURST", 100, int)),
            status_max_age=int(number(environ, "NANSEN_ISSUER_STATUS_MAX_AGE", 300, int)),
            status_list_length=_list_length(environ),
            max_scan_bytes=int(number(environ, "NANSEN_ISSUER_MAX_SCAN_BYTES", DEFAULT_MAX_SCAN_BYTES, int)),
            profile=_profile(environ),
            cors_origins=origins(environ, "NANSEN_ISSUER_CORS_ORIGINS"),
            limits=limits,
            theme=theme_from_env(environ),
            legacy_ldp_vc=flag(environ, "NANSEN_ISSUER_LEGACY_LDP_VC", False),
        )
