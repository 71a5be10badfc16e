"""Presentations signed by the holder, optionally carrying a capability to open the original.

The presentation (W3C VC Data Model 2.0 §4.13) holds one credential and is signed (Data Integrity,
proof purpose ``authentication``) by the key of the DID the credential names as its subject, so
the verifier's holder-binding check passes, whether that is the holder's DID or a per-partner one.
With a challenge and domain it answers the verifier's ``POST /challenges``; without, it is a
one-way presentation, which verifiers accept only shortly after its ``created`` time.

**The document capability** (``--share-document``) is the core's (:mod:`nansen.capability`, the
format every verifier reads): one more member of the presentation, covered by the holder's
signature under either cryptosuite, naming each original by its CID and digest with its key. A
verifier fetches the ciphertext by the CID (every block checked against it), opens the document
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

from typing import Any

from nansen import capability, vcdm
from nansen.crypto import DocumentKey, Recipient, seal
from nansen.jsonld import CREDENTIALS_V1, CREDENTIALS_V2
from nansen.keys import SigningKey
from nansen.proofs import DEFAULT_SUITE, ProofOptions, add_legacy_proof, add_proof
from nansen.proofs.cryptosuites import LEGACY_SIGNING
from nansen.proofs.ed25519_signature_2020 import CONTEXT as ED25519_2020
from wallet.errors import DocumentUnavailable
from wallet.state import HeldCredential, HeldDocument
from wallet.store import parse_cid


def document_access(held: HeldCredential, recipient: Recipient | None) -> dict[str, Any]:
    """The capability to open the credential's originals: sealed to ``recipient``, or in clear."""
    return capability.build(held.credential.get("id"), [_shared(d, recipient) for d in held.documents])


def _shared(document: HeldDocument, recipient: Recipient | None) -> capability.SharedDocument:
    if not isinstance(document.digest_multibase, str):
        raise DocumentUnavailable("This document has several digests, which a capability cannot carry.")
    cid, digest = parse_cid(document.cid), document.digest_multibase
    with DocumentKey(document.key) as key:
        if recipient is None:
            return capability.SharedDocument(cid, digest, key=key.material())
        return capability.SharedDocument(cid, digest, sealed_key=seal(key, [recipient])[0])


def presentation(
    held: HeldCredential,
    signer: SigningKey,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    access: dict[str, Any] | None = None,
    suite: str = DEFAULT_SUITE,
) -> dict[str, Any]:
    """The presentation signed with ``suite``: a Data Integrity cryptosuite, or (only when a
    verifier lists nothing else: `wallet.openid4vp.presentation_suite`) Ed25519Signature2020, whose
    presentation names the suite's context and is VC 1.1 when the credential is."""
    legacy = suite in LEGACY_SIGNING
    contexts = [CREDENTIALS_V2]
    if legacy:
        contexts = [CREDENTIALS_V1 if vcdm.data_model_version(held.credential) == "1.1" else CREDENTIALS_V2]
        contexts.append(ED25519_2020)
    unsigned = vcdm.build_presentation(
        holder=signer.controller, credentials=[held.credential], contexts=contexts
    )
    if access is not None:
        unsigned[capability.DOCUMENT_ACCESS] = access
    options = ProofOptions(purpose="authentication", cryptosuite=suite, challenge=challenge, domain=domain)
    return (add_legacy_proof if legacy else add_proof)(unsigned, signer, options)
