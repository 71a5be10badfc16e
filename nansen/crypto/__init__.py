"""Document encryption (DESIGN.md §1 steps 2, 7 and 10).

A document is encrypted as it streams, under a fresh random key, into a padded XChaCha20-Poly1305
secretstream (`stream`); its ``digestMultibase`` is computed on the way (`digest`); the key is
sealed to each recipient's X25519 key-agreement key (`recipients`) and wiped (`key`)::

    with DocumentKey.generate() as key:
        sealed = seal(key, [Recipient.from_did(holder_did)])
        encryption = Encryption(plaintext_chunks, key)
        cid = store.put(BlockReader(encryption))  # a file-like view of the ciphertext
    encryption.digest_multibase, [s.to_json() for s in sealed]

    with open_sealed(sealed, holder_key_pair) as key:
        plaintext_chunks = Decryption(store.get(cid), key, expected_digest=digest_multibase)
"""

from nansen.crypto.chunks import BlockReader
from nansen.crypto.digest import DEFAULT_ALGORITHM, DigestCheck
from nansen.crypto.errors import (
    DecryptionError,
    DigestFormatError,
    DigestMismatch,
    KeyDestroyed,
    SealedKeyError,
    StreamNotFinished,
    UnsupportedVersion,
)
from nansen.crypto.key import DocumentKey
from nansen.crypto.recipients import SEALED_BOX, Recipient, SealedKey, open_sealed, seal
from nansen.crypto.stream import CHUNK_SIZE, Decryption, Encryption, ciphertext_size

__all__ = [
    "CHUNK_SIZE",
    "DEFAULT_ALGORITHM",
    "SEALED_BOX",
    "BlockReader",
    "Decryption",
    "DecryptionError",
    "DigestCheck",
    "DigestFormatError",
    "DigestMismatch",
    "DocumentKey",
    "Encryption",
    "KeyDestroyed",
    "Recipient",
    "SealedKey",
    "SealedKeyError",
    "StreamNotFinished",
    "UnsupportedVersion",
    "ciphertext_size",
    "open_sealed",
    "seal",
]
