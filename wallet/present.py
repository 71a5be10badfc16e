"""Presentations signed by the holder, optionally carrying a capability to open the original.

The presentation (W3C VC Data Model 2.0 §4.13) holds one credential and is signed (Data Integrity,
proof purpose ``authentication``) by the key of the DID the credential names as its subject, so
the verifier's holder-binding check passes, whether that is the holder's DID or a per-partner one.
With a challenge and domain it answers the verifier's ``POST /challenges``; without, it is a
one-way presentation, which verifiers accept only shortly after its ``created`` time.

**The document capability** (``--share-document``). The presentation carries one more member,
whose name is the IRI ``https://w3id.org/nansen/vocab#documentAccess`` (an absolute IRI needs no
context term) and whose value is a JSON literal (JSON-LD 1.1 ``"@type": "@json"``), so the holder's
signature covers it under either cryptosuite::

    "https://w3id.org/nansen/vocab#documentAccess": {"@type": "@json", "@value": {
        "credential": "urn:uuid:…",
        "documents": [{"resource": "ipfs://b…", "digestMultibase": "u…",
                       "sealedKey": {"recipient": "…#z6LS…", "algorithm": "…SealedBox", "sealedKey": "u…"}}]}}

A verifier fetches the ciphertext by the CID (every block checked against it), opens the document
key, decrypts (the final tag required), and checks the plaintext against the credential's own
``digestMultibase``: a capability that was swapped or altered cannot open anything but the
document the signed credential describes. When the verifier names its DID, the key is sealed to its
X25519 key-agreement key (``sealedKey``), so only it can use the capability; otherwise the key
itself is in the presentation (``"key": "u…"``, base64url), and anyone who reads the QR code
(someone filming the screen, say) can open the document while its ciphertext is reachable.

What "one-time" means, and its limits: the capability is bound to this presentation (its challenge,
or its short one-way window) and verifiers keep nothing after showing a result; but a document key
cannot be taken back: a verifier that breaks that rule and keeps the key and the ciphertext can
read the document again. ``forget`` then no longer helps against that verifier.
"""

from __future__ import annotations

from typing import Any, Final

from nansen import multibase, vcdm
from nansen.crypto import DocumentKey, Recipient, seal
from nansen.keys import SigningKey
from nansen.proofs import DEFAULT_SUITE, ProofOptions, add_proof
from wallet.receive import IPFS_SCHEME
from wallet.state import HeldCredential

DOCUMENT_ACCESS: Final = "https://w3id.org/nansen/vocab#documentAccess"


def document_access(held: HeldCredential, recipient: Recipient | None) -> dict[str, Any]:
    """The capability to open the credential's originals: sealed to ``recipient``, or in clear."""
    entries = []
    for document in held.documents:
        entry: dict[str, Any] = {
            "resource": IPFS_SCHEME + document.cid,
            "digestMultibase": document.digest_multibase,
        }
        with DocumentKey(document.key) as key:
            if recipient is None:
                entry["key"] = multibase.encode_base64url(key.material())
            else:
                entry["sealedKey"] = seal(key, [recipient])[0].to_json()
        entries.append(entry)
    return {"@type": "@json", "@value": {"credential": held.credential.get("id"), "documents": entries}}


def presentation(
    held: HeldCredential,
    signer: SigningKey,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    access: dict[str, Any] | None = None,
    suite: str = DEFAULT_SUITE,
) -> dict[str, Any]:
    unsigned = vcdm.build_presentation(holder=signer.controller, credentials=[held.credential])
    if access is not None:
        unsigned[DOCUMENT_ACCESS] = access
    options = ProofOptions(purpose="authentication", cryptosuite=suite, challenge=challenge, domain=domain)
    return add_proof(unsigned, signer, options)
