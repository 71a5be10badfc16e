"""Deterministic test content: the SHA-256 of a counter (0, 1, 2… as 8 big-endian bytes), concatenated.

No two 32-byte pieces repeat, so no two chunks of a file are alike (unlike zeros, whose leaves are all
one block). The reference CIDs in these tests were computed for exactly this content.
"""

from __future__ import annotations

import hashlib


def pattern(size: int) -> bytes:
    pieces = (size + 31) // 32
    return b"".join(hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(pieces))[:size]


class PatternStream:
    """``pattern(size)`` as a stream made on demand, in constant memory; reads return at most 1000
    bytes, as a pipe may, so readers must not assume full reads."""

    def __init__(self, size: int) -> None:
        self._remaining = size
        self._counter = 0
        self._buffer = b""

    def read(self, size: int = -1, /) -> bytes:
        wanted = min(self._remaining, 1000 if size < 0 else size, 1000)
        while len(self._buffer) < wanted:
            self._buffer += hashlib.sha256(self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
        data, self._buffer = self._buffer[:wanted], self._buffer[wanted:]
        self._remaining -= len(data)
        return data
