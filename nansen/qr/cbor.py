"""The subset of CBOR (RFC 8949) that the QR format uses, written and read strictly.

Data items: unsigned and negative integers (major types 0, 1), byte and text strings (2, 3),
arrays (4), maps with integer or text keys (5), tags 1 (epoch-based date/time, §3.4.2) and 100
(days since 1970-01-01, RFC 8943) around an integer, false, true, null and floats (7).

The reader is for hostile input. It accepts only what the writer produces: definite lengths, every
argument and float in its preferred (shortest) serialization (§4.1), UTF-8 text (§3.1), no
duplicate map keys (§5.6), no other tag or simple value, one item and nothing after it. It bounds
nesting depth and the number of items. Map keys keep their order (the format preserves the
presentation's member order), so this is preferred, not deterministic, serialization (§4.2).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Final, TypeAlias

from nansen.qr.errors import QRCodeError
from nansen.qr.limits import MAX_DEPTH, MAX_ITEMS

#: RFC 8949 §3.4.2: epoch-based date/time. RFC 8943 §3: days since 1970-01-01.
EPOCH_SECONDS: Final = 1
EPOCH_DAYS: Final = 100

_UNSIGNED, _NEGATIVE, _BYTES, _TEXT, _ARRAY, _MAP, _TAG, _SIMPLE = range(8)
_SIMPLE_VALUES: Final = {20: False, 21: True, 22: None}
_FLOAT_FORMATS: Final = {25: ">e", 26: ">f", 27: ">d"}


@dataclass(frozen=True, slots=True)
class Tag:
    """A tagged integer: tag 1 (seconds) or 100 (days)."""

    number: int
    content: int


Item: TypeAlias = "bool | int | float | str | bytes | Tag | list[Item] | dict[int | str, Item] | None"


def dumps(item: Item) -> bytes:
    out = bytearray()
    try:
        _write(item, out)
    except UnicodeEncodeError:
        raise QRCodeError("The presentation has text that is not valid Unicode.") from None
    return bytes(out)


def _head(major: int, argument: int, out: bytearray) -> None:
    if argument < 24:
        out.append(major << 5 | argument)
        return
    width = 1 if argument < 1 << 8 else 2 if argument < 1 << 16 else 4 if argument < 1 << 32 else 8
    out.append(major << 5 | {1: 24, 2: 25, 4: 26, 8: 27}[width])
    out += argument.to_bytes(width, "big")


def _float_bytes(value: float) -> bytes:
    """The shortest of binary16, binary32 and binary64 that holds the value exactly (§4.1)."""
    for info, fmt in _FLOAT_FORMATS.items():
        try:
            packed = struct.pack(fmt, value)
        except OverflowError:
            continue
        if struct.unpack(fmt, packed)[0] == value:
            return bytes([_SIMPLE << 5 | info]) + packed
    raise QRCodeError("The presentation has a number that is not finite.")


def _write(item: Item, out: bytearray) -> None:
    if item is None or isinstance(item, bool):
        out.append(_SIMPLE << 5 | {False: 20, True: 21, None: 22}[item])
    elif isinstance(item, int) and item >= 0:
        _head(_UNSIGNED, item, out)
    elif isinstance(item, int):
        _head(_NEGATIVE, -1 - item, out)
    elif isinstance(item, float):
        out += _float_bytes(item)
    elif isinstance(item, str):
        encoded = item.encode("utf-8")
        _head(_TEXT, len(encoded), out)
        out += encoded
    elif isinstance(item, bytes):
        _head(_BYTES, len(item), out)
        out += item
    elif isinstance(item, Tag):
        _head(_TAG, item.number, out)
        _write(item.content, out)
    elif isinstance(item, list):
        _head(_ARRAY, len(item), out)
        for element in item:
            _write(element, out)
    else:
        _head(_MAP, len(item), out)
        for key, value in item.items():
            _write(key, out)
            _write(value, out)


def loads(data: bytes) -> Item:
    """Read exactly one data item of the subset; refuse anything else with a QRCodeError."""
    reader = _Reader(data)
    item = reader.item(1)
    if reader.position != len(data):
        raise QRCodeError("The QR payload has unexpected data after its end.")
    return item


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0
        self.items = 0

    def take(self, count: int) -> bytes:
        end = self.position + count
        if end > len(self.data):
            raise QRCodeError("The QR payload is truncated.")
        chunk = self.data[self.position : end]
        self.position = end
        return chunk

    def head(self) -> tuple[int, int, int]:
        """Major type, additional information and argument of the next item (§3)."""
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if info < 24 or (major == _SIMPLE and info in _FLOAT_FORMATS):
            return major, info, info
        if info > 27:
            raise QRCodeError("The QR payload uses an indefinite length or a reserved value.")
        width = 1 << (info - 24)
        argument = int.from_bytes(self.take(width), "big")
        if argument < (24 if width == 1 else 1 << (4 * width)):
            raise QRCodeError("The QR payload has a number not written in its shortest form.")
        return major, info, argument

    def item(self, depth: int) -> Item:
        if depth > MAX_DEPTH:
            raise QRCodeError(f"The presentation is nested more than {MAX_DEPTH} levels deep.")
        self.items += 1
        if self.items > MAX_ITEMS:
            raise QRCodeError(f"The presentation has more than {MAX_ITEMS:,} values.")
        major, info, argument = self.head()
        if major == _UNSIGNED:
            return argument
        if major == _NEGATIVE:
            return -1 - argument
        if major == _BYTES:
            return self.take(argument)
        if major == _TEXT:
            try:
                return self.take(argument).decode("utf-8")
            except UnicodeDecodeError:
                raise QRCodeError("The QR payload has text that is not UTF-8.") from None
        if major == _ARRAY:
            return [self.item(depth + 1) for _ in range(argument)]
        if major == _MAP:
            return self.map(argument, depth)
        if major == _TAG:
            return self.tag(argument)
        return self.simple(info)

    def map(self, length: int, depth: int) -> dict[int | str, Item]:
        result: dict[int | str, Item] = {}
        for _ in range(length):
            key = self.item(depth + 1)
            if isinstance(key, bool) or not isinstance(key, int | str):
                raise QRCodeError("The QR payload has a map key that is neither a number nor text.")
            if key in result:
                raise QRCodeError("The QR payload has a duplicate map key.")
            result[key] = self.item(depth + 1)
        return result

    def tag(self, number: int) -> Tag:
        if number not in (EPOCH_SECONDS, EPOCH_DAYS):
            raise QRCodeError("The QR payload has a CBOR tag that the format does not use.")
        major, _, argument = self.head()
        if major not in (_UNSIGNED, _NEGATIVE):
            raise QRCodeError("The QR payload has a date whose value is not an integer.")
        return Tag(number, argument if major == _UNSIGNED else -1 - argument)

    def simple(self, info: int) -> Item:
        if info in _SIMPLE_VALUES:
            return _SIMPLE_VALUES[info]
        if info not in _FLOAT_FORMATS:
            raise QRCodeError("The QR payload has a CBOR simple value that JSON does not have.")
        raw = self.take(struct.calcsize(_FLOAT_FORMATS[info]))
        value: float = struct.unpack(_FLOAT_FORMATS[info], raw)[0]
        if not math.isfinite(value):
            raise QRCodeError("The QR payload has a number that is not finite.")
        if _float_bytes(value) != bytes([_SIMPLE << 5 | info]) + raw:
            raise QRCodeError("The QR payload has a number not written in its shortest form.")
        return value
