"""did:key (W3C CCG did:key Method v0.7) for Ed25519 keys, and P-256/P-384 keys to verify with.

The document lists the Ed25519 key under authentication, assertionMethod, capabilityInvocation
and capabilityDelegation, and the X25519 key derived from it under keyAgreement (§3.1.3,
"Encryption Method Creation Algorithm"), both as Multikey. A P-256 (``zDn…``) or P-384
(``z82…``) did:key lists its key, a Multikey, under the same four relationships and has no
keyAgreement: Nansen uses these only to verify ecdsa-rdfc-2019 proofs, never to encrypt.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from nansen import multibase
from nansen.did.document import DidDocument
from nansen.ecdsa import EcdsaPublicKey
from nansen.errors import DidResolutionError, KeyFormatError
from nansen.keys import Ed25519KeyPair, Ed25519PublicKey, SigningKey

PREFIX = "did:key:"


def did_from_public_key(public_key: Ed25519PublicKey) -> str:
    return PREFIX + public_key.multibase


def signing_key(key_pair: Ed25519KeyPair) -> SigningKey:
    """The key pair with its did:key verification method (``did:key:z…#z…``)."""
    return SigningKey(key_pair, signing_method(did_from_public_key(key_pair.public_key)))


def signing_method(did: str) -> str:
    """The id of a did:key's Ed25519 verification method, ``did:key:z…#z…`` (the DID's own key)."""
    return f"{did}#{did[len(PREFIX) :]}"


def public_key_from_did(did: str) -> Ed25519PublicKey:
    if not did.startswith(PREFIX):
        raise DidResolutionError("Not a did:key.")
    try:
        return Ed25519PublicKey.from_multibase(did[len(PREFIX) :])
    except KeyFormatError as cause:
        raise DidResolutionError("The did:key does not hold an Ed25519 key.") from cause


@lru_cache(maxsize=1024)
def _fingerprints(base: str) -> tuple[str, str]:
    """The Ed25519 and X25519 Multikey values of a did:key (memoised: base58 and the curve
    conversion are most of the cost of resolving one)."""
    public_key = public_key_from_did(base)
    try:
        x25519 = multibase.encode_multicodec(multibase.X25519_PUB, public_key.to_x25519())
    except KeyFormatError as cause:
        raise DidResolutionError("The did:key holds an unusable Ed25519 key.") from cause
    return public_key.multibase, x25519


def _ecdsa_document(base: str) -> DidDocument | None:
    """The document of a P-256 or P-384 did:key, or None if ``base`` holds another kind of key."""
    fingerprint = base[len(PREFIX) :]
    try:
        raw = multibase.decode(fingerprint) if fingerprint.startswith("z") else b""
    except KeyFormatError:
        return None
    if not raw.startswith((multibase.P256_PUB, multibase.P384_PUB)):
        return None
    try:
        key = EcdsaPublicKey.from_multibase(fingerprint)
    except KeyFormatError as cause:
        raise DidResolutionError("The did:key holds an unusable P-256 or P-384 key.") from cause
    if key.multibase != fingerprint:
        raise DidResolutionError("The did:key is not in its canonical form.")
    method_id = f"{base}#{fingerprint}"
    return DidDocument(
        {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": base,
            "verificationMethod": [
                {"id": method_id, "type": "Multikey", "controller": base, "publicKeyMultibase": fingerprint}
            ],
            "authentication": [method_id],
            "assertionMethod": [method_id],
            "capabilityInvocation": [method_id],
            "capabilityDelegation": [method_id],
        }
    )


def resolve(did: str) -> DidDocument:
    """Build the DID document of a did:key; no network, no state (a fresh document each time)."""
    base = did.split("#", 1)[0]
    ecdsa = _ecdsa_document(base)
    if ecdsa is not None:
        return ecdsa
    fingerprint, x25519 = _fingerprints(base)
    signing_id = f"{base}#{fingerprint}"
    agreement_id = f"{base}#{x25519}"
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": base,
        "verificationMethod": [
            {
                "id": signing_id,
                "type": "Multikey",
                "controller": base,
                "publicKeyMultibase": fingerprint,
            },
            {
                "id": agreement_id,
                "type": "Multikey",
                "controller": base,
                "publicKeyMultibase": x25519,
            },
        ],
        "authentication": [signing_id],
        "assertionMethod": [signing_id],
        "capabilityInvocation": [signing_id],
        "capabilityDelegation": [signing_id],
        "keyAgreement": [agreement_id],
    }
    return DidDocument(document)
