"""Time the whole document path: encrypt + CID + store, then read + verify + decrypt, and its peak memory.

    .venv/bin/python bench/documents.py [--sizes 1,50] [--runs N] [--dir DIR] [--json]

For each size (MB of random bytes, 10^6 bytes, in a file), exactly what ``nansen document encrypt``
and ``decrypt`` do with the embedded store: the file is read in 64 KiB pieces, encrypted (padded
XChaCha20-Poly1305 secretstream, sha2-384 digest), cut into 256 KiB chunks and hashed into its
CIDv1 DAG, and every block written and fsync'd into a new store, then pinned (``put``); then every
block is read back and checked against its CID, decrypted and the digest checked (``get``).
Throughput is plaintext MB per second, median of N runs, on one core (the store's fsyncs run in a
few threads). Peak memory is what ``tracemalloc`` saw Python allocate during one more run of each
direction, which shows whether memory grows with the file. ``--dir`` puts the files and stores on
the disk to measure. Benchmarks print figures; tests never assert them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import MB, make_file, peak_bytes

from nansen.crypto import CHUNK_SIZE, BlockReader, Decryption, DocumentKey, Encryption
from nansen.ipfs import CID, EmbeddedStore


def pieces(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from iter(partial(handle.read, CHUNK_SIZE), b"")


def store_document(store: EmbeddedStore, path: Path, key: DocumentKey) -> tuple[CID, str]:
    encryption = Encryption(pieces(path), key)
    cid = store.put(BlockReader(encryption))
    return cid, encryption.digest_multibase


def read_document(store: EmbeddedStore, cid: CID, key: DocumentKey, digest: str) -> int:
    decryption = Decryption(store.get(cid), key, expected_digest=digest)
    for _ in decryption:
        pass
    return decryption.plaintext_bytes


def measure(directory: Path, size_mb: int, runs: int) -> dict[str, float | int]:
    size = size_mb * MB
    path = make_file(directory, size)
    key = DocumentKey.generate()
    stores = iter(range(10**6))

    def fresh_store() -> EmbeddedStore:
        return EmbeddedStore(directory / f"store-{next(stores)}")

    put_times, get_times = [], []
    for _ in range(runs):
        store = fresh_store()
        start = time.perf_counter()
        cid, digest = store_document(store, path, key)
        put_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert read_document(store, cid, key, digest) == size
        get_times.append(time.perf_counter() - start)
        shutil.rmtree(store.root)
    store = fresh_store()
    results: dict[str, tuple[CID, str]] = {}
    peak_put = peak_bytes(lambda: results.setdefault("stored", store_document(store, path, key)))
    cid, digest = results["stored"]
    peak_get = peak_bytes(lambda: read_document(store, cid, key, digest))
    shutil.rmtree(store.root)
    path.unlink()
    return {
        "size_mb": size_mb,
        "store_mb_s": round(size / MB / statistics.median(put_times), 1),
        "read_mb_s": round(size / MB / statistics.median(get_times), 1),
        "peak_store_kib": peak_put // 1024,
        "peak_read_kib": peak_get // 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,50", help="comma-separated sizes in MB (default 1,50)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    parser.add_argument("--dir", type=Path, default=None, help="where to put the files and stores")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    arguments = parser.parse_args()
    if arguments.runs < 1:
        parser.error("--runs must be at least 1")
    with tempfile.TemporaryDirectory(dir=arguments.dir) as scratch:
        results = [measure(Path(scratch), int(size), arguments.runs) for size in arguments.sizes.split(",")]
    if arguments.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'size':>6} {'encrypt+CID+store':>18} {'read+verify+decrypt':>20}   peak KiB (store / read)")
    for row in results:
        print(
            f"{row['size_mb']:>4}MB {row['store_mb_s']:>13} MB/s {row['read_mb_s']:>15} MB/s"
            f"   {row['peak_store_kib']} / {row['peak_read_kib']}"
        )


if __name__ == "__main__":
    main()
