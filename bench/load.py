"""The benchmarks' load generator: HTTP requests from a process of its own, closed or open loop, and
the CPU time the server's processes spent per request.

``run_load`` starts the generator in a spawned process, so that it shares no interpreter lock with
the benchmark or the server; each connection sends its next body as soon as the previous answer
arrives (closed loop: the most the service can do) or, with a rate, a request is due every 1/rate
seconds whatever the answers (open loop: the latency at that load, counted from when each request
was due). Answers other than the expected status count as errors. The server's CPU time is read
from /proc for its process and every descendant (``serve --workers N`` runs N worker processes
under a supervisor).

The generator speaks HTTP/1.1 itself, over asyncio's transports, with ``httptools`` (the C parser
uvicorn uses) reading the answers: some 0.1 ms of CPU a request. An ``httpx.AsyncClient`` cost
1.7 to 2.6 ms of CPU a request here; on two cores it took most of one at 400 requests a second, and
its own queueing made the tail: against a server doing nothing but 2 ms of CPU a request on two
threads, 32 connections measured p50 72 ms, p99 391 ms through httpx, and p50 66 ms, p99 81 ms
through this client (2026-12-07, a quiet machine). The tail measured is the server's.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httptools
from common import summary


@dataclass(frozen=True)
class Target:
    """Where the requests go and what a good answer is."""

    url: str
    path: str
    expected: int
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})

    def request(self, body: bytes) -> bytes:
        """The whole HTTP/1.1 request for ``body``."""
        split = urlsplit(self.url)
        lines = [f"POST {self.path} HTTP/1.1", f"Host: {split.netloc}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _Connection(asyncio.Protocol):
    """One keep-alive connection: a request at a time, its answer's status when complete."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.answer: asyncio.Future[int] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(ConnectionError(f"malformed answer: {error}"))

    def on_message_complete(self) -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(self.parser.get_status_code())

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(ConnectionError("the server closed the connection"))

    def _fail(self, error: Exception) -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_exception(error)
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    @property
    def usable(self) -> bool:
        return self.transport is not None and self.parser.should_keep_alive()

    async def send(self, request: bytes) -> int:
        assert self.transport is not None
        self.answer = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.answer


class _Connections:
    """A fixed number of connections to the target, opened again after a failure or a close."""

    def __init__(self, target: Target, concurrency: int) -> None:
        split = urlsplit(target.url)
        self.host, self.port = split.hostname or "127.0.0.1", split.port or 80
        self.idle: asyncio.Queue[_Connection | None] = asyncio.Queue()
        for _ in range(concurrency):
            self.idle.put_nowait(None)  # opened when first used

    async def send(self, request: bytes, timeout: float) -> int:
        connection = await self.idle.get()
        try:
            if connection is None or not connection.usable:
                _, connection = await asyncio.get_running_loop().create_connection(
                    _Connection, self.host, self.port
                )
            return await asyncio.wait_for(connection.send(request), timeout)
        except BaseException:
            if connection is not None and connection.transport is not None:
                connection.transport.close()
            connection = None
            raise
        finally:
            self.idle.put_nowait(connection)

    def close(self) -> None:
        while not self.idle.empty():
            connection = self.idle.get_nowait()
            if connection is not None and connection.transport is not None:
                connection.transport.close()


async def _drive(
    target: Target,
    bodies: list[bytes],
    total: int,
    seconds: float,
    warmup: float,
    concurrency: int,
    rate: float | None,
) -> dict[str, Any]:
    """Closed loop (each connection sends again when answered) or, with ``rate``, open loop: a
    request every 1/rate seconds, its latency counted from when it was due (so time spent waiting
    for a free connection counts too)."""
    latencies: list[float] = []
    errors = 0
    sent = 0
    warmup_requests = 0
    requests = [target.request(body) for body in bodies]
    connections = _Connections(target, concurrency)
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + seconds

    async def send(request: bytes, due: float) -> None:
        nonlocal errors, warmup_requests
        try:
            failed = await connections.send(request, timeout=60) != target.expected
        except (OSError, TimeoutError):
            failed = True
        if due >= measure_from:
            latencies.append(time.perf_counter() - due)
            errors += failed
        else:
            warmup_requests += 1

    async def connection() -> None:
        nonlocal sent
        while (due := time.perf_counter()) < stop_at and sent < total:
            sent += 1
            await send(requests[(sent - 1) % len(requests)], due)

    async def scheduler(rate: float) -> None:
        nonlocal sent
        pending = []
        while sent < total and (due := start + sent / rate) < stop_at:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            pending.append(asyncio.create_task(send(requests[sent % len(requests)], due)))
            sent += 1
        await asyncio.gather(*pending)

    cpu = time.process_time()
    try:
        if rate:
            await scheduler(rate)
        else:
            await asyncio.gather(*(connection() for _ in range(concurrency)))
    finally:
        connections.close()
    elapsed = min(time.perf_counter(), stop_at) - measure_from
    return {
        "latencies": latencies,
        "errors": errors,
        "elapsed": elapsed,
        "exhausted": sent >= total,
        "cpu": time.process_time() - cpu,
        "warmup_requests": warmup_requests,
    }


def _generator(
    target: Target,
    pool: str,
    total: int,
    seconds: float,
    warmup: float,
    concurrency: int,
    rate: float | None,
    out: Any,
) -> None:
    bodies = pickle.loads(Path(pool).read_bytes())
    out.send(asyncio.run(_drive(target, bodies, total, seconds, warmup, concurrency, rate)))


def _children(pid: int) -> list[int]:
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in listed]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and of its live descendants, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(child) for child in _children(pid))


def run_load(
    target: Target,
    bodies: list[bytes],
    pool_file: Path,
    server_pid: int,
    *,
    seconds: float,
    warmup: float,
    concurrency: int,
    rate: float | None = None,
    total: int | None = None,
) -> dict[str, Any]:
    """Send ``bodies`` to ``target`` in order, ``total`` requests at most (default: each body once;
    more goes round the bodies again); requests per second, latency, errors, and the CPU
    milliseconds per request of the server's processes and of the load generator."""
    pool_file.write_bytes(pickle.dumps(bodies))
    receiving, sending = multiprocessing.Pipe(duplex=False)
    generator = multiprocessing.get_context("spawn").Process(
        target=_generator,
        args=(target, str(pool_file), total or len(bodies), seconds, warmup, concurrency, rate, sending),
    )
    load = os.getloadavg()[0]
    server_cpu = cpu_seconds(server_pid)
    generator.start()
    outcome = receiving.recv()
    generator.join()
    server_cpu = cpu_seconds(server_pid) - server_cpu
    count = len(outcome["latencies"])
    if count < 100:
        raise SystemExit("Too few requests were measured; lengthen --seconds or enlarge --pool.")
    # both processes' CPU includes the warm-up, so it is divided by every request sent
    sent = count + outcome["warmup_requests"]
    return {
        "concurrency": concurrency,
        "rate": rate,
        "seconds": round(outcome["elapsed"], 2),
        "requests": count,
        "requests_per_second": round(count / outcome["elapsed"], 1),
        "latency_ms": summary(outcome["latencies"]),
        "errors": outcome["errors"],
        "pool_exhausted": outcome["exhausted"],
        "cpu_ms_per_request": {
            "server": round(server_cpu * 1000 / sent, 3),
            "load_generator": round(outcome["cpu"] * 1000 / sent, 3),
        },
        "load_average": {"before": round(load, 2), "after": round(os.getloadavg()[0], 2)},
    }
