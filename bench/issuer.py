"""Issue credentials through the issuer service's HTTP API and time it.

    .venv/bin/python bench/issuer.py [--n 1000] [--concurrency 4] [--scan-bytes 1000000]
                                     [--database-url URL] [--only documents|credentials] [--json]

Runs the real service (uvicorn on 127.0.0.1, in a process and on a port of its own) over a fresh
SQLite file and the embedded IPFS store in a temporary directory and, with ``--database-url
postgresql+psycopg://…``, also over PostgreSQL (in a schema of its own, dropped afterwards). One
partner, from ``--concurrency`` client threads and after a short warm-up, issues N of each kind:

- ``documents``: ``POST /documents`` with a scan of ``--scan-bytes`` (random bytes, 1 MB by
  default): encrypted, pinned in the embedded store (fsync'd), then an IdentityDocumentCredential
  issued (eddsa-rdfc-2022, revocation and suspension entries);
- ``credentials``: ``POST /credentials/issue`` of the same kind of credential, without a scan.

Prints credentials per second and the 50th and 99th percentile latency of one request in
milliseconds. The issue's target, for documents with 1 MB scans: at least 50 credentials/s on
SQLite with p99 under 200 ms. Benchmarks print figures; tests never assert them.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import uvicorn
from sqlalchemy import create_engine, make_url, text

from issuer import migrate, partners
from issuer.api.deps import get_store
from issuer.app import create_app
from issuer.db import make_engine, session_factory
from issuer.settings import Settings
from issuer.vault import Vault
from nansen.ipfs import EmbeddedStore

WARM_UP = 20
HOLDER = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
FACTS = {
    "documentNumber": "N0123456",
    "givenName": "Amina",
    "familyName": "Haddad",
    "birthDate": "1990-04-01",
    "issuingCountry": "SY",
}
KINDS = ("documents", "credentials")

#: Sends one issuance request on a client; the answer must be 201.
Send = Callable[[httpx.Client, str], httpx.Response]


def request_body() -> dict[str, Any]:
    return {
        "credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/nansen/v1"],
            "type": ["VerifiableCredential", "IdentityDocumentCredential"],
            "credentialSubject": {
                "id": HOLDER,
                "type": "IdentityDocumentHolder",
                "identityDocument": {"type": ["IdentityDocument", "Passport"], **FACTS},
            },
            "evidence": [
                {
                    "type": "DocumentCheck",
                    "checkedBy": "https://shelter.example/staff/7",
                    "checkedAt": "2026-01-05T09:00:00Z",
                    "checkMethod": "Original inspected",
                }
            ],
        }
    }


def credential_sender() -> Send:
    body = request_body()
    return lambda client, url: client.post(f"{url}/credentials/issue", json=body)


def document_sender(scan_bytes: int) -> Send:
    scan = os.urandom(scan_bytes)
    fields = {
        "holder": HOLDER,
        "documentType": "Passport",
        "facts": json.dumps(FACTS),
        "checkMethod": "Original inspected",
        "documentPresence": "Physical",
        "subjectPresence": "Physical",
    }
    return lambda client, url: client.post(
        f"{url}/documents", data=fields, files={"scan": ("scan.jpg", scan, "image/jpeg")}
    )


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A URL whose connections use a fresh schema, dropped afterwards."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    schema = f"nansen_issuer_bench_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def running_service(database_url: str, data_dir: Path) -> Iterator[tuple[str, str]]:
    """The service on a free loopback port: its URL and one partner's API key."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    settings = Settings(
        database_url=database_url,
        public_host=f"localhost%3A{port}",
        data_dir=data_dir,
        rate_per_second=1e6,
        rate_burst=1_000_000,
    )
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    with session_factory(engine)() as session, session.begin():
        api_key = partners.create(session, Vault.open(settings), settings, "Bench").api_key
    engine.dispose()
    app = create_app(settings)
    store = EmbeddedStore(data_dir / "ipfs")
    app.dependency_overrides[get_store] = lambda: store
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    # The service runs in a process of its own, as in production: the clients here do not share
    # its interpreter lock.
    process = multiprocessing.get_context("fork").Process(target=server.run, kwargs={"sockets": [sock]})
    process.start()
    url = f"http://127.0.0.1:{port}"
    while httpx.get(f"{url}/status/ready").status_code != 404:
        time.sleep(0.01)
    try:
        yield url, api_key
    finally:
        process.terminate()
        process.join()
        sock.close()


def measure(url: str, api_key: str, n: int, concurrency: int, send: Send) -> dict[str, float]:
    local = threading.local()

    def issue(_: int) -> float:
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=60, headers={"Authorization": f"Bearer {api_key}"})
        start = time.perf_counter()
        response = send(local.client, url)
        elapsed = time.perf_counter() - start
        if response.status_code != 201:
            raise SystemExit(f"issuance failed: {response.status_code} {response.text}")
        return elapsed

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(issue, range(WARM_UP)))
        start = time.perf_counter()
        latencies = sorted(pool.map(issue, range(n)))
        total = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "credentials": n,
        "concurrency": concurrency,
        "credentials_per_second": round(n / total, 1),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", type=int, default=1000, help="credentials to issue per database (default 1000)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument(
        "--scan-bytes", type=int, default=1_000_000, help="size of each scan (default 1000000)"
    )
    parser.add_argument("--only", choices=KINDS, help="time only documents or only credentials")
    parser.add_argument("--database-url", help="also run against this PostgreSQL database")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    senders = {"documents": document_sender(args.scan_bytes), "credentials": credential_sender()}
    kinds = [args.only] if args.only else list(KINDS)
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        backends = [("sqlite", f"sqlite:///{data_dir / 'sqlite' / 'bench.db'}")]
        if args.database_url:
            backends.append(("postgresql", args.database_url))
        for backend, database_url in backends:
            with (
                (
                    postgres_schema(database_url) if backend == "postgresql" else nullcontext(database_url)
                ) as scoped,
                running_service(scoped, data_dir / backend) as (url, key),
            ):
                results[backend] = {
                    kind: measure(url, key, args.n, args.concurrency, senders[kind]) for kind in kinds
                }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for backend, by_kind in results.items():
        for kind, figures in by_kind.items():
            what = f"{kind} ({args.scan_bytes:,}-byte scans)" if kind == "documents" else kind
            print(
                f"{backend:<10} {what}: {figures['credentials']:.0f}, {figures['concurrency']:.0f} clients: "
                f"{figures['credentials_per_second']:.1f}/s, p50 {figures['p50_ms']:.1f} ms, "
                f"p99 {figures['p99_ms']:.1f} ms"
            )


if __name__ == "__main__":
    main()
