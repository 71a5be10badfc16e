"""The embedded store: a content-addressed blockstore in a directory (DESIGN.md §5), by default
``$NANSEN_DATA_DIR/ipfs``. It computes the CIDs kubo computes and needs no IPFS node.

Layout::

    blocks/<2 characters>/<CIDv1>   one file per block, fanned out on the CID's next-to-last two
                                    characters (as kubo's flatfs does)
    pins/<CIDv1>                    one empty file per pinned root
    tmp/                            files being written; whatever a crash leaves here is removed by gc()
    lock                            flock(2): shared while adding, pinning or unpinning; exclusive for gc()

Crash safety. Each block is written to ``tmp/``, fsync'd, then ``os.replace``'d under its name, so a
block file is whole or absent (:mod:`nansen.ipfs.staging`). A DAG's blocks are staged first and moved into place only once the
whole DAG is staged (and, for a CAR, checked); their directories are fsync'd, and only then is the
pin written the same way. A process killed at any moment therefore leaves no block that fails its
hash and no pin without its DAG; a refused import leaves nothing behind. Blocks are verified
against their CID every time they are read, so a damaged file is reported, never returned; adding
the content again replaces it. ``gc()`` removes the blocks that no pinned DAG reaches, under the
exclusive lock, so it never races an addition that has not pinned yet.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from nansen import config
from nansen.ipfs import dag
from nansen.ipfs.block import MAX_BLOCK_SIZE, Block
from nansen.ipfs.car import CarReader, Writable, write_car
from nansen.ipfs.cid import CID
from nansen.ipfs.errors import (
    CidFormatError,
    ContentNotFound,
    IntegrityError,
    IpfsError,
    NotPinned,
    StoreError,
)
from nansen.ipfs.importer import Readable, file_blocks
from nansen.ipfs.staging import Staging, fsync_directory
from nansen.ipfs.store import Stat

_DAMAGED = "A block in the store does not match its CID: the store is damaged."


class EmbeddedStore:
    """A :class:`nansen.ipfs.store.Store` in a local directory."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else config.data_dir() / "ipfs"
        self._blocks = self.root / "blocks"
        self._pins = self.root / "pins"
        self._tmp = self.root / "tmp"
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            for directory in (self._blocks, self._pins, self._tmp):
                directory.mkdir(mode=0o700, exist_ok=True)
        except OSError as error:
            raise StoreError(f"The store's directory cannot be created: {error.strerror}.") from error

    def put(self, stream: Readable) -> CID:
        with self._lock(exclusive=False):
            return self._add(file_blocks(stream), None)

    def import_car(self, stream: Readable) -> CID:
        reader = CarReader(stream)
        with self._lock(exclusive=False):
            return self._add(reader, reader.root)

    def get(self, cid: CID) -> Iterator[bytes]:
        return dag.read_file(self._read, cid)

    def pin(self, cid: CID) -> None:
        with self._lock(exclusive=False):
            self._count_blocks(cid)
            self._write_pin(cid)

    def unpin(self, cid: CID) -> None:
        with self._lock(exclusive=False):
            try:
                self._pin_path(cid).unlink()
            except FileNotFoundError:
                raise NotPinned("The content is not pinned.") from None
            except OSError as error:
                raise StoreError(f"The pin cannot be removed: {error.strerror}.") from error
            fsync_directory(self._pins)

    def has(self, cid: CID) -> bool:
        try:
            self._count_blocks(cid)
        except ContentNotFound:
            return False
        return True

    def stat(self, cid: CID) -> Stat:
        blocks = self._count_blocks(cid)
        size = dag.file_size(cid, self._read(cid))
        return Stat(size=size, pinned=self._pin_path(cid).exists(), blocks=blocks)

    def blocks(self, cid: CID) -> Iterator[Block]:
        return dag.blocks(self._read, cid)

    def export_car(self, cid: CID, out: Writable) -> None:
        self._count_blocks(cid)
        write_car(cid, self.blocks(cid), out)

    def pins(self) -> Iterator[CID]:
        """The pinned roots (files in ``pins/`` that are not CIDs are ignored)."""
        for path in sorted(self._pins.iterdir()):
            with contextlib.suppress(CidFormatError):
                yield CID.parse(path.name)

    def pinned_since(self, cid: CID) -> float | None:
        """When the content was last pinned (seconds since the epoch; its pin file is written anew each
        time), or None when it is not pinned."""
        try:
            return self._pin_path(cid).stat().st_mtime
        except FileNotFoundError:
            return None

    def gc(self) -> int:
        """Remove every block no pinned DAG reaches, and leftovers of interrupted writes.

        Returns the number of blocks removed. Refuses, removing nothing, when a pinned DAG cannot
        be walked (a block of it is missing or damaged): its blocks cannot then be told apart.
        """
        with self._lock(exclusive=True):
            live: set[str] = set()
            try:
                for root in self.pins():
                    live.update(_name(cid) for cid in dag.cids(self._read, root))
            except IpfsError as error:
                raise StoreError(
                    "A pinned content is incomplete or damaged, so garbage collection removed nothing."
                ) from error
            removed = 0
            for fan_out in self._blocks.iterdir():
                for path in fan_out.iterdir():
                    if path.name not in live:
                        path.unlink()
                        removed += 1
                fsync_directory(fan_out)
            for leftover in self._tmp.iterdir():
                leftover.unlink()
            return removed

    def _add(self, blocks: Iterable[Block], root: CID | None) -> CID:
        """Stage the blocks, move them into place once all are staged, then pin the root.

        ``root`` is the DAG's root, or None when it is the last block (as the importer yields them).
        """
        last: CID | None = None
        with Staging(self._tmp) as staging:
            seen: set[CID] = set()
            for block in blocks:
                last = block.cid
                if block.cid not in seen and not self._holds(block.cid):
                    staging.add(self._block_path(block.cid), block.data)
                seen.add(block.cid)
            staging.commit()
        root = root if root is not None else last
        assert root is not None  # a file or a CAR has at least one block
        self._write_pin(root)
        return root

    def _write_pin(self, cid: CID) -> None:
        with Staging(self._tmp) as staging:
            staging.add(self._pin_path(cid), b"")
            staging.commit()

    def _holds(self, cid: CID) -> bool:
        """True when the block is stored intact (a damaged copy is to be replaced)."""
        try:
            self._read(cid)
        except (ContentNotFound, IntegrityError):
            return False
        return True

    def _read(self, cid: CID) -> bytes:
        try:
            with self._block_path(cid).open("rb") as stored:
                if os.fstat(stored.fileno()).st_size > MAX_BLOCK_SIZE:
                    raise IntegrityError(_DAMAGED)
                data = stored.read()
        except FileNotFoundError:
            raise ContentNotFound(dag.MISSING) from None
        except OSError as error:
            raise StoreError(f"The store cannot read a block: {error.strerror}.") from error
        if not cid.matches(data):
            raise IntegrityError(_DAMAGED)
        return data

    def _count_blocks(self, cid: CID) -> int:
        """The number of blocks of a DAG the store holds completely; raises if one is missing."""
        return dag.count_blocks(self._read, lambda leaf: self._block_path(leaf).is_file(), cid)

    def _block_path(self, cid: CID) -> Path:
        name = _name(cid)
        return self._blocks / name[-3:-1] / name

    def _pin_path(self, cid: CID) -> Path:
        return self._pins / _name(cid)

    @contextlib.contextmanager
    def _lock(self, exclusive: bool) -> Iterator[None]:
        descriptor = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(descriptor)


def _name(cid: CID) -> str:
    return str(cid.to_v1())
