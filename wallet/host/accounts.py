"""What the host does for an account (WEBWALLET-PROTOCOL.md, "Accounts and sign-in"), on the
database, without HTTP: create it, answer its header, sign in, keep its wallet file under
compare-and-swap versions, change its verifiers, delete it.

The host never sees a passphrase or a key: it keeps three SHA-256 digests of login keys and compares
a presented login key's digest with all three in constant time, recording nothing of which matched.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from typing import Final

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from service.problems import Problem
from wallet.container import FILE_SIZE
from wallet.header import SIZE as HEADER_SIZE
from wallet.host import ratelimit
from wallet.host.backups import unkept
from wallet.host.models import Account, Backup, SignIn, WalletFile
from wallet.host.secret import Keyed
from wallet.host.settings import Settings

VERIFIERS: Final = 3
VERIFIER_SIZE: Final = 32
TOKEN_BYTES: Final = 32
_UNAUTHORISED: Final = {"WWW-Authenticate": "Bearer"}


def verifier_of(login_key: bytes) -> bytes:
    return hashlib.sha256(login_key).digest()


def matches(verifiers: bytes, login_key: bytes) -> bool:
    """Whether the login key's digest is one of the three, looking at all three whatever happens."""
    presented = verifier_of(login_key)
    found = 0
    for index in range(VERIFIERS):
        stored = verifiers[index * VERIFIER_SIZE : (index + 1) * VERIFIER_SIZE]
        found |= hmac.compare_digest(stored, presented)
    return bool(found)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def not_signed_in() -> Problem:
    return Problem(401, "Sign in again: the session is missing, expired or not valid.", headers=_UNAUTHORISED)


@dataclass(frozen=True)
class Token:
    token: str
    expires_in: int


@dataclass(frozen=True)
class Stored:
    container: bytes
    version: str


class Accounts:
    """The host's operations on the database ``sessions`` opens (every method is one or two short
    transactions; a refusal is a `Problem`)."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings, keyed: Keyed) -> None:
        self.sessions = sessions
        self.settings = settings
        self.keyed = keyed

    # -- limits

    def _count(self, kind: str, value: bytes, limit: int, moment: int) -> None:
        """Count an attempt (committed even when refused); 429 past the limit."""
        with self.sessions.begin() as session:
            wait = ratelimit.count(
                session,
                self.keyed.counter(kind, value),
                limit=limit,
                window=self.settings.rate_window_seconds,
                moment=moment,
            )
        if wait is not None:
            raise ratelimit.too_many(wait)

    def count_address(self, kind: str, address: str, moment: int) -> None:
        limit = self.settings.accounts_per_address if kind == "create" else self.settings.requests_per_address
        self._count(kind, address.encode(), limit, moment)

    # -- sign-in

    def _new_token(self, session: Session, account: str, moment: int) -> Token:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        lifetime = self.settings.session_seconds
        session.add(SignIn(digest=token_digest(token), account_id=account, expires_at=moment + lifetime))
        return Token(token, lifetime)

    def create(self, verifiers: bytes, moment: int) -> tuple[bytes, Token]:
        """A new account (its identifier made here: 16 random bytes) and a first sign-in."""
        raw = os.urandom(16)
        with self.sessions.begin() as session:
            session.add(Account(id=raw.hex(), verifiers=verifiers, version=None, header=None))
            session.flush()
            return raw, self._new_token(session, raw.hex(), moment)

    def header(self, account: bytes) -> bytes:
        """The account's 40-byte header; for an unknown account (or one without a file yet), a fake
        that is the same every time it is asked for."""
        with self.sessions() as session:
            stored = session.scalar(select(Account.header).where(Account.id == account.hex()))
        if stored is not None:
            return bytes(stored)
        return self.keyed.fake_header(account, self.settings.wallet_cost)

    def sign_in(self, account: bytes, login_key: bytes, moment: int) -> Token:
        """A token for the holder of one of the account's login keys; 401 otherwise, the same for
        an unknown account. Counted per account before it is judged (429 past the limit)."""
        counter = self.keyed.counter("sign-in-account", account)
        with self.sessions.begin() as session:
            wait = ratelimit.count(
                session,
                counter,
                limit=self.settings.signins_per_account,
                window=self.settings.rate_window_seconds,
                moment=moment,
            )
        if wait is not None:
            raise ratelimit.too_many(wait)
        with self.sessions.begin() as session:
            stored = session.scalar(select(Account.verifiers).where(Account.id == account.hex()))
            verifiers = bytes(stored) if stored is not None else self.keyed.fake_verifiers(account)
            if not matches(verifiers, login_key) or stored is None:
                raise Problem(401, "The account and key do not match.", headers=_UNAUTHORISED)
            ratelimit.forget(session, counter)
            return self._new_token(session, account.hex(), moment)

    def signed_in(self, token: str, moment: int) -> str:
        """The account a bearer token is for (its hexadecimal id); 401 when missing or expired."""
        with self.sessions() as session:
            account = session.scalar(
                select(SignIn.account_id).where(
                    SignIn.digest == token_digest(token), SignIn.expires_at > moment
                )
            )
        if account is None:
            raise not_signed_in()
        return account

    def sign_out(self, token: str) -> None:
        with self.sessions.begin() as session:
            session.execute(delete(SignIn).where(SignIn.digest == token_digest(token)))

    # -- the wallet file

    def read(self, account: str) -> Stored | None:
        with self.sessions() as session:
            row = session.execute(
                select(WalletFile.data, Account.version)
                .join(Account, Account.id == WalletFile.account_id)
                .where(Account.id == account)
            ).one_or_none()
        if row is None or row.version is None:
            return None
        return Stored(bytes(row.data), row.version)

    def replace(self, account: str, container: bytes, expected: str | None) -> str:
        """Store ``container`` if the stored version is ``expected`` (None: only if there is no file
        yet); return the new version. One conditional ``UPDATE`` of the version, the file written in
        the same transaction: of two racing uploads with the same expected version exactly one finds
        it (PostgreSQL locks the row, SQLite the database). 412 for the other, the stored bytes
        untouched."""
        assert len(container) == FILE_SIZE
        version = secrets.token_hex(16)
        condition = Account.version.is_(None) if expected is None else Account.version == expected
        with self.sessions.begin() as session:
            result = session.execute(
                update(Account)
                .where(Account.id == account, condition)
                .values(version=version, header=container[:HEADER_SIZE])
            )
            if getattr(result, "rowcount", 0) != 1:
                raise stale()
            if expected is None:
                session.add(WalletFile(account_id=account, data=container))
            else:
                session.execute(
                    update(WalletFile).where(WalletFile.account_id == account).values(data=container)
                )
        return version

    def change_verifiers(self, account: str, verifiers: bytes, expected: str, token: str) -> None:
        """New verifiers (the passphrases changed) if the wallet file is still at ``expected``; every
        other sign-in of the account ends (a device that knew an old passphrase signs in again)."""
        with self.sessions.begin() as session:
            result = session.execute(
                update(Account)
                .where(Account.id == account, Account.version == expected)
                .values(verifiers=verifiers)
            )
            if getattr(result, "rowcount", 0) != 1:
                raise stale()
            session.execute(
                delete(SignIn).where(SignIn.account_id == account, SignIn.digest != token_digest(token))
            )

    def swap_verifier(self, account: str, old: bytes, new: bytes, expected: str, token: str) -> None:
        """One passphrase changed: the verifier ``old`` becomes ``new`` where it stands, the other two
        (a duress passphrase's, random ones) untouched, if the wallet file is still at ``expected``.
        Only someone who holds the old passphrase's login key knows ``old`` (its SHA-256): a duress
        passphrase's session cannot name the real one. 409 when ``old`` is not among the three or
        ``new`` already is; every other sign-in of the account ends, as for `change_verifiers`."""
        with self.sessions.begin() as session:
            stored = session.scalar(
                select(Account.verifiers).where(Account.id == account, Account.version == expected)
            )
            if stored is None:
                raise stale()
            current = bytes(stored)
            slots = [current[i * VERIFIER_SIZE : (i + 1) * VERIFIER_SIZE] for i in range(VERIFIERS)]
            found = [hmac.compare_digest(slot, old) for slot in slots]
            if sum(found) != 1 or any(hmac.compare_digest(slot, new) for slot in slots):
                raise Problem(
                    409, "The passphrase to replace is not this account's, or the new one already is."
                )
            replaced = b"".join(new if hit else slot for slot, hit in zip(slots, found, strict=True))
            result = session.execute(
                update(Account)
                .where(Account.id == account, Account.version == expected, Account.verifiers == current)
                .values(verifiers=replaced)
            )
            if getattr(result, "rowcount", 0) != 1:
                raise stale()
            session.execute(
                delete(SignIn).where(SignIn.account_id == account, SignIn.digest != token_digest(token))
            )

    # -- deletion

    def delete(self, account: str) -> list[str]:
        """Remove the account, its sign-ins, its counter and its backups' records; return the CIDs
        that no other account keeps (the caller unpins them)."""
        with self.sessions.begin() as session:
            cids = list(session.scalars(select(Backup.cid).where(Backup.account_id == account)))
            session.execute(delete(Backup).where(Backup.account_id == account))
            session.execute(delete(SignIn).where(SignIn.account_id == account))
            session.execute(delete(WalletFile).where(WalletFile.account_id == account))
            session.execute(delete(Account).where(Account.id == account))
            ratelimit.forget(session, self.keyed.counter("sign-in-account", bytes.fromhex(account)))
            return unkept(session, cids)

    def purge(self, moment: int) -> int:
        """Remove expired sign-ins and ended counters."""
        with self.sessions.begin() as session:
            result = session.execute(delete(SignIn).where(SignIn.expires_at <= moment))
            removed = int(getattr(result, "rowcount", 0) or 0)
            return removed + ratelimit.purge(session, window=self.settings.rate_window_seconds, moment=moment)


def stale() -> Problem:
    return Problem(
        412,
        "The wallet was changed elsewhere since this copy was read: fetch it again before saving.",
        kind="wallet-changed",
    )
