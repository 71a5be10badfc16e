"""The embedded store: the Store interface on a directory, verification on read, pins and gc."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from nansen.ipfs import (
    CID,
    Block,
    CarFormatError,
    ContentNotFound,
    EmbeddedStore,
    IntegrityError,
    NotPinned,
    Stat,
    Store,
    StoreError,
    cid_of_file,
    dagpb,
    unixfs,
    write_car,
)
from nansen.ipfs.cid import DAG_PB, RAW
from tests.ipfs.data import pattern

SIZE = 3 * 262144 + 5  # four leaves under one node


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    return EmbeddedStore(tmp_path / "ipfs")


def block_files(store: EmbeddedStore) -> dict[str, Path]:
    return {path.name: path for path in (store.root / "blocks").glob("*/*")}


def leaves(root: CID, store: EmbeddedStore) -> list[CID]:
    node = dagpb.decode(block_files(store)[str(root)].read_bytes())
    return [link.cid for link in node.links]


def test_it_is_a_store(store: EmbeddedStore) -> None:
    typed: Store = store
    assert typed is store


def test_put_get_and_stat(store: EmbeddedStore) -> None:
    data = pattern(SIZE)
    root = store.put(io.BytesIO(data))
    assert root == cid_of_file(io.BytesIO(data))
    assert b"".join(store.get(root)) == data
    assert store.has(root)
    assert store.stat(root) == Stat(size=SIZE, pinned=True, blocks=5)
    assert list(store.pins()) == [root]
    assert len(block_files(store)) == 5


def test_the_empty_file_and_a_single_block(store: EmbeddedStore) -> None:
    empty = store.put(io.BytesIO(b""))
    assert str(empty) == "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
    assert b"".join(store.get(empty)) == b""
    assert store.stat(empty) == Stat(size=0, pinned=True, blocks=1)
    small = store.put(io.BytesIO(b"hello"))
    assert b"".join(store.get(small)) == b"hello"


def test_the_default_directory_is_in_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NANSEN_DATA_DIR", str(tmp_path / "data"))
    assert EmbeddedStore().root == tmp_path / "data" / "ipfs"
    assert (tmp_path / "data" / "ipfs" / "blocks").is_dir()


def test_a_cidv0_names_the_same_content(store: EmbeddedStore) -> None:
    leaf = b"leaf"
    node = dagpb.encode(dagpb.PBNode((dagpb.PBLink(CID.of(RAW, leaf), "", 4),), unixfs.encode_file([4])))
    root_v0 = CID(CID.of(DAG_PB, node).multihash)
    out = io.BytesIO()
    write_car(root_v0, [Block(root_v0, node), Block(CID.of(RAW, leaf), leaf)], out)
    assert store.import_car(io.BytesIO(out.getvalue())) == root_v0
    assert b"".join(store.get(root_v0)) == b"".join(store.get(root_v0.to_v1())) == leaf
    assert store.stat(root_v0.to_v1()).pinned


def test_missing_content(store: EmbeddedStore) -> None:
    absent = CID.of(RAW, b"absent")
    assert not store.has(absent)
    with pytest.raises(ContentNotFound, match="not in the store"):
        list(store.get(absent))
    with pytest.raises(ContentNotFound):
        store.stat(absent)
    with pytest.raises(ContentNotFound):
        store.pin(absent)
    with pytest.raises(ContentNotFound):
        store.export_car(absent, io.BytesIO())


def test_a_dag_with_a_missing_leaf_is_incomplete(store: EmbeddedStore) -> None:
    root = store.put(io.BytesIO(pattern(SIZE)))
    block_files(store)[str(leaves(root, store)[2])].unlink()
    assert not store.has(root)
    with pytest.raises(ContentNotFound):
        store.stat(root)
    with pytest.raises(ContentNotFound):
        store.pin(root)
    out = io.BytesIO()
    with pytest.raises(ContentNotFound):
        store.export_car(root, out)
    assert out.getvalue() == b""  # refused before anything is written


def test_a_damaged_block_is_reported_never_returned_and_a_new_add_repairs_it(store: EmbeddedStore) -> None:
    data = pattern(SIZE)
    root = store.put(io.BytesIO(data))
    victim = block_files(store)[str(leaves(root, store)[1])]
    victim.write_bytes(b"\x00" + victim.read_bytes()[1:])
    read: list[bytes] = []
    with pytest.raises(IntegrityError, match="does not match its CID"):
        read.extend(store.get(root))
    assert read == [data[:262144]]  # only the block before the damaged one
    assert store.put(io.BytesIO(data)) == root
    assert b"".join(store.get(root)) == data


def test_an_oversized_block_file_is_damage(store: EmbeddedStore) -> None:
    root = store.put(io.BytesIO(b"small"))
    block_files(store)[str(root)].write_bytes(bytes(3 * 1024 * 1024))
    with pytest.raises(IntegrityError):
        list(store.get(root))


def test_pin_unpin_and_gc(store: EmbeddedStore) -> None:
    root = store.put(io.BytesIO(pattern(SIZE)))
    store.unpin(root)
    assert store.stat(root).pinned is False
    assert store.has(root)
    with pytest.raises(NotPinned, match="not pinned"):
        store.unpin(root)
    store.pin(root)
    assert store.gc() == 0
    store.unpin(root)
    assert store.gc() == 5
    assert not store.has(root)
    assert block_files(store) == {}


def test_gc_keeps_blocks_another_pinned_dag_shares(store: EmbeddedStore) -> None:
    shared = pattern(262144)
    first = store.put(io.BytesIO(shared + b"first"))
    second = store.put(io.BytesIO(shared + b"second"))
    assert store.stat(first).blocks == store.stat(second).blocks == 3
    assert len(block_files(store)) == 5
    store.unpin(first)
    assert store.gc() == 2
    assert b"".join(store.get(second)) == shared + b"second"
    assert not store.has(first)


def test_gc_removes_nothing_when_a_pinned_dag_is_damaged(store: EmbeddedStore) -> None:
    root = store.put(io.BytesIO(pattern(SIZE)))
    store.put(io.BytesIO(b"other"))
    store.unpin(store.put(io.BytesIO(b"garbage")))
    block_files(store)[str(root)].write_bytes(b"damaged")
    before = set(block_files(store))
    with pytest.raises(StoreError, match="removed nothing"):
        store.gc()
    assert set(block_files(store)) == before


def test_gc_removes_leftovers_of_interrupted_writes(store: EmbeddedStore) -> None:
    (store.root / "tmp" / "tmpabc").write_bytes(b"half a block")
    store.gc()
    assert list((store.root / "tmp").iterdir()) == []


def test_stray_files_in_pins_are_ignored(store: EmbeddedStore) -> None:
    (store.root / "pins" / "notes.txt").write_text("x")
    root = store.put(io.BytesIO(b"kept"))
    assert list(store.pins()) == [root]
    assert store.gc() == 0


def test_export_then_import_elsewhere(store: EmbeddedStore, tmp_path: Path) -> None:
    data = pattern(SIZE)
    root = store.put(io.BytesIO(data))
    out = io.BytesIO()
    store.export_car(root, out)
    other = EmbeddedStore(tmp_path / "other")
    assert other.import_car(io.BytesIO(out.getvalue())) == root
    assert b"".join(other.get(root)) == data
    assert other.stat(root) == store.stat(root)


def test_a_refused_import_leaves_nothing_behind(store: EmbeddedStore, tmp_path: Path) -> None:
    source = EmbeddedStore(tmp_path / "source")
    root = source.put(io.BytesIO(pattern(SIZE)))
    out = io.BytesIO()
    source.export_car(root, out)
    extra = CID.of(RAW, b"extra")
    tampered = out.getvalue() + bytes([len(extra.binary) + 5]) + extra.binary + b"extra"
    with pytest.raises(CarFormatError, match="root does not reach"):
        store.import_car(io.BytesIO(tampered))
    assert block_files(store) == {}
    assert list(store.pins()) == []
    assert list((store.root / "tmp").iterdir()) == []


def test_a_failed_read_of_the_input_leaves_nothing_behind(store: EmbeddedStore) -> None:
    class Failing:
        def __init__(self) -> None:
            self._calls = 0

        def read(self, size: int = -1, /) -> bytes:
            self._calls += 1
            if self._calls > 3:
                raise OSError(5, "Input/output error")
            return bytes(size)

    with pytest.raises(OSError, match="Input/output"):
        store.put(Failing())
    assert block_files(store) == {}
    assert list((store.root / "tmp").iterdir()) == []


def test_an_unwritable_store_is_refused_in_a_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="cannot be created"):
        EmbeddedStore(blocker / "ipfs")


def test_disk_refusals_are_one_sentence(store: EmbeddedStore) -> None:
    root = store.put(io.BytesIO(b"kept"))
    block = block_files(store)[str(root)]
    block.unlink()
    block.mkdir()
    with pytest.raises(StoreError, match="cannot read a block: Is a directory"):
        list(store.get(root))
    block.rmdir()

    pin = store.root / "pins" / str(root)
    pin.unlink()
    pin.mkdir()
    with pytest.raises(StoreError, match="pin cannot be removed"):
        store.unpin(root)
    pin.rmdir()


def test_an_unwritable_temporary_directory_refuses_an_addition(store: EmbeddedStore) -> None:
    (store.root / "tmp").rmdir()
    (store.root / "tmp").write_text("not a directory")
    with pytest.raises(StoreError, match="cannot write to its directory"):
        store.put(io.BytesIO(b"new"))
    assert block_files(store) == {}


def test_a_blocked_fan_out_directory_refuses_an_addition(store: EmbeddedStore) -> None:
    cid = CID.of(RAW, b"new")
    (store.root / "blocks" / str(cid)[-3:-1]).write_text("not a directory")
    with pytest.raises(StoreError, match="cannot read a block: Not a directory"):
        store.put(io.BytesIO(b"new"))
    assert list(store.pins()) == []


def test_a_full_disk_refuses_an_addition_and_leaves_nothing(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(source: str, destination: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("nansen.ipfs.staging.os.replace", full)
    with pytest.raises(StoreError, match="cannot write to its directory: No space left on device"):
        store.put(io.BytesIO(pattern(SIZE)))
    assert block_files(store) == {}
    assert list(store.pins()) == []
    assert list((store.root / "tmp").iterdir()) == []
