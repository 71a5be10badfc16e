"""Properties: any JSON put into a credential round-trips exactly; any input is read or refused."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nansen.qr import PREFIX, QRCodeError, cbor, decode_presentation, encode_presentation
from nansen.qr.base45 import ALPHABET
from nansen.qr.compact import to_item
from nansen.qr.vocabulary import TERMS
from tests.helpers import HOLDER, signed_credential
from tests.qr.builders import nv1, realistic_presentation

CREDENTIAL = signed_credential()
KEY = HOLDER.controller.removeprefix("did:key:")

#: Strings near the compact forms, so that both what fits a form and what just misses are drawn.
LOOKALIKES = st.one_of(
    st.from_regex(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?[Zz]?)?", fullmatch=True
    ),
    st.from_regex(
        r"(urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", fullmatch=True
    ),
    st.from_regex(r"(did:key:)?z[1-9A-HJ-NP-Za-km-z]{0,90}(#z?[1-9A-Za-z]{0,50})?", fullmatch=True),
    st.from_regex(r"u[A-Za-z0-9_=-]{0,60}", fullmatch=True),
    st.from_regex(r"ipfs://b[a-z2-7]{0,70}", fullmatch=True),
    st.sampled_from([HOLDER.controller, HOLDER.verification_method, f"did:key:{KEY}#{KEY}", *TERMS]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    LOOKALIKES,
)
NAMES = st.one_of(st.text(max_size=12), st.sampled_from(TERMS))
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(NAMES, children, max_size=4),
    max_leaves=12,
)


def read_or_refuse(text: str) -> None:
    """Decoding gives a JSON object or raises QRCodeError: never another exception."""
    with contextlib.suppress(QRCodeError):
        assert isinstance(decode_presentation(text), dict)


def as_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extra=JSON, name=NAMES)
def test_any_json_in_a_credential_round_trips_exactly(extra: Any, name: str) -> None:
    credential = {**CREDENTIAL, name: extra}
    credential["credentialSubject"] = {**CREDENTIAL["credentialSubject"], "extra": extra}
    decoded = decode_presentation(encode_presentation(credential))
    assert decoded == credential
    assert as_text(decoded) == as_text(credential)  # member order and number types too


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=200))
def test_any_text_is_read_or_refused(body: str) -> None:
    read_or_refuse(PREFIX + body)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_compressed_payload_is_read_or_refused(payload: bytes) -> None:
    read_or_refuse(nv1(payload))


PAYLOAD = cbor.dumps(to_item(realistic_presentation()))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(PAYLOAD) - 1), st.integers(0, 255)), min_size=1, max_size=4))
def test_a_damaged_payload_is_read_or_refused(changes: list[tuple[int, int]]) -> None:
    damaged = bytearray(PAYLOAD)
    for position, value in changes:
        damaged[position] = value
    read_or_refuse(nv1(bytes(damaged)))
