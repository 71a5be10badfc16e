"""Backups in the host's IPFS store (WEBWALLET-PROTOCOL.md, ``POST /api/backups``): pinned for a
signed-in account, read back by CID by anyone (a backup is ciphertext that only its holder's
passphrase or guardians open: `wallet.backup`).

Only a backup is ever taken or given: exactly `wallet.backup.SIZE` bytes starting with the document
prefix, so the host is no general store, and ``fetch`` answers only content of a backup's size (its
size is read from the store before any byte is). An account keeps its newest :data:`KEPT` backups;
older ones, and all of them when the account is deleted, are unpinned unless another account
pinned the same bytes, and removed from the store's disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from nansen.crypto import BlockReader
from nansen.ipfs import CID, CidFormatError, IpfsError, Store, cid_of_file
from service.problems import Problem
from wallet import backup
from wallet import store as stores
from wallet.errors import BackupDamaged, BackupNotFound
from wallet.host.models import Backup

#: The backups an account keeps; pinning one more unpins the oldest.
KEPT: Final = 3
_NOT_FOUND: Final = "No backup with this CID is held here."


def check(data: bytes) -> None:
    """A version 2 backup's shape (`wallet.backup`), or a problem (413 is the body limit's)."""
    if len(data) != backup.SIZE:
        raise Problem(422, f"A backup is exactly {backup.SIZE:,} bytes; this body is {len(data):,}.")
    if not data.startswith(backup.PREFIX):
        raise Problem(415, "This is not a Nansen wallet backup.")


class Backups:
    def __init__(self, sessions: sessionmaker[Session], store: Callable[[], Store]) -> None:
        self.sessions = sessions
        self.store = store

    def pin(self, account: str, data: bytes, moment: int) -> CID:
        check(data)
        store = self.store()
        cid = cid_of_file(BlockReader([data]))
        with self.sessions() as session:
            foreign = _pinned(store, cid) and bool(unkept(session, [str(cid)]))
        store.put(BlockReader([data]))
        if foreign:
            # Pinned here by someone else (the command-line wallet sharing this store): theirs to
            # unpin, so no account's deletion may.
            return cid
        with self.sessions.begin() as session:
            # Later than the account's newest, even within one second, so that the order is kept.
            newest = session.scalar(select(func.max(Backup.pinned_at)).where(Backup.account_id == account))
            pinned_at = max(moment, (newest or 0) + 1)
            row = session.get(Backup, (account, str(cid)))
            if row is None:
                session.add(Backup(account_id=account, cid=str(cid), pinned_at=pinned_at))
            else:
                row.pinned_at = pinned_at
            session.flush()
            kept = select(Backup.cid).where(Backup.account_id == account)
            older = list(session.scalars(kept.order_by(Backup.pinned_at.desc()).offset(KEPT)))
            session.execute(delete(Backup).where(Backup.account_id == account, Backup.cid.in_(older)))
            released = unkept(session, older)
        self.release(released)
        return cid

    def release(self, cids: Iterable[str]) -> None:
        """Unpin what no account keeps any more, and remove its blocks from this host's disk."""
        cids = list(cids)
        if not cids:
            return
        store = self.store()
        for cid in cids:
            stores.release(store, cid)
        stores.collect(store)

    def fetch(self, text: object) -> bytes:
        if not isinstance(text, str) or len(text) > 200:
            raise Problem(422, "cid must be the backup's CID.")
        try:
            cid = stores.parse_cid(text)
        except CidFormatError:
            raise Problem(422, "cid must be the backup's CID.") from None
        store = self.store()
        try:
            size = store.stat(cid).size
        except IpfsError:
            raise Problem(404, _NOT_FOUND) from None
        if size != backup.SIZE:
            raise Problem(404, _NOT_FOUND)
        try:
            return stores.fetch_backup(store, cid)
        except (BackupNotFound, BackupDamaged):
            raise Problem(404, _NOT_FOUND) from None


def _pinned(store: Store, cid: CID) -> bool:
    try:
        return store.stat(cid).pinned
    except IpfsError:
        return False


def unkept(session: Session, cids: list[str]) -> list[str]:
    """Those of ``cids`` that no account's row names."""
    if not cids:
        return []
    still = select(Backup.cid, func.count()).where(Backup.cid.in_(cids)).group_by(Backup.cid)
    kept = {cid for cid, _count in session.execute(still)}
    return [cid for cid in cids if cid not in kept]
