"""Time content addressing and the embedded IPFS store.

    .venv/bin/python bench/ipfs_store.py [--sizes 1,50] [--runs N] [--dir DIR] [--json]

For each size (MB of random bytes, in a file): ``cid_of_file`` (what ``nansen ipfs cid`` does), then
``EmbeddedStore.put`` into a new store (every block fsync'd, then the pin) and ``get`` of every byte
(every block read back and verified). Throughput is the median of N runs in MB/s (10^6 bytes a
second); peak memory is what ``tracemalloc`` saw Python allocate during one more run of each, which
shows that memory does not grow with the file. ``--dir`` puts the files and stores on the disk to
measure (fsync costs differ widely between disks). Benchmarks print figures; tests never assert them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import MB, make_file, peak_bytes

from nansen.ipfs import CID, EmbeddedStore, cid_of_file


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(directory: Path, size_mb: int, runs: int) -> dict[str, float | int | str]:
    size = size_mb * MB
    path = make_file(directory, size)
    stores = iter(range(10**6))

    def fresh_store() -> EmbeddedStore:
        store_dir = directory / f"store-{next(stores)}"
        return EmbeddedStore(store_dir)

    def cid() -> CID:
        return cid_of_file(path)

    def put(store: EmbeddedStore) -> CID:
        with path.open("rb") as stream:
            return store.put(stream)

    def get(store: EmbeddedStore, root: CID) -> int:
        return sum(len(chunk) for chunk in store.get(root))

    cid_times = [timed(cid) for _ in range(runs)]
    put_times, get_times = [], []
    for _ in range(runs):
        store = fresh_store()
        start = time.perf_counter()
        root = put(store)
        put_times.append(time.perf_counter() - start)
        get_times.append(timed(partial(get, store, root)))
        shutil.rmtree(store.root)
    store = fresh_store()
    peaks = {"cid": peak_bytes(cid), "put": peak_bytes(lambda: put(store))}
    peaks["get"] = peak_bytes(lambda: get(store, root))
    shutil.rmtree(store.root)
    path.unlink()
    return {
        "size_mb": size_mb,
        "root": str(root),
        "cid_mb_s": round(size / MB / statistics.median(cid_times), 1),
        "put_mb_s": round(size / MB / statistics.median(put_times), 1),
        "get_mb_s": round(size / MB / statistics.median(get_times), 1),
        "peak_cid_kib": peaks["cid"] // 1024,
        "peak_put_kib": peaks["put"] // 1024,
        "peak_get_kib": peaks["get"] // 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,50", help="comma-separated sizes in MB (default 1,50)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    parser.add_argument("--dir", type=Path, default=None, help="where to put the files and stores")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=arguments.dir) as scratch:
        results = [measure(Path(scratch), int(size), arguments.runs) for size in arguments.sizes.split(",")]
    if arguments.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'size':>6} {'cid MB/s':>9} {'put MB/s':>9} {'get MB/s':>9}   peak KiB (cid / put / get)")
    for row in results:
        print(
            f"{row['size_mb']:>4}MB {row['cid_mb_s']:>9} {row['put_mb_s']:>9} {row['get_mb_s']:>9}"
            f"   {row['peak_cid_kib']} / {row['peak_put_kib']} / {row['peak_get_kib']}"
        )


if __name__ == "__main__":
    main()
