"""The host's tables (issue #14, "Shape"). Per account: an opaque random identifier, three
SHA-256 verifiers of login keys, and the encrypted wallet file with its version; sign-in tokens by
their SHA-256; the CIDs of backups an account pinned (so that deleting the account unpins them);
attempt counters by keyed hash. No passphrase, key, DID, name or address is stored. Moments are
whole seconds since the epoch (UTC), the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: 16 random bytes in lowercase hexadecimal.
ACCOUNT_ID_LENGTH = 32
#: A SHA-256 digest (or an HMAC-SHA-256) in lowercase hexadecimal.
DIGEST_LENGTH = 64
#: A version: 16 random bytes in lowercase hexadecimal.
VERSION_LENGTH = 32


class Base(DeclarativeBase):
    pass


class HostSecret(Base):
    """The host's own key (made by the first migration): fake headers of unknown accounts and the
    keyed hashes that name attempt counters are HMACs under it."""

    __tablename__ = "host_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary(64))


class Account(Base):
    """An account, without its wallet file: every look-up reads only these few bytes (a header asked
    for, a version compared), so none takes measurably longer for an account that has a file."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(ACCOUNT_ID_LENGTH), primary_key=True)
    #: Three SHA-256 digests of login keys, 96 bytes; which one a sign-in matched is never recorded.
    verifiers: Mapped[bytes] = mapped_column(LargeBinary(96))
    #: Changes with every upload; the ETag the client must send back to replace the file (None
    #: until the first upload).
    version: Mapped[str | None] = mapped_column(String(VERSION_LENGTH))
    #: The wallet file's first 40 bytes (`wallet.header`), kept apart to be answered alone.
    header: Mapped[bytes | None] = mapped_column(LargeBinary(40))


class WalletFile(Base):
    """The wallet file, byte for byte, written in the same transaction as its account's version."""

    __tablename__ = "wallet_files"

    account_id: Mapped[str] = mapped_column(
        String(ACCOUNT_ID_LENGTH), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary())


class SignIn(Base):
    """A bearer token, known by its SHA-256, good until ``expires_at``."""

    __tablename__ = "sign_ins"

    digest: Mapped[str] = mapped_column(String(DIGEST_LENGTH), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        String(ACCOUNT_ID_LENGTH), ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[int] = mapped_column(BigInteger(), index=True)


class Backup(Base):
    """A backup an account pinned in the host's IPFS store."""

    __tablename__ = "backups"

    account_id: Mapped[str] = mapped_column(
        String(ACCOUNT_ID_LENGTH), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    cid: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)
    #: When it was pinned (seconds; later than the account's previous one, so that the order holds
    #: within a second): an account keeps its newest few (`wallet.host.backups.KEPT`).
    pinned_at: Mapped[int] = mapped_column(BigInteger())


class Attempt(Base):
    """Requests counted in a window, by an HMAC of what is limited (an account, an address, a kind)."""

    __tablename__ = "attempts"

    key: Mapped[str] = mapped_column(String(DIGEST_LENGTH), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger(), index=True)
    count: Mapped[int] = mapped_column(Integer())
