"""Reading a stream of pieces of any size like a file: exact-size reads, in constant memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


class BlockReader:
    """A file-like reader (``read(size)``) over an iterable of ``bytes`` pieces.

    It turns a stream such as `Encryption` into what a consumer of binary files expects (the IPFS
    store's ``put``), and cuts input into exact-size blocks. It holds at most the piece being cut
    and the block being built: a large piece is sliced through a ``memoryview``, never copied whole
    or shifted, so the cost stays linear in the input.
    """

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces = iter(pieces)
        self._view = memoryview(b"")

    def read(self, size: int = -1, /) -> bytes:
        """The next ``size`` bytes, fewer only at the end of the input (``b""`` once it is
        exhausted); with a negative ``size``, everything that is left."""
        if size < 0:
            rest = bytes(self._view) + b"".join(self._pieces)
            self._view = memoryview(b"")
            return rest
        if len(self._view) >= size:
            block = bytes(self._view[:size])
            self._view = self._view[size:]
            return block
        out = bytearray()
        while len(out) < size:
            if not self._view:
                piece = next(self._pieces, None)
                if piece is None:
                    break
                self._view = memoryview(piece)
                continue
            take = size - len(out)
            out += self._view[:take]
            self._view = self._view[take:]
        return bytes(out)

    def blocks(self, size: int) -> Iterator[bytes]:
        """Blocks of exactly ``size`` bytes; the last one may be shorter (never empty)."""
        while block := self.read(size):
            yield block
