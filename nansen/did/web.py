"""did:web for partners: identifiers and documents with a key lifecycle.

Resolution over HTTPS is `nansen.did.web_resolver`. Specifications followed (section names as
the documents title them):

- did:web Method Specification (W3C CCG, ``did-method-web``): "Method-specific identifier" (a
  domain name, an optional port with its colon percent-encoded, optional colon-delimited path; no
  IP addresses), "DID method operations / Create (Register)" and "Read (Resolve)" (the DID-to-URL
  mapping, HTTPS only) and "Key Material and Document Handling" (DID URLs in the document are
  absolute).
- W3C Controlled Identifiers 1.0 §2.2 "Verification Methods" (``expires`` and ``revoked``) and
  §2.2.2 "Multikey": a rotated key keeps its entry with ``expires`` set to the rotation time, so
  proofs created before still verify; a compromised key gets ``revoked``, after which nothing it
  ever signed verifies (nansen.proofs.dataintegrity.verify_proof enforces both).
- W3C DID Core 1.0 §3.1 "DID Syntax" (the characters a method-specific identifier may hold) and
  §5.3 "Verification Relationships" (``authentication``, ``assertionMethod``).

Errors name no DID, host or URL (DESIGN.md §4).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from nansen.errors import DidResolutionError, InvalidInput, KeyFormatError
from nansen.keys import Ed25519PublicKey
from nansen.timeutil import format_datetime, now, parse_datetime

__all__ = [
    "CONTEXTS",
    "PREFIX",
    "PartnerKey",
    "build_document",
    "current_key",
    "did_from_url",
    "did_to_url",
    "mark_compromised",
    "partner_keys",
    "rotate",
]

PREFIX = "did:web:"
CONTEXTS = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")
#: No partner needs a longer identifier; longer ones are refused before any parsing.
MAX_DID_LENGTH = 2048

_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
#: DID Core 1.0 §3.1: idchar = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded.
_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$")
_PORT = re.compile(r"^[0-9]{1,5}$")
_FRAGMENT = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_PORT_SEPARATOR = re.compile(r"%3A", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# did:web <-> URL ("Method-specific identifier", "Read (Resolve)")


@dataclass(frozen=True)
class _WebId:
    host: str
    port: int | None
    path: tuple[str, ...]  # percent-encoded segments, as written in the DID

    @property
    def url(self) -> str:
        authority = self.host if self.port is None else f"{self.host}:{self.port}"
        path = "/" + "/".join(self.path) if self.path else "/.well-known"
        return f"https://{authority}{path}/did.json"


def _malformed(reason: str) -> DidResolutionError:
    return DidResolutionError(f"The DID is not a well-formed did:web identifier: {reason}.")


def _parse(did: str) -> _WebId:
    if not isinstance(did, str) or not did.startswith(PREFIX):
        raise DidResolutionError("The DID is not a did:web identifier.")
    if len(did) > MAX_DID_LENGTH:
        raise _malformed("it is too long")
    segments = did[len(PREFIX) :].split(":")
    authority, path = segments[0], segments[1:]
    if not authority:
        raise _malformed("it names no host")
    host, *port_part = _PORT_SEPARATOR.split(authority, maxsplit=1)
    port: int | None = None
    if port_part:
        if not _PORT.match(port_part[0]) or not 0 < int(port_part[0]) < 65536:
            raise _malformed("its port is not a number from 1 to 65535")
        port = int(port_part[0])
    labels = host.split(".")
    if not host or len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise _malformed("its host is not a domain name")
    if labels[-1].isdigit():
        raise _malformed("it names an IP address where a domain name is required")
    for segment in path:
        if not _SEGMENT.match(segment):
            raise _malformed("a path segment is empty or holds a character DIDs do not allow")
        decoded = unquote(segment)
        if decoded in (".", "..") or any(c in decoded for c in "/\\?#%") or not decoded.isprintable():
            raise _malformed("a path segment could escape its directory")
    return _WebId(host.lower(), port, tuple(path))


def did_to_url(did: str) -> str:
    """The HTTPS URL of a did:web's document (did:web "Read (Resolve)", steps 1-5).

    ``did:web:example.com`` → ``https://example.com/.well-known/did.json``;
    ``did:web:example.com:partners:7`` → ``https://example.com/partners/7/did.json``;
    ``did:web:localhost%3A8443`` → ``https://localhost:8443/.well-known/did.json``.
    A fragment (``#key-1``) is ignored. Malformed identifiers (no host, an IP address, a dot
    segment, characters DID syntax does not allow) raise DidResolutionError.
    """
    if not isinstance(did, str):
        raise DidResolutionError("A DID must be a string.")
    return _parse(did.split("#", 1)[0]).url


def did_from_url(url: str) -> str:
    """The did:web a partner's document URL stands for (did:web "Create (Register)").

    Accepts ``https://host[:port]`` with no path, with ``/.well-known/did.json``, or with a
    path ending in ``/did.json``; the result maps back to the same document URL.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as cause:
        raise DidResolutionError("The URL is not a valid HTTPS URL.") from cause
    if parts.scheme != "https":
        raise DidResolutionError("A did:web document is served over HTTPS only.")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise DidResolutionError("The URL must name a host and carry no user name or password.")
    if parts.query or parts.fragment:
        raise DidResolutionError("A did:web document URL carries no query or fragment.")
    path = parts.path.rstrip("/")
    if path.endswith("/did.json"):
        path = path[: -len("/did.json")]
    if path == "/.well-known":
        path = ""
    segments = path.split("/")[1:] if path else []
    if any(not segment for segment in segments):
        raise DidResolutionError("The URL path has an empty segment, which did:web cannot express.")
    authority = parts.hostname if port is None else f"{parts.hostname}%3A{port}"
    did = PREFIX + ":".join([authority, *segments])
    did_to_url(did)
    return did


# --------------------------------------------------------------------------------------------
# Partner DID documents and their key lifecycle (Controlled Identifiers 1.0 §2.2)


@dataclass(frozen=True)
class PartnerKey:
    """One Ed25519 Multikey of a partner, with its lifecycle (Controlled Identifiers 1.0 §2.2).

    A key with neither ``expires`` nor ``revoked`` is current: it signs and authenticates now.
    """

    fragment: str
    public_key: Ed25519PublicKey
    expires: datetime | None = None
    revoked: datetime | None = None

    @property
    def current(self) -> bool:
        return self.expires is None and self.revoked is None


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput("A key lifecycle time must carry a time zone.")
    return moment


def _assemble(
    did: str, keys: Sequence[PartnerKey], context: Sequence[Any], extra: Mapping[str, Any]
) -> dict[str, Any]:
    did_to_url(did)
    if "#" in did:
        raise InvalidInput("A DID document's id is a DID without a fragment.")
    if not keys:
        raise InvalidInput("A partner's DID document needs at least one key.")
    fragments = [key.fragment for key in keys]
    if not all(isinstance(f, str) and _FRAGMENT.match(f) for f in fragments):
        raise InvalidInput("A key fragment may hold only letters, digits, '.', '-' and '_'.")
    if len(set(fragments)) != len(fragments):
        raise InvalidInput("Two keys of a DID document share a fragment.")
    if sum(key.current for key in keys) > 1:
        raise InvalidInput("A partner has one current signing key; retire the others first.")
    methods: list[dict[str, Any]] = []
    for key in keys:
        method: dict[str, Any] = {
            "id": f"{did}#{key.fragment}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key.multibase,
        }
        if key.expires is not None:
            method["expires"] = format_datetime(_aware(key.expires))
        if key.revoked is not None:
            method["revoked"] = format_datetime(_aware(key.revoked))
        methods.append(method)
    document: dict[str, Any] = {"@context": list(context), "id": did, **extra}
    document["verificationMethod"] = methods
    # Retired and revoked keys stay under assertionMethod: a credential signed before a
    # rotation still verifies, and one signed by a compromised key fails as *revoked*.
    document["assertionMethod"] = [m["id"] for m in methods]
    document["authentication"] = [f"{did}#{k.fragment}" for k in keys if k.current]
    return document


def build_document(did: str, keys: Sequence[PartnerKey]) -> dict[str, Any]:
    """A partner's DID document (DID Core 1.0 §5; did:web "Create (Register)").

    Every key is a Multikey (Controlled Identifiers 1.0 §2.2.2) listed under
    ``verificationMethod`` and ``assertionMethod``; the current key (at most one) also under
    ``authentication``. Retired keys carry ``expires``, compromised ones ``revoked`` (§2.2).
    Identifiers are absolute DID URLs, as did:web "Key Material and Document Handling" asks.
    """
    return _assemble(did, keys, CONTEXTS, {})


_MANAGED = frozenset({"@context", "id", "verificationMethod", "assertionMethod", "authentication"})


def partner_keys(document: Mapping[str, Any]) -> tuple[str, list[PartnerKey]]:
    """The DID and keys of a document made by build_document (or shaped like one)."""
    did = document.get("id")
    if not isinstance(did, str):
        raise InvalidInput("A DID document must have an 'id'.")
    did_to_url(did)
    entries = document.get("verificationMethod", [])
    if not isinstance(entries, list):
        raise InvalidInput("'verificationMethod' must be a list.")
    keys: list[PartnerKey] = []
    for entry in entries:
        try:
            method_id = entry["id"]
            if not isinstance(method_id, str) or not method_id.startswith(did + "#"):
                raise InvalidInput("A verification method's id is not a DID URL of this DID.")
            if entry["type"] != "Multikey" or entry["controller"] != did:
                raise InvalidInput("A verification method is not a Multikey controlled by this DID.")
            keys.append(
                PartnerKey(
                    fragment=method_id[len(did) + 1 :],
                    public_key=Ed25519PublicKey.from_multibase(entry["publicKeyMultibase"]),
                    expires=parse_datetime(entry["expires"]) if "expires" in entry else None,
                    revoked=parse_datetime(entry["revoked"]) if "revoked" in entry else None,
                )
            )
        except (KeyError, TypeError, ValueError, KeyFormatError) as cause:
            raise InvalidInput("A verification method in the DID document is malformed.") from cause
    return did, keys


def current_key(document: Mapping[str, Any]) -> str | None:
    """The id of the document's current signing key, or None when every key is retired."""
    did, keys = partner_keys(document)
    return next((f"{did}#{k.fragment}" for k in keys if k.current), None)


def _rebuild(document: Mapping[str, Any], keys: Sequence[PartnerKey]) -> dict[str, Any]:
    did = document["id"]
    existing = document.get("@context", [])
    existing = existing if isinstance(existing, list) else [existing]
    context = [*CONTEXTS, *(c for c in existing if c not in CONTEXTS)]
    extra = {k: v for k, v in document.items() if k not in _MANAGED}
    return _assemble(did, keys, context, extra)


def rotate(
    document: Mapping[str, Any],
    new_public_key: Ed25519PublicKey,
    fragment: str,
    when: datetime | None = None,
) -> dict[str, Any]:
    """Rotate the partner's signing key (Controlled Identifiers 1.0 §2.2, ``expires``).

    Returns a new document: the current key stays listed with ``expires`` = ``when`` (proofs it
    created up to then still verify; later ones do not), and the new key becomes current.
    """
    when = _aware(when or now())
    _, keys = partner_keys(document)
    if any(k.public_key == new_public_key for k in keys):
        raise InvalidInput("The new key is already in the DID document; use a fresh key.")
    retired = [replace(k, expires=when) if k.current else k for k in keys]
    return _rebuild(document, [*retired, PartnerKey(fragment, new_public_key)])


def mark_compromised(
    document: Mapping[str, Any], method_id: str, when: datetime | None = None
) -> dict[str, Any]:
    """Mark a key as compromised (Controlled Identifiers 1.0 §2.2, ``revoked``).

    Returns a new document in which the method carries ``revoked`` = ``when``: nothing it ever
    signed verifies any more. ``method_id`` is the absolute DID URL or ``#fragment``. If the key
    was current, the partner has no current key until the next ``rotate``.
    """
    when = _aware(when or now())
    did, keys = partner_keys(document)
    fragment = method_id[len(did) + 1 :] if method_id.startswith(did + "#") else method_id.lstrip("#")
    if not any(k.fragment == fragment for k in keys):
        raise InvalidInput("The DID document has no such verification method.")
    marked = [
        replace(k, revoked=min(k.revoked, when) if k.revoked else when) if k.fragment == fragment else k
        for k in keys
    ]
    return _rebuild(document, marked)
