"""Walking a file's DAG: its blocks (for export, pinning, garbage collection) and its bytes.

Blocks come from a ``get`` function that returns a block's bytes already checked against its CID,
or raises. Walks are iterative (a hostile DAG may be deep) and visit each distinct block once.
Reading a file follows ipfs/specs src/unixfs.md, "dag-pb File": a node's inline ``Data`` comes
first, then its children in link order; every size a node declares is checked against what its
children hold, and a node whose ``blocksizes`` and links differ in number is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from nansen.ipfs import dagpb, unixfs
from nansen.ipfs.block import Block
from nansen.ipfs.cid import CID, DAG_PB, RAW
from nansen.ipfs.errors import BlockFormatError, ContentNotFound

#: The sentence of ``ContentNotFound`` for a block a store lacks.
MISSING = "A block of the content is not in the store."

#: Returns the bytes of a block, verified against its CID; raises when it cannot.
GetBlock = Callable[[CID], bytes]


def links(cid: CID, block: bytes) -> tuple[CID, ...]:
    """The CIDs a block links to: none for a raw block."""
    if cid.codec != DAG_PB:
        return ()
    return tuple(link.cid for link in dagpb.decode(block).links)


def cids(get: GetBlock, root: CID) -> Iterator[CID]:
    """Every distinct CID of the DAG, root first, depth-first in link order.

    Only ``dag-pb`` blocks are fetched (to find their links): raw leaves are named, not read.
    Blocks are told apart by what they name, so a CIDv0 and its CIDv1 count once.
    """
    seen: set[CID] = set()
    stack = [root]
    while stack:
        cid = stack.pop()
        if cid.to_v1() in seen:
            continue
        seen.add(cid.to_v1())
        yield cid
        stack.extend(reversed(links(cid, get(cid))))


def blocks(get: GetBlock, root: CID) -> Iterator[Block]:
    """Every distinct block of the DAG, verified, in the order of :func:`cids` (as a CAR holds them)."""
    return (Block(cid, get(cid)) for cid in cids(get, root))


def count_blocks(get: GetBlock, holds: Callable[[CID], bool], root: CID) -> int:
    """The number of distinct blocks of a DAG held completely; ``ContentNotFound`` if one is missing.

    ``get`` reads the ``dag-pb`` blocks (to find their links); ``holds`` tells whether a raw leaf is
    there without reading it.
    """
    count = 0
    for cid in cids(get, root):
        if cid.codec == RAW and not holds(cid):
            raise ContentNotFound(MISSING)
        count += 1
    return count


def file_size(cid: CID, block: bytes) -> int:
    """The size of the file whose root block this is."""
    if cid.codec != DAG_PB:
        return len(block)
    return _file_node(block)[1].content_size


def read_file(get: GetBlock, root: CID) -> Iterator[bytes]:
    """The file's bytes, a block's worth at a time, every block verified as it is read."""
    stack: list[tuple[CID, int | None]] = [(root, None)]
    while stack:
        cid, expected = stack.pop()
        block = get(cid)
        if cid.codec != DAG_PB:
            content = block
            children: list[tuple[CID, int]] = []
        else:
            node, file = _file_node(block)
            content = file.data
            children = [(link.cid, size) for link, size in zip(node.links, file.blocksizes, strict=True)]
        if expected is not None and len(content) + sum(size for _, size in children) != expected:
            raise BlockFormatError("A part of the file is not of the size its parent declares.")
        if content:
            yield content
        stack.extend(reversed(children))


def _file_node(block: bytes) -> tuple[dagpb.PBNode, unixfs.FileNode]:
    node = dagpb.decode(block)
    if node.data is None:
        raise BlockFormatError("A DAG-PB block of the content carries no UnixFS data.")
    file = unixfs.decode_file(node.data)
    if len(file.blocksizes) != len(node.links):
        raise BlockFormatError("A UnixFS file node has not one block size per link.")
    if any(link.name for link in node.links):
        raise BlockFormatError("A UnixFS file node has a named link.")
    return node, file
