"""Pinning to several stores at once, losing nothing to an outage (DESIGN.md §5: "an upload is
acknowledged only after the pin is confirmed; a failed pin is retried from a durable queue").

A :class:`ReplicatedStore` is a :class:`nansen.ipfs.store.Store`. Its primary is the embedded store:
``put`` (and ``import_car``, ``pin``) returns once the content is durable and pinned there, which is
the acknowledgement. Each other target, a *replica* (a kubo node, a pinning service), gets a job
in the durable queue (:mod:`nansen.ipfs.jobs`) before ``put`` returns, and the job is tried at once;
one that fails stays queued and is retried, with a growing pause, by every later ``sync`` until it
succeeds. ``unpin`` does the same with unpin jobs (DESIGN.md §1 step 10: a deleted document's pins
are removed everywhere). Content the primary lacks is read from the first reader (a node) that
holds it, every block verified as always.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from nansen.errors import NansenError
from nansen.ipfs.block import Block
from nansen.ipfs.car import Writable
from nansen.ipfs.cid import CID
from nansen.ipfs.embedded import EmbeddedStore
from nansen.ipfs.errors import ContentNotFound
from nansen.ipfs.importer import Readable
from nansen.ipfs.jobs import Action, Backlog, Job, JobQueue
from nansen.ipfs.store import Stat, Store

#: What reports call the primary.
PRIMARY = "embedded"


class Replica(Protocol):
    """A target that keeps copies: :class:`nansen.ipfs.rpc.RpcStore`, :class:`nansen.ipfs.pinning.PinningService`."""

    name: str

    def replicate(self, cid: CID, source: Store) -> None:
        """Pin the content here, copying it from ``source`` as needed; return once the pin is confirmed."""
        ...

    def release(self, cid: CID) -> None:
        """Remove the pin here, if there is one."""
        ...

    def pinned(self, cid: CID) -> bool: ...


@dataclass(frozen=True)
class SyncReport:
    done: int
    failed: int
    #: Jobs still queued after the run (failed ones, those not yet due, those of unconfigured targets).
    left: int


@dataclass(frozen=True)
class Placement:
    target: str
    #: None when the target could not be asked.
    pinned: bool | None
    #: The queued job for the content at this target, if any.
    job: Job | None


@dataclass(frozen=True)
class Health:
    cid: CID
    places: tuple[Placement, ...]

    @property
    def complete(self) -> bool:
        """Pinned everywhere, with nothing queued."""
        return all(place.pinned and place.job is None for place in self.places)


@dataclass(frozen=True)
class Whereabouts:
    """Where just-stored content is pinned now, and at which targets its copy is still queued."""

    pinned_at: tuple[str, ...]
    queued_for: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "pinnedAt": list(self.pinned_at),
            "replicationPending": bool(self.queued_for),
            "queuedFor": list(self.queued_for),
        }


def whereabouts(store: Store, cid: CID) -> Whereabouts:
    """Where ``cid`` is pinned: the primary, and each replica whose copy is no longer queued (its
    confirmed pin, :meth:`ReplicatedStore.put`); a store that is not replicated is the primary alone."""
    if not isinstance(store, ReplicatedStore):
        return Whereabouts((PRIMARY,), ())
    queued = tuple(sorted({job.target for job in store.pending(cid) if job.action == "pin"}))
    done = tuple(name for name in sorted(store.replicas) if name not in queued)
    return Whereabouts((PRIMARY, *done), queued)


class ReplicatedStore:
    """The embedded store ``primary``, copied to each of ``replicas`` through ``queue``.

    ``readers`` are stores to read content the primary lacks from (the kubo node, usually also a
    replica).
    """

    def __init__(
        self,
        primary: EmbeddedStore,
        replicas: Sequence[Replica],
        queue: JobQueue,
        readers: Sequence[Store] = (),
    ) -> None:
        self.primary = primary
        self.replicas = {replica.name: replica for replica in replicas}
        self.queue = queue
        self._readers = readers

    def put(self, stream: Readable) -> CID:
        return self._spread(self.primary.put(stream), "pin")

    def import_car(self, stream: Readable) -> CID:
        return self._spread(self.primary.import_car(stream), "pin")

    def pin(self, cid: CID) -> None:
        self.primary.pin(cid)
        self._spread(cid, "pin")

    def unpin(self, cid: CID) -> None:
        self.primary.unpin(cid)
        self._spread(cid, "unpin")

    def gc(self) -> int:
        """Collect the primary (:meth:`EmbeddedStore.gc`); nodes and services collect on their own terms."""
        return self.primary.gc()

    def get(self, cid: CID) -> Iterator[bytes]:
        return self._source(cid).get(cid)

    def blocks(self, cid: CID) -> Iterator[Block]:
        return self._source(cid).blocks(cid)

    def has(self, cid: CID) -> bool:
        try:
            self._source(cid)
        except ContentNotFound:
            return False
        return True

    def stat(self, cid: CID) -> Stat:
        return self._source(cid).stat(cid)

    def export_car(self, cid: CID, out: Writable) -> None:
        self._source(cid).export_car(cid, out)

    def pending(self, cid: CID) -> list[Job]:
        """The queued jobs for the content."""
        return self.queue.jobs(cid) if self.replicas else []

    def backlog(self) -> Backlog:
        """How many copies and removals are queued, and how long the oldest has waited."""
        return self.queue.backlog() if self.replicas else Backlog(0, None)

    def sync(self, cid: CID | None = None, *, early: bool = False) -> SyncReport:
        """Try every due job (of one content, if given; every job, due or not, with ``early``)."""
        done = failed = 0
        for job in self.queue.jobs(cid):
            replica = self.replicas.get(job.target)
            if replica is None or not self.queue.claim(job, early=early):
                continue
            try:
                if job.action == "pin":
                    replica.replicate(job.cid, self.primary)
                else:
                    replica.release(job.cid)
            except NansenError as error:
                self.queue.failed(job, str(error))
                failed += 1
            else:
                self.queue.done(job)
                done += 1
        return SyncReport(done=done, failed=failed, left=len(self.queue.jobs(cid)))

    def health(self) -> list[Health]:
        """For every content pinned in the primary or queued for a replica: where it is pinned.

        Each replica is asked about each content; one that cannot be reached is not asked again.
        """
        jobs: dict[CID, dict[str, Job]] = {}
        for job in self.queue.jobs() if self.replicas else []:
            jobs.setdefault(job.cid, {})[job.target] = job
        pinned_here = list(self.primary.pins())
        contents = pinned_here + sorted(set(jobs) - set(pinned_here))
        asked = {name: _Asker(replica.pinned) for name, replica in self.replicas.items()}
        targets = sorted({*self.replicas, *(target for each in jobs.values() for target in each)})
        report = []
        for cid in contents:
            places = [Placement(PRIMARY, cid in pinned_here, None)]
            for target in targets:
                ask = asked.get(target)
                places.append(Placement(target, ask(cid) if ask else None, jobs.get(cid, {}).get(target)))
            report.append(Health(cid, tuple(places)))
        return report

    def _spread(self, cid: CID, action: Action) -> CID:
        if self.replicas:
            self.queue.enqueue(cid, list(self.replicas), action)
            self.sync(cid)
        return cid

    def _source(self, cid: CID) -> Store:
        """The primary if it holds the content, else the first reader that does."""
        if self.primary.has(cid):
            return self.primary
        for reader in self._readers:
            try:
                if reader.has(cid):
                    return reader
            except NansenError:
                continue
        raise ContentNotFound("The content is not in the store.")


class _Asker:
    """Asks one replica whether content is pinned, until it fails to answer once."""

    def __init__(self, pinned: Callable[[CID], bool]) -> None:
        self._pinned = pinned
        self._reachable = True

    def __call__(self, cid: CID) -> bool | None:
        if not self._reachable:
            return None
        try:
            return self._pinned(cid)
        except NansenError:
            self._reachable = False
            return None
