"""Errors of content addressing and block stores.

Like every core error, each message is one plain sentence and names no content: never a CID,
never a path inside the store ("a block", "the content").
"""

from __future__ import annotations

from nansen.errors import InvalidInput, NansenError


class IpfsError(NansenError):
    """Base of the errors raised by ``nansen.ipfs``."""


class CidFormatError(IpfsError, InvalidInput):
    """A CID is malformed, or uses a version, codec or hash function that is not supported."""


class BlockFormatError(IpfsError, InvalidInput):
    """A block is not valid DAG-PB, or not a UnixFS file node."""


class CarFormatError(IpfsError, InvalidInput):
    """A CAR file is malformed, truncated, or does not hold exactly one complete DAG."""


class IntegrityError(IpfsError):
    """A block's bytes do not match its CID: it is corrupted or was forged."""


class ContentNotFound(IpfsError):
    """A block of the requested content is not in the store."""


class NotPinned(IpfsError):
    """The content to unpin is not pinned."""


class StoreError(IpfsError):
    """The store cannot carry out an operation (for instance, the disk refused a write)."""
