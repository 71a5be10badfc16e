"""Reading a service's settings from ``NANSEN_*`` environment variables, one way for every service.

A value that cannot be used is a `SettingsError` naming the variable and what it must be; the
command line shows it as one line and exits 2 (`nansen.cli.io.configured`). An unset or empty
variable takes its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from nansen.errors import ConfigurationError


class SettingsError(ConfigurationError):
    """An environment variable has a value the service cannot use."""


def whole_number(environ: Mapping[str, str], name: str, default: int) -> int:
    """A positive whole number."""
    return int(number(environ, name, default, int))


def number(environ: Mapping[str, str], name: str, default: float, kind: type[int] | type[float]) -> float:
    """A positive number of ``kind``."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError as cause:
        raise SettingsError(f"{name} must be a {'whole ' if kind is int else ''}number.") from cause
    if value <= 0:
        raise SettingsError(f"{name} must be positive.")
    return value


def flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    """``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``."""
    raw = environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1 or 0.")


def loopback_host(host: str) -> bool:
    """Whether a host name or address is this machine's own (development only)."""
    return host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost")


def public_url(environ: Mapping[str, str], name: str) -> str | None:
    """The address clients reach a service at behind a proxy (``https://host[:port][/path]``, no
    query or fragment; ``http`` only for a loopback host), without a trailing slash; None when unset."""
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    secure = parts.scheme == "https" or (parts.scheme == "http" and loopback_host(parts.hostname or ""))
    if not secure or not parts.hostname or parts.query or parts.fragment or parts.username:
        raise SettingsError(f"{name} must be an https URL (http only on loopback), with no query.")
    return raw.rstrip("/")


def origins(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Web origins (``scheme://host[:port]``), separated by commas or spaces; none when unset. Each
    must be an exact origin (no path, no wildcard), since CORS compares origins as strings."""
    found: list[str] = []
    for raw in environ.get(name, "").replace(",", " ").split():
        parts = urlsplit(raw)
        if parts.scheme not in ("https", "http") or not parts.hostname or "*" in raw:
            raise SettingsError(f"{name} must list origins such as https://wallet.example, not {raw!r}.")
        if raw != f"{parts.scheme}://{parts.netloc}" or parts.username:
            raise SettingsError(f"{name} must list bare origins (no path or slash): {raw!r}.")
        found.append(raw.lower())
    return tuple(dict.fromkeys(found))
