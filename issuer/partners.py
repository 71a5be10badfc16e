"""Partners: their DIDs and documents, API keys and current signing key.

A partner's DID document (``nansen.did.web.build_document``) is stored as JSON and is the record
of its keys' lifecycle; the seeds are in ``issuer_signing_keys``, sealed by the master key. A partner
without a web domain may instead be a ``did:key`` (``nansen.did.key``): its one key is its DID, the
stored document is the one the DID resolves to offline, and the key can never be rotated or retired
(README, "Partners with a did:key"). An API key is
``nansen_<partner id>_<secret>``; only SHA-256 of the secret (32 random bytes) is stored, and it is
compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer import audit
from issuer.dids import authority, domain_did, path_did
from issuer.models import Partner, SigningKey
from issuer.settings import Settings
from issuer.vault import Vault
from nansen.did import key as did_key
from nansen.did.web import PartnerKey, build_document, current_key
from nansen.errors import InvalidInput
from nansen.keys import Ed25519KeyPair
from nansen.keys import SigningKey as Signer
from service.groupcommit import recall, remember
from service.problems import Problem

API_KEY_PREFIX = "nansen"
_MAX_NAME = 200


@dataclass(frozen=True)
class NewPartner:
    partner: Partner
    #: Shown once; only its hash is kept.
    api_key: str


def seal_context(partner_id: str, fragment: str) -> str:
    """What a sealed seed is bound to: it opens only as this partner's key with this fragment."""
    return f"nansen-issuer/signing-key/{partner_id}#{fragment}"


def _hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def add_signing_key(
    session: Session, vault: Vault, partner_id: str, fragment: str, pair: Ed25519KeyPair
) -> None:
    sealed = vault.seal(pair.seed, seal_context(partner_id, fragment))
    session.add(SigningKey(partner_id=partner_id, fragment=fragment, sealed_seed=sealed, created_at=_now()))


def is_did_key(partner: Partner) -> bool:
    return partner.did.startswith(did_key.PREFIX)


def create(
    session: Session,
    vault: Vault,
    settings: Settings,
    name: str,
    domain: str | None = None,
    *,
    use_did_key: bool = False,
) -> NewPartner:
    """A partner with a fresh Ed25519 key and API key, in the caller's transaction: its DID is a
    did:web (on ``domain``, or a path of this service), or with ``use_did_key`` the key's did:key."""
    name = name.strip()
    if not name or len(name) > _MAX_NAME or not name.isprintable():
        raise InvalidInput("A partner's name is 1 to 200 printable characters.")
    if use_did_key and domain is not None:
        raise InvalidInput("A partner has a did:web domain or a did:key, not both.")
    partner_id = secrets.token_hex(8)
    if domain is not None:
        domain = authority(domain)
        if session.scalar(select(Partner.id).where(Partner.domain == domain)) is not None:
            raise InvalidInput("Another partner already has that domain.")
    pair = Ed25519KeyPair.generate()
    if use_did_key:
        did = did_key.did_from_public_key(pair.public_key)
        fragment = pair.public_key.multibase
        document = did_key.resolve(did).data
    else:
        did = domain_did(domain) if domain else path_did(settings.public_host, partner_id)
        fragment = "key-1"
        document = build_document(did, [PartnerKey(fragment, pair.public_key)])
    secret = secrets.token_urlsafe(32)
    moment = _now()
    partner = Partner(
        id=partner_id,
        name=name,
        did=did,
        domain=domain,
        document=json.dumps(document),
        api_key_hash=_hash_secret(secret),
        created_at=moment,
        rate_tokens=float(settings.rate_burst),
        rate_updated=moment,
    )
    session.add(partner)
    session.flush()
    add_signing_key(session, vault, partner_id, fragment, pair)
    audit.append(session, vault, partner_id, audit.Action.PARTNER_CREATED)
    return NewPartner(partner, f"{API_KEY_PREFIX}_{partner_id}_{secret}")


def locked(session: Session, partner_id: str) -> Partner | None:
    """The partner's row, locked until the transaction ends (PostgreSQL; SQLite locks it all). In a
    group commit's batch that already holds it (`lock_all`), the row loaded then, with no statement."""
    held: Partner | None = recall(session, (Partner, partner_id))
    if held is not None:
        return held
    return session.scalar(
        select(Partner)
        .where(Partner.id == partner_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def lock_all(session: Session, partner_ids: list[str]) -> None:
    """Lock and load the partners' rows in the order of their ids (a group commit's batch,
    `service.groupcommit`: every transaction that locks several takes them in this order, so none
    waits for another); its pieces then find them remembered (`locked`)."""
    rows = session.scalars(
        select(Partner)
        .where(Partner.id.in_(partner_ids))
        .order_by(Partner.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    for row in rows:
        remember(session, (Partner, row.id), row)


def locked_or_gone(session: Session, partner_id: str) -> Partner:
    """The caller's row, locked; a 401 Problem if the partner no longer exists."""
    partner = locked(session, partner_id)
    if partner is None:
        raise Problem(401, "The API key is missing or not valid.")
    return partner


def _parts(api_key: str) -> tuple[str, str] | None:
    """An API key's partner id and secret, or None when it is not of the form ``nansen_<id>_<secret>``."""
    prefix, _, rest = api_key.partition("_")
    partner_id, _, secret = rest.partition("_")
    if prefix != API_KEY_PREFIX or not partner_id or not secret or len(api_key) > 200:
        return None
    return partner_id, secret


def partner_id_of(api_key: str) -> str | None:
    """The partner id an API key names (not yet checked), or None when it is not an API key."""
    parts = _parts(api_key)
    return None if parts is None else parts[0]


def authenticate(session: Session, api_key: str) -> Partner | None:
    """The partner whose API key this is (its row locked), or None."""
    parts = _parts(api_key)
    if parts is None:
        return None
    partner_id, secret = parts
    partner = locked(session, partner_id)
    if partner is None or not hmac.compare_digest(_hash_secret(secret), partner.api_key_hash):
        return None
    return partner


def document(partner: Partner) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(partner.document)
    return loaded


#: Signers opened before, by vault, partner, DID document and fragment (see `signer`).
_opened: dict[tuple[Vault, str, str, str], Signer] = {}
#: A bound on `_opened` (a service signs for its partners' current keys: a few per partner).
_MAX_OPENED = 1024


def signer(session: Session, vault: Vault, partner: Partner, fragment: str | None = None) -> Signer:
    """The partner's current signing key (or the one with ``fragment``, if it is still held).

    A key is opened once per DID document: a key is retired (its sealed seed removed) only in the
    transaction that changes the partner's DID document (`issuer.keyring`), so a signer opened
    under a document may sign for as long as the partner's row holds that very document. The
    profile of issuance under load put a tenth of the locked work here (a query and a decryption)."""
    method = did_key.signing_method(partner.did) if is_did_key(partner) else current_key(document(partner))
    wanted = fragment or (method.split("#", 1)[1] if method else None)
    if wanted is None:
        raise Problem(409, "The partner has no current signing key; an operator must rotate its key.")
    known = (vault, partner.id, partner.document, wanted)
    opened = _opened.get(known)
    if opened is not None:
        return opened
    row = session.scalar(
        select(SigningKey).where(SigningKey.partner_id == partner.id, SigningKey.fragment == wanted)
    )
    if row is None or row.sealed_seed is None:
        raise Problem(409, "That signing key has been retired and can no longer sign.")
    seed = vault.open_sealed(row.sealed_seed, seal_context(partner.id, wanted))
    opened = Signer(Ed25519KeyPair.from_seed(seed), f"{partner.did}#{wanted}")
    if len(_opened) >= _MAX_OPENED:
        _opened.clear()
    _opened[known] = opened
    return opened


def _now() -> datetime:
    return datetime.now(UTC)
