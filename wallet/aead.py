"""Authenticated encryption of the wallet's own records: XChaCha20-Poly1305 (libsodium's
``crypto_aead_xchacha20poly1305_ietf``, draft-irtf-cfrg-xchacha) with a random 24-byte nonce.

A sealed record is ``nonce ‖ ciphertext ‖ tag``; the additional data binds it to the header of
the file it lives in, so a record cannot be moved to another file or position unnoticed.
"""

from __future__ import annotations

import os
from typing import Final

import nacl.bindings as sodium
import nacl.exceptions

NONCE_SIZE: Final = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
TAG_SIZE: Final = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
OVERHEAD: Final = NONCE_SIZE + TAG_SIZE


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE_SIZE)
    return nonce + sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associated, nonce, key)


def unseal(key: bytes, record: bytes, associated: bytes) -> bytes | None:
    """The plaintext, or None when the record is not sealed under this key with this data."""
    if len(record) < OVERHEAD:
        return None
    try:
        return bytes(
            sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
                record[NONCE_SIZE:], associated, record[:NONCE_SIZE], key
            )
        )
    except nacl.exceptions.CryptoError:
        return None
