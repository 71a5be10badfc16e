"""The document capability: a holder's permission, inside a presentation, to open an original once.

DESIGN.md §1 step 7. The presentation carries one more member, named by an absolute IRI (so it
needs no context term) and holding a JSON literal (JSON-LD 1.1 ``"@type": "@json"``), so the
holder's proof covers it under either cryptosuite::

    "https://w3id.org/nansen/vocab#documentAccess": {"@type": "@json", "@value": {
        "credential": "urn:uuid:…",
        "documents": [{"resource": "ipfs://b…", "digestMultibase": "u…", "key": "u…"}]}}

Each document names the encrypted copy by its CID (``resource``), the plaintext's digest, and the
document key: in clear (``key``, base64url multibase of the 32 bytes), or sealed to one verifier's
X25519 key-agreement key (``sealedKey``, `nansen.crypto.SealedKey`), never both.

`build` writes the member's value, `parse` reads it from a presentation and refuses anything
malformed, and `for_credential` keeps only what the signed credential itself describes: the
capability is the holder's word, the credential's ``relatedResource`` (CID and digest) the
issuer's, and the digest a verifier checks after decrypting is always the credential's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from nansen import multibase, vcdm
from nansen.crypto import SealedKey
from nansen.crypto.key import KEY_SIZE
from nansen.errors import InvalidInput, KeyFormatError
from nansen.ipfs import CID
from nansen.ipfs.errors import CidFormatError

__all__ = [
    "DOCUMENT_ACCESS",
    "IPFS_SCHEME",
    "CapabilityError",
    "DocumentAccess",
    "SharedDocument",
    "build",
    "for_credential",
    "parse",
]

DOCUMENT_ACCESS: Final = "https://w3id.org/nansen/vocab#documentAccess"
IPFS_SCHEME: Final = "ipfs://"
#: The most documents one capability may name (a credential describes one or two scans).
MAX_DOCUMENTS: Final = 8
_ENTRY_FIELDS: Final = frozenset({"resource", "digestMultibase", "key", "sealedKey"})


class CapabilityError(InvalidInput):
    """A presentation's document capability is malformed, or does not match its credential."""


@dataclass(frozen=True)
class SharedDocument:
    """One encrypted document the holder lets the verifier open, and the key to it."""

    cid: CID
    digest_multibase: str
    #: The document key in clear, or None when it is sealed to a verifier (``sealed_key``).
    key: bytes | None = field(default=None, repr=False)
    sealed_key: SealedKey | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if (self.key is None) == (self.sealed_key is None):
            raise CapabilityError("A shared document carries its key either in clear or sealed, not both.")
        if self.key is not None and len(self.key) != KEY_SIZE:
            raise CapabilityError("A shared document's key must be 32 bytes.")

    @property
    def resource(self) -> str:
        return IPFS_SCHEME + str(self.cid)

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"resource": self.resource, "digestMultibase": self.digest_multibase}
        if self.key is not None:
            entry["key"] = multibase.encode_base64url(self.key)
        elif self.sealed_key is not None:
            entry["sealedKey"] = self.sealed_key.to_json()
        return entry

    @classmethod
    def from_json(cls, data: Any) -> SharedDocument:
        if not isinstance(data, Mapping) or not _ENTRY_FIELDS.issuperset(data):
            raise CapabilityError("A shared document has a property this software does not know.")
        resource, digest = data.get("resource"), data.get("digestMultibase")
        if not isinstance(resource, str) or not resource.startswith(IPFS_SCHEME):
            raise CapabilityError("A shared document's resource must be an ipfs:// address.")
        if not isinstance(digest, str) or not digest:
            raise CapabilityError("A shared document needs its digestMultibase.")
        try:
            cid = CID.parse(resource.removeprefix(IPFS_SCHEME))
            key = multibase.decode(data["key"]) if isinstance(data.get("key"), str) else None
            sealed = SealedKey.from_json(data["sealedKey"]) if "sealedKey" in data else None
        except (CidFormatError, KeyFormatError) as cause:
            raise CapabilityError("A shared document's address or key cannot be read.") from cause
        except InvalidInput as cause:
            raise CapabilityError(f"A shared document's sealed key cannot be read: {cause}") from cause
        if "key" in data and key is None:
            raise CapabilityError("A shared document's key must be a base64url multibase string.")
        return cls(cid, digest, key, sealed)


@dataclass(frozen=True)
class DocumentAccess:
    """The capability: which credential's documents it opens, and the documents."""

    credential: str | None
    documents: tuple[SharedDocument, ...]

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {"documents": [d.to_json() for d in self.documents]}
        if self.credential is not None:
            value = {"credential": self.credential, **value}
        return {"@type": "@json", "@value": value}


def build(credential_id: str | None, documents: Iterable[SharedDocument]) -> dict[str, Any]:
    """The value of the ``DOCUMENT_ACCESS`` member of a presentation (add it before signing)."""
    listed = tuple(documents)
    if not 0 < len(listed) <= MAX_DOCUMENTS:
        raise CapabilityError(f"A capability names one to {MAX_DOCUMENTS} documents.")
    return DocumentAccess(credential_id, listed).to_json()


def parse(presentation: Mapping[str, Any]) -> DocumentAccess | None:
    """The presentation's capability, or None if it carries none; `CapabilityError` if malformed."""
    if DOCUMENT_ACCESS not in presentation:
        return None
    member = presentation[DOCUMENT_ACCESS]
    if not isinstance(member, Mapping) or set(member) != {"@type", "@value"} or member["@type"] != "@json":
        raise CapabilityError("The document capability must be a JSON literal (@type @json).")
    value = member["@value"]
    if not isinstance(value, Mapping) or not {"documents"} <= set(value) <= {"credential", "documents"}:
        raise CapabilityError("The document capability must name its documents, and nothing else.")
    credential, documents = value.get("credential"), value["documents"]
    if credential is not None and not isinstance(credential, str):
        raise CapabilityError("The document capability's credential must be an identifier.")
    if not isinstance(documents, list) or not 0 < len(documents) <= MAX_DOCUMENTS:
        raise CapabilityError(f"The document capability must list one to {MAX_DOCUMENTS} documents.")
    return DocumentAccess(credential, tuple(SharedDocument.from_json(d) for d in documents))


def for_credential(access: DocumentAccess, credential: Mapping[str, Any]) -> tuple[SharedDocument, ...]:
    """The shared documents, if the capability is for this credential and each is one of its
    ``relatedResource`` entries (the same CID and digest); `CapabilityError` otherwise."""
    if access.credential is not None and access.credential != credential.get("id"):
        raise CapabilityError("The document capability is for another credential.")
    described = {_cid(r.get("id")): r.get("digestMultibase") for r in _resources(credential)}
    for document in access.documents:
        if described.get(document.cid) != document.digest_multibase:
            raise CapabilityError(
                "The document capability names a document the credential does not describe."
            )
    return access.documents


def _resources(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [r for r in vcdm.as_list(credential.get("relatedResource", [])) if isinstance(r, Mapping)]


def _cid(resource: Any) -> CID | None:
    if not isinstance(resource, str) or not resource.startswith(IPFS_SCHEME):
        return None
    try:
        return CID.parse(resource.removeprefix(IPFS_SCHEME))
    except CidFormatError:
        return None
