"""The W3C vc-di-ecdsa test vectors for ecdsa-rdfc-2019 (w3c/vc-di-ecdsa TestVectors/), byte for byte.

Each intermediate value of vc-di-ecdsa §3.2 for P-256 and P-384, on the alumni credential and on
the "employ" credential (blank nodes: with P-384, RDFC-1.0 hashes them with SHA-384, which changes
their labels): canonical document, its hash, canonical proof configuration, its hash, the combined
hash; the vector's signature verifies over that combined hash with the vector's key; the key pair
matches; the signed document verifies whole; and the signed document is the unsigned one plus the
proof. ECDSA signing is randomised here (the vectors' own signer's k is unknown), so signatures are
verified, not reproduced. As with the eddsa vectors, the issuer is not the key's controller, so
only the proofs are checked (vectors README).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nansen import multibase
from nansen.config import Limits
from nansen.did import Resolver
from nansen.ecdsa import P256, P384, Curve, EcdsaPublicKey
from nansen.proofs import Expectations, verify_proofs
from nansen.proofs.cryptosuites import VERIFY_ONLY_CRYPTOSUITES
from tests.conftest import REPO, load_json
from tests.legacy_signers import EcdsaSigner

VECTORS = REPO / "tests" / "vectors" / "w3c-vc-di-ecdsa"
MOMENT = datetime(2024, 1, 1, tzinfo=UTC)
SUITE = VERIFY_ONLY_CRYPTOSUITES["ecdsa-rdfc-2019"]
CASES = [
    (P256, "ecdsa-rdfc-2019-p256", "P256", "unsigned.json"),
    (P256, "ecdsa-rdfc-2019-p256/employ", "P256", "employmentAuth.json"),
    (P384, "ecdsa-rdfc-2019-p384", "P384", "unsigned.json"),
    (P384, "ecdsa-rdfc-2019-p384/employ", "P384", "employmentAuth.json"),
]
IDS = [folder for _, folder, _, _ in CASES]


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()


def key_pair(tag: str) -> dict[str, Any]:
    return load_json(VECTORS / f"{tag.lower()}KeyPair.json")  # type: ignore[no-any-return]


@pytest.mark.parametrize(("curve", "folder", "tag", "unsigned"), CASES, ids=IDS)
def test_intermediate_values(curve: Curve, folder: str, tag: str, unsigned: str) -> None:
    directory = VECTORS / folder
    key = EcdsaPublicKey.from_multibase(key_pair(tag)["publicKeyMultibase"])
    assert key.curve is curve
    document = load_json(VECTORS / unsigned)
    config = load_json(directory / f"proofConfigECDSA{tag}.json")
    message = SUITE.hash_data(config, document, Limits(), key)

    digest_size = 32 if curve is P256 else 48
    proof_hash, document_hash = message[:digest_size].hex(), message[digest_size:].hex()
    assert document_hash == text(directory / f"docHashECDSA{tag}.txt")
    assert proof_hash == text(directory / f"proofHashECDSA{tag}.txt")
    assert message.hex() == text(directory / f"combinedHashECDSA{tag}.txt")
    canonical = (directory / f"canonDocECDSA{tag}.txt").read_bytes()
    assert hashlib.new(curve.hash_name, canonical).hexdigest() == document_hash

    signature = bytes.fromhex(text(directory / f"sigHexECDSA{tag}.txt"))
    assert multibase.encode_base58btc(signature) == text(directory / f"sigBTC58ECDSA{tag}.txt")
    assert key.verify(message, signature)
    assert not key.verify(message[:-1] + bytes([message[-1] ^ 1]), signature)


@pytest.mark.parametrize(("curve", "folder", "tag", "unsigned"), CASES, ids=IDS)
def test_canonical_forms_byte_for_byte(curve: Curve, folder: str, tag: str, unsigned: str) -> None:
    from nansen.canonical import canonical_nquads_uncached

    directory = VECTORS / folder
    document = load_json(VECTORS / unsigned)
    config = load_json(directory / f"proofConfigECDSA{tag}.json")
    limits = Limits()
    assert canonical_nquads_uncached(document, limits, hash_name=curve.hash_name) == (
        directory / f"canonDocECDSA{tag}.txt"
    ).read_text(encoding="utf-8")
    assert canonical_nquads_uncached(config, limits, hash_name=curve.hash_name) == (
        directory / f"proofCanonECDSA{tag}.txt"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(("curve", "folder", "tag", "unsigned"), CASES, ids=IDS)
def test_signed_vectors_verify(curve: Curve, folder: str, tag: str, unsigned: str) -> None:
    signed = load_json(VECTORS / folder / f"signedECDSA{tag}.json")
    assert {k: v for k, v in signed.items() if k != "proof"} == load_json(VECTORS / unsigned)
    config = load_json(VECTORS / folder / f"proofConfigECDSA{tag}.json")
    assert {k: v for k, v in signed["proof"].items() if k != "proofValue"} == {
        k: v for k, v in config.items() if k != "@context"
    }
    results = verify_proofs(signed, Resolver(), Expectations(moment=MOMENT))
    assert [r.verified for r in results] == [True], results
    assert results[0].cryptosuite == "ecdsa-rdfc-2019"


@pytest.mark.parametrize(("curve", "folder", "tag", "unsigned"), CASES, ids=IDS)
def test_tampered_vectors_are_refused(curve: Curve, folder: str, tag: str, unsigned: str) -> None:
    signed = load_json(VECTORS / folder / f"signedECDSA{tag}.json")
    signed["validFrom"] = "2023-01-02T00:00:00Z"
    results = verify_proofs(signed, Resolver(), Expectations(moment=MOMENT))
    assert [(r.verified, r.reason) for r in results] == [
        (False, "The signature does not match the document.")
    ]


@pytest.mark.parametrize("tag", ["P256", "P384"])
def test_key_pairs_match(tag: str) -> None:
    pair = key_pair(tag)
    signer = EcdsaSigner.from_secret_multibase(pair["secretKeyMultibase"])
    assert signer.public_key.multibase == pair["publicKeyMultibase"]
