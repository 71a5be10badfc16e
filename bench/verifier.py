"""Sustained ``POST /presentations/verify`` against the verifier service, one uvicorn process on loopback.

    .venv/bin/python bench/verifier.py [--seconds 30] [--concurrency 8] [--mode one-way|challenge]
                                       [--rate R] [--suite eddsa-rdfc-2022] [--database-url URL] [--json]

Starts ``python -m verifier serve`` (what ``nansen verifier serve`` runs) on 127.0.0.1 with a
fresh data directory (SQLite, unless ``--database-url``), pre-signs a pool of presentations of
an identity credential (one-way: fresh proofs, each accepted once; challenge: a challenge fetched
from the service ahead for each), then drives the service from a load generator in a separate
process: asyncio and httpx with a fixed number of connections, each sending its next
presentation as soon as the previous answer arrives (closed loop: the most the service can
do), or, with ``--rate``, a request every 1/R seconds whatever the answers (open loop: the
latency at that load, counted from when each request was due). Every presentation is used once, so every
answer should be 200; anything else counts as an error. After a warm-up, it prints requests per
second, median and 99th-percentile latency, the error count, and the CPU time the server and
the load generator used per request. Benchmarks print figures; tests never assert them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nansen import vcdm
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair
from nansen.proofs import SUITES, ProofOptions, add_proof

ISSUER = did_key.signing_key(Ed25519KeyPair.from_seed(b"\x11" * 32))
HOLDER = did_key.signing_key(Ed25519KeyPair.from_seed(b"\x22" * 32))
DOMAIN = "bench.example"


def credential(suite: str) -> dict[str, Any]:
    """An identity credential without a status entry (this service has no status lists yet)."""
    unsigned = vcdm.build_identity_credential(
        issuer=ISSUER.controller,
        holder=HOLDER.controller,
        document_type="Passport",
        facts={
            "documentNumber": "N0123456",
            "givenName": "Amina",
            "familyName": "Haddad",
            "birthDate": "1990-04-01",
            "issuingCountry": "SY",
        },
        evidence=[
            {
                "type": "DocumentCheck",
                "checkedBy": ISSUER.controller,
                "checkedAt": "2026-01-05T09:00:00Z",
                "checkMethod": "Original inspected",
            }
        ],
        valid_from=datetime.now(UTC) - timedelta(days=1),
    )
    return add_proof(unsigned, ISSUER, ProofOptions(cryptosuite=suite))


def presentation_body(signed: dict[str, Any], suite: str, challenge: str | None) -> bytes:
    unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[signed])
    options = ProofOptions(purpose="authentication", cryptosuite=suite, challenge=challenge, domain=DOMAIN)
    body: dict[str, Any] = {"verifiablePresentation": add_proof(unsigned, HOLDER, options)}
    if challenge is not None:
        body["options"] = {"challenge": challenge, "domain": DOMAIN}
    return json.dumps(body).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(directory: Path, mode: str, database_url: str | None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "NANSEN_DATA_DIR": str(directory),
        "NANSEN_VERIFIER_MODE": mode,
        "NANSEN_VERIFIER_DOMAIN": DOMAIN,
    }
    if database_url:
        env["NANSEN_VERIFIER_DATABASE_URL"] = database_url
    log = (directory / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "verifier", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parent.parent,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url + "/", timeout=5)
            return server, url
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"The verifier did not start; see {directory / 'server.log'}.") from None
            time.sleep(0.1)


def build_pool(url: str, mode: str, suite: str, size: int) -> list[bytes]:
    signed = credential(suite)
    if mode == "one-way":
        return [presentation_body(signed, suite, None) for _ in range(size)]
    with httpx.Client(base_url=url, timeout=30) as client:
        challenges = [client.post("/challenges").json()["challenge"] for _ in range(size)]
    return [presentation_body(signed, suite, challenge) for challenge in challenges]


async def _drive(
    url: str, bodies: list[bytes], seconds: float, warmup: float, concurrency: int, rate: float | None
) -> dict[str, Any]:
    """Closed loop (each connection sends again when answered) or, with ``rate``, open loop: a
    request every 1/rate seconds, its latency counted from when it was due (so time spent waiting
    for a free connection counts too)."""
    latencies: list[float] = []
    errors = 0
    sent = 0
    warmup_requests = 0
    headers = {"Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        start = time.perf_counter()
        measure_from, stop_at = start + warmup, start + warmup + seconds
        connections = asyncio.Semaphore(concurrency)

        async def send(body: bytes, due: float) -> None:
            nonlocal errors, warmup_requests
            async with connections:
                try:
                    response = await client.post("/presentations/verify", content=body, headers=headers)
                    failed = response.status_code != 200
                except httpx.HTTPError:
                    failed = True
            if due >= measure_from:
                latencies.append(time.perf_counter() - due)
                errors += failed
            else:
                warmup_requests += 1

        async def connection() -> None:
            nonlocal sent
            while (due := time.perf_counter()) < stop_at and sent < len(bodies):
                sent += 1
                await send(bodies[sent - 1], due)

        async def scheduler(rate: float) -> None:
            nonlocal sent
            pending = []
            while sent < len(bodies) and (due := start + sent / rate) < stop_at:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                pending.append(asyncio.create_task(send(bodies[sent], due)))
                sent += 1
            await asyncio.gather(*pending)

        cpu = time.process_time()
        if rate:
            await scheduler(rate)
        else:
            await asyncio.gather(*(connection() for _ in range(concurrency)))
        elapsed = min(time.perf_counter(), stop_at) - measure_from
    return {
        "latencies": latencies,
        "errors": errors,
        "elapsed": elapsed,
        "exhausted": sent >= len(bodies),
        "cpu": time.process_time() - cpu,
        "warmup_requests": warmup_requests,
    }


def load_generator(
    url: str, pool: str, seconds: float, warmup: float, concurrency: int, rate: float | None, out: Any
) -> None:
    bodies = Path(pool).read_bytes().split(b"\n")
    out.send(asyncio.run(_drive(url, bodies, seconds, warmup, concurrency, rate)))


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="nansen-bench-") as tmp:
        directory = Path(tmp)
        server, url = start_server(directory, args.mode, args.database_url)
        try:
            began = time.perf_counter()
            bodies = build_pool(url, args.mode, args.suite, args.pool)
            pool_seconds = time.perf_counter() - began
            pool = directory / "pool.jsonl"
            pool.write_bytes(b"\n".join(bodies))
            receiving, sending = multiprocessing.Pipe(duplex=False)
            generator = multiprocessing.get_context("spawn").Process(
                target=load_generator,
                args=(url, str(pool), args.seconds, args.warmup, args.concurrency, args.rate, sending),
            )
            server_cpu = cpu_seconds(server.pid)
            generator.start()
            outcome = receiving.recv()
            generator.join()
            server_cpu = cpu_seconds(server.pid) - server_cpu
        finally:
            server.terminate()
            server.wait(timeout=30)
    latencies = sorted(outcome["latencies"])
    count = len(latencies)
    if count < 100:
        raise SystemExit("Too few requests were measured; lengthen --seconds or enlarge --pool.")
    return {
        "suite": args.suite,
        "mode": args.mode,
        "database": "postgresql" if args.database_url else "sqlite",
        "concurrency": args.concurrency,
        "rate": args.rate,
        "seconds": round(outcome["elapsed"], 2),
        "requests": count,
        "requests_per_second": round(count / outcome["elapsed"], 1),
        "latency_ms": {
            "p50": round(statistics.median(latencies) * 1000, 2),
            "p99": round(latencies[int(0.99 * (count - 1))] * 1000, 2),
            "max": round(latencies[-1] * 1000, 2),
        },
        "errors": outcome["errors"],
        "pool_exhausted": outcome["exhausted"],
        "pool": {"presentations": args.pool, "build_seconds": round(pool_seconds, 1)},
        "cpu_ms_per_request": {
            # both processes' CPU includes the warm-up, so it is divided by every request sent
            "server": round(server_cpu * 1000 / (count + outcome["warmup_requests"]), 3),
            "load_generator": round(outcome["cpu"] * 1000 / (count + outcome["warmup_requests"]), 3),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds (default 30)")
    parser.add_argument(
        "--warmup", type=float, default=3, help="seconds of warm-up, not measured (default 3)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="connections in flight (default 8)")
    parser.add_argument("--rate", type=float, help="open loop: requests per second (default: closed loop)")
    parser.add_argument("--mode", choices=["one-way", "challenge"], default="one-way")
    parser.add_argument("--suite", choices=sorted(SUITES), default="eddsa-rdfc-2022")
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--pool", type=int, help="presentations to pre-sign (default: 500 per second)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    args.pool = args.pool or int(500 * (args.seconds + args.warmup))
    figures = run(args)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    latency = figures["latency_ms"]
    print(
        f"{figures['suite']}, {figures['mode']}, {figures['database']}, "
        f"{figures['concurrency']} connections, "
        f"{f'{args.rate:g} requests/s offered' if args.rate else 'closed loop'}, {figures['seconds']} s measured:\n"
        f"  {figures['requests_per_second']} presentations/s ({figures['requests']} requests, "
        f"{figures['errors']} errors{', pool exhausted' if figures['pool_exhausted'] else ''})\n"
        f"  latency p50 {latency['p50']} ms, p99 {latency['p99']} ms, max {latency['max']} ms\n"
        f"  CPU per request: server {figures['cpu_ms_per_request']['server']} ms, "
        f"load generator {figures['cpu_ms_per_request']['load_generator']} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
