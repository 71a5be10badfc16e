"""A partner's key lifecycle: rotation and compromise (W3C Controlled Identifiers 1.0 §2.2).

Rotation keeps the old key in the DID document with ``expires`` (what it signed before still
verifies) and destroys its sealed seed: a retired key that still existed could back-date
credentials. A compromised key gets ``revoked`` (nothing it signed verifies any more) and its
seed is destroyed. Status lists are re-signed with the current key after either, when there is one.
"""

from __future__ import annotations

import json

from sqlalchemy import update
from sqlalchemy.orm import Session

from issuer import audit, partners, statuslists
from issuer.models import Partner, SigningKey
from issuer.settings import Settings
from issuer.vault import Vault
from nansen.did.web import current_key, mark_compromised, partner_keys, rotate
from nansen.errors import InvalidInput
from nansen.keys import Ed25519KeyPair


def _partner(session: Session, partner_id: str) -> Partner:
    """The partner whose keys change, locked; a did:key partner has one key for good."""
    partner = partners.locked(session, partner_id)
    if partner is None:
        raise InvalidInput("There is no partner with that id.")
    if partners.is_did_key(partner):
        raise InvalidInput(
            "A did:key partner's key is its DID and cannot be rotated or retired: revoke its credentials "
            "through the status list and issue them again under a new partner."
        )
    return partner


def rotate_key(session: Session, vault: Vault, settings: Settings, partner_id: str) -> str:
    """Give the partner a new current key; return its fragment (``key-N``)."""
    partner = _partner(session, partner_id)
    document = partners.document(partner)
    _, keys = partner_keys(document)
    fragment = f"key-{len(keys) + 1}"
    pair = Ed25519KeyPair.generate()
    partner.document = json.dumps(rotate(document, pair.public_key, fragment))
    session.execute(update(SigningKey).where(SigningKey.partner_id == partner.id).values(sealed_seed=None))
    partners.add_signing_key(session, vault, partner.id, fragment, pair)
    session.flush()
    statuslists.resign_all(session, vault, settings, partner)
    audit.append(session, vault, partner.id, audit.Action.KEY_ROTATED, fragment)
    return fragment


def mark_key_compromised(
    session: Session, vault: Vault, settings: Settings, partner_id: str, key_id: str
) -> str:
    """Mark one of the partner's keys (``key-N``, ``#key-N`` or its DID URL) compromised; return its fragment."""
    partner = _partner(session, partner_id)
    fragment = key_id.removeprefix(partner.did).removeprefix("#")
    partner.document = json.dumps(mark_compromised(partners.document(partner), f"#{fragment}"))
    session.execute(
        update(SigningKey)
        .where(SigningKey.partner_id == partner.id, SigningKey.fragment == fragment)
        .values(sealed_seed=None)
    )
    if current_key(partners.document(partner)) is not None:
        statuslists.resign_all(session, vault, settings, partner)
    audit.append(session, vault, partner.id, audit.Action.KEY_COMPROMISED, fragment)
    return fragment
