"""Status list credentials whose proof has verified, remembered so a busy verifier checks each once.

Every credential a partner issues names the same few status list credentials, and the pipeline
verified a list's proof (RDF canonicalisation and an Ed25519 signature over a document of several
kilobytes) again for every credential it checked: about a tenth of the verifier's CPU under load
(issue 15, "find where the time goes"). What such a check depends on is the list credential itself
and its issuer's DID document: its keys, their relationships, expiry and revocation. So a passing
check is remembered under a digest of both, and asked again only when either changes:

- a refreshed status list with another bit set is another document, so another digest;
- a DID document refreshed after a key rotation or compromise (`nansen.did.web_resolver`) gives
  another digest, so the list's proof is verified again against the new document;
- what ages with time is never remembered: the list's validity period is checked on every use by
  the caller, and a list whose proof carries ``expires`` (Data Integrity 1.0 §2.1) is not kept.

Only passing checks are kept: a list that fails is verified again, and reported, each time.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Final

from nansen import vcdm
from nansen.did.resolver import Resolver
from nansen.errors import NansenError
from nansen.proofs.dataintegrity import proofs_of

#: How many verified lists are remembered; a verifier sees a few per partner.
DEFAULT_SIZE: Final = 512


def _digest(document: Mapping[str, Any]) -> bytes:
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).digest()


class VerifiedLists:
    """A bounded, thread-safe memory of status list credentials whose proof and issuer key passed."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        self._keys: OrderedDict[bytes, None] = OrderedDict()
        self._guard = threading.Lock()

    def key(self, list_credential: Mapping[str, Any], resolver: Resolver) -> bytes | None:
        """What a verdict on this list rests on, or None when it must not be remembered (an
        expiring proof, or a list or issuer document that cannot be read: the full check reports why)."""
        try:
            if any("expires" in proof for proof in proofs_of(dict(list_credential))):
                return None
            issuer_document = resolver.resolve(vcdm.issuer_id(dict(list_credential)))
        except (NansenError, TypeError, ValueError):
            return None
        return _digest(list_credential) + _digest(issuer_document.data)

    def verified(self, key: bytes) -> bool:
        with self._guard:
            if key not in self._keys:
                return False
            self._keys.move_to_end(key)
            return True

    def remember(self, key: bytes) -> None:
        with self._guard:
            self._keys[key] = None
            self._keys.move_to_end(key)
            while len(self._keys) > self._size:
                self._keys.popitem(last=False)
