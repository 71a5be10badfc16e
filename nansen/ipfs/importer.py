"""Files to blocks exactly as ``ipfs add --cid-version=1`` does it (kubo; boxo's importer):

- fixed-size chunks of 256 KiB (262,144 bytes), each a ``raw`` leaf (``--raw-leaves``, implied by
  CIDv1); a file of at most one chunk — the empty file included — is that raw block alone;
- a balanced DAG (boxo ``importer/balanced``) of ``dag-pb`` UnixFS ``File`` nodes of at most 174
  links, each link with an empty ``Name`` and a ``Tsize`` of the serialised DAG beneath it, each node
  with the ``filesize`` and ``blocksizes`` of its content (ipfs/specs src/unixfs.md, "dag-pb File");
- CIDv1, sha2-256.

The balanced tree is built as the chunks stream in, with one list of pending links per level, so a
file of any size is addressed in constant memory: at most 174 links a level, one chunk at a time.
The shape is kubo's: a level is closed into a node only when one more item arrives for it (so a
full tree is not wrapped in a needless parent), and at the end every level is closed bottom-up,
a lone item in a lower level included, until one node is left at the top.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from nansen.ipfs import dagpb, unixfs
from nansen.ipfs.block import Block
from nansen.ipfs.cid import CID, DAG_PB, RAW

CHUNK_SIZE = 262_144
MAX_LINKS = 174


class Readable(Protocol):
    """A binary stream: a file opened ``"rb"``, ``sys.stdin.buffer``, ``io.BytesIO``…"""

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class _Child:
    cid: CID
    #: ``Tsize``: the bytes of every block in the child's DAG.
    tsize: int
    #: The file bytes under the child (its entry in the parent's ``blocksizes``).
    content_size: int


def file_blocks(
    stream: Readable, chunk_size: int = CHUNK_SIZE, max_links: int = MAX_LINKS
) -> Iterator[Block]:
    """Every block of the file's DAG, each once it is complete; the last one is the root.

    ``chunk_size`` and ``max_links`` are kubo's ``--chunker=size-N`` and its link limit; other values
    than the defaults give other CIDs and are meant for tests of deep trees.
    """
    if chunk_size < 1 or max_links < 2:
        raise ValueError("chunk_size must be positive and max_links at least 2")
    levels: list[list[_Child]] = [[]]
    for chunk in _chunks(stream, chunk_size):
        leaf = Block(CID.of(RAW, chunk), chunk)
        yield leaf
        yield from _add(levels, 0, _Child(leaf.cid, len(chunk), len(chunk)), max_links)
    level = 0
    while level < len(levels) - 1 or len(levels[level]) > 1:
        node = _close(levels[level])
        yield node
        yield from _add(levels, level + 1, _child_of(node, levels[level]), max_links)
        levels[level] = []
        level += 1


def cid_of_file(source: str | os.PathLike[str] | Readable) -> CID:
    """The CIDv1 ``ipfs add --cid-version=1`` gives a file (a path) or a binary stream; stores nothing."""
    if isinstance(source, str | os.PathLike):
        with Path(source).open("rb") as stream:
            return cid_of_file(stream)
    (root,) = deque(file_blocks(source), maxlen=1)  # the last block is the root
    return root.cid


def _chunks(stream: Readable, chunk_size: int) -> Iterator[bytes]:
    """Full chunks, then the shorter rest; the empty file is one empty chunk (boxo's splitter)."""
    first = True
    while True:
        chunk = _read_fully(stream, chunk_size)
        if chunk or first:
            yield chunk
        if len(chunk) < chunk_size:
            return
        first = False


def _read_fully(stream: Readable, size: int) -> bytes:
    """``size`` bytes, fewer only at the end of the stream (pipes return short reads)."""
    parts: list[bytes] = []
    wanted = size
    while wanted:
        part = stream.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def _add(levels: list[list[_Child]], level: int, child: _Child, max_links: int) -> Iterator[Block]:
    """Append ``child`` to ``level``, first closing that level into its parent if it is full."""
    if level == len(levels):
        levels.append([])
    if len(levels[level]) == max_links:
        node = _close(levels[level])
        yield node
        yield from _add(levels, level + 1, _child_of(node, levels[level]), max_links)
        levels[level] = []
    levels[level].append(child)


def _close(children: list[_Child]) -> Block:
    data = unixfs.encode_file([child.content_size for child in children])
    links = tuple(dagpb.PBLink(child.cid, "", child.tsize) for child in children)
    encoded = dagpb.encode(dagpb.PBNode(links, data))
    return Block(CID.of(DAG_PB, encoded), encoded)


def _child_of(node: Block, children: list[_Child]) -> _Child:
    return _Child(
        node.cid,
        len(node.data) + sum(child.tsize for child in children),
        sum(child.content_size for child in children),
    )
