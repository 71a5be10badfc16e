"""Replication: the embedded store copied to a real node and a real pinning service through the
durable queue; an outage loses nothing and catches up; health tells where content is pinned."""

from __future__ import annotations

import io
import logging
import os
import stat
from pathlib import Path

import pytest

from nansen.ipfs import (
    CID,
    ContentNotFound,
    EmbeddedStore,
    JobQueue,
    PinningService,
    ReplicatedStore,
    Retry,
    RpcStore,
    Store,
)
from nansen.ipfs.jobs import FIRST_PAUSE, LEASE
from tests.ipfs.conftest import Services
from tests.ipfs.fakes import closed_port


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def queue(tmp_path: Path, clock: Clock) -> JobQueue:
    return JobQueue(tmp_path / "replication.sqlite3", clock)


@pytest.fixture
def embedded(tmp_path: Path) -> EmbeddedStore:
    return EmbeddedStore(tmp_path / "ipfs")


def down() -> RpcStore:
    """A kubo target whose node is down (connection refused)."""
    return RpcStore(closed_port(), timeout=2, retry=Retry(attempts=1))


def document() -> io.BytesIO:
    return io.BytesIO(os.urandom(600_000))


def test_it_is_a_store(embedded: EmbeddedStore, queue: JobQueue) -> None:
    typed: Store = ReplicatedStore(embedded, [], queue)
    assert isinstance(typed, ReplicatedStore)


def test_put_pins_in_the_primary_and_at_the_node(
    embedded: EmbeddedStore, queue: JobQueue, node: RpcStore
) -> None:
    store = ReplicatedStore(embedded, [node], queue)
    data = document()
    cid = store.put(data)
    assert embedded.stat(cid).pinned
    assert node.pinned(cid)
    assert store.pending(cid) == []
    assert b"".join(store.get(cid)) == data.getvalue()
    [health] = store.health()
    assert health.cid == cid
    assert [(place.target, place.pinned, place.job) for place in health.places] == [
        ("embedded", True, None),
        ("kubo", True, None),
    ]
    assert health.complete
    store.unpin(cid)
    assert not embedded.stat(cid).pinned
    assert not node.pinned(cid)


def test_an_outage_loses_nothing_and_catches_up(
    tmp_path: Path, embedded: EmbeddedStore, clock: Clock, node: RpcStore, services: Services
) -> None:
    path = tmp_path / "replication.sqlite3"
    store = ReplicatedStore(embedded, [down()], JobQueue(path, clock))
    data = document()
    cid = store.put(data)  # acknowledged: durable and pinned in the embedded store
    assert embedded.stat(cid).pinned
    [job] = store.pending(cid)
    assert (job.target, job.action, job.attempts) == ("kubo", "pin", 1)
    assert job.last_error == "The IPFS node cannot be reached."
    [health] = store.health()
    assert [(place.target, place.pinned) for place in health.places] == [("embedded", True), ("kubo", None)]
    assert health.places[1].job == job
    assert not health.complete

    # A restart: a new process, the same data directory; the node is back.
    restarted = ReplicatedStore(EmbeddedStore(tmp_path / "ipfs"), [node], JobQueue(path, clock))
    assert restarted.sync().done == 0  # not due yet: it waits out its pause
    clock.now += FIRST_PAUSE
    report = restarted.sync()
    assert (report.done, report.failed, report.left) == (1, 0, 0)
    assert node.pinned(cid)
    assert b"".join(node.get(cid)) == data.getvalue()
    assert all(each.complete for each in restarted.health())


def test_failures_back_off_and_early_sync_ignores_the_pause(
    embedded: EmbeddedStore, queue: JobQueue, clock: Clock
) -> None:
    store = ReplicatedStore(embedded, [down()], queue)
    cid = store.put(document())
    clock.now += FIRST_PAUSE
    assert store.sync().failed == 1
    [job] = store.pending(cid)
    assert job.attempts == 2
    assert job.next_attempt == clock.now + 2 * FIRST_PAUSE
    clock.now += FIRST_PAUSE
    assert store.sync().failed == 0  # still pausing
    assert store.sync(early=True).failed == 1


def test_replication_to_a_pinning_service_through_the_node(
    embedded: EmbeddedStore, queue: JobQueue, node: RpcStore, services: Services
) -> None:
    pinning = PinningService(
        services.pinning_url, services.pinning_token, origin=node, label="pinned-nansen", deadline=10
    )
    store = ReplicatedStore(embedded, [node, pinning], queue)
    cid = store.put(document())
    assert store.pending(cid) == []
    assert node.pinned(cid)
    assert pinning.pinned(cid)
    [health] = store.health()
    assert [(place.target, place.pinned) for place in health.places] == [
        ("embedded", True),
        ("kubo", True),
        ("pinning", True),
    ]
    store.unpin(cid)
    assert not pinning.pinned(cid)
    assert not node.pinned(cid)


def test_a_failed_remote_pin_stays_queued(
    embedded: EmbeddedStore, queue: JobQueue, node: RpcStore, services: Services
) -> None:
    pinning = PinningService(services.pinning_url, services.pinning_token, origin=node, label="failed-nansen")
    store = ReplicatedStore(embedded, [pinning], queue)
    cid = store.put(document())
    [job] = store.pending(cid)
    assert job.last_error == "The pinning service could not pin the content."


def test_an_unpin_replaces_a_queued_pin(embedded: EmbeddedStore, queue: JobQueue) -> None:
    store = ReplicatedStore(embedded, [down()], queue)
    cid = store.put(document())
    store.unpin(cid)
    [job] = store.pending(cid)
    assert (job.action, job.attempts) == ("unpin", 1)


def test_content_the_primary_lacks_is_read_from_the_node(
    embedded: EmbeddedStore, queue: JobQueue, node: RpcStore
) -> None:
    data = document()
    cid = node.put(data)
    store = ReplicatedStore(embedded, [], queue, readers=[down(), node])
    assert store.has(cid)
    assert b"".join(store.get(cid)) == data.getvalue()
    assert store.stat(cid).size == len(data.getvalue())
    absent = CID.of(0x55, os.urandom(16))
    assert not ReplicatedStore(embedded, [], queue, readers=[down()]).has(absent)
    with pytest.raises(ContentNotFound, match=r"^The content is not in the store"):
        store.stat(absent)


def test_a_leased_job_is_not_run_twice_and_a_crashed_one_comes_back(
    embedded: EmbeddedStore, queue: JobQueue, clock: Clock, node: RpcStore
) -> None:
    cid = embedded.put(document())
    queue.enqueue(cid, ["kubo"], "pin")
    [job] = queue.jobs()
    assert queue.claim(job)
    assert not queue.claim(job)  # another worker does not get it
    # The worker that claimed it dies here. Its lease runs out, and the job is done by another.
    store = ReplicatedStore(embedded, [node], queue)
    assert store.sync().done == 0
    clock.now += LEASE
    assert store.sync().done == 1
    assert node.pinned(cid)


def test_jobs_of_a_target_no_longer_configured_are_kept_and_shown(
    embedded: EmbeddedStore, queue: JobQueue
) -> None:
    ReplicatedStore(embedded, [down()], queue).put(document())
    pinning_only = ReplicatedStore(embedded, [PinningService(closed_port(), "t", origin=None)], queue)
    report = pinning_only.sync(early=True)
    assert report.left == 1
    [health] = pinning_only.health()
    assert [place.target for place in health.places] == ["embedded", "kubo", "pinning"]
    assert health.places[1].job is not None
    assert health.places[1].pinned is None  # not configured, so not asked


def test_the_queue_is_private_and_names_no_content_in_logs(
    embedded: EmbeddedStore, queue: JobQueue, node: RpcStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cid = ReplicatedStore(embedded, [node], queue).put(document())
    assert stat.S_IMODE(queue.path.stat().st_mode) == 0o600
    assert "HTTP Request: POST" in caplog.text  # httpx logged its requests, without their query strings
    assert str(cid) not in caplog.text
    assert cid.base58btc() not in caplog.text
