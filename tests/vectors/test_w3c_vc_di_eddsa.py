"""The W3C vc-di-eddsa test vectors (w3c/vc-di-eddsa TestVectors/), reproduced byte for byte.

Each intermediate value of vc-di-eddsa §3.2 (eddsa-rdfc-2022) and §3.3 (eddsa-jcs-2022):
canonical document, its hash, canonical proof configuration, its hash, the combined hash, the
signature in hex and as proofValue, and the whole signed document. The vectors' issuer is an
https URL while the key is a did:key, so only the proofs are checked here (vectors README).
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
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair
from nansen.proofs import Expectations, ProofOptions, add_proof, verify_proofs
from nansen.proofs.cryptosuites import suite_named
from nansen.proofs.dataintegrity import _proof_config
from tests.conftest import load_json

CASES = [
    ("eddsa-rdfc-2022", "eddsa-rdfc-2022", "DataInt", "unsigned.json"),
    ("eddsa-rdfc-2022", "eddsa-rdfc-2022/employ", "DataInt", "employmentAuth.json"),
    ("eddsa-jcs-2022", "eddsa-jcs-2022", "JCS", "unsigned.json"),
]
CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
MOMENT = datetime(2024, 1, 1, tzinfo=UTC)


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()


def signer(vectors: Path, name: str = "keyPair.json", entry: str | None = None) -> Any:
    pair = load_json(vectors / name)
    pair = pair[entry] if entry else pair
    key_pair = Ed25519KeyPair.from_secret_multibase(pair["privateKeyMultibase"])
    assert key_pair.public_key.multibase == pair["publicKeyMultibase"]
    return did_key.signing_key(key_pair)


@pytest.mark.parametrize(("suite_name", "folder", "tag", "unsigned"), CASES)
def test_intermediate_values(vectors: Path, suite_name: str, folder: str, tag: str, unsigned: str) -> None:
    suite = suite_named(suite_name)
    directory = vectors / folder
    document = load_json(vectors / unsigned)
    config = load_json(directory / f"proofConfig{tag}.json")
    limits = Limits()

    canonical_document = suite.canonicalize(document, limits)
    canonical_config = suite.canonicalize(config, limits)
    assert canonical_document.decode() == (directory / f"canonDoc{tag}.txt").read_text().rstrip("\n") + (
        "\n" if suite_name == "eddsa-rdfc-2022" else ""
    )
    assert canonical_config.decode().rstrip("\n") == text(directory / f"proofCanon{tag}.txt")
    document_hash = hashlib.sha256(canonical_document).hexdigest()
    proof_hash = hashlib.sha256(canonical_config).hexdigest()
    assert document_hash == text(directory / f"docHash{tag}.txt")
    assert proof_hash == text(directory / f"proofHash{tag}.txt")
    assert proof_hash + document_hash == text(directory / f"combinedHash{tag}.txt")

    signature = signer(vectors).key_pair.sign(bytes.fromhex(proof_hash + document_hash))
    assert signature.hex() == text(directory / f"sigHex{tag}.txt")
    assert multibase.encode_base58btc(signature) == text(directory / f"sigBTC58{tag}.txt")


@pytest.mark.parametrize(("suite_name", "folder", "tag", "unsigned"), CASES)
def test_signed_document_byte_for_byte(
    vectors: Path, suite_name: str, folder: str, tag: str, unsigned: str
) -> None:
    document = load_json(vectors / unsigned)
    signed = add_proof(document, signer(vectors), ProofOptions(cryptosuite=suite_name, created=CREATED))
    assert signed == load_json(vectors / folder / f"signed{tag}.json")


@pytest.mark.parametrize(("suite_name", "folder", "tag", "unsigned"), CASES)
def test_signed_vectors_verify(vectors: Path, suite_name: str, folder: str, tag: str, unsigned: str) -> None:
    signed = load_json(vectors / folder / f"signed{tag}.json")
    results = verify_proofs(signed, Resolver(), Expectations(moment=MOMENT))
    assert [r.verified for r in results] == [True], results
    assert results[0].cryptosuite == suite_name


def test_proof_config_of_signed_vector_matches(vectors: Path) -> None:
    signed = load_json(vectors / "eddsa-jcs-2022" / "signedJCS.json")
    config, _ = _proof_config(suite_named("eddsa-jcs-2022"), signed["proof"], {**signed, "proof": None})
    assert config == load_json(vectors / "eddsa-jcs-2022" / "proofConfigJCS.json")


@pytest.mark.parametrize("number", [1, 2])
def test_proof_sets_and_chains_verify(vectors: Path, number: int) -> None:  # every proof must verify
    for kind in ("Set", "Chain"):
        signed = load_json(vectors / "proof-set-chain" / f"signedProof{kind}{number}.json")
        results = verify_proofs(signed, Resolver(), Expectations(moment=MOMENT))
        assert results, kind
        assert all(r.verified for r in results), (kind, results)


def test_proof_set_reproduced_step_by_step(vectors: Path) -> None:
    folder = vectors / "proof-set-chain"
    signed: dict[str, Any] = load_json(folder / "unsigned.json")
    for number in (1, 2):
        config = load_json(folder / f"proofSetConfig{number}.json")
        options = ProofOptions(
            created=datetime.fromisoformat(config["created"].replace("Z", "+00:00")),
            proof_id=config.get("id"),
        )
        signed = add_proof(signed, signer(folder, "multiKeyPairs.json", f"keyPair{number}"), options)
        assert signed == load_json(folder / f"signedProofSet{number}.json")


def test_every_signed_chain_proof_matches_the_vector(vectors: Path) -> None:
    """Re-sign each proof of signedProofChain2 with its key and compare proof values."""
    folder = vectors / "proof-set-chain"
    expected = load_json(folder / "signedProofChain2.json")
    keys = load_json(folder / "multiKeyPairs.json")
    by_public = {v["publicKeyMultibase"]: k for k, v in keys.items()}
    signed: dict[str, Any] = load_json(folder / "unsigned.json")
    for proof in expected["proof"]:
        entry = by_public[proof["verificationMethod"].split("#")[1]]
        options = ProofOptions(
            created=datetime.fromisoformat(proof["created"].replace("Z", "+00:00")),
            proof_id=proof.get("id"),
            previous_proof=proof.get("previousProof"),
        )
        signed = add_proof(signed, signer(folder, "multiKeyPairs.json", entry), options)
    assert signed == expected
