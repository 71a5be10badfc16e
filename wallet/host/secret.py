"""The host's secret and what it keys (HMAC-SHA-256): the fake header of an account that does not
exist, and the names of attempt counters, so that the database names no address and no account
identifier in its counters. The secret is made by the first migration and shared by every worker
and replica through the database."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.container import MAGIC, SLOTS
from wallet.header import Header
from wallet.host.models import HostSecret
from wallet.kdf import SALT_SIZE, Argon2Cost

NAME = "hmac"


class HostNotMigrated(RuntimeError):
    """The database has no host secret: its migrations were never run."""


@dataclass(frozen=True)
class Keyed:
    secret: bytes

    @classmethod
    def load(cls, session: Session) -> Keyed:
        value = session.scalar(select(HostSecret.value).where(HostSecret.name == NAME))
        if value is None:
            raise HostNotMigrated("The host's secret is missing: run `nansen wallet host migrate`.")
        return cls(bytes(value))

    def mac(self, purpose: str, value: bytes) -> bytes:
        return hmac.new(self.secret, purpose.encode() + b"\0" + value, hashlib.sha256).digest()

    def counter(self, kind: str, value: bytes) -> str:
        """The name of the attempt counter of ``kind`` for ``value`` (an address, an account)."""
        return self.mac("counter:" + kind, value).hex()

    def fake_header(self, account: bytes, cost: Argon2Cost) -> bytes:
        """The header an unknown account answers with: the same for the same identifier, shaped as
        a real one (WEBWALLET-PROTOCOL.md, ``POST /api/header``)."""
        return Header(MAGIC, SLOTS, cost, self.mac("fake-header", account)[:SALT_SIZE]).raw

    def fake_verifiers(self, account: bytes) -> bytes:
        """What a sign-in to an unknown account is compared with, so that it costs the same work."""
        return b"".join(self.mac(f"fake-verifier:{i}", account) for i in range(3))
