"""``relatedResource`` digests of the resources this software holds: the bundled JSON-LD contexts.

VC Data Model 2.0 §5.3 ("Integrity of Related Resources"): "A conforming verifier implementation that
makes use of a resource based on the id of a relatedResource object inside a conforming document with
a corresponding cryptographic digest appearing in a relatedResource object value MUST compute the
digest of the retrieved resource. If the digest provided by the issuer does not match the digest
computed for the retrieved resource, the conforming verifier implementation MUST produce an error."

This software makes use of a context by its URL whenever it reads a credential, from the bundled
copy, so a ``relatedResource`` naming a bundled context is checked on issue and on verify: every
digest it lists (``digestSRI``, ``digestMultibase``: `nansen.crypto.digest.resource_matches`) must
match. Any other resource is checked by whoever fetches it (the original document behind an
``ipfs://`` id: `nansen.crypto.digest.DigestCheck` when it is opened).

**Decision: a digest of another version of a context.** W3C changed the bytes of
``https://www.w3.org/ns/credentials/v2`` in place after credentials pinned them (the W3C vc2.0
suite's valid ``relatedResource`` is the digest of the copy at w3c/vc-data-model commit 8d0ee10,
2024-07; the bundled copy is later, with ``statusSize`` typed ``xsd:integer`` rather than
``xsd:positiveInteger`` and ``BitstringStatusList`` terms scoped differently). Such earlier versions
are bundled beside the current one (``schemas/contexts/index.json``, ``earlier``, each named with its
source commit). A digest that matches an earlier version, not the copy used, is honoured only when
the credential means the same under both: its RDF (proof aside), canonicalised, is compared under
the earlier version and under the current one, and must be identical. Then the issuer's pin and the
copy used agree on everything this credential says, and the §5.3 error would protect nothing; when
they differ, the credential is refused, as §5.3 requires. A digest that matches no version held is
a wrong digest, refused.
"""

from __future__ import annotations

from typing import Any

from nansen import jsonld, rdfc
from nansen.config import configured_limits
from nansen.crypto import digest
from nansen.errors import InvalidInput, NansenError
from nansen.jsonld import ContextStore

WRONG_DIGEST = "A relatedResource digest does not match the resource it names (a bundled JSON-LD context)."
OTHER_MEANING = (
    "A relatedResource pins an earlier version of a JSON-LD context under which the credential "
    "would mean something else than under the copy this software uses."
)


def check_held(
    credential: dict[str, Any], resources: list[dict[str, Any]], store: ContextStore | None = None
) -> None:
    """Raise InvalidInput unless every related resource that is a bundled context matches its digests."""
    store = store or jsonld.default_store()
    for resource in resources:
        url = resource.get("id")
        if not isinstance(url, str) or url not in store.allowed:
            continue
        versions = store.versions(url)
        if digest.resource_matches(resource, versions[0][1]):
            continue
        earlier = [version for version, data in versions[1:] if digest.resource_matches(resource, data)]
        if not earlier or earlier[0] is None:
            raise InvalidInput(WRONG_DIGEST)
        if not _same_meaning(credential, store, store.with_version(url, earlier[0])):
            raise InvalidInput(OTHER_MEANING)


def _same_meaning(credential: dict[str, Any], current: ContextStore, pinned: ContextStore) -> bool:
    """Is the credential's canonical RDF (proof aside) the same under both stores? An error under the
    pinned version (a term it did not define yet) means no; one under the current copy is raised."""
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    limits = configured_limits()
    used = rdfc.canonicalize(jsonld.to_rdf(unsecured, current), limits)
    try:
        return used == rdfc.canonicalize(jsonld.to_rdf(unsecured, pinned), limits)
    except NansenError:
        return False
