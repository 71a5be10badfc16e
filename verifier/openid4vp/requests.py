"""The life of an OpenID4VP request, shared by the API and the scan page: opened with its secrets,
watched (waiting, done, expired) and its verdict read once, all by the holder of the read key.

The service's public address comes from ``NANSEN_VERIFIER_PUBLIC_URL``. The request object is
signed with the verifier's key, so the ``response_uri`` in it is what a wallet trusts as this
verifier's: were it taken from a client's ``Host`` header, anyone could have this verifier sign a
request that sends a wallet's answer elsewhere. Without the setting, only a loopback ``Host`` is
believed (a verifier run on a laptop for development); any other is refused.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from fastapi import Request
from sqlalchemy import delete
from sqlalchemy.orm import Session

from nansen.openid4vc.presentation import client_id_of, request_uri_text
from nansen.verify import VerificationResult
from service.problems import Problem
from service.settings import loopback_host
from verifier.openid4vp.key import verifier_key
from verifier.openid4vp.models import PresentationRequest
from verifier.openid4vp.verdicts import seal_key, unseal
from verifier.replay import digest
from verifier.settings import Settings

Progress = Literal["waiting", "done", "expired"]


def public_base(request: Request, settings: Settings) -> str:
    """Where wallets reach this service: the configured public URL, else a loopback ``Host``'s."""
    if settings.public_url:
        return settings.public_url
    if not loopback_host(request.url.hostname or ""):
        raise Problem(
            421,
            "This verifier's public address is not configured (NANSEN_VERIFIER_PUBLIC_URL), "
            "so it makes OpenID4VP requests for loopback addresses only.",
        )
    return str(request.base_url).rstrip("/")


@dataclass(frozen=True)
class Opened:
    row: PresentationRequest
    read_key: str
    #: The ``openid4vp://`` URI for the QR code.
    uri: str


def request_uri(base: str, row: PresentationRequest) -> str:
    return request_uri_text(row.client_id, f"{base}/openid4vp/requests/{row.id}")


def open_request(
    session: Session,
    settings: Settings,
    base: str,
    claims: tuple[str, ...],
    moment: datetime,
    *,
    judge_trust: bool = False,
) -> Opened:
    """A new request for ``claims``, with its fresh id, read key, nonce and state; ``judge_trust``
    for the scan page's requests, judged as the pages judge (no trust list: cannot confirm)."""
    read_key = secrets.token_urlsafe(32)
    row = PresentationRequest(
        id=secrets.token_urlsafe(24),
        read_digest=digest(read_key),
        seal_key=seal_key(read_key),
        nonce=secrets.token_urlsafe(32),
        state=secrets.token_urlsafe(16),
        claims=",".join(dict.fromkeys(claims)),
        client_id=client_id_of(verifier_key(settings.data_dir)),
        expires_at=moment + timedelta(seconds=settings.challenge_ttl_seconds),
        judge_trust=judge_trust,
    )
    session.add(row)
    session.commit()
    return Opened(row, read_key, request_uri(base, row))


def load(session: Session, ident: str) -> PresentationRequest | None:
    """The request as it is now, detached: a reader racing to delete it (the verdict read once, or
    the purge) cannot make its attributes vanish while it is judged (no transaction stays open)."""
    row = session.get(PresentationRequest, ident)
    if row is not None:
        session.expunge(row)
    session.rollback()
    return row


def readable(session: Session, ident: str, read_key: str) -> PresentationRequest | None:
    """The request, to the holder of its read key only; None to anyone else, as if it did not exist."""
    row = load(session, ident)
    if row is None or not secrets.compare_digest(digest(read_key), row.read_digest):
        return None
    return row


def progress(row: PresentationRequest, moment: datetime) -> Progress:
    if row.result is not None:
        return "done"
    return "expired" if row.expires_at <= moment else "waiting"


def take_verdict(session: Session, row: PresentationRequest, read_key: str) -> VerificationResult | None:
    """The verdict of an answered request, deleted as it is read; None if it is not answered, or
    another reader took it first."""
    if row.result is None:
        return None
    taken = session.connection().execute(
        delete(PresentationRequest).where(
            PresentationRequest.id == row.id, PresentationRequest.answered_at.is_not(None)
        )
    )
    session.commit()
    return unseal(row.result, read_key) if taken.rowcount == 1 else None
