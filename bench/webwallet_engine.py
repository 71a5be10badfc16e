"""The web wallet's engine (``wallet/web/src/core``) in figures: what it weighs compressed, and how
long its slow steps take in Node's WebAssembly beside PyNaCl's native libsodium.

    .venv/bin/python bench/webwallet_engine.py [--rounds 3]

Sizes: esbuild bundles the engine as the app does (``--bundle --splitting --format=esm --minify
--platform=browser``) and each output file is measured raw and gzipped (level 9): the entry, the
libsodium chunk (WebAssembly inlined), and the eddsa-rdfc-2022 chunk loaded only when needed.
Times (the median of ``--rounds``): opening a wallet file (one Argon2id run and three slots) at the
``interactive`` and ``moderate`` costs, against PyNaCl's Argon2id alone at the same costs; signing
a presentation (eddsa-jcs-2022) and encoding it as NV1. Browser figures under a throttled CPU are
``bench/webwallet.py``'s (the app's budgets).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import identity_credential

from wallet.kdf import LEVELS, passphrase_key

WEB = Path(__file__).resolve().parents[1] / "wallet" / "web"

TIMING = """
import * as core from "./src/core/index.js";
const [rounds, credential] = JSON.parse(process.argv[1]);
await core.ready();
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = {};
for (const cost of ["interactive", "moderate"]) {
  const { file } = await core.WalletFile.create({ cost }).start("a long passphrase", core.newState());
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await file.open("a long passphrase");
    times.push(performance.now() - t);
  }
  out[`open (${cost})`] = median(times);
}
const state = core.newState();
credential.credentialSubject.id = core.holderDid(state);
state.credentials = [{ credential, received: "", documents: [] }];
const [card] = core.credentials(state);
const times = [];
for (let i = 0; i < rounds * 5; i++) {
  const t = performance.now();
  core.nv1Encode(await core.present(state, card.id, { challenge: "c", domain: "d" }));
  times.push(performance.now() - t);
}
out["present + NV1"] = median(times);
console.log(JSON.stringify(out));
"""


def sizes() -> dict[str, tuple[int, int]]:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [
                str(WEB / "node_modules" / ".bin" / "esbuild"),
                str(WEB / "src" / "core" / "index.js"),
                "--bundle",
                "--splitting",
                "--format=esm",
                "--minify",
                "--platform=browser",
                f"--outdir={out}",
                "--log-level=warning",
            ],
            check=True,
        )
        found = {}
        for path in sorted(Path(out).glob("*.js")):
            data = path.read_bytes()
            found[path.name] = (len(data), len(gzip.compress(data, 9)))
        return found


def pynacl_ms(level: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        passphrase_key("a long passphrase", bytes(16), LEVELS[level])
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    print("Sizes (esbuild, minified; bytes raw / gzip -9):")
    for name, (raw, packed) in sizes().items():
        print(f"  {name:28} {raw:>9,} / {packed:>9,}")
    credential = identity_credential()
    done = subprocess.run(
        ["node", "--input-type=module", "-e", TIMING, json.dumps([rounds, credential])],
        cwd=WEB,
        capture_output=True,
        text=True,
        check=True,
    )
    print(f"Times (median of {rounds}; present + NV1 of {rounds * 5}), milliseconds:")
    for name, value in json.loads(done.stdout).items():
        print(f"  engine (Node wasm) {name:22} {value:8.1f}")
    for level in ("interactive", "moderate"):
        print(f"  PyNaCl Argon2id alone ({level}){'':6} {pynacl_ms(level, rounds):8.1f}")


if __name__ == "__main__":
    main()
