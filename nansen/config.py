"""Configuration of the core, from ``NANSEN_*`` environment variables (documented in README.md).

Every variable is parsed and checked in one place, `CoreSettings.from_env`, on first use and not at
import: importing ``nansen`` never fails, and the first use of a bad value raises
`ConfigurationError` naming the variable and what it must be. The CLI checks them before any
command runs, and the services when they read their settings (exit 2, one line). The result is
kept (`core_settings`) because some of it is read on every proof; `core_settings.cache_clear()`
reads the environment again.
"""

from __future__ import annotations

import json
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import cache
from pathlib import Path

import platformdirs

from nansen.errors import ConfigurationError

#: Seconds in a year: the largest duration any of these settings takes.
_YEAR = 365 * 86_400


@dataclass(frozen=True)
class Limits:
    """Bounds on untrusted input; the defaults fit a credential a thousand times over.

    ``Limits()`` is the defaults; `configured_limits` is what ``NANSEN_*`` sets."""

    max_document_bytes: int = 1_000_000
    max_json_depth: int = 64
    #: Calls to RDFC-1.0's Hash N-Degree Quads and Hash Related Blank Node allowed per dataset.
    max_canonicalization_work: int = 2000
    #: Allowance for clocks that disagree, applied to validFrom/validUntil and proof times.
    clock_skew_seconds: int = 300
    #: The bytes (compact JSON, UTF-8) of all inline ``@context`` objects of one document together;
    #: 0 refuses inline contexts altogether (`nansen.jsonld_inline`).
    max_inline_context_bytes: int = 16_384
    #: The deepest JSON nesting inside one inline ``@context`` object (scoped contexts included).
    max_inline_context_depth: int = 8


def _bundled_schemas() -> Path:
    """The bundled data (contexts, vocabulary, JSON Schemas). The repository keeps it in the top-level
    ``schemas/`` folder; the wheel maps that folder into the package as ``nansen/schemas``
    (pyproject.toml, ``package-dir``), so an installed copy finds it inside the package."""
    package = Path(__file__).resolve().parent
    installed = package / "schemas"
    return installed if installed.is_dir() else package.parent / "schemas"


@dataclass(frozen=True)
class CoreSettings:
    """Everything the core reads from its surroundings; `from_env` reads and checks it."""

    limits: Limits = field(default_factory=Limits)
    #: ``NANSEN_DATA_DIR``, or the user's data directory. Two directories, two installations.
    data_dir: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir("nansen")))
    #: ``NANSEN_SCHEMAS_DIR``: the bundled contexts, vocabulary and JSON Schemas.
    schemas_dir: Path = field(default_factory=_bundled_schemas)
    #: ``NANSEN_JSONLD_CONTEXTS``: the context URLs allowed; None means every bundled one.
    allowed_contexts: frozenset[str] | None = None
    #: ``NANSEN_SHAPE_CACHE``: whether eddsa-rdfc-2022 answers from recipes cached by shape.
    shape_cache: bool = True
    #: ``NANSEN_ALLOW_PRIVATE_ADDRESSES``: fetch from loopback and private networks too.
    allow_private_addresses: bool = False
    #: ``NANSEN_TLS_CA_FILE``: a PEM bundle trusted for HTTPS fetches besides the public CAs.
    extra_ca_file: str | None = None
    #: ``NANSEN_DID_MAX_AGE_SECONDS``: the oldest did:web document a proof may be judged from.
    did_max_age: timedelta = timedelta(days=1)
    #: ``NANSEN_STATUS_GRACE_SECONDS``: how far past its refresh interval a status list may be used.
    status_grace: timedelta = timedelta(minutes=5)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CoreSettings:
        """The settings ``environ`` (by default the process's environment) gives; `ConfigurationError`
        for the first value that cannot be used."""
        env = _Environment(os.environ if environ is None else environ)
        schemas = env.directory("NANSEN_SCHEMAS_DIR", must_exist=True) or _bundled_schemas()
        return cls(
            limits=Limits(
                max_document_bytes=env.whole("NANSEN_MAX_DOCUMENT_BYTES", 1_000_000, 1, 1_000_000_000),
                max_json_depth=env.whole("NANSEN_MAX_JSON_DEPTH", 64, 1, 10_000),
                max_canonicalization_work=env.whole("NANSEN_MAX_CANONICALIZATION_WORK", 2000, 1, 10_000_000),
                clock_skew_seconds=env.whole("NANSEN_CLOCK_SKEW_SECONDS", 300, 0, 86_400, " of seconds"),
                max_inline_context_bytes=env.whole("NANSEN_MAX_INLINE_CONTEXT_BYTES", 16_384, 0, 1_000_000),
                max_inline_context_depth=env.whole("NANSEN_MAX_INLINE_CONTEXT_DEPTH", 8, 1, 64),
            ),
            data_dir=env.directory("NANSEN_DATA_DIR") or Path(platformdirs.user_data_dir("nansen")),
            schemas_dir=schemas,
            allowed_contexts=env.contexts("NANSEN_JSONLD_CONTEXTS", schemas / "contexts" / "index.json"),
            shape_cache=env.flag("NANSEN_SHAPE_CACHE", default=True),
            allow_private_addresses=env.flag("NANSEN_ALLOW_PRIVATE_ADDRESSES", default=False),
            extra_ca_file=env.ca_file("NANSEN_TLS_CA_FILE"),
            did_max_age=timedelta(
                seconds=env.whole("NANSEN_DID_MAX_AGE_SECONDS", 86_400, 1, _YEAR, " of seconds")
            ),
            status_grace=timedelta(
                seconds=env.whole("NANSEN_STATUS_GRACE_SECONDS", 300, 0, _YEAR, " of seconds")
            ),
        )


class _Environment:
    """Reading one kind of value from an environment, or a `ConfigurationError` naming the variable."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def _raw(self, name: str) -> str:
        return self._environ.get(name, "").strip()

    def whole(self, name: str, default: int, low: int, high: int, unit: str = "") -> int:
        raw = self._raw(name)
        if not raw:
            return default
        if not (raw.isascii() and raw.isdigit() and low <= int(raw) <= high):
            raise ConfigurationError(
                f"{name} must be a whole number{unit} from {low} to {high}, not {raw!r}."
            )
        return int(raw)

    def flag(self, name: str, *, default: bool) -> bool:
        raw = self._raw(name)
        if raw not in ("", "0", "1"):
            raise ConfigurationError(f"{name} must be 1 (on) or 0 (off), not {raw!r}.")
        return default if not raw else raw == "1"

    def directory(self, name: str, *, must_exist: bool = False) -> Path | None:
        raw = self._raw(name)
        if not raw:
            return None
        path = Path(raw)
        if path.is_dir() or (not must_exist and not path.exists()):
            return path
        wanted = "an existing directory" if must_exist else "a directory (or a path where one can be made)"
        raise ConfigurationError(f"{name} must be {wanted}, not {raw!r}.")

    def contexts(self, name: str, index: Path) -> frozenset[str] | None:
        """Context URLs, each one of those bundled (listed in ``index``): a context that is not
        would otherwise make every credential using it fail its checks, a verdict on a setting."""
        raw = self._raw(name)
        if not raw:
            return None
        try:
            bundled = set(json.loads(index.read_text(encoding="utf-8")))
        except (OSError, ValueError) as cause:
            raise ConfigurationError(
                f"{name} needs the bundled contexts' index, {index}, readable."
            ) from cause
        urls = frozenset(url.strip() for url in raw.split(","))
        unknown = sorted(urls - bundled)
        if unknown:
            raise ConfigurationError(
                f"{name} must be bundled context URLs separated by commas, not {unknown[0]!r}."
            )
        return urls

    def ca_file(self, name: str) -> str | None:
        raw = self._raw(name)
        if not raw:
            return None
        try:
            ssl.create_default_context(cafile=raw)
        except (OSError, ssl.SSLError, ValueError) as cause:
            raise ConfigurationError(
                f"{name} must be a readable file of PEM certificates, not {raw!r}."
            ) from cause
        return raw


@cache
def core_settings() -> CoreSettings:
    """The process's settings, read from the environment on first use."""
    return CoreSettings.from_env()


def configured_limits(**overrides: int) -> Limits:
    """The configured limits (``NANSEN_MAX_*``, ``NANSEN_CLOCK_SKEW_SECONDS``), with ``overrides``."""
    limits = core_settings().limits
    return replace(limits, **overrides) if overrides else limits


def data_dir() -> Path:
    """``NANSEN_DATA_DIR``, or the user's data directory."""
    return core_settings().data_dir


def schemas_dir() -> Path:
    """``NANSEN_SCHEMAS_DIR``, or the bundled data."""
    return core_settings().schemas_dir


def allowed_contexts() -> frozenset[str] | None:
    """``NANSEN_JSONLD_CONTEXTS``: comma-separated context URLs; unset means every bundled one."""
    return core_settings().allowed_contexts


def shape_cache() -> bool:
    """``NANSEN_SHAPE_CACHE``: on unless ``0``."""
    return core_settings().shape_cache


def allow_private_addresses() -> bool:
    """``NANSEN_ALLOW_PRIVATE_ADDRESSES=1``: fetch DID documents, status lists and trust lists from
    loopback and private-network addresses too (a shelter's own network, the demo). Off by default:
    a credential must not make a service reach into its own network."""
    return core_settings().allow_private_addresses


def extra_ca_file() -> str | None:
    """``NANSEN_TLS_CA_FILE``: a PEM bundle of certificate authorities trusted for HTTPS fetches in
    addition to the public ones (a network's own CA, the demo's)."""
    return core_settings().extra_ca_file


def did_max_age() -> timedelta:
    """``NANSEN_DID_MAX_AGE_SECONDS`` (default one day): the oldest did:web document a proof may be
    judged from. A copy older than this (kept while the partner's host is unreachable) could still
    list a key the partner has since marked compromised, so proofs it would vouch for are unknown."""
    return core_settings().did_max_age


def status_grace() -> timedelta:
    """``NANSEN_STATUS_GRACE_SECONDS`` (default 300): how much older than its refresh interval a
    cached status list may be and still be used when it cannot be refreshed; past that, the status
    is unknown (a revocation published since could not be seen)."""
    return core_settings().status_grace
