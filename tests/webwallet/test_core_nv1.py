"""Format NV1 in two runtimes: what the engine encodes, Python decodes to the same JSON, and what
Python encodes, the engine decodes, on generated presentations (any JSON in the credential) and on
the usual ones; the engine refuses what Python refuses; its vocabulary is Python's."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from nansen.qr import PREFIX, base45, decode_presentation, encode_presentation
from nansen.qr.codec import ZDICT
from nansen.qr.sdjwt import SD_JWT_ZDICT, decode_sd_jwt, encode_sd_jwt
from nansen.qr.vocabulary import TERMS
from nansen.sdjwt import issue_identity_document
from nansen.timeutil import now
from tests.qr.builders import nv1, realistic_presentation
from tests.qr.test_properties import LOOKALIKES, NAMES
from tests.sdjwt.support import FACTS, HOLDER, ISSUER
from tests.webwallet.engine import call

#: JSON as JavaScript holds it exactly: integers within ±(2**53 - 1) (a larger one is a float there).
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    LOOKALIKES,
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(NAMES, children, max_size=4),
    max_leaves=12,
)
PRESENTATIONS = st.lists(st.dictionaries(NAMES, JSON, max_size=5), min_size=25, max_size=25)


def with_extra(extra: dict[str, Any]) -> dict[str, Any]:
    vp = realistic_presentation("eddsa-jcs-2022")
    vp["verifiableCredential"][0]["credentialSubject"]["extra"] = extra
    return vp


def numbers_as_floats(value: Any) -> Any:
    """The JSON with every number a float: JavaScript has one number type, and writes a float
    above 2**53 without its exponent (-5.157447728222379e16 as -51574477282223790), which Python
    then reads as an integer; the double is the same."""
    if isinstance(value, dict):
        return {name: numbers_as_floats(member) for name, member in value.items()}
    if isinstance(value, list):
        return [numbers_as_floats(member) for member in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def extra_of(vp: dict[str, Any]) -> Any:
    return vp["verifiableCredential"][0]["credentialSubject"]["extra"]


def test_the_vocabulary_is_pythons() -> None:
    found = call("vocabulary")
    assert tuple(found["terms"]) == TERMS
    assert base64.b64decode(found["zdict"]) == ZDICT
    assert ZDICT + found["sdJwtTail"].encode("utf-8") == SD_JWT_ZDICT


@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.generate],  # no shrinking: each example is one Node run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(PRESENTATIONS)
def test_generated_presentations_round_trip_both_ways(extras: list[dict[str, Any]]) -> None:
    presentations = [with_extra(extra) for extra in extras]
    texts = call("nv1EncodeMany", presentations=presentations)["texts"]
    for vp, text in zip(presentations, texts, strict=True):
        assert text.startswith(PREFIX)
        assert decode_presentation(text) == vp, extra_of(vp)
    python_texts = [encode_presentation(vp) for vp in presentations]
    decoded = call("nv1DecodeMany", texts=python_texts)["results"]
    for vp, result in zip(presentations, decoded, strict=True):
        assert numbers_as_floats(result.get("presentation")) == numbers_as_floats(vp), (extra_of(vp), result)


def test_the_usual_presentations_are_byte_identical() -> None:
    """pako 2.1 writes what Python's zlib 1.2.13 writes, so the engine's NV1 text is Python's."""
    usual = [realistic_presentation("eddsa-rdfc-2022"), realistic_presentation("eddsa-jcs-2022")]
    texts = call("nv1EncodeMany", presentations=usual)["texts"]
    assert texts == [encode_presentation(vp) for vp in usual]
    assert [decode_presentation(t) for t in texts] == usual


def test_sd_jwt_texts_both_ways() -> None:
    token = issue_identity_document(
        signer=ISSUER.signer, holder_did=HOLDER.did, document_type="Passport", facts=FACTS, issued_at=now()
    )
    assert call("nv1Decode", text=encode_sd_jwt(token))["presentation"] == token
    text = call("nv1Encode", presentation=token)["nv1"]
    assert text == encode_sd_jwt(token)
    assert decode_sd_jwt(text) == token


def test_the_engine_refuses_what_python_refuses() -> None:
    """Each hostile text gets a QR error with a sentence, never a crash or a value."""
    bomb = nv1(b"\x00" * (64 * 1024 + 10))
    texts = {
        "not-nansen": "HELLO",
        "other-version": "NV2:ABC",
        "bad base45": PREFIX + "A",
        "outside the alphabet": PREFIX + "abc",
        "not deflate": PREFIX + base45.encode(b"\xff\xff\xff\xff"),
        "bomb": bomb,
        "not CBOR": nv1(json.dumps({}).encode()),
        "data after the deflate stream": nv1(b"\xa0", after=b"\x00"),
        "data after the CBOR item": nv1(b"\xa0\xa0"),
        "a duplicate key": nv1(b"\xa2\x01\x01\x01\x01"),
        "a number not in its shortest form": nv1(b"\xa1\x18\x01\x01"),
        "an indefinite length": nv1(b"\xbf\xff"),
        "another tag": nv1(b"\xa1\x01\xc2\x41\x00"),
        "a term number out of range": nv1(b"\xa1\x19\x03\xe8\x01"),
        "a term written out": nv1(b"\xa1\x62id\x01"),
        "an unknown form": nv1(b"\xa1\x01\x42\x09\x00"),
        "a key not given": nv1(b"\xa1\x01\x42\x02\x00"),
    }
    results = call("nv1DecodeMany", texts=list(texts.values()))["results"]
    for (why, _), result in zip(texts.items(), results, strict=True):
        assert "error" in result, why
        assert "presentation" not in result, why
    assert results[0]["kind"] == "not-nansen"
    assert results[1]["kind"] == "other-version"
