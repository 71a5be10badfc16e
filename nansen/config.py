"""Configuration of the core, from ``NANSEN_*`` environment variables (documented in README.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import platformdirs

from nansen.errors import InvalidInput


def _bundled_schemas() -> Path:
    """The bundled data (contexts, vocabulary, JSON Schemas). The repository keeps it in the top-level
    ``schemas/`` folder; the wheel maps that folder into the package as ``nansen/schemas``
    (pyproject.toml, ``package-dir``), so an installed copy finds it inside the package."""
    package = Path(__file__).resolve().parent
    installed = package / "schemas"
    return installed if installed.is_dir() else package.parent / "schemas"


SCHEMAS_DIR = Path(os.environ.get("NANSEN_SCHEMAS_DIR") or _bundled_schemas())


def data_dir() -> Path:
    """``NANSEN_DATA_DIR``, or the user's data directory. Two directories, two installations."""
    configured = os.environ.get("NANSEN_DATA_DIR")
    return Path(configured) if configured else Path(platformdirs.user_data_dir("nansen"))


def allow_private_addresses() -> bool:
    """``NANSEN_ALLOW_PRIVATE_ADDRESSES=1``: fetch DID documents, status lists and trust lists from
    loopback and private-network addresses too (a shelter's own network, the demo). Off by default:
    a credential must not make a service reach into its own network."""
    return os.environ.get("NANSEN_ALLOW_PRIVATE_ADDRESSES", "") == "1"


def extra_ca_file() -> str | None:
    """``NANSEN_TLS_CA_FILE``: a PEM bundle of certificate authorities trusted for HTTPS fetches in
    addition to the public ones (a network's own CA, the demo's)."""
    return os.environ.get("NANSEN_TLS_CA_FILE") or None


def _seconds(name: str, default: int, *, minimum: int) -> timedelta:
    """A duration in whole seconds from ``name``, at least ``minimum``; a bad value is refused."""
    configured = os.environ.get(name, "").strip()
    if not configured:
        return timedelta(seconds=default)
    if not configured.isdigit() or int(configured) < minimum:
        raise InvalidInput(f"{name} must be a whole number of seconds, at least {minimum}.")
    return timedelta(seconds=int(configured))


def did_max_age() -> timedelta:
    """``NANSEN_DID_MAX_AGE_SECONDS`` (default one day): the oldest did:web document a proof may be
    judged from. A copy older than this (kept while the partner's host is unreachable) could still
    list a key the partner has since marked compromised, so proofs it would vouch for are unknown."""
    return _seconds("NANSEN_DID_MAX_AGE_SECONDS", 86_400, minimum=1)


def status_grace() -> timedelta:
    """``NANSEN_STATUS_GRACE_SECONDS`` (default 300): how much older than its refresh interval a
    cached status list may be and still be used when it cannot be refreshed; past that, the status
    is unknown (a revocation published since could not be seen)."""
    return _seconds("NANSEN_STATUS_GRACE_SECONDS", 300, minimum=0)


@dataclass(frozen=True)
class Limits:
    """Bounds on untrusted input; the defaults fit a credential a thousand times over."""

    max_document_bytes: int = int(os.environ.get("NANSEN_MAX_DOCUMENT_BYTES", 1_000_000))
    max_json_depth: int = int(os.environ.get("NANSEN_MAX_JSON_DEPTH", 64))
    #: Calls to RDFC-1.0's Hash N-Degree Quads and Hash Related Blank Node allowed per dataset.
    max_canonicalization_work: int = int(os.environ.get("NANSEN_MAX_CANONICALIZATION_WORK", 2000))
    #: Allowance for clocks that disagree, applied to validFrom/validUntil and proof times.
    clock_skew_seconds: int = int(os.environ.get("NANSEN_CLOCK_SKEW_SECONDS", 300))


def allowed_contexts() -> frozenset[str] | None:
    """``NANSEN_JSONLD_CONTEXTS``: comma-separated context URLs; unset means every bundled one."""
    configured = os.environ.get("NANSEN_JSONLD_CONTEXTS")
    if not configured:
        return None
    return frozenset(url.strip() for url in configured.split(",") if url.strip())


@dataclass(frozen=True)
class CoreSettings:
    limits: Limits = field(default_factory=Limits)
