"""Finding and unpinning orphaned scans: encrypted documents pinned by an upload that never became a
credential (the service was killed between pinning and issuing, issuer.documents).

Such a ciphertext can never be read (its key was sealed only in the answer that was never given),
but it takes space and, replicated, it costs the partner at its pinning service. The sweep lists
the pins of the issuer's embedded store and unpins (everywhere: a replicated store queues the
unpin at each replica) each one that

- no credential names: the database keeps a document's CID only as an HMAC under the master key
  (``document-cid``), so the sweep computes that HMAC of each pinned CID, here in the issuer, the
  only place that holds the key; nothing outside the issuer ever needs it;
- was pinned longer ago than the grace period (an upload in flight has pinned but not yet issued;
  by default :data:`issuer.documents.ABANDONED_AFTER`, after which a retry starts afresh anyway);
- is an encrypted document (its bytes begin with the ``NSDOC`` prefix, nansen.crypto.stream), so
  nothing else the store may hold is touched.

It runs as ``nansen issuer sweep`` and once in the background when ``nansen issuer serve`` starts. The log
gives counts only, never a CID.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from issuer.documents import ABANDONED_AFTER
from issuer.models import Document
from issuer.vault import Vault
from nansen.crypto.stream import MAGIC
from nansen.errors import NansenError
from nansen.ipfs import CID, EmbeddedStore, Store
from nansen.ipfs.errors import NotPinned
from nansen.ipfs.replication import ReplicatedStore

log = logging.getLogger("issuer.sweep")

#: The label of the HMAC under which the database names a document's CID (issuer.documents).
CID_LABEL = "document-cid"


@dataclass(frozen=True)
class SweepReport:
    #: Pinned contents looked at.
    examined: int
    #: Named by a credential: kept.
    named: int
    #: Pinned within the grace period: kept (an upload may be in flight).
    recent: int
    #: Not an encrypted document: kept.
    other: int
    #: Orphans unpinned (or, in a dry run, that would be).
    unpinned: int

    def sentence(self, *, dry_run: bool = False) -> str:
        verb = "would be unpinned" if dry_run else "unpinned"
        return (
            f"{self.examined} pinned: {self.named} named by credentials, {self.recent} too recent to judge, "
            f"{self.other} not encrypted documents, {self.unpinned} orphaned {verb}."
        )


def _is_encrypted_document(store: EmbeddedStore, cid: CID) -> bool:
    try:
        first = next(iter(store.get(cid)), b"")
    except NansenError:
        return False
    return first.startswith(MAGIC)


def sweep(
    sessions: sessionmaker[Session],
    vault: Vault,
    store: Store,
    *,
    grace: timedelta = ABANDONED_AFTER,
    dry_run: bool = False,
) -> SweepReport:
    """Unpin the orphaned scans of ``store`` (see the module's description) and say what was done."""
    primary = store.primary if isinstance(store, ReplicatedStore) else store
    if not isinstance(primary, EmbeddedStore):
        return SweepReport(0, 0, 0, 0, 0)
    with sessions() as session:
        named = set(session.scalars(select(Document.cid_mac).where(Document.cid_mac.is_not(None))))
    examined = kept = recent = other = unpinned = 0
    started = time.time()
    for cid in list(primary.pins()):
        examined += 1
        if vault.mac(CID_LABEL, str(cid).encode()) in named:
            kept += 1
            continue
        pinned_since = primary.pinned_since(cid)
        if pinned_since is None:
            continue  # unpinned meanwhile
        if started - pinned_since < grace.total_seconds():
            recent += 1
            continue
        if not _is_encrypted_document(primary, cid):
            other += 1
            continue
        if not dry_run:
            try:
                store.unpin(cid)
            except NotPinned:
                continue  # another process's sweep was first
        unpinned += 1
    report = SweepReport(examined, kept, recent, other, unpinned)
    log.info("Sweep of orphaned scans: %s", report.sentence(dry_run=dry_run))
    return report


def sweep_in_background(sessions: sessionmaker[Session], vault: Vault, store: Callable[[], Store]) -> None:
    """Sweep once, in a thread of its own, so the service starts answering at once (the start-up sweep)."""

    def run() -> None:
        try:
            sweep(sessions, vault, store())
        except Exception as error:  # a failed sweep must never stop the service; the next one retries
            log.warning("The sweep of orphaned scans failed (%s).", type(error).__name__)

    threading.Thread(target=run, name="nansen-sweep", daemon=True).start()
