"""JSON values and the items of the NV1 format, both ways.

Objects become CBOR maps whose keys are term numbers (:data:`~nansen.qr.vocabulary.TERMS`) or,
for names the vocabulary lacks, the names as text; strings take their compact form
(:mod:`nansen.qr.forms`); numbers, booleans, null and arrays are themselves. Nothing is dropped:
whatever the vocabulary does not know is written as it is.
"""

from __future__ import annotations

import math
from typing import Any

from nansen.qr.cbor import Item, Tag
from nansen.qr.errors import QRCodeError
from nansen.qr.forms import Strings
from nansen.qr.limits import MAX_DEPTH, MAX_ITEMS
from nansen.qr.vocabulary import TERM_CODES, TERMS

#: CBOR major types 0 and 1 hold integers of 64 bits and a sign (RFC 8949 §3.1).
_INTEGERS = range(-(2**64), 2**64)


def to_item(value: Any) -> Item:
    """The item of a JSON value; refuse what is not JSON or exceeds the format's bounds."""
    return _Encoder().item(value, 1)


def from_item(item: Item) -> Any:
    """The JSON value of an item that :func:`nansen.qr.cbor.loads` read."""
    return _Decoder().value(item)


class _Encoder:
    def __init__(self) -> None:
        self.strings = Strings()
        self.items = 0

    def count(self) -> None:
        self.items += 1
        if self.items > MAX_ITEMS:
            raise QRCodeError(f"The presentation has more than {MAX_ITEMS:,} values.")

    def item(self, value: Any, depth: int) -> Item:
        if depth > MAX_DEPTH:
            raise QRCodeError(f"The presentation is nested more than {MAX_DEPTH} levels deep.")
        self.count()
        if value is None or isinstance(value, bool | str | float | int):
            return self.scalar(value)
        if isinstance(value, list):
            return [self.item(element, depth + 1) for element in value]
        if isinstance(value, dict):
            members: dict[int | str, Item] = {}
            for name, member in value.items():
                if not isinstance(name, str):
                    raise QRCodeError("The presentation has a member name that is not text.")
                self.count()
                members[TERM_CODES.get(name, name)] = self.item(member, depth + 1)
            return members
        raise QRCodeError("The presentation has a value that is not JSON.")

    def scalar(self, value: bool | str | float | int | None) -> Item:
        if isinstance(value, str):
            return self.strings.compact(value)
        if isinstance(value, float) and not math.isfinite(value):
            raise QRCodeError("The presentation has a number that is not finite.")
        if isinstance(value, int) and not isinstance(value, bool) and value not in _INTEGERS:
            raise QRCodeError("The presentation has an integer larger than 64 bits.")
        return value


class _Decoder:
    def __init__(self) -> None:
        self.strings = Strings()

    def value(self, item: Item) -> Any:
        if isinstance(item, list):
            return [self.value(element) for element in item]
        if isinstance(item, dict):
            return {self.name(key): self.value(member) for key, member in item.items()}
        if isinstance(item, bytes | Tag):
            return self.strings.restore(item)
        return item

    @staticmethod
    def name(key: int | str) -> str:
        if isinstance(key, str):
            if key in TERM_CODES:
                raise QRCodeError("The QR payload writes out a member name that has a number.")
            return key
        if not 0 <= key < len(TERMS):
            raise QRCodeError("The QR payload has a member name number that the format does not define.")
        return TERMS[key]
