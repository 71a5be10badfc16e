"""Reading a file's DAG: bytes in order, every declared size checked, non-files refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nansen.ipfs import dag, dagpb, protobuf, unixfs
from nansen.ipfs.cid import CID, DAG_PB, RAW
from nansen.ipfs.errors import BlockFormatError, ContentNotFound

Blocks = dict[CID, bytes]


def put(blocks: Blocks, codec: int, data: bytes) -> CID:
    cid = CID.of(codec, data)
    blocks[cid] = data
    return cid


def node(blocks: Blocks, children: list[tuple[CID, int]], data: bytes | None = None, name: str = "") -> CID:
    links = tuple(dagpb.PBLink(cid, name, size) for cid, size in children)
    return put(blocks, DAG_PB, dagpb.encode(dagpb.PBNode(links, data)))


def file_data(blocksizes: list[int], inline: bytes = b"", filesize: int | None = None) -> bytes:
    message = protobuf.varint_field(1, unixfs.FILE)
    if inline:
        message += protobuf.bytes_field(2, inline)
    message += protobuf.varint_field(3, len(inline) + sum(blocksizes) if filesize is None else filesize)
    return message + b"".join(protobuf.varint_field(4, size) for size in blocksizes)


def getter(blocks: Blocks) -> dag.GetBlock:
    def get(cid: CID) -> bytes:
        if cid.to_v1() not in blocks:
            raise ContentNotFound("A block of the content is not in the store.")
        return blocks[cid.to_v1()]

    return get


def test_inline_data_comes_before_the_children() -> None:
    blocks: Blocks = {}
    a, b = put(blocks, RAW, b"aa"), put(blocks, RAW, b"bbb")
    inner = node(blocks, [(b, 3)], file_data([3]))
    root = node(blocks, [(a, 2), (inner, 3)], file_data([2, 3], inline=b"head"))
    assert b"".join(dag.read_file(getter(blocks), root)) == b"headaabbb"
    assert dag.file_size(root, blocks[root]) == 9
    assert dag.file_size(a, blocks[a]) == 2
    assert list(dag.cids(getter(blocks), root)) == [root, a, inner, b]


def test_a_dag_of_cidv0_links_with_dag_pb_leaves() -> None:
    # kubo's CIDv0 files: dag-pb leaves of type Raw holding the data, linked by CIDv0.
    blocks: Blocks = {}
    leaf_block = dagpb.encode(
        dagpb.PBNode((), protobuf.varint_field(1, unixfs.RAW) + protobuf.bytes_field(2, b"abc"))
    )
    leaf = put(blocks, DAG_PB, leaf_block)
    leaf_v0 = CID(leaf.multihash)
    root = node(blocks, [(leaf_v0, len(leaf_block)), (leaf_v0, len(leaf_block))], file_data([3, 3]))
    assert b"".join(dag.read_file(getter(blocks), root)) == b"abcabc"
    assert list(dag.cids(getter(blocks), root)) == [root, leaf_v0]


def test_a_missing_block_is_reported() -> None:
    blocks: Blocks = {}
    root = node(blocks, [(CID.of(RAW, b"gone"), 4)], file_data([4]))
    with pytest.raises(ContentNotFound):
        list(dag.read_file(getter(blocks), root))


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (lambda b, leaf: node(b, [(leaf, 3)], file_data([3, 1], filesize=4)), "one block size per link"),
        (lambda b, leaf: node(b, [(leaf, 3)], file_data([4])), "size its parent declares"),
        (lambda b, leaf: node(b, [(leaf, 3)], file_data([3]), name="x"), "named link"),
        (lambda b, leaf: node(b, [(leaf, 3)], None), "no UnixFS data"),
        (lambda b, leaf: node(b, [(leaf, 3)], protobuf.varint_field(1, 1)), "not a UnixFS file"),
        (lambda b, leaf: node(b, [(leaf, 3)], file_data([3], filesize=9)), "add up"),
    ],
)
def test_inconsistent_files_are_refused(build: Callable[[Blocks, CID], CID], reason: str) -> None:
    blocks: Blocks = {}
    leaf = put(blocks, RAW, b"abc")
    root = build(blocks, leaf)
    with pytest.raises(BlockFormatError, match=reason):
        list(dag.read_file(getter(blocks), root))


def test_a_lying_inner_node_is_caught_at_its_parent() -> None:
    blocks: Blocks = {}
    leaf = put(blocks, RAW, b"abc")
    inner = node(blocks, [(leaf, 3)], file_data([3]))
    root = node(blocks, [(inner, 50)], file_data([5]))
    with pytest.raises(BlockFormatError, match="size its parent declares"):
        list(dag.read_file(getter(blocks), root))


def test_a_deep_chain_is_walked_without_recursion() -> None:
    blocks: Blocks = {}
    cid = put(blocks, RAW, b"x")
    for _ in range(3000):
        cid = node(blocks, [(cid, 1)], file_data([1]))
    assert b"".join(dag.read_file(getter(blocks), cid)) == b"x"
    assert len(list(dag.cids(getter(blocks), cid))) == 3001
