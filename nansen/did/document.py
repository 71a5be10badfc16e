"""DID documents (W3C DID Core 1.0) and the verification methods in them.

Key lifecycle follows W3C Controlled Identifiers 1.0 §2.2: a retired (rotated) key keeps its
entry with ``expires`` set to the rotation time, so proofs created before it still verify; a
compromised key gets ``revoked``, after which nothing it ever signed verifies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from nansen.errors import DidResolutionError
from nansen.keys import Ed25519PublicKey
from nansen.timeutil import parse_datetime

RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
)


#: The verification method types whose ``publicKeyMultibase`` is an Ed25519 public key.
ED25519_KEY_TYPES: Final = ("Ed25519VerificationKey2020", "Multikey")


@dataclass(frozen=True)
class VerificationMethod:
    id: str
    type: str
    controller: str
    public_key_multibase: str
    expires: datetime | None = None
    revoked: datetime | None = None

    def ed25519_public_key(self) -> Ed25519PublicKey:
        if self.type not in ED25519_KEY_TYPES:
            raise DidResolutionError("The verification method is not an Ed25519 Multikey.")
        return Ed25519PublicKey.from_multibase(self.public_key_multibase)


class DidDocument:
    """A resolved DID document: a read-only view over its JSON."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
            raise DidResolutionError("A DID document must be an object with an 'id'.")
        self.data = dict(data)
        self.id: str = data["id"]

    def _absolute(self, ref: str) -> str:
        return self.id + ref if ref.startswith("#") else ref

    def _method_from(self, entry: Mapping[str, Any]) -> VerificationMethod:
        try:
            return VerificationMethod(
                id=self._absolute(entry["id"]),
                type=entry["type"],
                controller=entry["controller"],
                public_key_multibase=entry["publicKeyMultibase"],
                expires=parse_datetime(entry["expires"]) if "expires" in entry else None,
                revoked=parse_datetime(entry["revoked"]) if "revoked" in entry else None,
            )
        except (KeyError, TypeError, ValueError) as cause:
            raise DidResolutionError("A verification method in the DID document is malformed.") from cause

    def verification_methods(self) -> list[VerificationMethod]:
        found: list[VerificationMethod] = []
        entries = list(self.data.get("verificationMethod", []))
        for relationship in RELATIONSHIPS:
            entries.extend(e for e in self.data.get(relationship, []) if isinstance(e, Mapping))
        for entry in entries:
            if isinstance(entry, Mapping):
                method = self._method_from(entry)
                if method.id not in {m.id for m in found}:
                    found.append(method)
        return found

    def verification_method(self, method_id: str) -> VerificationMethod | None:
        return next((m for m in self.verification_methods() if m.id == method_id), None)

    def has_relationship(self, method_id: str, relationship: str) -> bool:
        """True when the method is listed (by reference or embedded) under the relationship."""
        for entry in self.data.get(relationship, []):
            ref = entry.get("id") if isinstance(entry, Mapping) else entry
            if isinstance(ref, str) and self._absolute(ref) == method_id:
                return True
        return False
