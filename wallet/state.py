"""What a wallet holds, as the JSON sealed in its slot (and, without the slot fields, in backups).

::

    {"format": 1, "created": "…", "master": "u…",            16-byte master secret (base64url multibase)
     "partners": ["label", …],                              per-partner DIDs, by position (wallet.identity)
     "credentials": [{"credential": {…}, "received": "…",
                      "documents": [{"cid": "b…", "digestMultibase": "u…", "key": "u…", "pinned": true}]}],
     "backups": ["b…", …],                                  backups this wallet made and pinned
     "sdJwts": [{"sdJwt": "eyJ…~…~", "received": "…"}],       SD-JWT VCs (nansen.sdjwt), every disclosure
     "reserved": 2, "duress": null}                         slots: never written / holding the duress wallet

``reserved`` and ``duress`` are numbers of slots in this wallet's file, so they are not in backups.
Every wallet has a reserved slot and a ``duress`` field, so the state of a duress wallet has the
same shape as that of a wallet without one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Final

from nansen import multibase
from nansen.canonical import canonical_json
from nansen.errors import InvalidInput, KeyFormatError
from nansen.timeutil import format_datetime, now

FORMAT: Final = 1
MASTER_SIZE: Final = 16
_UNREADABLE: Final = "The wallet's contents are not in a format this software reads."


def _b64(data: bytes) -> str:
    return multibase.encode_base64url(data)


def _bytes(value: Any, size: int) -> bytes:
    if not isinstance(value, str) or not value.startswith("u"):
        raise InvalidInput(_UNREADABLE)
    try:
        raw = multibase.decode(value)
    except KeyFormatError as cause:
        raise InvalidInput(_UNREADABLE) from cause
    if len(raw) != size:
        raise InvalidInput(_UNREADABLE)
    return raw


@dataclass
class HeldDocument:
    """An encrypted original: where it is (CID), its plaintext's digest, and its key."""

    cid: str
    digest_multibase: str | list[str]
    key: bytes
    #: True when this wallet pinned the ciphertext (forget unpins it).
    pinned: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "cid": self.cid,
            "digestMultibase": self.digest_multibase,
            "key": _b64(self.key),
            "pinned": self.pinned,
        }

    @classmethod
    def from_json(cls, data: Any) -> HeldDocument:
        if not isinstance(data, dict) or not isinstance(data.get("cid"), str):
            raise InvalidInput(_UNREADABLE)
        return cls(data["cid"], data["digestMultibase"], _bytes(data["key"], 32), bool(data.get("pinned")))


@dataclass
class HeldCredential:
    credential: dict[str, Any]
    received: str
    documents: list[HeldDocument] = field(default_factory=list)

    @property
    def id(self) -> str:
        """A short, stable local identifier: 8 hex digits of the SHA-256 of the credential's id."""
        name = self.credential.get("id")
        source = name.encode("utf-8") if isinstance(name, str) else canonical_json(self.credential)
        return hashlib.sha256(source).hexdigest()[:8]

    def to_json(self) -> dict[str, Any]:
        return {
            "credential": self.credential,
            "received": self.received,
            "documents": [d.to_json() for d in self.documents],
        }

    @classmethod
    def from_json(cls, data: Any) -> HeldCredential:
        if not isinstance(data, dict) or not isinstance(data.get("credential"), dict):
            raise InvalidInput(_UNREADABLE)
        return cls(
            data["credential"],
            str(data.get("received", "")),
            [HeldDocument.from_json(d) for d in data.get("documents", [])],
        )


@dataclass
class HeldSdJwt:
    """An SD-JWT VC as issued (RFC 9901 §4: the issuer-signed JWT and every disclosure, no KB-JWT)."""

    token: str
    received: str

    @property
    def id(self) -> str:
        """A short, stable local identifier: 8 hex digits of the SHA-256 of the issuer-signed JWT."""
        return hashlib.sha256(self.token.split("~", 1)[0].encode("ascii")).hexdigest()[:8]

    def to_json(self) -> dict[str, Any]:
        return {"sdJwt": self.token, "received": self.received}

    @classmethod
    def from_json(cls, data: Any) -> HeldSdJwt:
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("sdJwt"), str)
            or not data["sdJwt"].isascii()
        ):
            raise InvalidInput(_UNREADABLE)
        return cls(data["sdJwt"], str(data.get("received", "")))


@dataclass
class WalletState:
    master: bytes
    reserved: int
    created: str = field(default_factory=lambda: format_datetime(now()))
    partners: list[str] = field(default_factory=list)
    credentials: list[HeldCredential] = field(default_factory=list)
    backups: list[str] = field(default_factory=list)
    duress: int | None = None
    sd_jwts: list[HeldSdJwt] = field(default_factory=list)

    def portable(self) -> dict[str, Any]:
        """Everything but the slot numbers: what a backup keeps."""
        return {
            "format": FORMAT,
            "created": self.created,
            "master": _b64(self.master),
            "partners": list(self.partners),
            "credentials": [c.to_json() for c in self.credentials],
            "backups": list(self.backups),
            "sdJwts": [c.to_json() for c in self.sd_jwts],
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.portable(), "reserved": self.reserved, "duress": self.duress}

    @classmethod
    def from_portable(cls, data: Any, reserved: int, duress: int | None = None) -> WalletState:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InvalidInput(_UNREADABLE)
        partners = data.get("partners", [])
        if not isinstance(partners, list) or not all(isinstance(p, str) for p in partners):
            raise InvalidInput(_UNREADABLE)
        return cls(
            master=_bytes(data.get("master"), MASTER_SIZE),
            reserved=reserved,
            created=str(data.get("created", "")),
            partners=partners,
            credentials=[HeldCredential.from_json(c) for c in data.get("credentials", [])],
            backups=[str(b) for b in data.get("backups", [])],
            duress=duress,
            sd_jwts=[HeldSdJwt.from_json(c) for c in data.get("sdJwts", [])],
        )

    @classmethod
    def from_json(cls, data: Any) -> WalletState:
        if not isinstance(data, dict):
            raise InvalidInput(_UNREADABLE)
        reserved, duress = data.get("reserved"), data.get("duress")
        if not isinstance(reserved, int) or not (duress is None or isinstance(duress, int)):
            raise InvalidInput(_UNREADABLE)
        return cls.from_portable(data, reserved, duress)
