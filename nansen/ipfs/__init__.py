"""IPFS content addressing and storage for Nansen's encrypted documents (DESIGN.md §5).

- :class:`CID` — parse, format and compare CIDs (``b…``, ``z…``, ``Qm…``).
- :func:`cid_of_file` — the CIDv1 ``ipfs add --cid-version=1`` gives a file, in constant memory;
  :func:`file_blocks` — the blocks of its DAG as they are made.
- :class:`CarReader`, :func:`write_car` — CARv1 import and export.
- :class:`Store` — what every store offers; :class:`EmbeddedStore` — the one in the data directory;
  :class:`RpcStore` — an IPFS node over kubo's HTTP RPC API; :class:`PinningService` — an IPFS
  Pinning Service API provider (or IPFS Cluster); :class:`ReplicatedStore` — the embedded store
  copied to those through a durable queue (:class:`JobQueue`).
- :func:`configured_store` — the store the ``NANSEN_IPFS_*`` variables describe (:mod:`nansen.ipfs.settings`).
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
from nansen.ipfs.http import Retry, ServiceAnswerError, ServiceRefused, ServiceUnavailable
from nansen.ipfs.importer import cid_of_file, file_blocks
from nansen.ipfs.jobs import Job, JobQueue
from nansen.ipfs.pinning import PinFailed, PinningService, PinPending
from nansen.ipfs.replication import Health, Placement, Replica, ReplicatedStore, SyncReport
from nansen.ipfs.rpc import RpcStore
from nansen.ipfs.settings import IpfsConfigurationError, configured_store
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
    "Health",
    "IntegrityError",
    "IpfsConfigurationError",
    "IpfsError",
    "Job",
    "JobQueue",
    "NotPinned",
    "PinFailed",
    "PinPending",
    "PinningService",
    "Placement",
    "Replica",
    "ReplicatedStore",
    "Retry",
    "RpcStore",
    "ServiceAnswerError",
    "ServiceRefused",
    "ServiceUnavailable",
    "Stat",
    "Store",
    "StoreError",
    "SyncReport",
    "cid_of_file",
    "configured_store",
    "file_blocks",
    "write_car",
]
