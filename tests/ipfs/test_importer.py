"""CIDs exactly as ``ipfs add --cid-version=1`` computes them, streamed in constant memory.

Reference CIDs: computed here, offline, with ipfs-unixfs-importer 17.1.1 (npm; the importer of
js-ipfs and Helia) given ``cidVersion: 1, rawLeaves: true``, ``fixedSize({chunkSize})`` and
``balanced({maxChildrenPerNode})`` — kubo's defaults being 262144 and 174 — for the content of
``tests/ipfs/data.py``. Small chunk sizes and link limits build deep trees from small inputs.
"""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from nansen.ipfs import cid_of_file, dag, dagpb, file_blocks, unixfs
from nansen.ipfs.cid import CID, DAG_PB, RAW
from nansen.ipfs.importer import CHUNK_SIZE, MAX_LINKS
from tests.ipfs.data import PatternStream, pattern

EMPTY = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"

KUBO_DEFAULTS = [
    (0, EMPTY),
    (1, "bafkreic2nz5eovfprz7up7eusmca3bj6pma6hhktpsy52nj4so324whlhu"),
    (262144, "bafkreigy5tcgloscldzhi2iadhemu2v7dj2u5wme7vgim2jlmnxindpsfi"),
    (262145, "bafybeiavfl3mrv5rig3iqfle6aheyo3crcdzseal3jfwykhuwtmc4vtyjy"),
    (1048576, "bafybeifsyv5ykyj2c3sb4lnaravxx6tzmpc6wuv3g3p5xqoh5rhlhshcc4"),
    (174 * 262144, "bafybeie5xnk32fia7bu7dn2cvjojbnxskp6irq3xikyi6bdrh3v5yfddqy"),
    (174 * 262144 + 1, "bafybeibwfjx4gjco2cvbbqlhbtazzttn73bsxnan2t4zmxrjmolwknbe7y"),
]

SMALL_TREES = [
    (0, 4, 3, EMPTY),
    (3, 4, 3, "bafkreiepfufpicbysgjaryy3a7looklzt52swivks2ypx6x4gzjsgj2egi"),
    (4, 4, 3, "bafkreie5i4db763myfrtqqjqrmeitj2njzxmnczjecv75vm32smeyiga6u"),
    (5, 4, 3, "bafybeibi3i7myyfihdnzwncw5jzqwe5jcf45dakx7x2julrkuzbhqo3uyu"),
    (12, 4, 3, "bafybeif5plqopfr7m67wjtp5mvzp7lvasyyuzfyhbxigwevg6yyroqxasu"),
    (13, 4, 3, "bafybeicrzhfupdvrjyzzhqkmwmjhhaovu4prdojpmv265cwupy3kimo37y"),
    (36, 4, 3, "bafybeidmfin4unlbj4tjv5swpgloxb7j7hyjq5bzit2bifoq6f4wihte54"),
    (37, 4, 3, "bafybeibzqhzaf7z5fziuqrbz4f4cfzrrgczeaptjo36dmsqkxpkxca6n34"),
    (108, 4, 3, "bafybeigrjuiv62gjghgicvmonxfp5djinvb7xl7w3jz4kmglkbhcey5u3m"),
    (109, 4, 3, "bafybeigblja7uxcojrard4dp65yurinisp6m6cqtqldxq5juurfszho4ru"),
    (199, 4, 3, "bafybeife36m6k7gvzlrhfxeftxpo7h5655pt5s4mf2lziqarpi265duhny"),
    (2, 1, 3, "bafybeianui4z6gngpda6jx3wzbu4u72mhmaxf2jfynedl3vxdarudxgfte"),
    (3, 1, 3, "bafybeifdto7xp4qksimx6ma4p6slon3wx7gm5bhsye5v54mkdfnuu5jncu"),
    (4, 1, 3, "bafybeihzhl7mbuewhzcfueaocs7usrptmb4whvopzo4uei3i65apxxeff4"),
    (9, 1, 3, "bafybeic2zdbztdyykvwyzixhuhuwpvoe7no2ps6olbda7ct6ulnoieqngm"),
    (10, 1, 3, "bafybeib4xjxjkzkuwvotwuxy6x4bvk4jun2lqmwylfhp44hizycvs6bi4a"),
    (27, 1, 3, "bafybeib4v7usnfc4fm77keanpibxv7vaqcsifsubirttd4f2rxersyai6a"),
    (28, 1, 3, "bafybeidu5lrxz3bhbabba37gfmz4orwfxhfsrhz3ojga7gp5bsbtdqd4fq"),
    (81, 1, 3, "bafybeifsje7e6n4yx6bmkqc54fxew5gxwtd67lz2dhmrxsys7q65sjbvqe"),
    (82, 1, 3, "bafybeib6egi3plvpavt4io6twmxtbq7t6ecielmjt5kud47dj7mxralswu"),
    (243, 1, 3, "bafybeieni2ripyp3dj7svcnggnpnazk2r4mwyuma4oa5cibpohuumduhdi"),
    (244, 1, 3, "bafybeihndcpd36b2x4qra3ufhw3x6aqcj3sqrnnv4psmuqjpwppznczjxm"),
    (500, 1, 3, "bafybeift7mh3h33gpw32anrl54udzcioysfzfa4q5u3bfgorbybguhi6bi"),
    (173, 1, 174, "bafybeihk5newx65uajj722cvvmkcklwwpruxjf6l4m27n2kmuuq5zl73wi"),
    (174, 1, 174, "bafybeihufcn2ohyal2q6kab7xje4xlfyt6i4gr2yielsdz2qys423qd6b4"),
    (175, 1, 174, "bafybeid6lt6crynhrl3wyetw6t4rlyvxq6pni3oue5yba6bdm5msdh55jm"),
    (348, 1, 174, "bafybeicv4p4en5ktcudccwkmto6zihai6accj24kxye4xpgzd22kvv43ra"),
    (349, 1, 174, "bafybeicbkj55wqubcoqgggvif3jxwkzbchkladvytb4gy33w4id4ojt72q"),
    (30276, 1, 174, "bafybeieppwhdinqfe5bpki7553d6yptircgqagwtx7t2zozs4t3yoaacha"),
    (30277, 1, 174, "bafybeievka6bjpo4cjqjye73g45utswilanmuldzerqryvwpbvfqwp5qxq"),
]


@pytest.mark.parametrize(("size", "expected"), KUBO_DEFAULTS)
def test_kubo_defaults(size: int, expected: str) -> None:
    assert str(cid_of_file(PatternStream(size))) == expected


def test_zeros_have_one_leaf_block_under_many_links() -> None:
    size = 174 * 262144 + 1
    blocks = list(file_blocks(io.BytesIO(bytes(size))))
    assert str(blocks[-1].cid) == "bafybeihqwzd3o6q6v3pmwhzjy22vokhr767burokmqemg63hptx2nqd7ym"
    assert str(cid_of_file(io.BytesIO(bytes(1048576)))) == (
        "bafybeiggzq4ryi7hscq5hzvzcnk4urnxt3asp37dhgvnjilf7exskximla"
    )


@pytest.mark.parametrize(("size", "chunk_size", "max_links", "expected"), SMALL_TREES)
def test_deep_balanced_trees(size: int, chunk_size: int, max_links: int, expected: str) -> None:
    blocks = list(file_blocks(io.BytesIO(pattern(size)), chunk_size, max_links))
    assert str(blocks[-1].cid) == expected
    stored = {block.cid: block.data for block in blocks}
    assert b"".join(dag.read_file(stored.__getitem__, blocks[-1].cid)) == pattern(size)


def test_the_root_of_two_chunks_byte_for_byte() -> None:
    data = pattern(262145)
    first, second = CID.of(RAW, data[:262144]), CID.of(RAW, data[262144:])
    root = list(file_blocks(io.BytesIO(data)))[-1]
    expected = dagpb.encode(
        dagpb.PBNode(
            (dagpb.PBLink(first, "", 262144), dagpb.PBLink(second, "", 1)),
            unixfs.encode_file([262144, 1]),
        )
    )
    assert root.data == expected
    assert root.cid == CID.of(DAG_PB, expected)


def test_tsize_is_every_byte_of_the_dag_beneath() -> None:
    blocks = list(file_blocks(io.BytesIO(pattern(200)), 4, 3))
    sizes = {block.cid: len(block.data) for block in blocks}
    for block in blocks:
        if block.cid.codec == DAG_PB:
            for link in dagpb.decode(block.data).links:
                beneath = [link.cid, *dag.cids(dict((b.cid, b.data) for b in blocks).__getitem__, link.cid)]
                assert link.tsize == sum(sizes[cid] for cid in set(beneath))
                assert link.name == ""


def test_children_come_before_their_parents_and_the_root_last() -> None:
    blocks = list(file_blocks(io.BytesIO(pattern(300)), 4, 3))
    emitted: set[CID] = set()
    for block in blocks:
        assert set(dag.links(block.cid, block.data)) <= emitted
        emitted.add(block.cid)
    assert len(emitted) == len(blocks)


def test_short_reads_give_the_same_cid() -> None:
    class Trickle:
        def __init__(self, data: bytes) -> None:
            self._stream = io.BytesIO(data)

        def read(self, size: int = -1, /) -> bytes:
            return self._stream.read(min(size, 7))

    data = pattern(600000)
    assert cid_of_file(Trickle(data)) == cid_of_file(io.BytesIO(data))


def test_a_path_or_a_stream(tmp_path: Path) -> None:
    path = tmp_path / "document.bin"
    path.write_bytes(pattern(262145))
    assert cid_of_file(path) == cid_of_file(str(path)) == cid_of_file(io.BytesIO(pattern(262145)))


def test_constant_memory_for_a_large_file() -> None:
    size = 40 * CHUNK_SIZE * 3  # 30 MiB: 120 leaves under one node
    tracemalloc.start()
    try:
        cid_of_file(_Zeros(size))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * CHUNK_SIZE


def test_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        next(file_blocks(io.BytesIO(b""), 0, MAX_LINKS))
    with pytest.raises(ValueError, match="max_links"):
        next(file_blocks(io.BytesIO(b""), CHUNK_SIZE, 1))


class _Zeros:
    """``size`` zero bytes, made as they are read."""

    def __init__(self, size: int) -> None:
        self._remaining = size

    def read(self, size: int = -1, /) -> bytes:
        count = min(size, self._remaining)
        self._remaining -= count
        return bytes(count)
