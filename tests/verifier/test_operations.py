"""Running the verifier for a network: /healthz and /readyz, /metrics counting verdicts by kind and the
caches' ages without naming anyone, and a lost database answered with 503 and Retry-After."""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, make_url, text

import verifier.db
from nansen.cache import JsonCache
from tests.helpers import PARTNER, signed_credential
from tests.postgres import postgres_schema
from tests.verifier.support import Service, service, sqlite_url, status_entries

TOKEN = "metrics-" + "3" * 40
SCRAPE = {"Authorization": f"Bearer {TOKEN}"}


def _sample(exposition: str, name: str, **labels: str) -> float:
    for line in exposition.splitlines():
        match = re.fullmatch(rf"{re.escape(name)}\{{(.*)\}} (\S+)", line)
        if match and all(f'{key}="{value}"' in match.group(1) for key, value in labels.items()):
            return float(match.group(2))
    return 0.0


def test_alive_and_ready(verifier_service: Service) -> None:
    alive = verifier_service.client.get(verifier_service.url + "/healthz")
    assert (alive.status_code, alive.json()) == (200, {"status": "alive"})
    ready = verifier_service.client.get(verifier_service.url + "/readyz")
    assert (ready.status_code, ready.json()) == (
        200,
        {"status": "ready", "parts": {"database": "ready", "caches": "ready"}},
    )


def test_not_ready_names_the_caches_when_the_data_directory_is_gone(verifier_service: Service) -> None:
    shutil.rmtree(verifier_service.settings.data_dir)
    answer = verifier_service.client.get(verifier_service.url + "/readyz")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["notReady"] == ["caches"]
    assert str(verifier_service.settings.data_dir) not in answer.text


def test_metrics_count_verdicts_by_kind_and_name_nobody(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NANSEN_METRICS_TOKEN", TOKEN)
    with service(sqlite_url(tmp_path), tmp_path) as running:
        # A cached status list and a cached DID document, a minute old, as the verifier keeps them.
        for cache, key, field in (
            ("status-lists", "https://status.example/1", "url"),
            ("did-web", "did:web:x", "did"),
        ):
            (tmp_path / cache).mkdir(exist_ok=True)
            written = JsonCache(tmp_path / cache, key_field=field, what=cache, max_bytes=10_000).path(key)
            written.write_text("{}")
            os.utime(written, (time.time() - 60, time.time() - 60))
        url = running.url
        before = running.client.get(url + "/metrics", headers=SCRAPE).text
        valid = signed_credential()
        tampered = signed_credential()
        tampered["credentialSubject"]["identityDocument"]["familyName"] = "Other"
        unknown = signed_credential(credential_status=status_entries())
        for credential, verdict in ((valid, "VALID"), (tampered, "NOT VALID"), (unknown, "CANNOT CONFIRM")):
            answer = running.post("/credentials/verify", {"verifiableCredential": credential})
            assert answer.json()["verdict"] == verdict
        after = running.client.get(url + "/metrics", headers=SCRAPE).text
    for kind in ("VALID", "NOT VALID", "CANNOT CONFIRM"):
        assert (
            _sample(after, "nansen_verdicts_total", kind=kind)
            == _sample(before, "nansen_verdicts_total", kind=kind) + 1
        ), kind
    route = {"service": "verifier", "route": "/credentials/verify"}
    assert _sample(after, "nansen_http_requests_total", status_class="4xx", **route) >= 2
    for cache in ("status-list", "did-document"):
        assert _sample(after, "nansen_cache_entries", cache=cache) == 1
        assert 59 <= _sample(after, "nansen_cache_oldest_age_seconds", cache=cache) < 600
    for identifier in (PARTNER.controller, valid["id"], "did:key:", "urn:uuid:", "status.example", "Other"):
        assert identifier not in after, identifier


def test_sqlite_locked_is_503_with_retry_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process holds the database's write lock past the busy timeout: a challenge cannot be
    written, and the answer says to come back, the connection kept."""
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(verifier.db, "SQLITE_BUSY_TIMEOUT_MS", 500)
    url = sqlite_url(tmp_path)
    with service(url, tmp_path) as running:
        assert running.client.post(running.url + "/challenges").status_code == 200
        holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            for _ in range(3):
                answer = running.client.post(running.url + "/challenges")
                assert answer.status_code == 503, answer.text
                assert answer.headers["retry-after"] == "5"
                assert answer.headers["content-type"] == "application/problem+json"
                assert answer.json()["detail"].startswith("The service cannot reach its database just now")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert running.client.post(running.url + "/challenges").status_code == 200
    assert "[parameters:" not in caplog.text


def test_postgresql_connections_terminated_mid_burst_get_answers_not_dropped_connections(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The service's own connections (found by their application name) are terminated again and
    again while clients ask for challenges: each request is answered, done or 503."""
    caplog.set_level(logging.DEBUG)
    name = f"nansen-ops-{secrets.token_hex(4)}"
    with postgres_schema() as url:
        own = (
            make_url(url).update_query_dict({"application_name": name}).render_as_string(hide_password=False)
        )
        admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
        try:
            with service(own, tmp_path) as running, ThreadPoolExecutor(6) as pool:

                def ask(_index: int) -> httpx.Response:
                    return running.client.post(running.url + "/challenges")

                burst = [pool.submit(ask, index) for index in range(60)]
                for _ in range(5):
                    with admin.connect() as connection:
                        connection.execute(
                            text(
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :n"
                            ),
                            {"n": name},
                        )
                    time.sleep(0.05)
                answers = [future.result() for future in burst]
                assert running.client.post(running.url + "/challenges").status_code == 200
        finally:
            admin.dispose()
    for answer in answers:
        assert answer.status_code in (200, 503), answer.text
        if answer.status_code == 503:
            assert answer.headers["retry-after"] == "5"
            assert answer.headers["content-type"] == "application/problem+json"
    assert "[parameters:" not in caplog.text
