"""The encrypted document format: round trips, digests, and every kind of damage refused."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator

import nacl.bindings as sodium
import pytest

from nansen.crypto import (
    CHUNK_SIZE,
    Decryption,
    DecryptionError,
    DigestMismatch,
    DocumentKey,
    Encryption,
    KeyDestroyed,
    StreamNotFinished,
    UnsupportedVersion,
    ciphertext_size,
)
from nansen.crypto.digest import Digest
from nansen.crypto.stream import HEADER_SIZE, PREFIX, SEALED_CHUNK_SIZE

KEY = DocumentKey(bytes(range(32)))
SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * 1024 * 1024 + 7]


def pieces(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def encrypt(data: bytes) -> bytes:
    return b"".join(Encryption([data], KEY))


def decrypt(ciphertext: bytes, **options: object) -> bytes:
    return b"".join(Decryption(pieces(ciphertext, 4096), KEY, **options))  # type: ignore[arg-type]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("piece_size", [1000, CHUNK_SIZE, 10**9])
def test_round_trip(size: int, piece_size: int) -> None:
    data = os.urandom(size)
    encryption = Encryption(pieces(data, piece_size), KEY)
    ciphertext = b"".join(encryption)
    assert len(ciphertext) == ciphertext_size(size) == encryption.ciphertext_bytes
    assert encryption.plaintext_bytes == size
    decryption = Decryption(pieces(ciphertext, piece_size), KEY)
    assert b"".join(decryption) == data
    assert decryption.plaintext_bytes == size
    assert decryption.digest_multibase == encryption.digest_multibase


def test_the_ciphertext_does_not_contain_the_plaintext_and_differs_each_time() -> None:
    data = b"PASSPORT N0123456 " * 100
    first, second = encrypt(data), encrypt(data)
    assert b"PASSPORT" not in first
    assert first[: len(PREFIX)] == second[: len(PREFIX)] == PREFIX
    assert first[len(PREFIX) :] != second[len(PREFIX) :]


@pytest.mark.parametrize(("algorithm", "hashlib_name"), [("sha2-384", "sha384"), ("sha2-256", "sha256")])
def test_the_digest_is_of_the_plaintext_without_padding(algorithm: str, hashlib_name: str) -> None:
    data = os.urandom(CHUNK_SIZE + 5)
    encryption = Encryption([data], KEY, algorithm)
    ciphertext = b"".join(encryption)
    expected = Digest(algorithm)
    expected.update(data)
    assert encryption.digest_multibase == expected.multibase
    assert expected.digest() == hashlib.new(hashlib_name, data).digest()
    # Decryption checks against the digest a credential carries, in its algorithm.
    decryption = Decryption([ciphertext], KEY, expected_digest=expected.multibase)
    assert b"".join(decryption) == data
    assert decryption.digest_multibase == expected.multibase


def test_a_document_that_does_not_match_the_expected_digest_is_refused() -> None:
    ciphertext = encrypt(b"the real scan")
    other = Digest()
    other.update(b"another scan")
    with pytest.raises(DigestMismatch, match="does not match the digest"):
        decrypt(ciphertext, expected_digest=other.multibase)


def test_figures_are_refused_before_the_stream_is_read() -> None:
    encryption = Encryption([b"data"], KEY)
    with pytest.raises(StreamNotFinished):
        encryption.digest_multibase  # noqa: B018
    decryption = Decryption([encrypt(b"data")], KEY)
    with pytest.raises(StreamNotFinished):
        decryption.plaintext_bytes  # noqa: B018


def test_a_wiped_key_cannot_be_used_and_the_streams_wipe_their_state() -> None:
    key = DocumentKey.generate()
    encryption = Encryption([b"data"], key)
    key.wipe()  # the stream has its own copy in libsodium's state already
    ciphertext = b"".join(encryption)
    assert bytes(encryption._state.statebuf[0 : len(encryption._state.statebuf)]) == bytes(
        len(encryption._state.statebuf)
    )
    with pytest.raises(KeyDestroyed):
        Encryption([b"data"], key)
    with pytest.raises(KeyDestroyed):
        Decryption([ciphertext], key)
    assert "secret" in repr(key)


# --- damage --------------------------------------------------------------------------------------

#: Three chunks of data (2.5 chunks pad to 3): a first, a middle and a last chunk.
DATA = os.urandom(2 * CHUNK_SIZE + CHUNK_SIZE // 2)


@pytest.fixture(scope="module")
def ciphertext() -> bytes:
    sealed = encrypt(DATA)
    assert len(sealed) == HEADER_SIZE + 3 * SEALED_CHUNK_SIZE
    return sealed


def chunk(index: int) -> slice:
    start = HEADER_SIZE + index * SEALED_CHUNK_SIZE
    return slice(start, start + SEALED_CHUNK_SIZE)


def flip(data: bytes, position: int) -> bytes:
    damaged = bytearray(data)
    damaged[position] ^= 0x01
    return bytes(damaged)


def refused(ciphertext: bytes, error: type[DecryptionError], reason: str) -> None:
    with pytest.raises(error, match=reason):
        decrypt(ciphertext)


@pytest.mark.parametrize(
    ("position", "error", "reason"),
    [
        (0, DecryptionError, "not a Nansen encrypted document"),  # the magic
        (len(PREFIX) - 1, UnsupportedVersion, "format version 0; this software reads version 1"),
        (len(PREFIX) + 3, DecryptionError, "altered, or this is not its key"),  # secretstream header
        (HEADER_SIZE + 10, DecryptionError, "altered"),  # the first chunk
        (HEADER_SIZE + SEALED_CHUNK_SIZE + 100, DecryptionError, "altered"),  # the middle chunk
        (HEADER_SIZE + 3 * SEALED_CHUNK_SIZE - 1, DecryptionError, "altered"),  # the last chunk's MAC
    ],
)
def test_a_flipped_bit_anywhere_is_refused(
    ciphertext: bytes, position: int, error: type[DecryptionError], reason: str
) -> None:
    refused(flip(ciphertext, position), error, reason)


def test_an_unknown_version_is_refused(ciphertext: bytes) -> None:
    future = ciphertext[: len(PREFIX) - 1] + b"\x02" + ciphertext[len(PREFIX) :]
    refused(future, UnsupportedVersion, "version 2")


def test_dropping_the_last_chunk_is_refused(ciphertext: bytes) -> None:
    refused(ciphertext[: chunk(2).start], DecryptionError, "final chunk is missing")


def test_dropping_every_chunk_is_refused(ciphertext: bytes) -> None:
    refused(ciphertext[:HEADER_SIZE], DecryptionError, "final chunk is missing")


def test_dropping_a_middle_chunk_is_refused(ciphertext: bytes) -> None:
    refused(ciphertext[: chunk(1).start] + ciphertext[chunk(2)], DecryptionError, "altered")


def test_swapping_two_chunks_is_refused(ciphertext: bytes) -> None:
    swapped = ciphertext[:HEADER_SIZE] + ciphertext[chunk(1)] + ciphertext[chunk(0)] + ciphertext[chunk(2)]
    refused(swapped, DecryptionError, "altered")


@pytest.mark.parametrize("index", [0, 2])
def test_appending_a_chunk_is_refused(ciphertext: bytes, index: int) -> None:
    refused(ciphertext + ciphertext[chunk(index)], DecryptionError, "data after its end")


def test_appending_a_byte_is_refused(ciphertext: bytes) -> None:
    refused(ciphertext + b"\x00", DecryptionError, "data after its end")


@pytest.mark.parametrize("cut", [1, 17, SEALED_CHUNK_SIZE - 1])
def test_cutting_into_the_last_chunk_is_refused(ciphertext: bytes, cut: int) -> None:
    refused(ciphertext[:-cut], DecryptionError, "truncated")


@pytest.mark.parametrize(
    ("length", "reason"),
    [
        (0, "not a Nansen encrypted document"),
        (3, "not a Nansen encrypted document"),
        (len(PREFIX), "truncated"),
        (HEADER_SIZE - 1, "truncated"),
    ],
)
def test_a_stream_cut_in_its_header_is_refused(ciphertext: bytes, length: int, reason: str) -> None:
    refused(ciphertext[:length], DecryptionError, reason)


def test_a_stream_from_another_document_key_is_refused(ciphertext: bytes) -> None:
    with pytest.raises(DecryptionError, match="not its key"):
        b"".join(Decryption([ciphertext], DocumentKey.generate()))


def test_data_yielded_before_damage_is_followed_by_the_error(ciphertext: bytes) -> None:
    """A consumer sees the error before the stream ends, so it knows to discard what it got."""
    decryption = Decryption([flip(ciphertext, chunk(2).start + 5)], KEY)
    received = [next(decryption), next(decryption)]
    assert b"".join(received) == DATA[: 2 * CHUNK_SIZE]
    with pytest.raises(DecryptionError):
        next(decryption)


# --- authentic but malformed streams (only a holder of the key can make these) -------------------


def forge(frames: list[tuple[bytes, int]]) -> bytes:
    """A stream of the given chunk plaintexts and tags, properly encrypted under KEY."""
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, KEY.material())
    sealed = [sodium.crypto_secretstream_xchacha20poly1305_push(state, m, PREFIX, t) for m, t in frames]
    return PREFIX + header + b"".join(sealed)


MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL


def frame(used: int, data: bytes = b"", fill: bytes = b"") -> bytes:
    body = data + fill
    return used.to_bytes(4, "big") + body + bytes(CHUNK_SIZE - len(body))


def test_a_well_formed_forgery_decrypts() -> None:
    """The forging helper itself writes the format: the refusals below are about their one fault."""
    assert decrypt(forge([(frame(3, b"abc"), FINAL)])) == b"abc"


@pytest.mark.parametrize(
    "frames",
    [
        [(frame(CHUNK_SIZE + 1), FINAL)],  # more data than a chunk holds
        [(frame(3, b"abc", b"x"), FINAL)],  # padding that is not zeros
        [(frame(3, b"abc"), MESSAGE), (frame(3, b"def"), FINAL)],  # data after a partial chunk
        [(frame(3, b"abc"), MESSAGE), (frame(0), FINAL)],  # more chunks than the size bucket
        [(frame(3, b"abc"), sodium.crypto_secretstream_xchacha20poly1305_TAG_PUSH)],  # a tag we never write
    ],
)
def test_malformed_streams_are_refused(frames: list[tuple[bytes, int]]) -> None:
    refused(forge(frames), DecryptionError, "malformed")


def test_a_stream_with_fewer_chunks_than_its_bucket_is_refused() -> None:
    full = os.urandom(CHUNK_SIZE)
    nine_chunks = [(frame(CHUNK_SIZE, full), MESSAGE)] * 8 + [(frame(1, b"z"), FINAL)]
    refused(forge(nine_chunks), DecryptionError, "malformed")  # nine chunks of data pad to ten
