"""Crash safety of the embedded store: a writer is killed with SIGKILL at random moments.

After every kill the store must hold no block file that fails its hash, every pin must name a
complete DAG whose every block verifies, and every addition the writer saw finish must be pinned.
Then the store must work on: an addition completes, and gc() clears what the kills left behind.
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from nansen.ipfs import CID, EmbeddedStore
from tests.ipfs.data import pattern

REPO = Path(__file__).resolve().parents[2]

#: Adds files of 3 MiB of random bytes (12 leaves and a root each) without end, printing each CID
#: once ``put`` has returned it.
WRITER = """
import os, sys
from pathlib import Path
from nansen.ipfs import EmbeddedStore

class Random:
    def __init__(self, size):
        self.left = size
    def read(self, size=-1):
        count = min(size, self.left)
        self.left -= count
        return os.urandom(count)

store = EmbeddedStore(Path(sys.argv[1]))
print("ready", flush=True)
while True:
    print(store.put(Random(3 * 1024 * 1024)), flush=True)
"""


def check(store: EmbeddedStore) -> None:
    for path in (store.root / "blocks").glob("*/*"):
        assert CID.parse(path.name).matches(path.read_bytes()), "a block file fails its hash"
    for root in store.pins():
        assert store.has(root)
        assert sum(len(chunk) for chunk in store.get(root)) == store.stat(root).size


def test_killing_a_writer_never_damages_the_store(tmp_path: Path) -> None:
    directory = tmp_path / "ipfs"
    chance = random.Random(20260105)
    finished: list[CID] = []
    for _ in range(6):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(directory)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(chance.uniform(0.02, 0.4))
        writer.kill()
        output, _ = writer.communicate(timeout=30)
        finished.extend(CID.parse(line) for line in output.split())
        store = EmbeddedStore(directory)
        check(store)
        assert set(finished) <= set(store.pins())

    store = EmbeddedStore(directory)
    data = pattern(600000)
    root = store.put(io.BytesIO(data))
    assert b"".join(store.get(root)) == data
    store.gc()
    check(store)
    assert list((directory / "tmp").iterdir()) == []
    # A writer killed after pinning but before printing leaves one more pin: complete all the same.
    assert {*finished, root} <= set(store.pins())
