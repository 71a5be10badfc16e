"""Single use under concurrency, on a SQLite file and on PostgreSQL: exactly one request wins."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from tests.helpers import ISSUED, presentation, signed_credential
from tests.verifier.support import FakeClock, Service, one_way, service, sqlite_url
from verifier import replay
from verifier.db import create_db_engine, session_factory
from verifier.migrate import upgrade

RACERS = 16


def race(service_: Service, body: dict[str, object]) -> list[int]:
    """Send the same body RACERS times at once, each on its own connection; the status codes."""
    start = threading.Barrier(RACERS)

    def send(_: int) -> int:
        with httpx.Client(timeout=120) as client:
            start.wait()
            return client.post(service_.url + "/presentations/verify", json=body).status_code

    with ThreadPoolExecutor(RACERS) as pool:
        return list(pool.map(send, range(RACERS)))


def test_concurrent_requests_spend_a_challenge_once(database_url: str, tmp_path: Path) -> None:
    with service(database_url, tmp_path) as running:
        nonce = running.challenge()
        vp = presentation(signed_credential(), challenge=nonce)
        codes = race(running, {"verifiablePresentation": vp, "options": {"challenge": nonce}})
    assert sorted(codes) == [200] + [400] * (RACERS - 1)


def test_concurrent_one_way_replays_are_accepted_once(database_url: str, tmp_path: Path) -> None:
    with service(database_url, tmp_path) as running:
        codes = race(running, {"verifiablePresentation": one_way(signed_credential())})
    assert sorted(codes) == [200] + [400] * (RACERS - 1)


@dataclass
class CountingClock(FakeClock):
    """A clock that takes a while to read and counts how many threads read it at once."""

    inside: int = 0
    most: int = 0
    guard: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self) -> datetime:
        with self.guard:
            self.inside += 1
            self.most = max(self.most, self.inside)
        time.sleep(0.05)
        with self.guard:
            self.inside -= 1
        return self.moment


def test_requests_share_a_bounded_number_of_threads(tmp_path: Path) -> None:
    """NANSEN_VERIFIER_REQUEST_THREADS bounds the verifications running at once (each reads the
    clock on its request thread): sixteen sent together are all answered, never more than two at once."""
    clock = CountingClock()
    with service(sqlite_url(tmp_path), tmp_path, clock=clock, request_threads=2) as running:
        codes = race(running, {"verifiablePresentation": one_way(signed_credential())})
    assert sorted(codes) == [200] + [400] * (RACERS - 1)
    assert clock.most == 2


def test_concurrent_spends_in_the_store(database_url: str) -> None:
    """Without HTTP in between: RACERS sessions run the conditional UPDATE at the same moment."""
    engine = create_db_engine(database_url)
    try:
        upgrade(engine)
        sessions = session_factory(engine)
        moment = ISSUED
        for _round in range(3):
            with sessions() as session:
                nonce, _ = replay.issue_challenge(session, moment, timedelta(minutes=5))
            start = threading.Barrier(RACERS)

            def spend(_: int, nonce: str = nonce, start: threading.Barrier = start) -> bool:
                with sessions() as session:
                    start.wait()
                    return replay.spend_challenge(session, nonce, moment)

            with ThreadPoolExecutor(RACERS) as pool:
                assert sum(pool.map(spend, range(RACERS))) == 1
    finally:
        engine.dispose()
