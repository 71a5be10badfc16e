"""Where the wallet keeps and finds ciphertext: the IPFS store the ``NANSEN_IPFS_*`` variables
configure (:func:`nansen.ipfs.configured_store`: the embedded store in the data directory,
replicated to a kubo node and pinning services when they are set), or any store given.

The wallet pins what it must be able to find again (its backups, and the encrypted originals of
its credentials) and unpins them when the holder forgets them. Every read checks each block
against its CID, so what comes back is what the CID names, wherever it came from.
"""

from __future__ import annotations

import contextlib

from nansen.crypto import BlockReader
from nansen.ipfs import (
    CID,
    CidFormatError,
    ContentNotFound,
    EmbeddedStore,
    IntegrityError,
    IpfsError,
    NotPinned,
    ReplicatedStore,
    Store,
    configured_store,
)
from nansen.ipfs.importer import Readable
from wallet import backup
from wallet.errors import BackupDamaged, BackupNotFound


def default_store() -> Store:
    return configured_store()


def parse_cid(text: str) -> CID:
    """A CID, or ``CidFormatError`` (an InvalidInput) for text that is not one."""
    return CID.parse(text.strip())


def keep(store: Store, cid: CID) -> bool:
    """Pin content, copying it in from the store's readers when only they hold it. True only when
    this call made the pin: content someone else pinned is theirs to unpin, not the wallet's; and
    content that cannot be had now (offline, say) is fetched when it is opened."""
    try:
        if store.stat(cid).pinned:
            return False
        store.pin(cid)
    except IpfsError:
        try:
            added = store.put(BlockReader(store.get(cid)))
        except IpfsError:
            return False
        return added == cid
    return True


def release(store: Store, cid: str) -> None:
    """Unpin content this wallet pinned; content already unpinned, or not a CID, is let be."""
    with contextlib.suppress(NotPinned, CidFormatError):
        store.unpin(parse_cid(cid))


def collect(store: Store) -> None:
    """Delete from this device every block no pin reaches (what ``release`` left), so unpinned
    backups and documents cannot be read back from the device; a store on another machine only
    unpins, and may keep its copy."""
    if isinstance(store, EmbeddedStore | ReplicatedStore):
        store.gc()


def fetch_backup(store: Store, cid: CID | None = None, car: Readable | None = None) -> bytes:
    """A backup's bytes, by CID from the store, or from a CAR file (imported into the store first,
    and required to hold ``cid`` when one is given). Every block is checked against the CID."""
    if cid is None and car is None:
        raise BackupNotFound("Give the backup's CID, or a CAR file that holds it.")
    try:
        if car is not None:
            root = store.import_car(car)
            if cid is not None and root != cid:
                release(store, str(root))
                raise BackupDamaged("The CAR file does not hold the backup with this CID.")
            cid = root
        assert cid is not None
        data = b"".join(store.get(cid))
    except ContentNotFound as error:
        raise BackupNotFound("No backup with this CID can be found in the configured stores.") from error
    except IntegrityError as error:
        raise BackupDamaged("The backup's blocks do not match its CID: it was altered.") from error
    if not backup.is_backup_size(len(data)):
        raise BackupDamaged("The content with this CID is not a Nansen wallet backup.")
    return data
