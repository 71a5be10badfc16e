"""``nansen issuer serve --workers 4``: four processes sharing only the database and the store, raced
on the single-use guarantees (an idempotency key used once, a status index given once), with
/metrics adding up every worker's counts."""

from __future__ import annotations

import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, func, select

from issuer.models import IssuedCredential
from issuer.settings import Settings
from tests.issuer.conftest import add_partner
from tests.issuer.payloads import issue_request
from tests.servers import free_port
from tests.workers import children, running_service

TOKEN = "metrics-" + "5" * 40
WORKERS = 4


def test_four_workers_keep_every_single_use_guarantee(
    settings: Settings, master_key: bytes, engine: Engine, tmp_path: Path
) -> None:
    partner = add_partner(settings)
    port = free_port()
    environment = {
        "NANSEN_DATA_DIR": str(tmp_path / "data"),
        "NANSEN_ISSUER_DATABASE_URL": settings.database_url,
        "NANSEN_ISSUER_MASTER_KEY": master_key.hex(),
        "NANSEN_ISSUER_RATE_BURST": "100000",
        "NANSEN_ISSUER_RATE_PER_SECOND": "10000",
        "NANSEN_METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": "",
    }
    extra = ("--workers", str(WORKERS))
    with (
        running_service("issuer", port, environment, tmp_path / "issuer.log", extra) as process,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120, headers=partner.headers) as http,
        ThreadPoolExecutor(16) as pool,
    ):
        workers = children(process.pid)
        assert len(workers) >= WORKERS  # uvicorn's workers (and nothing else but a resource tracker)

        # One Idempotency-Key, sent by 16 clients at once: one credential, the same answer to all.
        body = issue_request()
        same = list(
            pool.map(
                lambda _: http.post("/credentials/issue", json=body, headers={"Idempotency-Key": "race-1"}),
                range(16),
            )
        )
        statuses = Counter(answer.status_code for answer in same)
        assert set(statuses) <= {201, 409}, [answer.text for answer in same]
        issued_ids = {answer.json()["id"] for answer in same if answer.status_code == 201}
        assert len(issued_ids) == 1

        # 48 credentials at once: every status index given once.
        many = list(pool.map(lambda _: http.post("/credentials/issue", json=issue_request()), range(48)))
        assert [answer.status_code for answer in many] == [201] * 48, [
            a.text for a in many if a.status_code != 201
        ]
        entries: list[tuple[str, Any]] = [
            (entry["statusListCredential"], entry["statusListIndex"])
            for answer in many
            for entry in answer.json()["credentialStatus"]
        ]
        assert len(entries) == len(set(entries)) == 48 * len(many[0].json()["credentialStatus"])

        # Every worker's requests, added up (prometheus-client multiprocess mode). A worker counts a
        # request once its answer is sent, so the client may read the answer a moment before the
        # count: scrape until it settles, and never more than were sent.
        deadline = time.monotonic() + 10
        while True:
            counted = issue_requests_counted(
                http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
            )
            if counted >= 16 + 48 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(IssuedCredential)) == 49
    assert counted == 16 + 48


def issue_requests_counted(scraped: str) -> float:
    """The requests to POST /credentials/issue a Prometheus scrape counts, over every status class."""
    return sum(
        float(value)
        for labels, value in re.findall(r"nansen_http_requests_total\{(.*)\} (\S+)", scraped)
        if 'route="/credentials/issue"' in labels
    )
