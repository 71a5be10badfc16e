"""CARv1: the header and sections of the spec, and every refusal of the reader."""

from __future__ import annotations

import io

import pytest

from nansen.ipfs import Block, CarReader, dagpb, file_blocks, unixfs, varint, write_car
from nansen.ipfs.car import decode_header, encode_header
from nansen.ipfs.cid import CID, DAG_PB, RAW
from nansen.ipfs.errors import BlockFormatError, CarFormatError
from tests.ipfs.data import pattern

#: The first CID of ipfs/gateway-conformance fixtures/path_gateway_unixfs/dir-with-files.car (a CAR
#: kubo exported); its header bytes, as that file begins, are the expectation below.
KUBO_ROOT = "bafybeihchr7vmgjaasntayyatmp5sv6xza57iy2h4xj7g46bpjij6yhrmy"
KUBO_HEADER = (
    "3aa265726f6f747381d82a58250001701220e23c7f561920049b3063009b1fd957d7c83bf46347e5d3f373c17a509f60f166"
    "6776657273696f6e01"
)


def blocks_of(data: bytes) -> list[Block]:
    return list(file_blocks(io.BytesIO(data), 1024, 3))


def car(root: CID, blocks: list[Block]) -> bytes:
    out = io.BytesIO()
    write_car(root, blocks, out)
    return out.getvalue()


def section(cid: CID, data: bytes) -> bytes:
    return varint.encode(len(cid.binary) + len(data)) + cid.binary + data


def header(body: bytes) -> bytes:
    return varint.encode(len(body)) + body


def read(data: bytes) -> tuple[CID, list[Block]]:
    reader = CarReader(io.BytesIO(data))
    return reader.root, list(reader)


def test_the_header_kubo_writes() -> None:
    encoded = encode_header(CID.parse(KUBO_ROOT))
    assert (varint.encode(len(encoded)) + encoded).hex() == KUBO_HEADER
    assert decode_header(encoded) == CID.parse(KUBO_ROOT)


def test_a_file_round_trips_with_its_blocks_in_order() -> None:
    blocks = blocks_of(pattern(5000))
    root = blocks[-1].cid
    data = car(root, [blocks[-1], *blocks[:-1]])
    assert data.startswith(header(encode_header(root)) + section(root, blocks[-1].data))
    got_root, got = read(data)
    assert got_root == root
    assert got == [blocks[-1], *blocks[:-1]]


def test_a_single_raw_block_and_the_empty_file() -> None:
    for content in (b"", b"hello"):
        block = Block(CID.of(RAW, content), content)
        assert read(car(block.cid, [block])) == (block.cid, [block])


def test_a_repeated_block_is_passed_on_once() -> None:
    blocks = blocks_of(bytes(3072))  # three identical leaves under one node
    root = blocks[-1].cid
    _, got = read(car(root, blocks))
    assert [block.cid for block in got] == [blocks[0].cid, root]


def test_cidv0_sections_name_the_same_blocks() -> None:
    leaf = Block(CID.of(RAW, b"leaf"), b"leaf")
    node = dagpb.encode(dagpb.PBNode((dagpb.PBLink(leaf.cid, "", 4),), unixfs.encode_file([4])))
    root_v0 = CID(CID.of(DAG_PB, node).multihash)
    assert read(car(root_v0, [Block(root_v0, node), leaf]))[0] == root_v0


def test_writes_and_reads_a_stream_in_pieces() -> None:
    class Trickle:
        def __init__(self, data: bytes) -> None:
            self._stream = io.BytesIO(data)

        def read(self, size: int = -1, /) -> bytes:
            return self._stream.read(min(size, 3))

    blocks = blocks_of(pattern(3000))
    reader = CarReader(Trickle(car(blocks[-1].cid, blocks)))
    assert list(reader) == blocks


ROOT_BLOCKS = blocks_of(pattern(3000))
ROOT = ROOT_BLOCKS[-1].cid
GOOD_HEADER = header(encode_header(ROOT))
GOOD_BODY = b"".join(section(block.cid, block.data) for block in ROOT_BLOCKS)
DAG_CBOR_CID = b"\x01\x71\x12\x20" + bytes(32)
A2_ROOTS = b"\xa2\x65roots"
VERSION_1 = b"\x67version\x01"
ROOT_LINK = b"\xd8\x2a\x58\x25\x00" + ROOT.binary


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty, not a CAR"),
        (b"\x80", "truncated"),
        (b"\x80\x00", "malformed length"),
        (varint.encode(5000) + bytes(5000), "header is too large"),
        (header(b"\xa2\x65roots"), "header is truncated"),
        (GOOD_HEADER[:-3], "truncated"),
        # CARv2's pragma: {"version": 2}
        (bytes.fromhex("0aa16776657273696f6e02"), "Only version 1"),
        (header(A2_ROOTS + b"\x81" + ROOT_LINK + b"\x67version\x02"), "Only version 1"),
        (header(A2_ROOTS + b"\x80" + VERSION_1), "exactly one root"),
        (header(A2_ROOTS + b"\x82" + ROOT_LINK + ROOT_LINK + VERSION_1), "exactly one root"),
        (header(A2_ROOTS + b"\x81\x01" + VERSION_1), "exactly one root"),
        (header(A2_ROOTS + b"\x81\xd8\x2a\x43abc" + VERSION_1), "not a CID"),
        (header(A2_ROOTS + b"\x81\xd8\x2a\x58\x25\x00" + DAG_CBOR_CID + VERSION_1), "unsupported CID"),
        (header(b"\xa3\x65roots\x81" + ROOT_LINK + VERSION_1 + b"\x61x\x01"), "map of 'roots' and 'version'"),
        (header(b"\x82\x01\x02"), "map of 'roots' and 'version'"),
        (header(b"\xa2\x01\x02\x03\x04"), "non-text or repeated key"),
        (header(b"\xa2\x65roots\x01\x65roots\x01"), "non-text or repeated key"),
        (header(b"\xa1\x65roots\x9f\xff"), "indefinite or reserved"),
        (header(b"\xa1\x65roots\x81\xf6"), "cannot hold"),
        (header(b"\xa1\x65roots\x81\x81\x81\x81\x81\x01"), "nested too deeply"),
        (header(b"\xa1\x65roots\x9b" + (1 << 40).to_bytes(8, "big")), "more items than it holds"),
        (header(b"\xa1\x62\xff\xfe\x01"), "not UTF-8"),
        (header(A2_ROOTS + b"\x81" + ROOT_LINK + VERSION_1 + b"\x00"), "bytes after its map"),
    ],
)
def test_bad_headers_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(CarFormatError, match=reason):
        read(data)


def corrupt(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (GOOD_BODY[:-1], "truncated"),
        (GOOD_BODY + b"\x85", "truncated"),
        (GOOD_BODY + b"\x00", "empty section"),
        (GOOD_BODY + varint.encode(3 * 1024 * 1024), "too large"),
        (GOOD_BODY + section(CID.of(RAW, b"extra"), b"extra"), "root does not reach"),
        (b"".join(section(block.cid, block.data) for block in ROOT_BLOCKS[1:]), "lacks a block"),
        (b"".join(section(block.cid, block.data) for block in ROOT_BLOCKS[:-1]), "lacks a block"),
        (section(ROOT, ROOT_BLOCKS[-1].data), "lacks a block"),
        (corrupt(GOOD_BODY), "does not match its CID"),
        (section(ROOT, ROOT_BLOCKS[-1].data) + varint.encode(37) + DAG_CBOR_CID + b"\xa0", "unsupported CID"),
        (varint.encode(2) + b"\x01\x55", "malformed or unsupported CID"),
    ],
)
def test_bad_sections_are_refused(body: bytes, reason: str) -> None:
    with pytest.raises(CarFormatError, match=reason):
        read(GOOD_HEADER + body)


def test_a_malformed_dag_pb_block_is_refused() -> None:
    bad = b"\x12\x05abc"
    cid = CID.of(DAG_PB, bad)
    with pytest.raises(BlockFormatError, match="Protocol Buffers"):
        read(header(encode_header(cid)) + section(cid, bad))


def test_a_refusal_comes_before_the_iteration_ends() -> None:
    reader = CarReader(io.BytesIO(GOOD_HEADER + GOOD_BODY + section(CID.of(RAW, b"x"), b"x")))
    blocks = iter(reader)
    seen = [next(blocks) for _ in range(len(ROOT_BLOCKS) + 1)]
    assert seen[-1].cid == CID.of(RAW, b"x")
    with pytest.raises(CarFormatError):
        next(blocks)
