"""Ed25519 keys as Multikey (W3C Controlled Identifiers 1.0, §2.2.2), on PyNaCl.

Signatures are verified with libsodium, which refuses small-order public keys and
non-canonical signatures (NOTES.md); OpenSSL-based Ed25519 has been reported not to.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import nacl.bindings
import nacl.exceptions
import nacl.signing

from nansen import jsonutil, multibase
from nansen.errors import InvalidInput, KeyFormatError

SEED_SIZE = 32


@dataclass(frozen=True)
class Ed25519PublicKey:
    raw: bytes

    @classmethod
    def from_multibase(cls, value: str) -> Ed25519PublicKey:
        return cls(multibase.decode_multicodec(value, multibase.ED25519_PUB, 32))

    @property
    def multibase(self) -> str:
        """The ``z6Mk…`` Multikey encoding."""
        return multibase.encode_multicodec(multibase.ED25519_PUB, self.raw)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True only for a valid, canonical signature by a key of full order."""
        if len(signature) != 64:
            return False
        try:
            nacl.signing.VerifyKey(self.raw).verify(message, signature)
        except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError):
            return False
        except nacl.exceptions.RuntimeError:
            return False
        return True

    def to_x25519(self) -> bytes:
        """The X25519 key-agreement key derived from this key (RFC 7748 birational map)."""
        try:
            return bytes(nacl.bindings.crypto_sign_ed25519_pk_to_curve25519(self.raw))
        except nacl.exceptions.RuntimeError as cause:
            raise KeyFormatError("This Ed25519 key has no X25519 counterpart.") from cause


@dataclass(frozen=True)
class Ed25519KeyPair:
    """A signing key. ``seed`` is the 32-byte secret from which libsodium derives the key."""

    seed: bytes
    public_key: Ed25519PublicKey

    @classmethod
    def generate(cls) -> Ed25519KeyPair:
        return cls.from_seed(os.urandom(SEED_SIZE))

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519KeyPair:
        if len(seed) != SEED_SIZE:
            raise KeyFormatError("An Ed25519 seed is exactly 32 bytes.")
        signing = nacl.signing.SigningKey(seed)
        return cls(seed, Ed25519PublicKey(bytes(signing.verify_key)))

    @classmethod
    def from_secret_multibase(cls, value: str) -> Ed25519KeyPair:
        return cls.from_seed(multibase.decode_multicodec(value, multibase.ED25519_PRIV, 32))

    @property
    def secret_multibase(self) -> str:
        return multibase.encode_multicodec(multibase.ED25519_PRIV, self.seed)

    @cached_property
    def _signing_key(self) -> nacl.signing.SigningKey:
        return nacl.signing.SigningKey(self.seed)

    def sign(self, message: bytes) -> bytes:
        return bytes(self._signing_key.sign(message).signature)


@dataclass(frozen=True)
class SigningKey:
    """A key pair with the verification method it signs as (``did…#fragment``)."""

    key_pair: Ed25519KeyPair
    verification_method: str

    @property
    def controller(self) -> str:
        return self.verification_method.split("#", 1)[0]

    def to_json(self) -> dict[str, Any]:
        """A Multikey document with its secret (keep it secret: the key file is mode 0600)."""
        return {
            "id": self.verification_method,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.key_pair.public_key.multibase,
            "secretKeyMultibase": self.key_pair.secret_multibase,
        }

    @classmethod
    def from_json(cls, data: Any) -> SigningKey:
        if not isinstance(data, dict):
            raise InvalidInput("A key file holds one JSON object.")
        try:
            key_pair = Ed25519KeyPair.from_secret_multibase(data["secretKeyMultibase"])
            method = data["id"]
        except KeyError as cause:
            raise InvalidInput(f"The key file has no {cause.args[0]!r}.") from cause
        if not isinstance(method, str) or "#" not in method:
            raise InvalidInput("The key file's 'id' must be a DID URL with a fragment.")
        public = data.get("publicKeyMultibase")
        if public is not None and public != key_pair.public_key.multibase:
            raise InvalidInput("The key file's public key does not match its secret key.")
        return cls(key_pair, method)

    def write(self, path: Path) -> None:
        """Write the key file readable by its owner only (mode 0600), never wider."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            json.dump(self.to_json(), handle, indent=2)
            handle.write("\n")

    @classmethod
    def read(cls, path: Path) -> SigningKey:
        try:
            text = path.read_bytes()
        except OSError as cause:
            raise InvalidInput(f"Cannot read the key file {path}: {cause.strerror}.") from cause
        try:
            data = jsonutil.parse(text)
        except InvalidInput as cause:
            raise InvalidInput(f"The key file {path} is not usable: {cause}") from cause
        return cls.from_json(data)
