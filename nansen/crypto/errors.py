"""Errors of document encryption. Messages never name a document, a person, a DID or a key."""

from nansen.errors import InvalidInput, NansenError


class DecryptionError(NansenError):
    """An encrypted document is altered, reordered, truncated, extended or not under this key."""


class UnsupportedVersion(DecryptionError):
    """An encrypted document uses a format version this software does not know."""


class DigestFormatError(InvalidInput):
    """A ``digestMultibase`` value is malformed or names a hash algorithm we do not support."""


class DigestMismatch(NansenError):
    """A decrypted document is not the one whose digest the credential carries."""


class SealedKeyError(NansenError):
    """A sealed document key cannot be made for, or opened by, the given key."""


class KeyDestroyed(NansenError):
    """A document key was used after it was wiped."""


class StreamNotFinished(NansenError):
    """A stream's summary (digest, length) was asked for before the stream was read to its end."""
