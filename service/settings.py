"""Reading a service's settings from ``NANSEN_*`` environment variables, one way for every service.

A value that cannot be used is a `SettingsError` naming the variable and what it must be; the
command line shows it as one line and exits 2 (`nansen.cli.io.configured`). An unset or empty
variable takes its default.
"""

from __future__ import annotations

from collections.abc import Mapping

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
