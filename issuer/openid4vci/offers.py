"""The life of an offer (OpenID4VCI 1.0 §3.5, §4.1, §6, §7, §8), race-safe on SQLite and PostgreSQL.

Every change of state is one conditional ``UPDATE`` (or ``DELETE``) that names the state it
expects, and succeeds only when it changed exactly one row: of two requests racing for the same
code, token configuration or nonce, one wins and the other is refused. The PIN (six digits, read
out by the partner) is checked only with the code, and after :data:`MAX_PIN_ATTEMPTS` wrong ones
the offer is locked and its payload erased; each wrong PIN is one atomic increment, so guesses
sent at once are each counted.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from issuer import audit
from issuer.models import IssuedCredential, Partner
from issuer.openid4vci.models import LOCKED, OFFERED, SPENT, TOKEN, Nonce, Offer
from issuer.vault import Vault
from nansen import vcdm
from nansen.facts import FACT_TERMS
from nansen.openid4vc.names import FORMATS, SD_JWT
from service.problems import Problem

OFFER_LIFETIME: Final = timedelta(hours=1)
TOKEN_LIFETIME: Final = timedelta(minutes=5)
NONCE_LIFETIME: Final = timedelta(minutes=5)
MAX_PIN_ATTEMPTS: Final = 5
PIN_LENGTH: Final = 6


class GrantError(Exception):
    """An OAuth error of the token or credential endpoint (RFC 6749 §5.2, OpenID4VCI 1.0 §8.3.1)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


@dataclass(frozen=True)
class Payload:
    """What an offer gives: the signed Data Integrity credential, and its facts for the SD-JWT VC."""

    credential: dict[str, Any]
    document_type: str
    facts: dict[str, Any]

    def to_bytes(self) -> bytes:
        return json.dumps([self.credential, self.document_type, self.facts]).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Payload:
        credential, document_type, facts = json.loads(data)
        return cls(credential, document_type, facts)


@dataclass(frozen=True)
class MadeOffer:
    code: str
    pin: str
    configurations: tuple[str, ...]
    expires_at: datetime


@dataclass(frozen=True)
class Grant:
    """An access token's offer, opened: the partner, the payload and the configurations left."""

    offer_id: int
    partner_id: str
    payload: Payload
    remaining: tuple[str, ...]


def _now() -> datetime:
    return datetime.now(UTC)


def _context(partner_id: str) -> str:
    return f"nansen-issuer/openid4vci-offer/{partner_id}"


def _code_mac(vault: Vault, code: str) -> bytes:
    return vault.mac("openid4vci-code", code.encode())


def _pin_mac(vault: Vault, code: str, pin: str) -> bytes:
    return vault.mac("openid4vci-pin", json.dumps([code, pin]).encode())


def _token_mac(vault: Vault, token: str) -> bytes:
    return vault.mac("openid4vci-token", token.encode())


def _payload_of(partner: Partner, session: Session, credential: Any) -> Payload:
    """The credential the partner offers, if it is an identity credential this partner issued."""
    if not isinstance(credential, dict) or not isinstance(credential.get("id"), str):
        raise Problem(422, "The offer needs the credential the upload answered with, as 'credential'.")
    known = session.scalar(
        select(IssuedCredential.id).where(
            IssuedCredential.partner_id == partner.id, IssuedCredential.credential_id == credential["id"]
        )
    )
    if known is None or credential.get("issuer") != partner.did or "proof" not in credential:
        raise Problem(422, "Only a credential this partner issued, as it was issued, can be offered.")
    subject = credential.get("credentialSubject")
    document = subject.get("identityDocument") if isinstance(subject, dict) else None
    kinds = document.get("type") if isinstance(document, dict) else None
    kind = [k for k in kinds if k in vcdm.IDENTITY_DOCUMENT_TYPES] if isinstance(kinds, list) else []
    if not isinstance(document, dict) or len(kind) != 1:
        raise Problem(422, "Only an identity document credential can be offered.")
    facts = {k: v for k, v in document.items() if k != "type"}
    return Payload(credential, kind[0], facts)


def make_offer(
    session: Session,
    vault: Vault,
    partner: Partner,
    credential: Any,
    configurations: tuple[str, ...],
    served: Iterable[str] = FORMATS,
) -> MadeOffer:
    """Record an offer of ``credential`` in the given configurations, each one of those ``served``
    (the legacy one only when the issuer serves it); the code and PIN are returned once and never
    stored."""
    served = tuple(served)
    if (
        not configurations
        or set(configurations) - set(served)
        or len(set(configurations)) != len(configurations)
    ):
        raise Problem(422, f"The configurations must be some of: {', '.join(served)}.")
    code, pin = secrets.token_urlsafe(32), f"{secrets.randbelow(10**PIN_LENGTH):0{PIN_LENGTH}d}"
    expires_at = _now() + OFFER_LIFETIME
    with session.begin():
        payload = _payload_of(partner, session, credential)
        if SD_JWT in configurations and not set(payload.facts) <= set(FACT_TERMS):
            raise Problem(422, "An SD-JWT VC can carry only the identity document's facts.")
        if not isinstance(credential["credentialSubject"].get("id"), str):
            raise Problem(422, "The credential names no holder, so it cannot be bound to a wallet's key.")
        offer = Offer(
            partner_id=partner.id,
            code_mac=_code_mac(vault, code),
            pin_mac=_pin_mac(vault, code, pin),
            attempts=0,
            expires_at=expires_at,
            state=OFFERED,
            remaining=",".join(configurations),
            payload=vault.seal(payload.to_bytes(), _context(partner.id), _code_mac(vault, "key:" + code)),
        )
        session.add(offer)
        session.flush()
        audit.append(session, vault, partner.id, audit.Action.OFFER_MADE, str(offer.id))
    return MadeOffer(code, pin, configurations, expires_at)


_UNKNOWN_CODE = "The pre-authorised code is not known here, has been used, or has expired."


def exchange_code(session: Session, vault: Vault, partner_id: str, code: str, pin: str | None) -> str:
    """The token endpoint's work (§6): a code and its PIN for an access token, once."""
    moment = _now()
    with session.begin():
        offer = session.scalar(select(Offer).where(Offer.code_mac == _code_mac(vault, code)))
        if (
            offer is None
            or offer.partner_id != partner_id
            or offer.state != OFFERED
            or offer.expires_at <= moment
        ):
            raise GrantError(400, "invalid_grant", _UNKNOWN_CODE)
        if pin is None or not hmac.compare_digest(offer.pin_mac, _pin_mac(vault, code, pin)):
            # One atomic increment per wrong PIN, so that racing guesses are each counted.
            session.execute(
                update(Offer)
                .where(Offer.id == offer.id, Offer.state == OFFERED)
                .values(attempts=Offer.attempts + 1)
            )
            attempts = session.scalar(select(Offer.attempts).where(Offer.id == offer.id)) or MAX_PIN_ATTEMPTS
            locked = attempts >= MAX_PIN_ATTEMPTS
            if locked:
                session.execute(update(Offer).where(Offer.id == offer.id).values(state=LOCKED, payload=b""))
            message = (
                "The PIN is wrong, too many times: this offer is closed; ask the organisation for a new one."
                if locked
                else f"The PIN is wrong; {MAX_PIN_ATTEMPTS - attempts} attempts are left."
            )
        else:
            token = secrets.token_urlsafe(32)
            opened = vault.open_sealed(offer.payload, _context(partner_id), _code_mac(vault, "key:" + code))
            changed = session.execute(
                update(Offer)
                .where(Offer.id == offer.id, Offer.state == OFFERED, Offer.attempts < MAX_PIN_ATTEMPTS)
                .values(
                    state=TOKEN,
                    token_mac=_token_mac(vault, token),
                    token_expires_at=moment + TOKEN_LIFETIME,
                    payload=vault.seal(opened, _context(partner_id), _token_mac(vault, "key:" + token)),
                )
            )
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                raise GrantError(400, "invalid_grant", _UNKNOWN_CODE)
            return token
    raise GrantError(400, "invalid_grant", message)


def open_grant(session: Session, vault: Vault, partner_id: str, token: str) -> Grant:
    """The offer an access token opens (401 ``invalid_token`` when unknown, spent or expired)."""
    with session.begin():
        offer = session.scalar(select(Offer).where(Offer.token_mac == _token_mac(vault, token)))
        if (
            offer is None
            or offer.partner_id != partner_id
            or offer.state != TOKEN
            or offer.token_expires_at is None
            or offer.token_expires_at <= _now()
        ):
            raise GrantError(
                401, "invalid_token", "The access token is not known here, was used, or has expired."
            )
        payload = Payload.from_bytes(
            vault.open_sealed(offer.payload, _context(partner_id), _token_mac(vault, "key:" + token))
        )
        return Grant(offer.id, partner_id, payload, tuple(offer.remaining.split(",")))


def spend(session: Session, grant: Grant, configuration: str) -> None:
    """Use the token for one configuration, once: refused when a racing request used it first."""
    if configuration not in grant.remaining:
        raise GrantError(
            400,
            "invalid_credential_request",
            "This access token does not (or no longer) give that credential.",
        )
    left = [c for c in grant.remaining if c != configuration]
    values: dict[str, Any] = {"remaining": ",".join(left)}
    if not left:
        values |= {"state": SPENT, "payload": b"", "token_expires_at": None}
    with session.begin():
        changed = session.execute(
            update(Offer)
            .where(
                Offer.id == grant.offer_id, Offer.state == TOKEN, Offer.remaining == ",".join(grant.remaining)
            )
            .values(**values)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise GrantError(401, "invalid_token", "The access token was used meanwhile.")


def new_nonce(session: Session, vault: Vault) -> str:
    """A fresh ``c_nonce`` (§7), good once for :data:`NONCE_LIFETIME`; expired ones are swept."""
    nonce = secrets.token_urlsafe(24)
    moment = _now()
    with session.begin():
        session.execute(delete(Nonce).where(Nonce.expires_at <= moment))
        session.add(
            Nonce(nonce_mac=vault.mac("openid4vci-nonce", nonce.encode()), expires_at=moment + NONCE_LIFETIME)
        )
    return nonce


def use_nonce(session: Session, vault: Vault, nonce: str) -> None:
    """Consume a ``c_nonce``: refused (``invalid_nonce``, §8.3.1.2) unless given here, unused and fresh."""
    with session.begin():
        used = session.execute(
            delete(Nonce).where(
                Nonce.nonce_mac == vault.mac("openid4vci-nonce", nonce.encode()), Nonce.expires_at > _now()
            )
        )
        if used.rowcount != 1:  # type: ignore[attr-defined]
            raise GrantError(
                400, "invalid_nonce", "The proof's c_nonce is not one this issuer gave, or was used."
            )


def partner_named(session: Session, partner_id: str) -> Partner:
    """The partner whose issuer identifier a URL names (404 otherwise)."""
    with session.begin():
        partner = session.get(Partner, partner_id)
    if partner is None:
        raise Problem(404, "There is no credential issuer at this address.")
    return partner
