"""Running the issuer for a network: /healthz and /readyz, /metrics without identifiers, and a lost
database answered with 503, Retry-After and a problem body (never a dropped connection, never SQL
parameters in a log line), on SQLite and on PostgreSQL."""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, make_url, text

import issuer.db
from issuer.settings import Settings
from tests.issuer.conftest import (
    CountingStore,
    PartnerInfo,
    _migrated,
    add_partner,
    app_with_store,
    postgres_base_url,
)
from tests.issuer.payloads import PERSONAL, document_fields, issue_request, png
from tests.servers import loopback_socket, serving

TOKEN = "metrics-" + "7" * 40
PROBLEM = "application/problem+json"


@pytest.fixture
def partner(settings: Settings) -> PartnerInfo:
    return add_partner(settings)


@pytest.fixture
def metered(
    settings: Settings, store: CountingStore, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """The issuer with ``NANSEN_METRICS_TOKEN`` set."""
    monkeypatch.setenv("NANSEN_METRICS_TOKEN", TOKEN)
    with TestClient(app_with_store(settings, store), base_url="http://localhost:8081") as client:
        yield client


def test_alive_and_ready(client: TestClient, partner: PartnerInfo) -> None:
    alive = client.get("/healthz")
    assert (alive.status_code, alive.json()) == (200, {"status": "alive"})
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "parts": {"database": "ready", "store": "ready", "keys": "ready"},
    }


def test_not_ready_names_the_store_when_its_directory_is_gone(
    client: TestClient, store: CountingStore, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.rmtree(store.root)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == PROBLEM
    assert answer.headers["retry-after"] == "5"
    body = answer.json()
    assert body["notReady"] == ["store"]
    assert body["status"] == 503
    assert body["detail"] == "The service is not ready: the store cannot be reached; try again shortly."
    assert str(store.root) not in answer.text
    assert str(store.root) not in caplog.text
    assert client.get("/healthz").status_code == 200  # alive all the same: no restart for an outage


def test_not_ready_names_the_keys_when_the_master_key_is_not_this_databases(
    settings: Settings, partner: PartnerInfo, store: CountingStore
) -> None:
    other = replace(settings, master_key=secrets.token_bytes(32))
    with TestClient(app_with_store(other, store)) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["notReady"] == ["keys"]
    assert partner.id not in answer.text


def test_metrics_are_off_without_a_token(client: TestClient) -> None:
    answer = client.get("/metrics")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == PROBLEM


def test_metrics_need_the_token(metered: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        refused = metered.get("/metrics", headers=headers)
        assert refused.status_code == 401, headers
        assert refused.headers["www-authenticate"] == "Bearer"
        assert refused.json()["detail"] == "Reading the metrics needs the metrics token."
    shown = metered.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert shown.status_code == 200
    assert shown.headers["content-type"].startswith("text/plain")


def _sample(text_: str, name: str, **labels: str) -> float:
    """The value of the sample ``name{labels…}`` in an exposition (0 when absent)."""
    for line in text_.splitlines():
        match = re.fullmatch(rf"{re.escape(name)}\{{(.*)\}} (\S+)", line)
        if match and all(f'{key}="{value}"' in match.group(1) for key, value in labels.items()):
            return float(match.group(2))
    return 0.0


def test_metrics_after_a_story_carry_no_identifier(metered: TestClient, partner: PartnerInfo) -> None:
    scrape = {"Authorization": f"Bearer {TOKEN}"}
    before = metered.get("/metrics", headers=scrape).text
    issued = metered.post("/credentials/issue", json=issue_request(), headers=partner.headers)
    assert issued.status_code == 201, issued.text
    credential = issued.json()
    files = {"scan": ("passport.png", png(), "image/png")}
    uploaded = metered.post("/documents", data=document_fields(), files=files, headers=partner.headers)
    assert uploaded.status_code == 201, uploaded.text
    status_url = credential["credentialStatus"][0]["statusListCredential"]
    list_path = "/" + status_url.split("/", 3)[3]
    assert metered.get(list_path).status_code == 200
    assert metered.get(f"/partners/{partner.id}/did.json").status_code == 200
    assert metered.get(f"/credentials/{credential['id']}", headers=partner.headers).status_code == 200
    assert metered.get("/credentials/urn:uuid:nothing-here", headers=partner.headers).status_code == 404
    after = metered.get("/metrics", headers=scrape).text

    labels = {"service": "issuer", "status_class": "2xx"}
    for route in ("/credentials/issue", "/documents", "/status/{list_id}", "/partners/{partner_id}/did.json"):
        grown = _sample(after, "nansen_http_requests_total", route=route, **labels)
        assert grown == _sample(before, "nansen_http_requests_total", route=route, **labels) + 1, route
    assert _sample(
        after, "nansen_http_requests_total", route="/credentials/{credential_id:path}", status_class="4xx"
    )
    assert "nansen_replication_queue_length 0.0" in after
    identifiers = [
        partner.id,
        partner.did,
        partner.secret,
        credential["id"],
        uploaded.json()["cid"],
        list_path,
        status_url,
        "nothing-here",
        *PERSONAL,
    ]
    for identifier in identifiers:
        assert identifier not in after, identifier


# --- a lost database -------------------------------------------------------------------------------


def _assert_unreachable_answer(answer: httpx.Response) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "5"
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json() == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The service cannot reach its database just now, so nothing was done; try again shortly.",
    }


def _assert_no_parameters_logged(caplog: pytest.LogCaptureFixture, partner: PartnerInfo) -> None:
    logged = caplog.text
    assert "[parameters:" not in logged
    for secret in (partner.secret, *PERSONAL):
        assert secret not in logged
    for record in caplog.records:
        if record.levelno >= logging.WARNING:
            assert partner.id not in record.getMessage()
            assert record.exc_text is None or partner.id not in record.exc_text


@pytest.fixture
def own_postgres_database(postgres_admin: Engine, master_key: bytes) -> Iterator[tuple[str, str]]:
    """A PostgreSQL database of the test's own (it is closed to connections, which the shared one
    must never be), migrated; its name and URL."""
    name = f"nansen_ops_{secrets.token_hex(6)}"
    with postgres_admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_base_url()).set(database=name).render_as_string(hide_password=False)
    try:
        for migrated in _migrated(url, master_key):
            yield name, migrated
    finally:
        with postgres_admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


def test_postgresql_lost_mid_run_is_503_with_retry_after_never_a_dropped_connection(
    own_postgres_database: tuple[str, str],
    postgres_admin: Engine,
    tmp_path: Path,
    master_key: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    name, url = own_postgres_database
    settings = Settings(
        database_url=url, data_dir=tmp_path / "data", master_key=master_key, rate_burst=10_000
    )
    partner = add_partner(settings)
    sock, port = loopback_socket()
    base = f"http://127.0.0.1:{port}"

    def terminate() -> None:
        with postgres_admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name},
            )

    def close(allowed: bool) -> None:
        with postgres_admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'))

    with (
        serving(app_with_store(settings, CountingStore(tmp_path / "ipfs")), sock),
        httpx.Client(base_url=base, timeout=60, headers=partner.headers) as http,
    ):

        def request(index: int) -> httpx.Response:
            if index % 2:
                return http.get("/credentials")
            return http.post("/credentials/issue", json=issue_request())

        assert request(0).status_code == 201
        # Terminated mid-burst: every request gets an answer, done or 503 (an exception here fails).
        with ThreadPoolExecutor(8) as pool:
            burst = [pool.submit(request, index) for index in range(40)]
            terminate()
            answers = [future.result() for future in burst]
        for answer in answers:
            if answer.status_code not in (200, 201):
                _assert_unreachable_answer(answer)

        # Gone for good: every request is a 503, and readiness names the database.
        close(allowed=False)
        terminate()
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(request, range(16)))
        for answer in answers:
            _assert_unreachable_answer(answer)
        not_ready = http.get("/readyz")
        assert not_ready.status_code == 503
        assert not_ready.json()["notReady"] == ["database"]
        assert http.get("/healthz").status_code == 200

        close(allowed=True)
        assert request(0).status_code == 201
        assert http.get("/readyz").status_code == 200
    _assert_no_parameters_logged(caplog, partner)
    assert "OperationalError" in caplog.text  # the kind is logged, so an operator sees what happened


def test_sqlite_locked_is_503_with_retry_after(
    tmp_path: Path, master_key: bytes, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process holds the file's write lock (a backup tool, a stuck writer) past the busy timeout."""
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(issuer.db, "SQLITE_BUSY_TIMEOUT", 1)  # seconds; the default waits 30
    path = tmp_path / "issuer.db"
    for url in _migrated(f"sqlite:///{path}", master_key):
        settings = Settings(database_url=url, data_dir=tmp_path / "data", master_key=master_key)
    partner = add_partner(settings)
    sock, port = loopback_socket()
    with (
        serving(app_with_store(settings, CountingStore(tmp_path / "ipfs")), sock),
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60, headers=partner.headers) as http,
    ):
        assert http.post("/credentials/issue", json=issue_request()).status_code == 201
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            _assert_unreachable_answer(http.post("/credentials/issue", json=issue_request()))
            _assert_unreachable_answer(http.get("/credentials"))
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert http.post("/credentials/issue", json=issue_request()).status_code == 201
    _assert_no_parameters_logged(caplog, partner)
