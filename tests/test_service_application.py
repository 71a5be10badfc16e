"""The application every service starts from (service/application.py): work repeated in the
background keeps going after a failure that it logs by kind only, and stops with the service,
whose engine is then disposed of; the body limit, the catch-all and the access log are in place."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy import Engine, create_engine, event, text

from service.application import Periodic, service_app
from tests.servers import loopback_socket, serving

SECRET = "amina-haddad-N0123456"


def engine_counting_closes(tmp_path: Path) -> tuple[Engine, list[str]]:
    engine = create_engine(f"sqlite:///{tmp_path / 'kit.sqlite3'}")
    closed: list[str] = []
    event.listen(engine.pool, "close", lambda *_: closed.append("closed"))
    return engine, closed


def test_periodic_work_goes_on_after_a_failure_logged_by_its_kind_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rounds: list[str] = []
    threads: set[str] = set()
    loop_threads: set[str] = set()

    def work() -> None:
        threads.add(threading.current_thread().name)
        rounds.append("round")
        if len(rounds) == 1:
            raise ValueError(SECRET)

    async def run() -> None:
        loop_threads.add(threading.current_thread().name)
        task = asyncio.create_task(Periodic(work, 0.01, "The work could not be done").forever())
        while len(rounds) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    # A loop of its own in a thread of its own (the session's may already run one in this thread).
    looping = threading.Thread(target=asyncio.run, args=(run(),))
    with caplog.at_level(logging.WARNING, logger="service.application"):
        looping.start()
        looping.join(timeout=30)
    assert not looping.is_alive()
    assert len(rounds) >= 3
    assert threads
    assert not threads & loop_threads  # in a worker thread, never on the event loop
    assert [record.getMessage() for record in caplog.records] == ["The work could not be done (ValueError)."]
    assert SECRET not in caplog.text


def test_the_service_starts_repeats_and_stops_disposing_of_its_engine(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine, closed = engine_counting_closes(tmp_path)
    started: list[str] = []
    rounds: list[str] = []

    async def starting() -> None:
        started.append("started")

    app = service_app(
        title="Kit",
        summary="A service made by the kit.",
        engine=engine,
        body_limit=100,
        larger_bodies={"/large": 1000},
        access_log="kit.access",
        starting=starting,
        periodic=[Periodic(lambda: rounds.append("round"), 0.01, "Nothing could be done")],
    )

    @app.post("/small")
    @app.post("/large")
    async def take(request: Request) -> dict[str, int]:
        return {"length": len(await request.body())}

    @app.get("/fails")
    def fails() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        raise RuntimeError(SECRET)

    sock, port = loopback_socket()
    url = f"http://127.0.0.1:{port}"
    with caplog.at_level(logging.INFO), serving(app, sock), httpx.Client(base_url=url) as http:
        assert started == ["started"]
        assert http.post("/small", content=b"x" * 101).status_code == 413
        assert http.post("/large", content=b"x" * 101).status_code == 200
        assert http.post("/large", content=b"x" * 1001).status_code == 413
        failed = http.get("/fails")
        assert failed.status_code == 500
        assert failed.headers["content-type"] == "application/problem+json"
        while not rounds:
            threading.Event().wait(0.01)
        assert not closed
    assert closed  # the pooled connection /fails used was closed when the engine was disposed of
    counted = len(rounds)
    threading.Event().wait(0.05)
    assert len(rounds) == counted  # the periodic work stopped with the service
    access = [r.getMessage() for r in caplog.records if r.name == "kit.access"]
    assert any(line.startswith("POST /large 200 ") for line in access), access
    assert any(line.startswith("GET /fails 500 ") for line in access), access
    assert SECRET not in caplog.text


def test_without_an_access_log_name_no_access_log_is_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine, _ = engine_counting_closes(tmp_path)
    app: FastAPI = service_app(
        title="Kit", summary="No access log.", engine=engine, body_limit=100, larger_bodies={}
    )
    sock, port = loopback_socket()
    with caplog.at_level(logging.INFO), serving(app, sock):
        assert httpx.get(f"http://127.0.0.1:{port}/nothing").status_code == 404
    assert not [r for r in caplog.records if r.name.endswith(".access")]
