"""The few Protocol Buffers wire-format pieces DAG-PB and UnixFS need (protobuf "Encoding" guide:
a key is the varint ``field_number << 3 | wire_type``; wire type 0 is a varint, 2 is a
length-delimited byte string).
"""

from __future__ import annotations

from collections.abc import Iterator

from nansen.ipfs import varint
from nansen.ipfs.errors import BlockFormatError

VARINT = 0
LENGTH_DELIMITED = 2
_MALFORMED = "A block is not well-formed Protocol Buffers."


def key(field: int, wire_type: int) -> bytes:
    return varint.encode(field << 3 | wire_type)


def varint_field(field: int, value: int) -> bytes:
    return key(field, VARINT) + varint.encode(value)


def bytes_field(field: int, value: bytes) -> bytes:
    return key(field, LENGTH_DELIMITED) + varint.encode(len(value)) + value


def fields(message: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """``(field number, wire type, value)`` in order: an int for varints, bytes for byte strings.

    Wire types other than varint and length-delimited never occur in DAG-PB or UnixFS: refused.
    """
    position = 0
    try:
        while position < len(message):
            field_key, position = varint.decode(message, position)
            field, wire_type = field_key >> 3, field_key & 0x07
            if field == 0:
                raise BlockFormatError(_MALFORMED)
            if wire_type == VARINT:
                number, position = varint.decode(message, position)
                yield field, wire_type, number
            elif wire_type == LENGTH_DELIMITED:
                length, position = varint.decode(message, position)
                end = position + length
                if end > len(message):
                    raise BlockFormatError(_MALFORMED)
                yield field, wire_type, message[position:end]
                position = end
            else:
                raise BlockFormatError(_MALFORMED)
    except varint.VarintError as error:
        raise BlockFormatError(_MALFORMED) from error
