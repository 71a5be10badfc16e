"""Opening the original document the holder chose to share (DESIGN.md §1 step 7), in memory only.

The presentation's capability (`nansen.capability`) must name documents that its credential
describes (the same CID and digest). Each is fetched from the IPFS store by its CID (the store
checks every block against it), decrypted with the key the holder gave (the final tag required),
and checked against the digest the issuer signed; the plaintext is then shown, never written
anywhere. A key sealed to a verifier cannot be used: this verifier has no key-agreement key.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Final

from nansen import capability
from nansen.capability import CapabilityError, SharedDocument
from nansen.crypto import Decryption, DecryptionError, DigestMismatch, DocumentKey
from nansen.ipfs import ContentNotFound, IpfsError, Store
from nansen.ipfs import IntegrityError as AlteredContent

#: Pictures a browser shows, by their first bytes.
_SIGNATURES: Final = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class OriginalUnavailable(Exception):
    """The original cannot be shown; ``kind`` names why (a message in the catalogues)."""

    def __init__(self, kind: str, status: int = 400) -> None:
        super().__init__(kind)
        self.kind = kind
        self.status = status


@dataclass(frozen=True)
class Original:
    """A decrypted document, in memory, ready to show."""

    media_type: str
    data: bytes = field(repr=False)

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def shared_documents(
    presentation: dict[str, Any], credentials: list[dict[str, Any]]
) -> tuple[SharedDocument, ...]:
    """The documents the presentation lets this verifier open: none without a capability;
    `OriginalUnavailable` if it is malformed, names another credential's documents, or is sealed."""
    try:
        access = capability.parse(presentation)
        if access is None:
            return ()
        matching = [c for c in credentials if access.credential in (None, c.get("id"))]
        if len(matching) != 1:
            raise CapabilityError("The capability does not name one of the presented credentials.")
        documents = capability.for_credential(access, matching[0])
    except CapabilityError as error:
        raise OriginalUnavailable("malformed") from error
    if any(d.key is None for d in documents):
        raise OriginalUnavailable("sealed")
    return documents


def open_original(document: SharedDocument, store: Store, max_bytes: int) -> Original:
    """Fetch, check the CID, decrypt, check the digest; an image, or `OriginalUnavailable`."""
    assert document.key is not None
    chunks: list[bytes] = []
    size = 0
    try:
        with DocumentKey(document.key) as key:
            for chunk in Decryption(store.get(document.cid), key, expected_digest=document.digest_multibase):
                size += len(chunk)
                if size > max_bytes:
                    raise OriginalUnavailable("too-large", 413)
                chunks.append(chunk)
    except ContentNotFound as error:
        raise OriginalUnavailable("not-found", 404) from error
    except AlteredContent as error:
        raise OriginalUnavailable("altered", 502) from error
    except IpfsError as error:
        raise OriginalUnavailable("store-unavailable", 503) from error
    except DigestMismatch as error:
        raise OriginalUnavailable("digest", 422) from error
    except DecryptionError as error:
        raise OriginalUnavailable("undecryptable", 422) from error
    data = b"".join(chunks)
    media_type = _picture_type(data)
    if media_type is None:
        raise OriginalUnavailable("not-a-picture", 415)
    return Original(media_type, data)


def _picture_type(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for signature, kind in _SIGNATURES if data.startswith(signature)), None)
