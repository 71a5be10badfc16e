"""The backup, format version 2: everything a wallet holds, sealed so that only its holder can read it,
and shaped so that nothing readable tells it from an encrypted document.

Layout::

    "NSDOC" ‖ 0x01      the prefix every encrypted document starts with (nansen.crypto.stream)   6 bytes
    salt                Argon2id's salt for the passphrase                                      16 bytes
    the backup key under the passphrase's Argon2id key          XChaCha20-Poly1305, 72 bytes
    the backup key under the master secret's backup key        XChaCha20-Poly1305, 72 bytes
    the wallet's state, then zeros, under the backup key       XChaCha20-Poly1305, to :data:`SIZE`:
                        the length of an encrypted document of 5 chunks, 327,815 bytes in all

The backup key is random, one per backup. Either the passphrase (RFC 9106 Argon2id with the salt
above) or the master secret (recombined from SLIP-39 guardian shares, :mod:`wallet.guardians`;
:func:`wallet.identity.backup_key`) opens it; nothing else does, so the CID can be handed to a
partner, or written on a recovery sheet, without giving anyone the means to read it.

Why the shape (issue 9): backups sit in the same IPFS store as the encrypted originals, and a
coercer holding the phone, shown the decoy wallet, must not find the real wallet's backups by
scanning the store. So a backup carries no marker and no Argon2id cost (version 1 carried
``NSBACKUP`` and the cost in clear); everything after the document prefix is ciphertext or random;
and every backup has one size, that of an encrypted document of 5 chunks (a Padmé bucket of
``nansen.crypto.padding``), so its IPFS DAG is that of such a document. Without a recorded cost,
opening by passphrase tries the configured cost and then each cheaper one (:func:`wallet.kdf.likely_costs`).
Version 1 backups are still read.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Final

from nansen.crypto import stream
from nansen.crypto.padding import padme
from wallet import aead, header, payload
from wallet.errors import BackupDamaged, BackupLocked
from wallet.header import Header
from wallet.kdf import KEY_SIZE, SALT_SIZE, Argon2Cost, passphrase_key

PREFIX: Final = stream.PREFIX
_WRAP_SIZE: Final = KEY_SIZE + aead.OVERHEAD
_CONTEXT_SIZE: Final = len(PREFIX) + SALT_SIZE
_LEAST: Final = _CONTEXT_SIZE + 2 * _WRAP_SIZE + payload.CAPACITY + aead.OVERHEAD
#: Chunks of the encrypted document a backup is shaped as.
CHUNKS: Final = padme(-(-(_LEAST - stream.HEADER_SIZE) // stream.SEALED_CHUNK_SIZE))
SIZE: Final = stream.HEADER_SIZE + CHUNKS * stream.SEALED_CHUNK_SIZE
#: The zeros after the state, so that the ciphertext ends at SIZE.
_PADDING: Final = bytes(SIZE - _LEAST)
#: Version 1: header (magic "NSBACKUP", cost, salt) ‖ the two wrapped keys ‖ the state.
V1_MAGIC: Final = b"NSBACKUP"
V1_SIZE: Final = header.SIZE + 2 * _WRAP_SIZE + payload.CAPACITY + aead.OVERHEAD
_BY_PASSPHRASE: Final = b"p"
_BY_MASTER: Final = b"m"
_BODY: Final = b"b"
_DAMAGED: Final = "The backup is damaged or was altered, or it is not a Nansen wallet backup."
_LOCKED: Final = (
    "The backup does not open with this passphrase or these guardian shares (a backup made with a "
    "higher NANSEN_WALLET_KDF opens once it is set to that level)."
)


def seal(state: dict[str, Any], passphrase: str, master_key: bytes, cost: Argon2Cost) -> bytes:
    salt = os.urandom(SALT_SIZE)
    context = PREFIX + salt
    backup_key = os.urandom(KEY_SIZE)
    return b"".join(
        (
            context,
            aead.seal(passphrase_key(passphrase, salt, cost), backup_key, context + _BY_PASSPHRASE),
            aead.seal(master_key, backup_key, context + _BY_MASTER),
            aead.seal(backup_key, payload.pack(state) + _PADDING, context + _BODY),
        )
    )


def is_backup_size(size: int) -> bool:
    return size in (SIZE, V1_SIZE)


def open_with_passphrase(data: bytes, passphrase: str, costs: Sequence[Argon2Cost]) -> dict[str, Any]:
    """The state, trying each cost in turn (a version 1 backup names its own)."""
    layout = _layout(data)
    if isinstance(layout, Header):
        costs = [layout.cost]
    for cost in costs:
        backup_key = _unwrap(
            data, layout, passphrase_key(passphrase, _salt(layout, data), cost), _BY_PASSPHRASE
        )
        if backup_key is not None:
            return _body(data, layout, backup_key)
    raise BackupLocked(_LOCKED)


def open_with_master(data: bytes, master_key: bytes) -> dict[str, Any]:
    layout = _layout(data)
    backup_key = _unwrap(data, layout, master_key, _BY_MASTER)
    if backup_key is None:
        raise BackupLocked(_LOCKED)
    return _body(data, layout, backup_key)


#: A backup's layout: the version 2 context (prefix ‖ salt), or a version 1 header.
_Layout = bytes | Header


def _layout(data: bytes) -> _Layout:
    if len(data) == SIZE and data.startswith(PREFIX):
        return data[:_CONTEXT_SIZE]
    top = Header.parse(data, V1_MAGIC, 1) if len(data) == V1_SIZE else None
    if top is None:
        raise BackupDamaged(_DAMAGED)
    return top


def _context(layout: _Layout) -> bytes:
    return layout.raw if isinstance(layout, Header) else layout


def _salt(layout: _Layout, data: bytes) -> bytes:
    return layout.salt if isinstance(layout, Header) else data[len(PREFIX) : _CONTEXT_SIZE]


def _unwrap(data: bytes, layout: _Layout, key: bytes, purpose: bytes) -> bytes | None:
    start = len(_context(layout)) + (0 if purpose == _BY_PASSPHRASE else _WRAP_SIZE)
    return aead.unseal(key, data[start : start + _WRAP_SIZE], _context(layout) + purpose)


def _body(data: bytes, layout: _Layout, backup_key: bytes) -> dict[str, Any]:
    body = aead.unseal(backup_key, data[len(_context(layout)) + 2 * _WRAP_SIZE :], _context(layout) + _BODY)
    if body is None:
        raise BackupDamaged(_DAMAGED)
    return payload.unpack(body[: payload.CAPACITY])
