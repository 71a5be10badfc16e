"""The W3C vc-di-eddsa test vectors for the legacy Ed25519Signature2020 proof type, byte for byte.

w3c/vc-di-eddsa TestVectors/Ed25519Signature2020/ (vectors README): the alumni credential of the
eddsa vectors with the ed25519-2020 context appended, signed with the same key. Each intermediate
value: canonical document and proof options (RDFC-1.0), their SHA-256 hashes, the combined hash,
the signature (Ed25519 is deterministic, so it is reproduced, not only verified) and the signed
document. Nansen only verifies this type: the signature is made here with the vectors' key by
test code (tests/legacy_signers.py). As with the other vectors, the issuer is not the key's
controller, so only the proof is checked.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nansen import multibase
from nansen.config import Limits
from nansen.did import Resolver
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair
from nansen.proofs import Expectations, verify_proofs
from nansen.proofs.cryptosuites import LEGACY_PROOF_TYPES
from nansen.proofs.ed25519_signature_2020 import CONTEXT
from tests.conftest import load_json
from tests.legacy_signers import sign_ed25519_signature_2020

SUITE = LEGACY_PROOF_TYPES["Ed25519Signature2020"]
CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
MOMENT = datetime(2024, 1, 1, tzinfo=UTC)


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()


def unsigned(vectors: Path) -> dict[str, Any]:
    document: dict[str, Any] = load_json(vectors / "unsigned.json")
    return {**document, "@context": [*document["@context"], CONTEXT]}


def key_pair(vectors: Path) -> Ed25519KeyPair:
    return Ed25519KeyPair.from_secret_multibase(load_json(vectors / "keyPair.json")["privateKeyMultibase"])


def test_intermediate_values(vectors: Path) -> None:
    folder = vectors / "Ed25519Signature2020"
    document = unsigned(vectors)
    config = load_json(folder / "proofConfigEdSig.json")
    limits = Limits()
    canonical_document = SUITE.canonicalize(document, limits)
    canonical_config = SUITE.canonicalize(config, limits)
    assert canonical_document == (folder / "canonDocEdSig.txt").read_bytes().rstrip(b"\n") + b"\n"
    assert canonical_config.rstrip(b"\n") == (folder / "proofCanonEdSig.txt").read_bytes().rstrip(b"\n")
    document_hash = hashlib.sha256(canonical_document).hexdigest()
    proof_hash = hashlib.sha256(canonical_config).hexdigest()
    assert document_hash == text(folder / "docHashEdSig.txt")
    assert proof_hash == text(folder / "proofHashEdSig.txt")
    message = SUITE.hash_data(config, document, limits, key_pair(vectors).public_key)
    assert message.hex() == proof_hash + document_hash == text(folder / "combinedHashEdSig.txt")
    signature = key_pair(vectors).sign(message)
    assert signature.hex() == text(folder / "sigHexEdSig.txt")
    assert multibase.encode_base58btc(signature) == text(folder / "sigBTC58EdSig.txt")


def test_signed_document_byte_for_byte(vectors: Path) -> None:
    signer = did_key.signing_key(key_pair(vectors))
    signed = sign_ed25519_signature_2020(unsigned(vectors), signer, CREATED)
    assert signed == load_json(vectors / "Ed25519Signature2020" / "signedEdSig.json")


def test_signed_vector_verifies(vectors: Path) -> None:
    signed = load_json(vectors / "Ed25519Signature2020" / "signedEdSig.json")
    results = verify_proofs(signed, Resolver(), Expectations(moment=MOMENT))
    assert [(r.verified, r.cryptosuite) for r in results] == [(True, "Ed25519Signature2020")]


def test_tampered_vector_is_refused(vectors: Path) -> None:
    signed = load_json(vectors / "Ed25519Signature2020" / "signedEdSig.json")
    signed["credentialSubject"]["alumniOf"] = "Another School"
    results = verify_proofs(signed, Resolver(), Expectations(moment=MOMENT))
    assert [(r.verified, r.reason) for r in results] == [
        (False, "The signature does not match the document.")
    ]
