"""What every IPFS store offers Nansen: the embedded blockstore, a kubo node over its RPC API, a
Pinning Service API provider. Content is a file, named by the CIDv1 ``ipfs add --cid-version=1``
gives it (:mod:`nansen.ipfs.importer`), so every store names the same bytes alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from nansen.ipfs.block import Block
from nansen.ipfs.car import Writable
from nansen.ipfs.cid import CID
from nansen.ipfs.importer import Readable


@dataclass(frozen=True)
class Stat:
    #: The file's size in bytes.
    size: int
    pinned: bool
    #: The distinct blocks of its DAG.
    blocks: int


class Store(Protocol):
    def put(self, stream: Readable) -> CID:
        """Add a file and pin it; return only once every block and the pin are durable."""
        ...

    def get(self, cid: CID) -> Iterator[bytes]:
        """Stream a file's bytes, verifying every block against its CID as it is read.

        Raises ``ContentNotFound`` for a missing block and ``IntegrityError`` for a damaged one,
        whose bytes are never returned (bytes of earlier blocks may have been yielded by then).
        """
        ...

    def pin(self, cid: CID) -> None:
        """Keep content that the store holds completely (``ContentNotFound`` otherwise)."""
        ...

    def unpin(self, cid: CID) -> None:
        """Stop keeping content (``NotPinned`` if it was not pinned); it may then be collected."""
        ...

    def has(self, cid: CID) -> bool:
        """True when the store holds every block of the content (a damaged one raises ``IntegrityError``)."""
        ...

    def stat(self, cid: CID) -> Stat:
        """Size, pin and number of blocks of content the store holds completely."""
        ...

    def blocks(self, cid: CID) -> Iterator[Block]:
        """Every distinct block of the content's DAG, verified, root first, depth-first in link order."""
        ...

    def export_car(self, cid: CID, out: Writable) -> None:
        """Write the content's DAG as a CARv1 of one root, root block first, depth-first."""
        ...

    def import_car(self, stream: Readable) -> CID:
        """Add and pin the one complete DAG a CARv1 holds, every block verified; return its root."""
        ...
