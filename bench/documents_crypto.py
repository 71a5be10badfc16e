"""Time document encryption and decryption, streamed from memory, and their peak memory.

    .venv/bin/python bench/documents_crypto.py [--digest ALGORITHM] [--repeat N] [--json]

For documents of 1 MB and 50 MB (10^6 bytes), the plaintext is fed in 64 KiB pieces of random
bytes already in memory and the output is consumed piece by piece and dropped, so the figures are
those of the padded XChaCha20-Poly1305 secretstream plus the digest (sha2-384 by default), on one
core. Throughput is plaintext megabytes per second, best of N runs. Peak memory is measured
(tracemalloc, in a separate run: it slows allocation) while 50 MB are encrypted and decrypted in one
pipeline. Benchmarks print figures; tests never assert them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nansen.crypto import CHUNK_SIZE, DEFAULT_ALGORITHM, Decryption, DocumentKey, Encryption
from nansen.crypto.digest import ALGORITHMS

MB = 1_000_000
SIZES = (1 * MB, 50 * MB)
_BLOCK = os.urandom(CHUNK_SIZE)


def plaintext(size: int) -> Iterator[bytes]:
    """``size`` bytes in 64 KiB pieces (the same random block repeated: no allocation per piece)."""
    full, rest = divmod(size, CHUNK_SIZE)
    for _ in range(full):
        yield _BLOCK
    if rest:
        yield _BLOCK[:rest]


def drain(chunks: Iterable[bytes]) -> None:
    for _ in chunks:
        pass


def best_seconds(operation: Callable[[], None], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        operation()
        samples.append(time.perf_counter() - start)
    return min(samples)


def throughput(size: int, algorithm: str, repeat: int) -> dict[str, float]:
    key = DocumentKey.generate()
    ciphertext = list(Encryption(plaintext(size), key, algorithm))
    encryption = Encryption(plaintext(size), key, algorithm)
    drain(encryption)
    digest = encryption.digest_multibase

    def encrypt() -> None:
        drain(Encryption(plaintext(size), key, algorithm))

    def decrypt() -> None:
        drain(Decryption(ciphertext, key, expected_digest=digest))

    return {
        "encrypt_mb_s": size / MB / best_seconds(encrypt, repeat),
        "decrypt_mb_s": size / MB / best_seconds(decrypt, repeat),
    }


def peak_memory(size: int, algorithm: str) -> int:
    """Peak bytes traced while ``size`` bytes are encrypted and decrypted in one pipeline."""
    key = DocumentKey.generate()
    tracemalloc.start()
    try:
        drain(Decryption(Encryption(plaintext(size), key, algorithm), key))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--digest", choices=sorted(ALGORITHMS), default=DEFAULT_ALGORITHM)
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the best counts (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    results = {f"{size // MB} MB": throughput(size, args.digest, args.repeat) for size in SIZES}
    peak = peak_memory(SIZES[-1], args.digest)
    if args.json:
        print(json.dumps({"digest": args.digest, "results": results, "peak_bytes_50MB": peak}, indent=2))
        return 0
    print(f"{'size':<6} {'encrypt':>9} {'decrypt':>9}   (MB/s, digest {args.digest}, best of {args.repeat})")
    for label, figures in results.items():
        print(f"{label:<6} {figures['encrypt_mb_s']:9.0f} {figures['decrypt_mb_s']:9.0f}")
    print(f"peak memory, 50 MB encrypted and decrypted in one pipeline: {peak / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
