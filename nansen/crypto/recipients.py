"""The document key sealed to its recipients: one libsodium sealed box per recipient.

A recipient is a DID's key-agreement key: an X25519 Multikey (``z6LS…``) listed under
``keyAgreement`` (DID Core 1.0 §5.3.3); for a did:key it is derived from the Ed25519 key (did:key
Method v0.7 §3.1.3). The sealed box (libsodium ``crypto_box_seal``: an ephemeral X25519 key and
XSalsa20-Poly1305) opens only with the recipient's X25519 secret, which the recipient derives from
their Ed25519 seed (``crypto_sign_ed25519_sk_to_curve25519``). The holder, an escrow and guardians
each get their own record; any one of them opens the key, nobody else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import nacl.bindings
import nacl.exceptions
import nacl.public
import nacl.signing

from nansen import multibase
from nansen.crypto.errors import SealedKeyError
from nansen.crypto.key import KEY_SIZE, DocumentKey
from nansen.did import DidDocument, Resolver, VerificationMethod
from nansen.errors import DidResolutionError, InvalidInput, KeyFormatError
from nansen.keys import Ed25519KeyPair

#: The algorithm of a sealed key: libsodium's ``crypto_box_seal``.
SEALED_BOX = "X25519-XSalsa20Poly1305-SealedBox"
_SEALED_SIZE = KEY_SIZE + nacl.bindings.crypto_box_SEALBYTES


@dataclass(frozen=True)
class Recipient:
    """A key-agreement key to seal document keys to: its verification method id and X25519 key."""

    key_id: str
    public_key: bytes

    @classmethod
    def from_document(cls, document: DidDocument, at: datetime | None = None) -> Recipient:
        """The first usable X25519 Multikey under the document's ``keyAgreement``.

        A revoked key, or one expired at ``at`` (now by default), is passed over (Controlled
        Identifiers 1.0 §2.2: a rotated key keeps its entry with ``expires``).
        """
        moment = at or datetime.now(UTC)
        for method in document.verification_methods():
            if document.has_relationship(method.id, "keyAgreement") and _current(method, moment):
                try:
                    key = multibase.decode_multicodec(method.public_key_multibase, multibase.X25519_PUB, 32)
                except KeyFormatError:
                    continue
                return cls(method.id, key)
        raise DidResolutionError("The DID document lists no usable X25519 key-agreement key.")

    @classmethod
    def from_did(cls, did: str, resolver: Resolver | None = None) -> Recipient:
        """Resolve a DID (did:key locally; others through ``resolver``) to its key-agreement key."""
        return cls.from_document((resolver or Resolver()).resolve(did))


def _current(method: VerificationMethod, moment: datetime) -> bool:
    return method.revoked is None and (method.expires is None or method.expires > moment)


@dataclass(frozen=True)
class SealedKey:
    """A document key sealed to one recipient, as JSON:
    ``{"recipient": <keyAgreement id>, "algorithm": "X25519-XSalsa20Poly1305-SealedBox",
    "sealedKey": "u…" (base64url multibase)}``."""

    recipient: str
    sealed: bytes

    def to_json(self) -> dict[str, str]:
        return {
            "recipient": self.recipient,
            "algorithm": SEALED_BOX,
            "sealedKey": multibase.encode_base64url(self.sealed),
        }

    @classmethod
    def from_json(cls, data: Any) -> SealedKey:
        if not isinstance(data, dict):
            raise InvalidInput("A sealed key is a JSON object.")
        recipient, algorithm, value = (data.get(name) for name in ("recipient", "algorithm", "sealedKey"))
        if not isinstance(recipient, str) or not isinstance(value, str):
            raise InvalidInput("A sealed key needs 'recipient' and 'sealedKey' strings.")
        if algorithm != SEALED_BOX:
            raise InvalidInput(f"A sealed key's algorithm must be {SEALED_BOX}.")
        if not value.startswith("u"):
            raise InvalidInput("A sealed key's 'sealedKey' must be base64url multibase ('u…').")
        try:
            sealed = multibase.decode(value)
        except KeyFormatError as cause:
            raise InvalidInput("A sealed key's 'sealedKey' is not valid base64url.") from cause
        if len(sealed) != _SEALED_SIZE:
            raise InvalidInput("A sealed key's 'sealedKey' has the wrong length.")
        return cls(recipient, sealed)


def seal(key: DocumentKey, recipients: Iterable[Recipient]) -> list[SealedKey]:
    """One sealed key per distinct recipient, in order."""
    unique = list(dict.fromkeys(recipients))
    if not unique:
        raise SealedKeyError("A document key must be sealed to at least one recipient.")
    material = key.material()
    sealed: list[SealedKey] = []
    for recipient in unique:
        try:
            box = nacl.public.SealedBox(nacl.public.PublicKey(recipient.public_key))
            sealed.append(SealedKey(recipient.key_id, bytes(box.encrypt(material))))
        except nacl.exceptions.CryptoError as cause:
            raise SealedKeyError("A recipient's key-agreement key cannot be used.") from cause
    return sealed


def open_sealed(sealed_keys: Iterable[SealedKey], key_pair: Ed25519KeyPair) -> DocumentKey:
    """The document key from whichever sealed key opens with this Ed25519 key's X25519 secret."""
    box = nacl.public.SealedBox(nacl.signing.SigningKey(key_pair.seed).to_curve25519_private_key())
    for sealed in sealed_keys:
        try:
            return DocumentKey(box.decrypt(sealed.sealed))
        except nacl.exceptions.CryptoError:
            continue
    raise SealedKeyError("No sealed document key opens with this key.")
