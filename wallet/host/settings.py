"""The web wallet host's settings, typed, from ``NANSEN_WALLET_HOST_*`` environment variables.

Every variable is listed in the top-level README's configuration table and in wallet/README.md.
The core's own variables apply too (``NANSEN_DATA_DIR``, ``NANSEN_MAX_JSON_DEPTH``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from nansen.config import Limits, configured_limits, data_dir
from service.settings import SettingsError, flag, whole_number
from wallet.kdf import LEVELS, Argon2Cost

DEFAULT_PORT: Final = 8083
#: The app's own build (``./dev setup`` makes it; git ignores it).
DEFAULT_WEB_DIR: Final = Path(__file__).resolve().parent.parent / "web" / "dist"
#: A name that says nothing about what the app holds, for people whose phones are looked at.
DEFAULT_NAME: Final = "Notes"
#: Where quick exit goes: a page anyone might have open.
DEFAULT_QUICK_EXIT: Final = "https://www.google.com/"
DEFAULT_LANGUAGES: Final = ("en", "fr", "es", "ar", "uk")
#: The Argon2id cost the app gives new wallets (issue #14: unlock under 2 s on a slow phone), and so
#: the cost the fake header of an unknown account names: a fake is not told apart by its cost.
DEFAULT_WALLET_KDF: Final = "interactive"
_LANGUAGE: Final = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _origin(name: str, value: str) -> str:
    """``scheme://host[:port]`` and nothing more (a CSP source expression of one origin)."""
    parts = urlsplit(value)
    if (
        parts.scheme not in ("https", "http")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
        or any(c in value for c in " ;,'\"")
    ):
        raise SettingsError(f"{name} must list origins such as https://issuer.example.org, not {value!r}.")
    return f"{parts.scheme}://{parts.netloc}"


def _origins(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = environ.get(name, "").strip()
    return tuple(_origin(name, item.strip()) for item in raw.split(",") if item.strip())


def _https_url(environ: Mapping[str, str], name: str, default: str) -> str:
    value = environ.get(name, "").strip() or default
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or any(c in value for c in " \"'<>"):
        raise SettingsError(f"{name} must be an https:// address, not {value!r}.")
    return value


def _languages(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = environ.get(name, "").strip()
    if not raw:
        return DEFAULT_LANGUAGES
    languages = tuple(item.strip() for item in raw.split(",") if item.strip())
    if not languages or not all(_LANGUAGE.fullmatch(language) for language in languages):
        raise SettingsError(f"{name} must list language tags such as en,fr,ar.")
    return languages


def _name(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip() or DEFAULT_NAME
    if len(value) > 40 or any(ord(c) < 32 for c in value):
        raise SettingsError(f"{name} must be a name of at most 40 characters.")
    return value


def _directory(environ: Mapping[str, str], name: str) -> Path | None:
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    path = Path(raw)
    if not path.is_dir():
        raise SettingsError(f"{name} must name an existing directory.")
    return path


def _level(environ: Mapping[str, str], name: str) -> str:
    level = environ.get(name, "").strip() or DEFAULT_WALLET_KDF
    if level not in LEVELS:
        raise SettingsError(f"{name} must be one of: {', '.join(LEVELS)}.")
    return level


@dataclass(frozen=True)
class Settings:
    """What the host needs to know; ``from_env`` reads it from the environment."""

    database_url: str
    migrate_on_start: bool = True
    #: The app's built files, served at ``/``.
    web_dir: Path = DEFAULT_WEB_DIR
    #: The app's name as the phone shows it (manifest, title).
    app_name: str = DEFAULT_NAME
    #: Files that replace the app's own of the same name (icon.svg, icon-192.png …): a neutral icon.
    icon_dir: Path | None = None
    quick_exit_url: str = DEFAULT_QUICK_EXIT
    #: The app locks itself after this long without a touch.
    idle_lock_seconds: int = 120
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    #: Issuers and verifiers the app may fetch from (added to the CSP's ``connect-src``).
    connect_origins: tuple[str, ...] = ()
    #: How long a sign-in's bearer token is good for.
    session_seconds: int = 900
    #: The window over which attempts are counted.
    rate_window_seconds: int = 900
    #: Sign-in attempts per account per window.
    signins_per_account: int = 10
    #: Requests of each kind that need no sign-in (sign-in, header, backup fetch) per address per window.
    requests_per_address: int = 60
    #: Accounts created per address per window.
    accounts_per_address: int = 10
    #: The largest JSON request body.
    max_json_bytes: int = 16_384
    #: The Argon2id level (`wallet.kdf.LEVELS`) of the app's new wallets and of fake headers.
    wallet_kdf: str = DEFAULT_WALLET_KDF
    limits: Limits = field(default_factory=configured_limits)

    @property
    def wallet_cost(self) -> Argon2Cost:
        return LEVELS[self.wallet_kdf]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The host's settings; `SettingsError` names the first variable that cannot be used."""
        limits = configured_limits()
        env = os.environ if environ is None else environ
        directory = Path(env["NANSEN_DATA_DIR"]) if env.get("NANSEN_DATA_DIR") else data_dir()
        prefix = "NANSEN_WALLET_HOST_"
        web_dir = _directory(env, prefix + "WEB_DIR") if env.get(prefix + "WEB_DIR", "").strip() else None
        return cls(
            database_url=env.get(prefix + "DATABASE_URL", "").strip()
            or f"sqlite:///{directory / 'wallet-host' / 'host.sqlite3'}",
            migrate_on_start=flag(env, prefix + "MIGRATE_ON_START", True),
            web_dir=web_dir or DEFAULT_WEB_DIR,
            app_name=_name(env, prefix + "NAME"),
            icon_dir=_directory(env, prefix + "ICON_DIR"),
            quick_exit_url=_https_url(env, prefix + "QUICK_EXIT_URL", DEFAULT_QUICK_EXIT),
            idle_lock_seconds=whole_number(env, prefix + "IDLE_LOCK_SECONDS", 120),
            languages=_languages(env, prefix + "LANGUAGES"),
            connect_origins=_origins(env, prefix + "CONNECT_ORIGINS"),
            session_seconds=whole_number(env, prefix + "SESSION_SECONDS", 900),
            rate_window_seconds=whole_number(env, prefix + "RATE_WINDOW_SECONDS", 900),
            signins_per_account=whole_number(env, prefix + "SIGNINS_PER_ACCOUNT", 10),
            requests_per_address=whole_number(env, prefix + "REQUESTS_PER_ADDRESS", 60),
            accounts_per_address=whole_number(env, prefix + "ACCOUNTS_PER_ADDRESS", 10),
            max_json_bytes=whole_number(env, prefix + "MAX_JSON_BYTES", 16_384),
            wallet_kdf=_level(env, prefix + "KDF"),
            limits=limits,
        )
