"""Resolving DIDs: did:key locally, did:web through a `WebResolver`, and documents given offline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from nansen.did import key as did_key
from nansen.did.document import DidDocument, VerificationMethod
from nansen.errors import DidResolutionError


class DocumentSource(Protocol):
    """Anything that resolves one DID method (``did:web`` over HTTPS, for instance)."""

    def resolve(self, did: str, *, remember: bool = True) -> DidDocument:
        """The DID's document; ``remember=False`` keeps nothing of it (a holder's DID)."""
        ...


class Resolver:
    """Resolves did:key, did:web (when a web source is configured) and offline documents.

    Offline documents (``--did-doc`` on the command line) take precedence over the network.
    """

    def __init__(
        self,
        documents: Iterable[Mapping[str, Any]] = (),
        web: DocumentSource | None = None,
    ) -> None:
        self._documents = {doc.id: doc for doc in (DidDocument(d) for d in documents)}
        self._web = web

    def add_document(self, document: Mapping[str, Any]) -> None:
        doc = DidDocument(document)
        self._documents[doc.id] = doc

    def resolve(self, did: str, *, remember: bool = True) -> DidDocument:
        """The DID's document; with ``remember=False`` a web source keeps no copy of it."""
        if not isinstance(did, str):
            raise DidResolutionError("A DID must be a string.")
        did = did.split("#", 1)[0]
        if did in self._documents:
            return self._documents[did]
        if did.startswith(did_key.PREFIX):
            return did_key.resolve(did)
        if did.startswith("did:web:") and self._web is not None:
            return self._web.resolve(did, remember=remember)
        raise DidResolutionError("The DID method is not supported, or no document was supplied.")

    def verification_method(
        self, method_id: str, *, remember: bool = True
    ) -> tuple[DidDocument, VerificationMethod]:
        """Dereference a verification method URL (``did…#fragment``) to its document and method."""
        if not isinstance(method_id, str) or "#" not in method_id:
            raise DidResolutionError("A verification method must be a DID URL with a fragment.")
        document = self.resolve(method_id, remember=remember)
        method = document.verification_method(method_id)
        if method is None:
            raise DidResolutionError("The DID document does not list the verification method.")
        return document, method
