"""Keys from a passphrase, and keys from the master secret.

**From a passphrase: Argon2id** (RFC 9106), libsodium's ``crypto_pwhash`` with
``crypto_pwhash_ALG_ARGON2ID13``. The passphrase is normalised to Unicode NFC first, so the same
words typed on another keyboard or phone give the same key. The cost is chosen by
``NANSEN_WALLET_KDF`` when a wallet or backup is made; the wallet file writes it in its header, so
opening always uses the cost it was made with; a backup does not (it must carry no constant that tells
it from other ciphertext), so opening one tries :func:`likely_costs` in turn:

| level | libsodium constants | memory | time here |
|---|---|---|---|
| ``moderate`` (default) | ``OPSLIMIT_MODERATE``, ``MEMLIMIT_MODERATE`` | 256 MiB | ~0.4 to 0.7 s |
| ``sensitive`` | ``OPSLIMIT_SENSITIVE``, ``MEMLIMIT_SENSITIVE`` | 1 GiB | ~5 s |
| ``interactive`` | ``OPSLIMIT_INTERACTIVE``, ``MEMLIMIT_INTERACTIVE`` | 64 MiB | ~0.1 s |
| ``minimum`` | ``OPSLIMIT_MIN``, ``MEMLIMIT_MIN`` | 8 KiB | <1 ms: **tests only**, no protection against guessing |

A header may not ask for more than ``sensitive`` (a forged file must not exhaust memory).

**From the master secret: BLAKE2b** (RFC 7693) in libsodium's ``crypto_kdf`` construction: the
master secret is the key, the subkey id (64-bit little-endian) the salt, an 8-byte context the
personalisation. For a 32-byte key this is exactly ``crypto_kdf_derive_from_key`` (tested against
libsodium's vectors); the wallet's master secret is 16 bytes (128 bits, so that SLIP-39 shares are
20 words), which BLAKE2b accepts as a key just the same.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import nacl.encoding
import nacl.hash
import nacl.pwhash.argon2id as argon2id

from nansen.errors import InvalidInput

SALT_SIZE: Final = argon2id.SALTBYTES
KEY_SIZE: Final = 32
CONTEXT_SIZE: Final = 8
#: libsodium's crypto_pwhash_ALG_ARGON2ID13, as written in headers.
ALGORITHM_ARGON2ID13: Final = 2


@dataclass(frozen=True)
class Argon2Cost:
    """Argon2id's time (``opslimit``, passes) and memory (``memlimit``, bytes) cost."""

    opslimit: int
    memlimit: int

    def acceptable(self) -> bool:
        """Within what libsodium allows and no more than ``sensitive`` (headers are untrusted)."""
        return (
            argon2id.OPSLIMIT_MIN <= self.opslimit <= argon2id.OPSLIMIT_SENSITIVE
            and argon2id.MEMLIMIT_MIN <= self.memlimit <= argon2id.MEMLIMIT_SENSITIVE
        )


LEVELS: Final = {
    "minimum": Argon2Cost(argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN),
    "interactive": Argon2Cost(argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE),
    "moderate": Argon2Cost(argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE),
    "sensitive": Argon2Cost(argon2id.OPSLIMIT_SENSITIVE, argon2id.MEMLIMIT_SENSITIVE),
}
DEFAULT_LEVEL: Final = "moderate"


def configured_cost(environ: Mapping[str, str] | None = None) -> Argon2Cost:
    """The cost ``NANSEN_WALLET_KDF`` names (``moderate`` when unset)."""
    env = os.environ if environ is None else environ
    name = env.get("NANSEN_WALLET_KDF", "").strip() or DEFAULT_LEVEL
    if name not in LEVELS:
        raise InvalidInput(f"NANSEN_WALLET_KDF must be one of: {', '.join(LEVELS)}.")
    return LEVELS[name]


def likely_costs(environ: Mapping[str, str] | None = None) -> list[Argon2Cost]:
    """The costs to try on a backup (which records none, :mod:`wallet.backup`): the configured
    level, then each cheaper one. A backup made at a dearer level than this device's opens once
    ``NANSEN_WALLET_KDF`` names that level (a wrong passphrase would otherwise cost ``sensitive``'s
    1 GiB and seconds every time)."""
    first = configured_cost(environ)
    return [first, *(cost for cost in LEVELS.values() if cost.memlimit < first.memlimit)]


def passphrase_key(passphrase: str, salt: bytes, cost: Argon2Cost) -> bytes:
    """Argon2id (RFC 9106) of the NFC-normalised passphrase: a 32-byte key."""
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return bytes(argon2id.kdf(KEY_SIZE, secret, salt, opslimit=cost.opslimit, memlimit=cost.memlimit))


def derive(key: bytes, context: bytes, subkey_id: int, size: int = KEY_SIZE) -> bytes:
    """A subkey of ``key`` for ``context`` (8 bytes) and ``subkey_id``: libsodium's crypto_kdf."""
    if len(context) != CONTEXT_SIZE or not 0 <= subkey_id < 2**64:
        raise ValueError("a crypto_kdf context is 8 bytes and a subkey id 64 bits")
    return bytes(
        nacl.hash.blake2b(
            b"",
            digest_size=size,
            key=key,
            salt=subkey_id.to_bytes(8, "little"),
            person=context,
            encoder=nacl.encoding.RawEncoder,
        )
    )
