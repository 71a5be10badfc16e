"""The document capability (nansen.capability): built, signed over by the holder under both suites,
carried through the QR codec, read back, matched against the credential; every refusal."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from nansen import capability, multibase, vcdm
from nansen.capability import DOCUMENT_ACCESS, CapabilityError, DocumentAccess, SharedDocument
from nansen.crypto import DocumentKey, Recipient, seal
from nansen.ipfs import CID
from nansen.proofs import ProofOptions, add_proof
from nansen.qr import decode_presentation, encode_presentation, qr_version
from nansen.verify import Verifier
from tests.helpers import HOLDER, ISSUED, STRANGER, signed_credential

CID_TEXT = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
#: A sha2-384 digestMultibase (VC Data Model 2.0 §5.3), of no document in particular.
DIGEST = multibase.encode_base64url(b"\x20\x30" + bytes(range(48)))
KEY = bytes(range(32))


def document(**changes: Any) -> SharedDocument:
    values: dict[str, Any] = {"cid": CID.parse(CID_TEXT), "digest_multibase": DIGEST, "key": KEY, **changes}
    return SharedDocument(**values)


def credential() -> dict[str, Any]:
    resource = {
        "id": f"ipfs://{CID_TEXT}",
        "digestMultibase": DIGEST,
        "mediaType": "application/octet-stream",
    }
    return signed_credential(related_resource=[resource])


def shared(access: dict[str, Any], suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[credential()])
    unsigned[DOCUMENT_ACCESS] = access
    options = ProofOptions(
        purpose="authentication", cryptosuite=suite, challenge="n", domain="d", created=ISSUED
    )
    return add_proof(unsigned, HOLDER, options)


def test_the_format_is_the_wallets() -> None:
    built = capability.build("urn:uuid:1", [document()])
    assert built == {
        "@type": "@json",
        "@value": {
            "credential": "urn:uuid:1",
            "documents": [
                {
                    "resource": f"ipfs://{CID_TEXT}",
                    "digestMultibase": DIGEST,
                    "key": "u" + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
                }
            ],
        },
    }


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_the_holders_proof_covers_it_through_the_qr_codec(suite: str) -> None:
    vp = shared(capability.build(credential()["id"], [document()]), suite)
    text = encode_presentation(vp)
    assert qr_version(text) <= 25
    back = decode_presentation(text)
    assert back == vp
    assert Verifier().verify_presentation(back, challenge="n", domain="d").verified
    access = capability.parse(back)
    assert access is not None
    assert access.documents == (document(),)
    altered = copy.deepcopy(back)
    altered[DOCUMENT_ACCESS]["@value"]["documents"][0]["key"] = "u" + "A" * 43
    assert not Verifier().verify_presentation(altered, challenge="n", domain="d").verified


def test_a_sealed_key_round_trips() -> None:
    with DocumentKey(KEY) as key:
        sealed = seal(key, [Recipient.from_did(STRANGER.controller)])[0]
    entry = document(key=None, sealed_key=sealed)
    vp = {"type": "VerifiablePresentation", DOCUMENT_ACCESS: capability.build(None, [entry])}
    assert capability.parse(vp) == DocumentAccess(None, (entry,))
    assert "key" not in vp[DOCUMENT_ACCESS]["@value"]["documents"][0]
    assert repr(sealed.sealed) not in repr(entry)
    assert repr(KEY) not in repr(document())  # keys never show in logs or tracebacks


def test_a_presentation_without_one_has_none() -> None:
    assert capability.parse({"type": "VerifiablePresentation"}) is None


def test_matching_the_credential() -> None:
    access = capability.parse({DOCUMENT_ACCESS: capability.build(credential()["id"], [document()])})
    assert access is not None
    with pytest.raises(CapabilityError, match="another credential"):
        capability.for_credential(access, credential())  # a fresh credential has another id
    signed = credential()
    access = DocumentAccess(signed["id"], access.documents)
    assert capability.for_credential(access, signed) == (document(),)
    assert capability.for_credential(DocumentAccess(None, access.documents), signed) == (document(),)
    signed["relatedResource"][0]["digestMultibase"] = multibase.encode_base64url(b"\x20\x30" + bytes(48))
    with pytest.raises(CapabilityError, match="does not describe"):
        capability.for_credential(access, signed)
    del signed["relatedResource"]
    with pytest.raises(CapabilityError, match="does not describe"):
        capability.for_credential(access, signed)


ENTRY = {"resource": f"ipfs://{CID_TEXT}", "digestMultibase": DIGEST, "key": "u" + "A" * 43}


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ({"documents": [ENTRY]}, "JSON literal"),
        ({"@type": "@id", "@value": {"documents": [ENTRY]}}, "JSON literal"),
        ({"@type": "@json", "@value": [ENTRY]}, "name its documents"),
        ({"@type": "@json", "@value": {"documents": [ENTRY], "extra": 1}}, "name its documents"),
        ({"@type": "@json", "@value": {"credential": 5, "documents": [ENTRY]}}, "identifier"),
        ({"@type": "@json", "@value": {"documents": []}}, "one to 8"),
        ({"@type": "@json", "@value": {"documents": [ENTRY] * 9}}, "one to 8"),
        ({"@type": "@json", "@value": {"documents": "all"}}, "one to 8"),
        ({"@type": "@json", "@value": {"documents": [{**ENTRY, "note": "x"}]}}, "does not know"),
        ({"@type": "@json", "@value": {"documents": [{**ENTRY, "resource": "https://x"}]}}, "ipfs://"),
        (
            {"@type": "@json", "@value": {"documents": [{**ENTRY, "resource": "ipfs://nope"}]}},
            "cannot be read",
        ),
        ({"@type": "@json", "@value": {"documents": [{**ENTRY, "digestMultibase": 7}]}}, "digestMultibase"),
        ({"@type": "@json", "@value": {"documents": [{**ENTRY, "key": "u" + "A" * 10}]}}, "32 bytes"),
        ({"@type": "@json", "@value": {"documents": [{**ENTRY, "key": "x!"}]}}, "cannot be read"),
        ({"@type": "@json", "@value": {"documents": [{**ENTRY, "key": 3}]}}, "base64url multibase"),
        ({"@type": "@json", "@value": {"documents": [{**ENTRY, "sealedKey": {}}]}}, "sealed key"),
        (
            {"@type": "@json", "@value": {"documents": [{k: v for k, v in ENTRY.items() if k != "key"}]}},
            "either",
        ),
    ],
)
def test_a_malformed_capability_is_refused(member: Any, message: str) -> None:
    with pytest.raises(CapabilityError, match=message):
        capability.parse({DOCUMENT_ACCESS: member})


def test_building_refuses_what_parsing_would() -> None:
    with pytest.raises(CapabilityError, match="one to 8"):
        capability.build(None, [])
    with pytest.raises(CapabilityError, match="either"):
        document(key=None)
    with pytest.raises(CapabilityError, match="32 bytes"):
        document(key=b"short")
