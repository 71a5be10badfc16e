"""IPFS content addressing and storage for Nansen's encrypted documents (DESIGN.md §5).

- :class:`CID` — parse, format and compare CIDs (``b…``, ``z…``, ``Qm…``).
- :func:`cid_of_file` — the CIDv1 ``ipfs add --cid-version=1`` gives a file, in constant memory;
  :func:`file_blocks` — the blocks of its DAG as they are made.
- :class:`CarReader`, :func:`write_car` — CARv1 import and export.
- :class:`Store` — what every store offers; :class:`EmbeddedStore` — the one in the data directory.
"""

from nansen.ipfs.block import Block
from nansen.ipfs.car import CarReader, write_car
from nansen.ipfs.cid import CID
from nansen.ipfs.embedded import EmbeddedStore
from nansen.ipfs.errors import (
    BlockFormatError,
    CarFormatError,
    CidFormatError,
    ContentNotFound,
    IntegrityError,
    IpfsError,
    NotPinned,
    StoreError,
)
from nansen.ipfs.importer import cid_of_file, file_blocks
from nansen.ipfs.store import Stat, Store

__all__ = [
    "CID",
    "Block",
    "BlockFormatError",
    "CarFormatError",
    "CarReader",
    "CidFormatError",
    "ContentNotFound",
    "EmbeddedStore",
    "IntegrityError",
    "IpfsError",
    "NotPinned",
    "Stat",
    "Store",
    "StoreError",
    "cid_of_file",
    "file_blocks",
    "write_car",
]
