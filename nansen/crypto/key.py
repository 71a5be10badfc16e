"""The document key: 32 random bytes, one per document, kept where they can be wiped.

Wiping in Python has limits, stated here once. The key lives in a ``bytearray`` that `wipe`
overwrites in place, and the libsodium states derived from it are zeroed when a stream ends. But
PyNaCl accepts only immutable ``bytes``, so each use makes a short-lived copy that Python frees
without zeroing; random generation and sealed-box opening return ``bytes`` too; and the garbage
collector, the allocator and the operating system (swap, core dumps) may keep copies. Wiping
narrows the window in which a memory dump reveals a key; it does not close it. Destroying a
document for good (crypto-shredding, DESIGN.md §1 step 10) means deleting every sealed copy of its key.
"""

from __future__ import annotations

import os
from types import TracebackType

from nansen.crypto.errors import KeyDestroyed, SealedKeyError

KEY_SIZE = 32


class DocumentKey:
    """A secretstream key (XChaCha20-Poly1305, 32 bytes) that can be wiped; usable as a context manager."""

    __slots__ = ("_secret", "_wiped")

    def __init__(self, secret: bytes | bytearray) -> None:
        if len(secret) != KEY_SIZE:
            raise SealedKeyError("A document key is exactly 32 bytes.")
        self._secret = bytearray(secret)
        self._wiped = False

    @classmethod
    def generate(cls) -> DocumentKey:
        return cls(os.urandom(KEY_SIZE))

    def material(self) -> bytes:
        """A copy of the key for libsodium (see the module's note on what cannot be wiped)."""
        if self._wiped:
            raise KeyDestroyed("The document key has been destroyed.")
        return bytes(self._secret)

    def wipe(self) -> None:
        self._secret[:] = bytes(KEY_SIZE)
        self._wiped = True

    def __enter__(self) -> DocumentKey:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.wipe()

    def __repr__(self) -> str:
        return "DocumentKey(<secret>)"
