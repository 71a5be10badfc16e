"""What the benchmarks share: the sample keys and credential, timing and memory measurement.

Run a benchmark as ``.venv/bin/python bench/NAME.py``; its folder is then on the import path.
"""

from __future__ import annotations

import os
import secrets
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, make_url, text

from nansen import vcdm
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair

MB = 1_000_000
REPO = Path(__file__).resolve().parent.parent
ISSUER = did_key.signing_key(Ed25519KeyPair.from_seed(b"\x11" * 32))
HOLDER = did_key.signing_key(Ed25519KeyPair.from_seed(b"\x22" * 32))
CREATED = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def identity_credential(**extra: Any) -> dict[str, Any]:
    """An unsigned IdentityDocumentCredential (a passport) from ISSUER to HOLDER; ``extra`` goes to
    `nansen.vcdm.build_identity_credential` (related_resource, credential_status, valid_from…)."""
    return vcdm.build_identity_credential(
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
        **extra,
    )


def timings(operation: Callable[[], object], n: int, warm_up: int = 0) -> dict[str, float]:
    """Median, p10 and p90 milliseconds of ``n`` runs, after ``warm_up`` untimed ones."""
    for _ in range(warm_up):
        operation()
    samples = []
    for _ in range(n):
        start = time.perf_counter_ns()
        operation()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    deciles = statistics.quantiles(samples, n=10)
    return {"median": statistics.median(samples), "p10": deciles[0], "p90": deciles[-1]}


def summary(latencies: list[float]) -> dict[str, float]:
    """Median, 99th percentile and maximum of ``latencies`` (seconds), in milliseconds."""
    ordered = sorted(latencies)
    return {
        "p50": round(statistics.median(ordered) * 1000, 2),
        "p99": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 2),
        "max": round(ordered[-1] * 1000, 2),
    }


def make_file(directory: Path, size: int) -> Path:
    """A file of ``size`` random bytes (incompressible, like an encrypted scan)."""
    path = directory / f"random-{size}.bin"
    with path.open("wb") as out:
        left = size
        while left:
            piece = min(left, 4 * 1024 * 1024)
            out.write(os.urandom(piece))
            left -= piece
    return path


def peak_bytes(action: Callable[[], object]) -> int:
    """The peak of Python-allocated memory while ``action`` runs (tracemalloc)."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A URL whose connections use a fresh schema, dropped afterwards."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    schema = f"nansen_bench_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def nansen(*arguments: str, env: dict[str, str]) -> str:
    """Run a ``nansen`` command to its end; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "nansen", *arguments], env=env, cwd=REPO, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"nansen {' '.join(arguments)} failed: {done.stderr.decode()}")
    return done.stdout.decode()


def api_key(env: dict[str, str], name: str) -> str:
    """A new partner's API key (``nansen issuer partner add``)."""
    printed = nansen("issuer", "partner", "add", name, env=env)
    return next(line.split(":", 1)[1].strip() for line in printed.splitlines() if line.startswith("API key:"))
