"""The tables of OpenID4VCI (migration r0004): offers, with their code, PIN and token, and c_nonces.

Neither a code, a PIN, a token nor a nonce is stored, only HMACs of them under the master key. What
the offer will give (the signed credential and its facts) is sealed under a key derived from the
pre-authorised code, then re-sealed under one derived from the access token: the database alone
never opens it, and it is erased once every credential offered has been given.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from issuer.models import Base

#: The states of an offer, in order; ``locked`` after too many wrong PINs.
OFFERED, TOKEN, SPENT, LOCKED = "offered", "token", "spent", "locked"


class Offer(Base):
    __tablename__ = "issuer_oid4vci_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("issuer_partners.id"), index=True)
    code_mac: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    pin_mac: Mapped[bytes] = mapped_column(LargeBinary(32))
    #: Wrong PINs tried so far.
    attempts: Mapped[int]
    expires_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    #: The credential configurations not yet given, comma-separated.
    remaining: Mapped[str] = mapped_column(String(200))
    #: The sealed payload (see the module); empty once spent or locked.
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    token_mac: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    token_expires_at: Mapped[datetime | None]


class Nonce(Base):
    """A ``c_nonce`` given by the nonce endpoint, deleted when a proof uses it."""

    __tablename__ = "issuer_oid4vci_nonces"

    nonce_mac: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
