"""Unsigned varints (multiformats unsigned-varint spec; the same LEB128 form as Protocol Buffers).

The multiformats spec caps a varint at 9 bytes (63 bits) and requires the minimal encoding;
both rules are enforced when decoding, so every value has exactly one byte form.
"""

from __future__ import annotations

from nansen.errors import InvalidInput
from nansen.ipfs.errors import IpfsError

#: multiformats unsigned-varint, "Practical maximum of 9 bytes (for security)".
MAX_BYTES = 9
MAX_VALUE = (1 << 63) - 1


class VarintError(IpfsError, InvalidInput):
    """A varint is truncated, too long or not minimally encoded."""


def encode(value: int) -> bytes:
    if not 0 <= value <= MAX_VALUE:
        raise ValueError("varint out of range")
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def decode(data: bytes | memoryview, offset: int = 0) -> tuple[int, int]:
    """The value at ``offset`` and the offset just after it."""
    value = 0
    for index in range(MAX_BYTES):
        position = offset + index
        if position >= len(data):
            raise VarintError("A varint is truncated.")
        byte = data[position]
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if byte == 0 and index > 0:
                raise VarintError("A varint is not minimally encoded.")
            return value, position + 1
    raise VarintError("A varint is longer than nine bytes.")
