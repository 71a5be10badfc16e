"""The wallet's DIDs, all derived from its one master secret (:func:`wallet.kdf.derive`).

- the holder's did:key: the Ed25519 seed of subkey 0 of context ``nsholder``;
- one did:key per partner, for unlinkability: subkey *i* of context ``nspartnr`` for the partner
  at position *i* of the wallet's list (a partner given its own DID cannot be correlated, by it or
  by a verifier, with the holder's other DIDs);
- the key that opens backups without the passphrase: subkey 0 of context ``nsbackup``.

So whoever holds the master secret (or enough guardian shares of it) holds every key: the same
DIDs come back after a recovery, and credentials issued to them keep working.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair, SigningKey
from wallet.kdf import derive

HOLDER: Final = b"nsholder"
PARTNER: Final = b"nspartnr"
BACKUP: Final = b"nsbackup"


def _signer(master: bytes, context: bytes, index: int) -> SigningKey:
    return did_key.signing_key(Ed25519KeyPair.from_seed(derive(master, context, index)))


def backup_key(master: bytes) -> bytes:
    return derive(master, BACKUP, 0)


class Identities:
    """The holder's key and the per-partner keys of one master secret."""

    def __init__(self, master: bytes, partners: Sequence[str]) -> None:
        self.holder = _signer(master, HOLDER, 0)
        self.partners = {label: _signer(master, PARTNER, i) for i, label in enumerate(partners)}

    def signer_for(self, did: str) -> SigningKey | None:
        """The key of one of this wallet's DIDs, or None for another DID."""
        for signer in (self.holder, *self.partners.values()):
            if signer.controller == did:
                return signer
        return None
