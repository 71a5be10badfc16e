"""Constant memory: a document streams through in a few chunks' worth of memory, whatever its size."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from collections.abc import Iterator

from nansen.crypto import CHUNK_SIZE, Decryption, DocumentKey, Encryption
from nansen.crypto.chunks import BlockReader
from nansen.crypto.digest import ALGORITHMS, encode

SIZE = 50 * 1024 * 1024
BLOCK = os.urandom(CHUNK_SIZE + 123)  # not a multiple of the chunk size: pieces straddle chunks


def generated(size: int) -> Iterator[bytes]:
    full, rest = divmod(size, len(BLOCK))
    for _ in range(full):
        yield BLOCK
    yield BLOCK[:rest]


def test_50_mb_encrypt_and_decrypt_in_one_pipeline_in_constant_memory() -> None:
    expected = hashlib.sha384()
    for piece in generated(SIZE):
        expected.update(piece)
    key = DocumentKey.generate()
    tracemalloc.start()
    try:
        encryption = Encryption(generated(SIZE), key)
        decryption = Decryption(
            encryption, key, expected_digest=encode(ALGORITHMS["sha2-384"], expected.digest())
        )
        received = sum(len(piece) for piece in decryption)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert received == decryption.plaintext_bytes == SIZE
    assert peak < 16 * CHUNK_SIZE, f"peak {peak:,} bytes"


def test_block_reader_cuts_pieces_of_any_size_into_exact_blocks() -> None:
    data = os.urandom(1000)
    pieces = [data[:0], data[:1], data[1:1], data[1:700], data[700:]]
    assert [len(b) for b in BlockReader(pieces).blocks(300)] == [300, 300, 300, 100]
    assert b"".join(BlockReader(pieces).blocks(300)) == data
    reader = BlockReader([data])
    assert reader.read(10) == data[:10]
    assert reader.read(2000) == data[10:]
    assert reader.read(1) == b""
    rest = BlockReader(pieces)
    assert rest.read(5) == data[:5]
    assert rest.read() == data[5:]
    assert rest.read() == b""
