"""The backup, format version 1: everything a wallet holds, sealed so that only its holder can read it.

Layout::

    header (wallet.header: magic "NSBACKUP", record count 1, Argon2id cost, a fresh salt)   40 bytes
    the backup key under the passphrase's Argon2id key          XChaCha20-Poly1305, 72 bytes
    the backup key under the master secret's backup key        XChaCha20-Poly1305, 72 bytes
    the wallet's state under the backup key       XChaCha20-Poly1305, 262,120 bytes

The backup key is random, one per backup. Either the passphrase (RFC 9106 Argon2id with the
salt above) or the master secret (recombined from SLIP-39 guardian shares, :mod:`wallet.guardians`;
:func:`wallet.identity.backup_key`) opens it; nothing else does, so the CID can be handed to a
partner, or written on a recovery sheet, without giving anyone the means to read it. Every backup
has the same size (the state is padded, :mod:`wallet.payload`), whatever the wallet holds.
"""

from __future__ import annotations

import os
from typing import Any, Final

from wallet import aead, header, payload
from wallet.errors import BackupDamaged, BackupLocked
from wallet.header import Header
from wallet.kdf import KEY_SIZE, Argon2Cost

MAGIC: Final = b"NSBACKUP"
_WRAP_SIZE: Final = KEY_SIZE + aead.OVERHEAD
SIZE: Final = header.SIZE + 2 * _WRAP_SIZE + payload.CAPACITY + aead.OVERHEAD
_BY_PASSPHRASE: Final = b"p"
_BY_MASTER: Final = b"m"
_BODY: Final = b"b"
_DAMAGED: Final = "The backup is damaged or was altered, or it is not a Nansen wallet backup."


def seal(state: dict[str, Any], passphrase: str, master_key: bytes, cost: Argon2Cost) -> bytes:
    top = Header.new(MAGIC, 1, cost)
    raw = top.raw
    backup_key = os.urandom(KEY_SIZE)
    return b"".join(
        (
            raw,
            aead.seal(top.key_for(passphrase), backup_key, raw + _BY_PASSPHRASE),
            aead.seal(master_key, backup_key, raw + _BY_MASTER),
            aead.seal(backup_key, payload.pack(state), raw + _BODY),
        )
    )


def open_with_passphrase(data: bytes, passphrase: str) -> dict[str, Any]:
    top = _header(data)
    return _open(data, top, top.key_for(passphrase), _BY_PASSPHRASE, header.SIZE)


def open_with_master(data: bytes, master_key: bytes) -> dict[str, Any]:
    return _open(data, _header(data), master_key, _BY_MASTER, header.SIZE + _WRAP_SIZE)


def _header(data: bytes) -> Header:
    top = Header.parse(data, MAGIC, 1)
    if top is None or len(data) != SIZE:
        raise BackupDamaged(_DAMAGED)
    return top


def _open(data: bytes, top: Header, key: bytes, purpose: bytes, at: int) -> dict[str, Any]:
    raw = top.raw
    backup_key = aead.unseal(key, data[at : at + _WRAP_SIZE], raw + purpose)
    if backup_key is None:
        raise BackupLocked("The backup does not open with this passphrase or these guardian shares.")
    body = aead.unseal(backup_key, data[header.SIZE + 2 * _WRAP_SIZE :], raw + _BODY)
    if body is None:
        raise BackupDamaged(_DAMAGED)
    return payload.unpack(body)
