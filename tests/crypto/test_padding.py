"""Padmé size buckets: what an observer of the ciphertext's length learns."""

from __future__ import annotations

import pytest

from nansen.crypto import CHUNK_SIZE, DocumentKey, Encryption, ciphertext_size
from nansen.crypto.padding import bucket_chunks, padme


@pytest.mark.parametrize(
    ("n", "bucket"),
    [
        (0, 0),
        (1, 1),
        (2, 2),
        (3, 3),
        (8, 8),
        (9, 10),
        (11, 12),
        (17, 18),
        (33, 36),
        (1000, 1024),
        (1025, 1088),
    ],
)
def test_padme_buckets(n: int, bucket: int) -> None:
    assert padme(n) == bucket


def test_padme_is_monotonic_idempotent_and_adds_at_most_12_percent() -> None:
    previous = 0
    for n in range(1, 70_000):
        bucket = padme(n)
        assert n <= bucket <= n * 1.12
        assert padme(bucket) == bucket
        assert bucket >= previous
        previous = bucket


def test_padme_refuses_a_negative_length() -> None:
    with pytest.raises(ValueError, match="negative"):
        padme(-1)


@pytest.mark.parametrize(
    ("size", "chunks"),
    [(0, 1), (1, 1), (CHUNK_SIZE, 1), (CHUNK_SIZE + 1, 2), (8 * CHUNK_SIZE + 1, 10), (10 * CHUNK_SIZE, 10)],
)
def test_bucket_boundaries(size: int, chunks: int) -> None:
    assert bucket_chunks(size, CHUNK_SIZE) == chunks


def encrypted_length(size: int) -> int:
    return sum(len(piece) for piece in Encryption([bytes(size)], DocumentKey.generate()))


@pytest.mark.parametrize(
    "sizes",
    [
        (0, 1, 1000, CHUNK_SIZE - 1, CHUNK_SIZE),  # the floor: everything up to one chunk
        (CHUNK_SIZE + 1, 2 * CHUNK_SIZE),
        (8 * CHUNK_SIZE + 1, 9 * CHUNK_SIZE, 10 * CHUNK_SIZE),  # nine chunks of data pad to ten
    ],
)
def test_documents_in_one_bucket_have_the_same_ciphertext_length(sizes: tuple[int, ...]) -> None:
    lengths = {encrypted_length(size) for size in sizes}
    assert lengths == {ciphertext_size(sizes[0])}


@pytest.mark.parametrize("boundary", [CHUNK_SIZE, 2 * CHUNK_SIZE, 10 * CHUNK_SIZE])
def test_one_byte_past_a_bucket_is_the_next_bucket(boundary: int) -> None:
    assert encrypted_length(boundary + 1) > encrypted_length(boundary)
