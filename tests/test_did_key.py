"""did:key (W3C CCG did:key Method v0.7) and Multikey."""

from __future__ import annotations

import pytest

from nansen.did import Resolver
from nansen.did import key as did_key
from nansen.errors import DidResolutionError, KeyFormatError
from nansen.keys import Ed25519KeyPair, Ed25519PublicKey

#: The did:key specification's Ed25519 example and the X25519 key it derives (§3.1.3 example).
SPEC_DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
SPEC_X25519 = "z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p"


def test_spec_example_document() -> None:
    document = did_key.resolve(SPEC_DID)
    fingerprint = SPEC_DID.removeprefix("did:key:")
    signing = f"{SPEC_DID}#{fingerprint}"
    assert document.id == SPEC_DID
    for relationship in ("authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation"):
        assert document.data[relationship] == [signing]
    assert document.data["keyAgreement"] == [f"{SPEC_DID}#{SPEC_X25519}"]
    method = document.verification_method(signing)
    assert method is not None
    assert method.controller == SPEC_DID
    assert method.type == "Multikey"


def test_w3c_vector_key_pair_round_trips() -> None:
    """keyPair.json of the W3C vc-di-eddsa vectors: secret → public Multikey."""
    pair = Ed25519KeyPair.from_secret_multibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
    assert pair.public_key.multibase == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    assert pair.secret_multibase == "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"


@pytest.mark.parametrize(
    "value",
    [
        "z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p",  # an X25519 key, not Ed25519
        "zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",  # secp256k1
        "z6Mk",
        "u7QE",  # base64url, not base58btc
        "not-multibase",
    ],
)
def test_non_ed25519_multikeys_are_refused(value: str) -> None:
    with pytest.raises(KeyFormatError):
        Ed25519PublicKey.from_multibase(value)


@pytest.mark.parametrize(
    "did", ["did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "did:key:", "did:example:1"]
)
def test_unresolvable_dids_are_refused(did: str) -> None:
    with pytest.raises(DidResolutionError):
        Resolver().resolve(did)


def test_method_must_be_a_did_url_with_fragment() -> None:
    with pytest.raises(DidResolutionError):
        Resolver().verification_method(SPEC_DID)
    with pytest.raises(DidResolutionError):
        Resolver().verification_method(SPEC_DID + "#z6MkUnknown")
