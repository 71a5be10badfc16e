"""Sustained ``POST /presentations/verify`` against the verifier service, one uvicorn process on loopback;
then a QR code scanned to a rendered verdict.

    .venv/bin/python bench/verifier.py [--seconds 30] [--concurrency 8] [--mode one-way|challenge]
                                       [--rate R] [--suite eddsa-rdfc-2022] [--database-url URL]
                                       [--scans 50] [--json]

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
the load generator used per request (``--seconds 0`` skips this part).

Two kinds of credential are measured, one after the other: *issued-like* (the headline), with the
two BitstringStatusListEntry entries (revocation, suspension) every credential the issuer makes
carries, their status list credentials signed by the issuer and served over HTTPS by a server on
loopback (a CA made for the run, which the verifier trusts), fetched and cached by the verifier as
in production; and *without status*, the same credential without ``credentialStatus``.

"QR scan to rendered verdict" (``--scans N``, 0 to skip): N presentations, each drawn as a camera
would film a phone showing its QR code (a 1280x720 grey JPEG, as the scan page sends every frame),
are posted one at a time to ``POST /scan`` as a browser does (``Accept: text/html``); the time
from sending the picture to having the verdict page (decoding the picture and the code, verifying,
rendering) is summarised as median, 99th percentile and maximum. The target is under one second.
The service has a trust list naming the issuer, so verdicts are VALID. Benchmarks print figures;
tests never assert them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import trustme

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import HOLDER, ISSUER, identity_credential, postgres_schema, summary
from load import Target, run_load

from nansen import status, trust, vcdm
from nansen.demo.roles import answering, free_port
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair
from nansen.proofs import SUITES, ProofOptions, add_proof
from nansen.qr import encode_presentation
from tests.httpsserver import Route, Server
from tests.verifier.pictures import camera_jpeg

GOVERNANCE = did_key.signing_key(Ed25519KeyPair.from_seed(b"\x33" * 32))
DOMAIN = "bench.example"


#: The status lists' index of the bench's credential (any index; the lists are all clear).
STATUS_INDEX = 94567


def credential(suite: str, status_base: str | None) -> dict[str, Any]:
    """An identity credential; issued-like (two status entries) when ``status_base`` is given."""
    entries = (
        [status.build_entry(f"{status_base}/{p}", STATUS_INDEX, p) for p in ("revocation", "suspension")]
        if status_base
        else None
    )
    unsigned = identity_credential(
        valid_from=datetime.now(UTC) - timedelta(days=1), credential_status=entries
    )
    return add_proof(unsigned, ISSUER, ProofOptions(cryptosuite=suite))


@contextlib.contextmanager
def status_list_server(directory: Path) -> Iterator[tuple[str, Path]]:
    """The issuer's revocation and suspension lists (signed by it, all clear) over HTTPS on loopback,
    as ``GET /status/{list}`` serves them; yields their base URL and the PEM of the CA to trust."""
    ca = trustme.CA()
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(tls)
    server = Server(tls)
    base = server.url("/status")
    for purpose in ("revocation", "suspension"):
        unsigned = status.build_list_credential(
            f"{base}/{purpose}", ISSUER.controller, purpose, status.StatusList()
        )
        body = json.dumps(add_proof(unsigned, ISSUER, ProofOptions())).encode()
        server.routes[f"/status/{purpose}"] = Route(
            body=body, headers={"Content-Type": "application/vc+ld+json"}
        )
    ca_file = directory / "status-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    try:
        yield base, ca_file
    finally:
        server.stop()


def presentation(signed: dict[str, Any], suite: str, challenge: str | None) -> dict[str, Any]:
    unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[signed])
    # A domain binds a proof to a challenge of this verifier (issue 9): one way carries neither.
    domain = DOMAIN if challenge is not None else None
    options = ProofOptions(purpose="authentication", cryptosuite=suite, challenge=challenge, domain=domain)
    return add_proof(unsigned, HOLDER, options)


def presentation_body(signed: dict[str, Any], suite: str, challenge: str | None) -> bytes:
    body: dict[str, Any] = {"verifiablePresentation": presentation(signed, suite, challenge)}
    if challenge is not None:
        body["options"] = {"challenge": challenge, "domain": DOMAIN}
    return json.dumps(body).encode()


def trust_list(directory: Path) -> Path:
    """A trust list, signed by the bench's governance, naming the issuer for identity credentials."""
    listed = trust.TrustedIssuer(ISSUER.controller, "Bench Partner", (vcdm.IDENTITY_CREDENTIAL_TYPE,))
    path = directory / "trust-list.json"
    path.write_text(json.dumps(trust.sign(trust.build(GOVERNANCE.controller, [listed]), GOVERNANCE)))
    return path


@contextlib.contextmanager
def verifier_service(
    directory: Path, mode: str, database_url: str | None, ca_file: Path, workers: int = 1
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``nansen verifier serve`` on a free loopback port until the block ends: the process and URL."""
    port = free_port()
    env = {
        **os.environ,
        "NANSEN_DATA_DIR": str(directory),
        "NANSEN_ALLOW_PRIVATE_ADDRESSES": "1",  # the status lists are served on loopback
        "NANSEN_TLS_CA_FILE": str(ca_file),
        "NANSEN_VERIFIER_MODE": mode,
        "NANSEN_VERIFIER_DOMAIN": DOMAIN,
        "NANSEN_VERIFIER_TRUST_LIST": str(trust_list(directory)),
        "NANSEN_VERIFIER_GOVERNANCE_DID": GOVERNANCE.controller,
    }
    if database_url:
        env["NANSEN_VERIFIER_DATABASE_URL"] = database_url
    args = ["verifier", "serve", "--port", str(port), "--workers", str(workers)]
    url = f"http://127.0.0.1:{port}"
    with answering("verifier", args, env, url + "/", directory / "server.log") as service:
        yield service.process, url


def challenges(url: str, mode: str, size: int) -> list[str | None]:
    """One challenge from the service per presentation, or none one way."""
    if mode == "one-way":
        return [None] * size
    with httpx.Client(base_url=url, timeout=30) as client:
        return [client.post("/challenges").json()["challenge"] for _ in range(size)]


def build_pool(url: str, mode: str, suite: str, size: int, status_base: str | None) -> list[bytes]:
    signed = credential(suite, status_base)
    return [presentation_body(signed, suite, challenge) for challenge in challenges(url, mode, size)]


def scan_pictures(url: str, mode: str, suite: str, count: int, status_base: str) -> list[tuple[str, bytes]]:
    """Camera-like JPEGs of fresh presentations' QR codes (issued-like credentials), with the query
    each is posted with."""
    signed = credential(suite, status_base)
    pictures = []
    for challenge in challenges(url, mode, count):
        query = "" if challenge is None else f"?challenge={challenge}&domain={DOMAIN}"
        pictures.append((query, camera_jpeg(encode_presentation(presentation(signed, suite, challenge)))))
    return pictures


def measure_scans(url: str, pictures: list[tuple[str, bytes]]) -> dict[str, Any]:
    """Post each picture as the scan page does, one at a time; time each until the verdict page is in."""
    latencies: list[float] = []
    verdicts: Counter[str] = Counter()
    headers = {"Content-Type": "image/jpeg", "Accept": "text/html"}
    with httpx.Client(base_url=url, timeout=30) as client:
        client.get("/")  # the page is open before its camera sends anything
        for query, picture in pictures:
            began = time.perf_counter()
            response = client.post("/scan" + query, content=picture, headers=headers)
            latencies.append(time.perf_counter() - began)
            shown = re.search(r'data-verdict="([A-Z ]+)"', response.text)
            verdicts[shown.group(1) if shown else f"HTTP {response.status_code}"] += 1
    return {
        "scans": len(pictures),
        "picture_kib": round(statistics.mean(len(p) for _, p in pictures) / 1024, 1),
        "latency_ms": summary(latencies),
        "verdicts": dict(verdicts),
    }


def load_test(
    args: argparse.Namespace,
    directory: Path,
    server: subprocess.Popen[bytes],
    url: str,
    status_base: str | None,
) -> dict[str, Any]:
    began = time.perf_counter()
    bodies = build_pool(url, args.mode, args.suite, args.pool, status_base)
    pool_seconds = time.perf_counter() - began
    figures = run_load(
        Target(url, "/presentations/verify", 200),
        bodies,
        directory / "pool.jsonl",
        server.pid,
        seconds=args.seconds,
        warmup=args.warmup,
        concurrency=args.concurrency,
        rate=args.rate,
    )
    figures["pool"] = {"presentations": args.pool, "build_seconds": round(pool_seconds, 1)}
    return figures


def run(args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "suite": args.suite,
        "mode": args.mode,
        "database": "postgresql" if args.database_url else "sqlite",
        "workers": args.workers,
    }
    with (
        tempfile.TemporaryDirectory(prefix="nansen-bench-") as tmp,
        status_list_server(Path(tmp)) as (status_base, ca_file),
        postgres_schema(args.database_url) if args.database_url else contextlib.nullcontext() as database,
        verifier_service(Path(tmp), args.mode, database, ca_file, args.workers) as (server, url),
    ):
        directory = Path(tmp)
        if args.seconds > 0:
            figures["issued"] = load_test(args, directory, server, url, status_base)
            figures["without_status"] = load_test(args, directory, server, url, None)
        if args.scans > 0:
            pictures = scan_pictures(url, args.mode, args.suite, args.scans, status_base)
            figures["scan"] = measure_scans(url, pictures)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds (default 30)")
    parser.add_argument(
        "--warmup", type=float, default=3, help="seconds of warm-up, not measured (default 3)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="connections in flight (default 8)")
    parser.add_argument("--workers", type=int, default=1, help="the service's worker processes (default 1)")
    parser.add_argument("--rate", type=float, help="open loop: requests per second (default: closed loop)")
    parser.add_argument("--mode", choices=["one-way", "challenge"], default="one-way")
    parser.add_argument("--suite", choices=sorted(SUITES), default="eddsa-rdfc-2022")
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--pool", type=int, help="presentations to pre-sign (default: 500 per second)")
    parser.add_argument("--scans", type=int, default=50, help="QR scans to a rendered verdict (default 50)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    args.pool = args.pool or int(500 * (args.seconds + args.warmup))
    figures = run(args)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    if args.seconds > 0:
        print_load(
            figures, "issued-like credentials (two status entries, lists cached)", figures["issued"], args
        )
        print_load(figures, "credentials without status entries", figures["without_status"], args)
    if args.scans > 0:
        scan = figures["scan"]
        latency = scan["latency_ms"]
        print(
            f"QR scan to rendered verdict ({scan['scans']} camera-like 1280x720 JPEGs of "
            f"{scan['picture_kib']} KiB, issued-like credentials, one at a time, {figures['mode']}):\n"
            f"  p50 {latency['p50']} ms, p99 {latency['p99']} ms, max {latency['max']} ms (target: under 1000 ms)\n"
            f"  verdicts: {', '.join(f'{v} {n}' for v, n in scan['verdicts'].items())}"
        )
    return 0 if _all_valid(figures) else 1


def _all_valid(figures: dict[str, Any]) -> bool:
    """A figure of refusals measures the wrong path: every answer must have been VALID."""
    loads = [figures[k] for k in ("issued", "without_status") if k in figures]
    failed = [load["errors"] for load in loads if load["errors"]]
    scans = figures.get("scan", {}).get("verdicts", {})
    if failed or set(scans) - {"VALID"}:
        print("Not every answer was VALID: these figures do not measure verification.", file=sys.stderr)
        return False
    return True


def print_load(figures: dict[str, Any], kind: str, load: dict[str, Any], args: argparse.Namespace) -> None:
    latency = load["latency_ms"]
    print(
        f"{kind}: {figures['suite']}, {figures['mode']}, {figures['database']}, "
        f"{figures['workers']} worker(s), {load['concurrency']} connections, "
        f"{f'{args.rate:g} requests/s offered' if args.rate else 'closed loop'}, {load['seconds']} s measured:\n"
        f"  {load['requests_per_second']} presentations/s ({load['requests']} requests, "
        f"{load['errors']} errors{', pool exhausted' if load['pool_exhausted'] else ''})\n"
        f"  latency p50 {latency['p50']} ms, p99 {latency['p99']} ms, max {latency['max']} ms\n"
        f"  CPU per request: server {load['cpu_ms_per_request']['server']} ms, "
        f"load generator {load['cpu_ms_per_request']['load_generator']} ms\n"
        f"  load average before / after: {load['load_average']['before']} / {load['load_average']['after']} "
        f"({os.cpu_count()} cores, shared)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
