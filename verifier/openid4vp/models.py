"""The table of OpenID4VP requests (migration 0003).

A request is known by a random id (in its request URI, so in the QR code) and read back only with
a second secret, the read key, which the page that made it holds: people who see the QR code can
answer it, never read its verdict. The verdict (which names the facts disclosed) is kept sealed to
the read key (`verifier.openid4vp.verdicts`), until it is read or the request expires, when the
row is deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from verifier.models import Base, UtcDateTime


class PresentationRequest(Base):
    __tablename__ = "openid4vp_requests"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: SHA-256 of the read key.
    read_digest: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(64))
    #: The facts asked for, comma-separated.
    claims: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(1000))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: The public key (base64) the verdict is sealed to, derived from the read key.
    seal_key: Mapped[str] = mapped_column(String(64))
    #: Made by the scan page, whose verdicts always judge trust (`verifier.verification.judging_trust`).
    judge_trust: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The verification result once answered, sealed to ``seal_key`` (base64).
    result: Mapped[str | None] = mapped_column(Text)
