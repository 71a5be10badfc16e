"""The master key: it encrypts partners' signing keys at rest and keys the service's HMACs.

The key is ``NANSEN_ISSUER_MASTER_KEY`` (64 hex digits) when set, which suits deployments whose
secrets come from the environment; otherwise a 32-byte file, ``master.key`` in the issuer's data
directory, created on first use with mode 0600. Either way it is kept apart from the database, so
a copy of the database alone reveals no signing key and cannot re-forge the audit chain.

Signing-key seeds are sealed with XChaCha20-Poly1305 (libsodium) under a random nonce, with the
partner id and key fragment as associated data, so a sealed seed cannot be moved to another key.
Subkeys for other uses are HMAC-SHA256(master, label); ``seal`` takes another key for data that
must open only with something the database does not hold (an idempotent request's answer, sealed
under a key derived from its Idempotency-Key).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import nacl.bindings
import nacl.exceptions

from issuer.settings import Settings
from service.files import private_directory

KEY_SIZE = 32
_NONCE_SIZE = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES


class VaultError(Exception):
    """The master key is missing or unusable, or a sealed key does not open with it."""


def _read_or_create(path: Path) -> bytes:
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        private_directory(path.parent)
        key = secrets.token_bytes(KEY_SIZE)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return _read_or_create(path)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
    except OSError as cause:
        raise VaultError(f"Cannot read the master key file {path}: {cause.strerror}.") from cause
    if len(key) != KEY_SIZE:
        raise VaultError(f"The master key file {path} does not hold exactly 32 bytes.")
    return key


@dataclass(frozen=True)
class Vault:
    master_key: bytes

    @classmethod
    def open(cls, settings: Settings) -> Vault:
        if settings.master_key is not None:
            return cls(settings.master_key)
        return cls(_read_or_create(settings.data_dir / "master.key"))

    def subkey(self, label: str) -> bytes:
        return hmac.new(self.master_key, label.encode(), hashlib.sha256).digest()

    def mac(self, label: str, data: bytes) -> bytes:
        """HMAC-SHA256 of ``data`` under the subkey for ``label``."""
        return hmac.new(self.subkey(label), data, hashlib.sha256).digest()

    def seal(self, plaintext: bytes, context: str, key: bytes | None = None) -> bytes:
        """nonce ‖ XChaCha20-Poly1305 of ``plaintext`` bound to ``context``, under ``key`` (default:
        the signing-key subkey)."""
        nonce = secrets.token_bytes(_NONCE_SIZE)
        ciphertext = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
            plaintext, context.encode(), nonce, key or self.subkey("signing-keys")
        )
        return nonce + ciphertext

    def open_sealed(self, sealed: bytes, context: str, key: bytes | None = None) -> bytes:
        nonce, ciphertext = sealed[:_NONCE_SIZE], sealed[_NONCE_SIZE:]
        try:
            return nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                ciphertext, context.encode(), nonce, key or self.subkey("signing-keys")
            )
        except nacl.exceptions.CryptoError as cause:
            raise VaultError("A sealed key or record does not open with the master key.") from cause
