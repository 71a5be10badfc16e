"""Encrypted documents: padded XChaCha20-Poly1305 secretstream (libsodium), format version 1.

Layout of an encrypted document::

    prefix  = "NSDOC" ‖ version (one byte, 0x01)                            6 bytes
    header  = secretstream header                                         24 bytes
    chunk   = secretstream message of  used ‖ data ‖ zeros               65,557 bytes each
              (used: 4 bytes, big-endian, the count of data bytes, 0 to 65,536; then 65,536
              bytes of data padded with zeros; 17 bytes of tag and MAC)

Every chunk has the same length, so the ciphertext shows only how many chunks there are; that count
is the Padmé bucket of the document's chunk count (`nansen.crypto.padding`). The true length is the
sum of the ``used`` fields, inside the authenticated stream. Data fills the chunks in order; once a
chunk is not full, every later chunk is padding (``used`` 0, all zeros).

Every chunk is tagged ``TAG_MESSAGE`` except the last, ``TAG_FINAL``. Decryption requires the final
tag (a stream that stops before it is truncated) and nothing after it, and authenticates the prefix
as additional data of every chunk, so the version byte cannot be changed unnoticed. Libsodium's
secretstream numbers the chunks internally, so a reordered, dropped or repeated chunk fails to
authenticate (libsodium documentation, "Encrypted streams and file encryption").

While encrypting or decrypting, the plaintext's ``digestMultibase`` is computed
(`nansen.crypto.digest`).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import nacl.bindings as sodium
import nacl.exceptions

from nansen.crypto.chunks import BlockReader
from nansen.crypto.digest import DEFAULT_ALGORITHM, Digest, DigestCheck
from nansen.crypto.errors import DecryptionError, StreamNotFinished, UnsupportedVersion
from nansen.crypto.key import DocumentKey
from nansen.crypto.padding import bucket_chunks

MAGIC = b"NSDOC"
VERSION = 1
PREFIX = MAGIC + bytes((VERSION,))
CHUNK_SIZE = 64 * 1024
_USED_SIZE = 4
_MESSAGE_SIZE = _USED_SIZE + CHUNK_SIZE
SEALED_CHUNK_SIZE = _MESSAGE_SIZE + sodium.crypto_secretstream_xchacha20poly1305_ABYTES
HEADER_SIZE = len(PREFIX) + sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_PADDING = bytes(_MESSAGE_SIZE)
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL

_TRUNCATED = "The encrypted document is truncated."
_MALFORMED = "The encrypted document is malformed."


def ciphertext_size(plaintext_bytes: int) -> int:
    """The exact length of the encrypted form of a document of ``plaintext_bytes``."""
    return HEADER_SIZE + bucket_chunks(plaintext_bytes, CHUNK_SIZE) * SEALED_CHUNK_SIZE


def _wipe(state: sodium.crypto_secretstream_xchacha20poly1305_state) -> None:
    """Zero the stream state: it holds a key derived from the document key (and the nonce)."""
    buffer: Any = state.statebuf
    buffer[0 : len(buffer)] = bytes(len(buffer))


class _Stream:
    """An iterator of bytes that reports its plaintext's length and digest once read to the end."""

    def __init__(self, digest: Digest | DigestCheck) -> None:
        self._digest = digest
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        # Wipes a stream abandoned before it started; a stream read to its end or to an error is
        # wiped at once by its generator.
        weakref.finalize(self, _wipe, self._state)
        self._plaintext_bytes: int | None = None
        self._chunks: Iterator[bytes] = iter(())

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        return next(self._chunks)

    def _finished(self) -> int:
        if self._plaintext_bytes is None:
            raise StreamNotFinished("The stream has not been read to its end.")
        return self._plaintext_bytes

    @property
    def plaintext_bytes(self) -> int:
        """The document's true length, once the stream has been read to its end."""
        return self._finished()

    @property
    def digest_multibase(self) -> str:
        """The plaintext's ``digestMultibase`` (VC Data Model 2.0 §5.3), once the stream is read."""
        self._finished()
        return self._digest.multibase

    @property
    def ciphertext_bytes(self) -> int:
        return ciphertext_size(self.plaintext_bytes)


class Encryption(_Stream):
    """The encrypted form of a document, produced as it is read: iterate it once for the bytes.

    Memory stays constant (two chunks) whatever the document's size. The key is copied into the
    libsodium state at once, so the caller may wipe it as soon as this object exists.
    """

    def __init__(
        self, plaintext: Iterable[bytes], key: DocumentKey, digest_algorithm: str = DEFAULT_ALGORITHM
    ) -> None:
        super().__init__(Digest(digest_algorithm))
        header = sodium.crypto_secretstream_xchacha20poly1305_init_push(self._state, key.material())
        self._chunks = self._encrypt(plaintext, PREFIX + header)

    def _frames(self, plaintext: Iterable[bytes]) -> Iterator[bytes]:
        """The chunks' plaintexts: data chunks, then padding chunks up to the size bucket."""
        total = 0
        data_chunks = 0
        for data in BlockReader(plaintext).blocks(CHUNK_SIZE):
            self._digest.update(data)
            total += len(data)
            data_chunks += 1
            yield b"".join((len(data).to_bytes(_USED_SIZE, "big"), data, bytes(CHUNK_SIZE - len(data))))
        for _ in range(bucket_chunks(total, CHUNK_SIZE) - data_chunks):
            yield _PADDING
        self._plaintext_bytes = total

    def _push(self, frame: bytes, tag: int) -> bytes:
        return sodium.crypto_secretstream_xchacha20poly1305_push(self._state, frame, PREFIX, tag)

    def _encrypt(self, plaintext: Iterable[bytes], head: bytes) -> Iterator[bytes]:
        try:
            yield head
            previous: bytes | None = None
            for frame in self._frames(plaintext):
                if previous is not None:
                    yield self._push(previous, _TAG_MESSAGE)
                previous = frame
            assert previous is not None  # there is always at least one chunk
            yield self._push(previous, _TAG_FINAL)
        finally:
            _wipe(self._state)


class Decryption(_Stream):
    """The plaintext of an encrypted document, yielded as it is read.

    Each chunk is authenticated before its data is yielded, but the document is complete and
    unaltered only when iteration ends without an error: a truncated, extended or altered stream
    raises `DecryptionError` at the point of damage, so discard what was received on error.
    With ``expected_digest`` (a ``digestMultibase`` string or list), the digest is checked before
    iteration ends and a mismatch raises `DigestMismatch`.

    The format prefix and header are read at once: an input that is not an encrypted document,
    or is of an unknown version, is refused on construction.
    """

    def __init__(
        self,
        ciphertext: Iterable[bytes],
        key: DocumentKey,
        expected_digest: str | Sequence[str] | None = None,
    ) -> None:
        super().__init__(Digest() if expected_digest is None else DigestCheck(expected_digest))
        reader = BlockReader(ciphertext)
        head = reader.read(HEADER_SIZE)
        if len(head) < len(MAGIC) or not head.startswith(MAGIC):
            raise DecryptionError("The input is not a Nansen encrypted document.")
        if len(head) > len(MAGIC) and head[len(MAGIC)] != VERSION:
            raise UnsupportedVersion(
                f"The encrypted document has format version {head[len(MAGIC)]}; this software reads version {VERSION}."
            )
        if len(head) < HEADER_SIZE:
            raise DecryptionError(_TRUNCATED)
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(
            self._state, head[len(PREFIX) :], key.material()
        )
        self._chunks = self._decrypt(reader)

    def _pull(self, block: bytes) -> tuple[bytes, int]:
        if len(block) != SEALED_CHUNK_SIZE:
            raise DecryptionError(_TRUNCATED)
        try:
            return sodium.crypto_secretstream_xchacha20poly1305_pull(self._state, block, PREFIX)
        except nacl.exceptions.RuntimeError as cause:
            raise DecryptionError("The encrypted document was altered, or this is not its key.") from cause

    def _decrypt(self, reader: BlockReader) -> Iterator[bytes]:
        total = 0
        chunks = 0
        data_ended = False
        final = False
        try:
            for block in reader.blocks(SEALED_CHUNK_SIZE):
                if final:
                    raise DecryptionError("The encrypted document has data after its end.")
                message, tag = self._pull(block)
                used = int.from_bytes(message[:_USED_SIZE], "big")
                if (
                    tag not in (_TAG_MESSAGE, _TAG_FINAL)
                    or used > CHUNK_SIZE
                    or (data_ended and used)
                    or message.count(0, _USED_SIZE + used) != CHUNK_SIZE - used
                ):
                    raise DecryptionError(_MALFORMED)
                final = tag == _TAG_FINAL
                data_ended = used < CHUNK_SIZE
                chunks += 1
                if used:
                    data = message[_USED_SIZE : _USED_SIZE + used]
                    self._digest.update(data)
                    total += used
                    yield data
            if not final:
                raise DecryptionError("The encrypted document is truncated: its final chunk is missing.")
            if chunks != bucket_chunks(total, CHUNK_SIZE):
                raise DecryptionError(_MALFORMED)
            if isinstance(self._digest, DigestCheck):
                self._digest.verify()
            self._plaintext_bytes = total
        finally:
            _wipe(self._state)
