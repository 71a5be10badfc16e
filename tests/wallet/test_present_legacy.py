"""The wallet's Ed25519Signature2020 presentation (`wallet.present.presentation` with the legacy
type, chosen only for a verifier that lists nothing else: test_openid4vp_formats.py): a VC 1.1
presentation for a VC 1.1 credential, a VC 2.0 one otherwise, each VALID in the one pipeline for
its challenge and domain, and refused for another challenge, another domain or a changed fact."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from nansen.did import Resolver
from nansen.jsonld import CREDENTIALS_V1, CREDENTIALS_V2
from nansen.proofs import ProofOptions, add_legacy_proof, add_proof
from nansen.proofs.ed25519_signature_2020 import CONTEXT as ED2020
from nansen.verify import Verdict, Verifier
from tests.helpers import HOLDER, ISSUED, PARTNER, identity_credential
from wallet.present import presentation
from wallet.state import HeldCredential

NONCE, CLIENT = "n-0S6_WzA2Mj", "decentralized_identifier:did:key:z6MkverifierExample"


def vc11_credential() -> dict[str, Any]:
    credential = identity_credential(issuer=PARTNER)
    credential["@context"] = [CREDENTIALS_V1, ED2020, *credential["@context"][1:]]
    credential["issuanceDate"] = credential.pop("validFrom")
    return add_legacy_proof(
        credential, PARTNER, ProofOptions(cryptosuite="Ed25519Signature2020", created=ISSUED)
    )


def vc20_credential() -> dict[str, Any]:
    return add_proof(identity_credential(issuer=PARTNER), PARTNER, ProofOptions(created=ISSUED))


def judged(shown: dict[str, Any], challenge: str = NONCE, domain: str = CLIENT) -> Any:
    verifier = Verifier(resolver=Resolver(()))  # the presentation is signed now
    return verifier.verify_presentation(shown, challenge=challenge, domain=domain)


@pytest.mark.parametrize(
    ("credential", "first_context"),
    [(vc11_credential, CREDENTIALS_V1), (vc20_credential, CREDENTIALS_V2)],
    ids=["VC 1.1", "VC 2.0"],
)
def test_the_legacy_presentation_is_valid_for_its_challenge_and_domain(
    credential: Any, first_context: str
) -> None:
    held = HeldCredential(credential(), received="2026-01-05T09:31:00Z")
    shown = presentation(held, HOLDER, challenge=NONCE, domain=CLIENT, suite="Ed25519Signature2020")
    assert shown["@context"] == [first_context, ED2020]
    assert shown["proof"]["type"] == "Ed25519Signature2020"
    assert shown["proof"]["proofPurpose"] == "authentication"
    result = judged(shown)
    assert result.verdict is Verdict.VALID, result.to_json()
    assert result.to_json()["proofSuites"] == ["Ed25519Signature2020"]

    assert judged(shown, challenge="another nonce").verdict is not Verdict.VALID
    assert (
        judged(shown, domain="decentralized_identifier:did:key:z6MkanotherVerifier").verdict
        is not Verdict.VALID
    )
    changed = copy.deepcopy(shown)
    changed["verifiableCredential"][0]["credentialSubject"]["identityDocument"]["givenName"] = "Someone"
    assert judged(changed).verdict is not Verdict.VALID
