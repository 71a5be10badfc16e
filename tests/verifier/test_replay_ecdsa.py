"""The replay key of an ECDSA-signed presentation is the same for both forms of its signature.

ECDSA's ``(r, s)`` and ``(r, n - s)`` both verify (vc-di-ecdsa allows either), so flipping s would
otherwise make a captured one-way presentation look new to the verifier's replay check
(verifier/replay.py), which remembers presentations by their signatures.
"""

from __future__ import annotations

from typing import Any

from nansen import multibase, vcdm
from nansen.did import Resolver
from nansen.ecdsa import P256
from nansen.proofs import Expectations, verify_proofs
from tests.helpers import ISSUED, signed_credential
from tests.legacy_signers import EcdsaSigner, sign_ecdsa_rdfc_2019
from verifier import replay

HOLDER = EcdsaSigner.from_secret(P256, 0x5EED)


def ecdsa_presentation() -> dict[str, Any]:
    unsigned = vcdm.build_presentation(holder=HOLDER.did, credentials=[signed_credential()])
    return sign_ecdsa_rdfc_2019(
        unsigned, HOLDER, ISSUED, purpose="authentication", challenge="c-1", domain="shelter.example"
    )


def flipped(presentation: dict[str, Any]) -> dict[str, Any]:
    signature = multibase.decode(presentation["proof"]["proofValue"])
    r, s = signature[:32], int.from_bytes(signature[32:], "big")
    other = r + (P256.order - s).to_bytes(32, "big")
    return {
        **presentation,
        "proof": {**presentation["proof"], "proofValue": multibase.encode_base58btc(other)},
    }


def test_both_forms_verify_and_share_one_replay_key() -> None:
    vp = ecdsa_presentation()
    other = flipped(vp)
    assert other["proof"]["proofValue"] != vp["proof"]["proofValue"]
    expect = Expectations("authentication", "c-1", "shelter.example", ISSUED, remember=False)
    for document in (vp, other):
        assert [r.verified for r in verify_proofs(document, Resolver(), expect)] == [True]
    assert replay.signature_digests(other) == replay.signature_digests(vp)
    assert replay.presentation_digest(other) == replay.presentation_digest(vp)


def test_another_signing_has_another_replay_key() -> None:
    assert replay.presentation_digest(ecdsa_presentation()) != replay.presentation_digest(
        ecdsa_presentation()
    )
