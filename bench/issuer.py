"""Issue credentials through the issuer service's HTTP API, as many clients at once, and time it.

    .venv/bin/python bench/issuer.py [--seconds 20] [--concurrency 50] [--workers 1]
                                     [--database-url URL] [--only documents|credentials]
                                     [--scan-bytes 1000000] [--json]

Starts the service as an operator does (``nansen issuer migrate``, ``nansen issuer partner add``,
``nansen issuer serve [--workers N]``) on 127.0.0.1 with a fresh data directory: SQLite and the
embedded IPFS store, then, with ``--database-url postgresql+psycopg://…``, PostgreSQL too (in a
schema of its own, dropped afterwards). The partner's rate limit is lifted. One partner's clients,
``--concurrency`` connections from a load generator in a process of its own (``bench/load.py``,
closed loop: each sends again as soon as it is answered), issue for ``--seconds`` after a warm-up:

- ``credentials``: ``POST /credentials/issue`` of an IdentityDocumentCredential (eddsa-rdfc-2022,
  revocation and suspension entries);
- ``documents``: ``POST /documents`` with a scan of ``--scan-bytes`` (random bytes, 1 MB by
  default): encrypted, pinned in the embedded store (fsync'd), and the same credential issued.

Prints credentials per second, the median, 99th percentile and maximum latency, errors (any answer
but 201), the server's CPU time per request (all its processes) and the machine's load average.
Issue 15's target: 50 clients, p99 under 500 ms on SQLite and on PostgreSQL (``credentials``).
Benchmarks print figures; tests never assert them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import api_key, nansen, postgres_schema
from load import Target, run_load

from nansen.demo.roles import answering
from tests.issuer.payloads import document_fields, issue_request
from tests.servers import loopback_socket

KINDS = ("credentials", "documents")


def multipart_scan(scan_bytes: int) -> tuple[bytes, str]:
    """A ``POST /documents`` form with a random scan: its bytes and its Content-Type."""
    request = httpx.Request(
        "POST",
        "http://bench/documents",
        data=document_fields(),
        files={"scan": ("scan.jpg", os.urandom(scan_bytes), "image/jpeg")},
    )
    return request.read(), request.headers["Content-Type"]


def target(kind: str, url: str, key: str, scan_bytes: int) -> tuple[Target, bytes]:
    authorised = {"Authorization": f"Bearer {key}"}
    if kind == "credentials":
        headers = {**authorised, "Content-Type": "application/json"}
        return Target(url, "/credentials/issue", 201, headers), json.dumps(issue_request()).encode()
    body, content_type = multipart_scan(scan_bytes)
    return Target(url, "/documents", 201, {**authorised, "Content-Type": content_type}), body


@contextlib.contextmanager
def issuer_service(
    directory: Path, database_url: str, workers: int
) -> Iterator[tuple[subprocess.Popen[bytes], str, str]]:
    """``nansen issuer serve`` over a migrated database with one partner: the process, URL and key."""
    sock, port = loopback_socket()
    sock.close()
    env = {
        **os.environ,
        "NANSEN_DATA_DIR": str(directory),
        "NANSEN_ISSUER_DATABASE_URL": database_url,
        "NANSEN_ISSUER_PUBLIC_HOST": f"localhost%3A{port}",
        "NANSEN_ISSUER_RATE_PER_SECOND": "1000000",
        "NANSEN_ISSUER_RATE_BURST": "1000000",
    }
    nansen("issuer", "migrate", env=env)
    key = api_key(env, "Bench")
    args = ["issuer", "serve", "--port", str(port), "--workers", str(workers)]
    url = f"http://127.0.0.1:{port}"
    with answering("issuer", args, env, url + "/healthz", directory / "issuer.log") as service:
        yield service.process, url, key


def measure(args: argparse.Namespace, directory: Path, database_url: str) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with issuer_service(directory, database_url, args.workers) as (process, url, key):
        for kind in [args.only] if args.only else KINDS:
            where, body = target(kind, url, key, args.scan_bytes)
            figures[kind] = run_load(
                where,
                [body],
                directory / f"{kind}.pool",
                process.pid,
                seconds=args.seconds,
                warmup=args.warmup,
                concurrency=args.concurrency,
                total=int(500 * (args.seconds + args.warmup)),  # more than can be sent
            )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per kind (default 20)")
    parser.add_argument(
        "--warmup", type=float, default=3, help="seconds of warm-up, not measured (default 3)"
    )
    parser.add_argument("--concurrency", type=int, default=50, help="client connections (default 50)")
    parser.add_argument("--workers", type=int, default=1, help="the service's worker processes (default 1)")
    parser.add_argument(
        "--scan-bytes", type=int, default=1_000_000, help="size of each scan (default 1000000)"
    )
    parser.add_argument("--only", choices=KINDS, help="time only credentials or only documents")
    parser.add_argument("--database-url", help="also run against this PostgreSQL database")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="nansen-bench-") as tmp:
        directory = Path(tmp) / "sqlite"
        directory.mkdir()
        results["sqlite"] = measure(args, directory, f"sqlite:///{directory / 'issuer.db'}")
        if args.database_url:
            directory = Path(tmp) / "postgresql"
            directory.mkdir()
            with postgres_schema(args.database_url) as scoped:
                results["postgresql"] = measure(args, directory, scoped)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for backend, by_kind in results.items():
            for kind, load in by_kind.items():
                what = f"{kind} ({args.scan_bytes:,}-byte scans)" if kind == "documents" else kind
                latency, cpu = load["latency_ms"], load["cpu_ms_per_request"]
                print(
                    f"{backend}, {what}, {args.workers} worker(s), {load['concurrency']} clients, "
                    f"{load['seconds']} s: {load['requests_per_second']}/s ({load['requests']} requests, "
                    f"{load['errors']} errors), p50 {latency['p50']} ms, p99 {latency['p99']} ms, "
                    f"max {latency['max']} ms; server CPU {cpu['server']} ms per request; "
                    f"load average {load['load_average']['before']} / {load['load_average']['after']} "
                    f"({os.cpu_count()} cores, shared)"
                )
    failed = any(load["errors"] for by_kind in results.values() for load in by_kind.values())
    if failed:
        print("Some answers were not 201: these figures do not measure issuance.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
