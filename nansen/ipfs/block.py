"""A block: bytes and the CID that names them (IPLD "Blocks", ipld/specs block-layer/block.md)."""

from __future__ import annotations

from typing import NamedTuple

from nansen.ipfs.cid import CID

#: The largest block accepted from a CAR file or a store: 2 MiB, the bitswap limit kubo applies.
#: ``ipfs add`` never makes blocks larger than a chunk (256 KiB) or a full dag-pb node (~8 KiB).
MAX_BLOCK_SIZE = 2 * 1024 * 1024


class Block(NamedTuple):
    cid: CID
    data: bytes
