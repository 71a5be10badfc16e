"""The console's session: a signed cookie, with a CSRF token for every form.

The cookie holds the session's CSRF token, the language chosen and, once signed in, the partner's id,
a check value derived from its API key's hash (so a session ends when the key changes) and a random
session id. A signed-in session also lives on the server (``issuer_console_sessions``, keyed by the
SHA-256 of its id, expiring :data:`MAX_AGE` after it was last used): signing out deletes that row, so
a copy of the cookie taken before signing out opens nothing afterwards (OWASP Session Management
Cheat Sheet, "Session expiration"). The cookie is
signed and timed with ``itsdangerous`` under a subkey of the master key, and sent ``HttpOnly``,
``SameSite=Strict``, on ``/console`` only, and ``Secure`` when the request came over https (directly
or, with uvicorn's ``--proxy-headers``, through a trusted proxy). A session lasts :data:`MAX_AGE`.

Every form carries the session's CSRF token in a hidden field, and a POST whose token is missing or
is not the session's is refused (403) before anything is done; signing in starts a new session,
with a new token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from issuer.models import ConsoleSessionRecord, Partner
from issuer.vault import Vault

COOKIE = "nansen_console"
PATH = "/console"
#: Seconds a session lasts after it was last refreshed (any page refreshes it).
MAX_AGE = 8 * 3600
_SALT = "nansen-issuer/console-session"


@dataclass(frozen=True)
class ConsoleSession:
    csrf: str
    partner_id: str | None = None
    #: Derived from the partner's API key hash: the session ends when the key changes.
    key_check: str | None = None
    lang: str | None = None
    #: The server-side session's id (see the module's docstring); None until signed in.
    sid: str | None = None

    @classmethod
    def new(cls, lang: str | None = None) -> ConsoleSession:
        return cls(csrf=secrets.token_urlsafe(32), lang=lang)

    def signed_in(self, db: Session, vault: Vault, partner: Partner) -> ConsoleSession:
        """A new session (new CSRF token, new server-side record) for the partner, in ``db``'s transaction."""
        now = datetime.now(UTC)
        db.execute(delete(ConsoleSessionRecord).where(ConsoleSessionRecord.expires_at <= now))
        sid = secrets.token_urlsafe(32)
        db.add(ConsoleSessionRecord(id_hash=_hash(sid), partner_id=partner.id, expires_at=_expiry(now)))
        return replace(
            ConsoleSession.new(self.lang), partner_id=partner.id, key_check=key_check(vault, partner), sid=sid
        )

    def is_live(self, db: Session, partner: Partner) -> bool:
        """Whether the server still holds this session for the partner; if so, extend it (sliding)."""
        if self.sid is None:
            return False
        now = datetime.now(UTC)
        record = db.execute(
            select(ConsoleSessionRecord).where(ConsoleSessionRecord.id_hash == _hash(self.sid))
        ).scalar_one_or_none()
        if record is None or record.partner_id != partner.id or record.expires_at <= now:
            return False
        record.expires_at = _expiry(now)
        return True

    def end(self, db: Session) -> None:
        """Sign out: delete the server-side session, in ``db``'s transaction."""
        if self.sid is not None:
            db.execute(delete(ConsoleSessionRecord).where(ConsoleSessionRecord.id_hash == _hash(self.sid)))

    def is_of(self, vault: Vault, partner: Partner) -> bool:
        return self.key_check is not None and hmac.compare_digest(self.key_check, key_check(vault, partner))

    def accepts(self, token: object) -> bool:
        """Whether a form's CSRF token is this session's."""
        return isinstance(token, str) and hmac.compare_digest(token.encode(), self.csrf.encode())


def _hash(sid: str) -> bytes:
    return hashlib.sha256(sid.encode()).digest()


def _expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=MAX_AGE)


def key_check(vault: Vault, partner: Partner) -> str:
    return vault.mac("console-session-key", partner.id.encode() + partner.api_key_hash).hex()[:32]


def _serializer(vault: Vault) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(vault.subkey("console-session"), salt=_SALT)


def load(request: Request, vault: Vault) -> ConsoleSession:
    """The request's session, or a new one when it has none, or one that is forged or too old."""
    cookie = request.cookies.get(COOKIE)
    if cookie:
        try:
            data = _serializer(vault).loads(cookie, max_age=MAX_AGE)
            return ConsoleSession(**data)
        except (BadSignature, TypeError):
            pass
    return ConsoleSession.new()


def save(response: Response, request: Request, vault: Vault, session: ConsoleSession) -> None:
    response.set_cookie(
        COOKIE,
        _serializer(vault).dumps(asdict(session)),
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
