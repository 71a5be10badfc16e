"""The web wallet host's answers, timed over loopback: the header of a known and of an unknown account
(they should not be told apart), sign-in, reading and replacing the 786,400-byte wallet file, and
pinning a backup.

    .venv/bin/python bench/webwallet_host.py [--requests 200] [--database-url URL] [--json]

A real uvicorn server in this process (SQLite in a temporary directory unless ``--database-url``
names a PostgreSQL database, in which the run makes a schema of its own and drops it), limits lifted so that nothing is refused; one client, one
request at a time. Prints the median and 99th percentile of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from common import postgres_schema

from tests.webwallet.host_support import OCTETS, made_wallet, running_host
from wallet import backup
from wallet.host.encoding import account_text


def _timed(action: Callable[[], httpx.Response]) -> float:
    start = time.perf_counter()
    answer = action()
    spent = (time.perf_counter() - start) * 1000
    assert answer.status_code < 300, answer.text
    return spent


def _figures(spent: list[float]) -> dict[str, float]:
    quantiles = statistics.quantiles(spent, n=100)
    return {"p50_ms": round(statistics.median(spent), 2), "p99_ms": round(quantiles[98], 2)}


def _times(count: int, action: Callable[[], httpx.Response]) -> dict[str, float]:
    return _figures([_timed(action) for _ in range(count)])


def _alternating(
    count: int, first: Callable[[], httpx.Response], second: Callable[[], httpx.Response]
) -> tuple[dict[str, float], dict[str, float]]:
    pairs = [(_timed(first), _timed(second)) for _ in range(count)]
    return _figures([a for a, _ in pairs]), _figures([b for _, b in pairs])


@contextlib.contextmanager
def _database(given: str | None, scratch: Path) -> Iterator[str]:
    """A SQLite file in ``scratch``, or a fresh schema of the PostgreSQL database ``given`` names."""
    if given is None:
        yield f"sqlite:///{scratch / 'host.sqlite3'}"
        return
    with postgres_schema(given) as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    n = args.requests
    lifted = {"signins_per_account": 10 * n, "requests_per_address": 10 * n, "accounts_per_address": 10 * n}
    with tempfile.TemporaryDirectory() as scratch, _database(args.database_url, Path(scratch)) as url:
        root = Path(scratch)
        with running_host(url, root, **lifted) as host:
            wallet = made_wallet(root / "phone")
            account = host.create(wallet)
            stranger = account_text(os.urandom(16))
            other_file = made_wallet(root / "other").file
            # Known and unknown alternate, so that both meet the same load on a shared machine.
            known, unknown = _alternating(
                n,
                lambda: host.post("/api/header", {"account": account.account}),
                lambda: host.post("/api/header", {"account": stranger}),
            )
            figures = {
                "header_known": known,
                "header_unknown": unknown,
                "sign_in": _times(n, lambda: host.sign_in(account.account, wallet.login)),
                "get_container": _times(n, account.get),
            }

            files = [other_file, wallet.file]

            def put() -> httpx.Response:
                files.reverse()  # a different file each time, as a device saving changes
                answer = account.put(files[0], {"If-Match": account.etag})
                account.etag = answer.headers["ETag"]
                return answer

            figures["put_container"] = _times(n, put)
            figures["pin_backup"] = _times(
                max(10, n // 10),
                lambda: host.http.post(
                    host.url + "/api/backups",
                    content=backup.PREFIX + os.urandom(backup.SIZE - len(backup.PREFIX)),
                    headers={**account.auth, **OCTETS},
                ),
            )
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"web wallet host, {n} requests each, one client over loopback ({backend}):")
    for name, values in figures.items():
        print(f"  {name:<16} p50 {values['p50_ms']:>8.2f} ms   p99 {values['p99_ms']:>8.2f} ms")


if __name__ == "__main__":
    main()
