"""Multibase decoding is strict: bad characters, padding and impossible lengths are refused."""

from __future__ import annotations

import pytest

from nansen import multibase
from nansen.errors import KeyFormatError


@pytest.mark.parametrize("value", ["u!!!", "uAB+C", "uAB/C", "uABC=", "uA", "u AAA", "z0OIl", "xABC", ""])
def test_malformed_values_are_refused(value: str) -> None:
    with pytest.raises(KeyFormatError):
        multibase.decode(value)


@pytest.mark.parametrize("data", [b"", b"\x00", b"\xff\xfe\xfd", bytes(range(256))])
def test_round_trips(data: bytes) -> None:
    assert multibase.decode(multibase.encode_base64url(data)) == data
    assert multibase.decode(multibase.encode_base58btc(data)) == data
