"""Status lists fetched over real HTTPS with a cache (nansen.status_source), and the pipeline
showing how old the status data it used is. Servers are http.server on 127.0.0.1 (tests/httpsserver.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import ssl
import stat
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nansen import status
from nansen.cache import RETRY_AFTER, ago
from nansen.proofs import ProofOptions, add_proof
from nansen.status_source import CachedStatusLists
from nansen.verify import Outcome, StaticStatusLists, Verdict, Verifier
from tests.helpers import ISSUED, PARTNER, signed_credential
from tests.httpsserver import Route, Server

pytest_plugins = ["tests.httpsserver"]

INDEX = 4242
T0 = ISSUED + timedelta(days=1)
TTL = timedelta(minutes=5)
MAX_AGE = timedelta(days=1)
PATHS = {purpose: f"/status/{purpose}" for purpose in ("revocation", "suspension")}


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def list_credential(server: Server, purpose: str, bits: frozenset[int] = frozenset()) -> dict[str, Any]:
    status_list = status.StatusList()
    for bit in bits:
        status_list.set(bit, True)
    unsigned = status.build_list_credential(
        server.url(PATHS[purpose]), PARTNER.controller, purpose, status_list, valid_from=ISSUED
    )
    return add_proof(unsigned, PARTNER, ProofOptions(created=ISSUED))


def publish(server: Server, purpose: str, bits: frozenset[int] = frozenset()) -> dict[str, Any]:
    document = list_credential(server, purpose, bits)
    server.routes[PATHS[purpose]] = Route(body=json.dumps(document).encode())
    return document


def credential(server: Server) -> dict[str, Any]:
    entries = [status.build_entry(server.url(path), INDEX, purpose) for purpose, path in PATHS.items()]
    return signed_credential(credential_status=entries)


def source(tmp_path: Path, tls: ssl.SSLContext, clock: Clock, **options: Any) -> CachedStatusLists:
    options.setdefault("allow_private_addresses", True)  # the test server is on loopback
    return CachedStatusLists(
        tmp_path / "status-lists", verify=tls, clock=clock, ttl=TTL, max_age=MAX_AGE, **options
    )


def verify(lists: CachedStatusLists, server: Server, clock: Clock) -> Any:
    return Verifier(status_lists=lists, clock=clock).verify_credential(credential(server))


def status_checks(result: Any) -> dict[str, Any]:
    return {c.name: c for c in result.checks if c.name.startswith("status")}


def test_fetches_a_list_and_caches_it_within_the_ttl(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    published = publish(https, "revocation")
    clock = Clock(T0)
    lists = source(tmp_path, client_tls, clock)
    url = https.url(PATHS["revocation"])
    first = lists.get_with_metadata(url)
    assert first is not None
    assert first.document == published
    assert not first.from_cache
    assert first.fetched_at == T0
    assert https.requests == [PATHS["revocation"]]
    assert https.request_headers[0]["Accept"].startswith("application/vc+ld+json")
    clock.moment = T0 + TTL - timedelta(seconds=1)
    second = lists.get_with_metadata(url)
    assert second is not None
    assert second.from_cache
    assert second.age(clock.moment) == TTL - timedelta(seconds=1)
    assert lists.refreshed_at(url) == T0
    assert https.requests == [PATHS["revocation"]]  # no second request within the TTL
    # One file per URL, named by its SHA-256, readable by its owner only.
    files = list((tmp_path / "status-lists").iterdir())
    assert [p.name for p in files] == [hashlib.sha256(url.encode()).hexdigest() + ".json"]
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600


def test_refetches_after_the_ttl(https: Server, client_tls: ssl.SSLContext, tmp_path: Path) -> None:
    publish(https, "revocation")
    clock = Clock(T0)
    lists = source(tmp_path, client_tls, clock)
    url = https.url(PATHS["revocation"])
    lists.get(url)
    revoked = publish(https, "revocation", frozenset({INDEX}))
    clock.moment = T0 + TTL
    again = lists.get_with_metadata(url)
    assert again is not None
    assert again.document == revoked
    assert not again.from_cache
    assert again.fetched_at == clock.moment
    assert len(https.requests) == 2


def test_pipeline_uses_lists_from_the_server_end_to_end(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    publish(https, "revocation")
    publish(https, "suspension")
    clock = Clock(T0)
    lists = source(tmp_path, client_tls, clock)
    result = verify(lists, https, clock)
    assert result.verdict is Verdict.VALID, result.to_json()
    checks = status_checks(result)
    assert checks["status: revocation"].reason == (
        "The credential is not revoked (status list last refreshed just now)."
    )
    assert checks["status: revocation"].refreshed_at == T0
    assert result.to_json()["checks"][4]["refreshedAt"] == "2026-01-06T09:30:00Z"
    # Revoked at the server: seen once the TTL has passed.
    publish(https, "revocation", frozenset({INDEX}))
    clock.moment = T0 + TTL
    revoked = verify(lists, https, clock)
    assert revoked.verdict is Verdict.NOT_VALID
    assert status_checks(revoked)["status: revocation"].reason.startswith("The credential has been revoked")
    assert sorted(https.requests) == sorted([*PATHS.values()] * 2)


def test_offline_within_max_age_shows_the_age(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    publish(https, "revocation")
    publish(https, "suspension")
    clock = Clock(T0)
    assert verify(source(tmp_path, client_tls, clock), https, clock).verdict is Verdict.VALID
    https.stop()
    # The network fails after the TTL: the cached copies answer, with their age.
    clock.moment = T0 + timedelta(hours=3)
    lists = source(tmp_path, client_tls, clock)  # a restarted verifier: the copies come from disk
    result = verify(lists, https, clock)
    assert result.verdict is Verdict.VALID
    check = status_checks(result)["status: suspension"]
    assert check.outcome is Outcome.PASSED
    assert check.reason == "The credential is not suspended (status list last refreshed 3 hours ago)."
    assert check.refreshed_at == T0
    copy = lists.get_with_metadata(https.url(PATHS["suspension"]))
    assert copy is not None
    assert copy.from_cache
    assert copy.age(clock.moment) == timedelta(hours=3)
    # Told it is offline, a verifier asks nobody and uses the copies within the maximum age.
    offline = source(tmp_path, client_tls, clock, offline=True)
    assert verify(offline, https, clock).verdict is Verdict.VALID


def test_beyond_max_age_the_status_is_unknown(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    publish(https, "revocation")
    publish(https, "suspension")
    clock = Clock(T0)
    lists = source(tmp_path, client_tls, clock)
    verify(lists, https, clock)
    https.stop()
    clock.moment = T0 + MAX_AGE + timedelta(seconds=1)
    result = verify(lists, https, clock)
    assert result.verdict is Verdict.CANNOT_CONFIRM
    check = status_checks(result)["status: revocation"]
    assert check.outcome is Outcome.UNKNOWN
    assert check.reason == (
        "The status list could not be obtained: the copy held was last refreshed 1 day ago, "
        "too long ago to rely on, so the status cannot be confirmed."
    )
    assert lists.get(https.url(PATHS["revocation"])) is None
    assert source(tmp_path, client_tls, clock, offline=True).get(https.url(PATHS["revocation"])) is None


def test_unreachable_server_without_a_cache_cannot_confirm(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    https.stop()
    clock = Clock(T0)
    with caplog.at_level(logging.WARNING):
        result = verify(source(tmp_path, client_tls, clock), https, clock)
    assert result.verdict is Verdict.CANNOT_CONFIRM
    check = status_checks(result)["status: revocation"]
    assert check.reason == "The status list could not be obtained, so the status cannot be confirmed."
    assert check.refreshed_at is None
    assert "could not be reached" in caplog.text
    assert "localhost" not in caplog.text  # log lines name no host or URL
    assert "127.0.0.1" not in caplog.text


@pytest.mark.parametrize("cached", [False, True])
def test_a_404_is_unknown_even_with_a_cached_copy(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path, cached: bool
) -> None:
    clock = Clock(T0)
    lists = source(tmp_path, client_tls, clock)
    url = https.url(PATHS["revocation"])
    if cached:
        publish(https, "revocation")
        assert lists.get(url) is not None
        del https.routes[PATHS["revocation"]]
        clock.moment = T0 + TTL
    assert lists.get(url) is None
    assert https.requests[-1] == PATHS["revocation"]
    assert lists.refreshed_at(url) is None  # a refusal removes the cached copy
    publish(https, "suspension")
    result = verify(lists, https, clock)
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert status_checks(result)["status: revocation"].outcome is Outcome.UNKNOWN


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", json.dumps({"type": ["VerifiableCredential"]}).encode(), None],
    ids=["not-json", "not-an-object", "not-a-status-list", "another-list"],
)
def test_a_bad_answer_never_replaces_the_cached_copy(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path, body: bytes | None
) -> None:
    published = publish(https, "revocation")
    clock = Clock(T0)
    lists = source(tmp_path, client_tls, clock)
    url = https.url(PATHS["revocation"])
    lists.get(url)
    if body is None:  # a genuine list, but for another URL than the one asked for
        body = json.dumps(list_credential(https, "suspension")).encode()
    https.routes[PATHS["revocation"]] = Route(body=body)
    clock.moment = T0 + TTL
    answer = lists.get_with_metadata(url)
    assert answer is not None
    assert answer.from_cache
    assert answer.document == published
    assert len(https.requests) == 2
    restarted = source(tmp_path, client_tls, clock, offline=True)
    assert restarted.get(url) == published


def test_a_failed_fetch_is_retried_only_after_a_pause(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    clock = Clock(T0)
    lists = source(tmp_path, client_tls, clock)
    url = https.url(PATHS["revocation"])
    https.routes[PATHS["revocation"]] = Route(503)
    assert lists.get(url) is None
    clock.moment = T0 + RETRY_AFTER - timedelta(seconds=1)
    assert lists.get(url) is None
    assert len(https.requests) == 1  # no request for every verification while the server fails
    publish(https, "revocation")
    clock.moment = T0 + RETRY_AFTER
    assert lists.get(url) is not None
    assert len(https.requests) == 2


def test_private_addresses_are_refused_unless_allowed(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    publish(https, "revocation")
    lists = source(tmp_path, client_tls, Clock(T0), allow_private_addresses=False)
    assert lists.get(https.url(PATHS["revocation"])) is None
    assert https.requests == []


def test_offline_without_a_cache_asks_nobody(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    publish(https, "revocation")
    lists = source(tmp_path, client_tls, Clock(T0), offline=True)
    assert lists.get(https.url(PATHS["revocation"])) is None
    assert lists.refreshed_at(https.url(PATHS["revocation"])) is None
    assert https.requests == []


def test_a_corrupt_cache_file_is_ignored(https: Server, client_tls: ssl.SSLContext, tmp_path: Path) -> None:
    publish(https, "revocation")
    clock = Clock(T0)
    url = https.url(PATHS["revocation"])
    source(tmp_path, client_tls, clock).get(url)
    path = tmp_path / "status-lists" / (hashlib.sha256(url.encode()).hexdigest() + ".json")
    stored = json.loads(path.read_text())
    assert stored["url"] == url
    path.write_text(json.dumps({**stored, "document": {"type": "VerifiableCredential"}}))
    assert source(tmp_path, client_tls, clock, offline=True).get(url) is None
    path.write_text("{truncated")
    assert source(tmp_path, client_tls, clock, offline=True).get(url) is None


def test_lists_given_up_front_show_no_age() -> None:
    result = Verifier(status_lists=StaticStatusLists(), clock=lambda: T0).verify_credential(
        signed_credential(
            credential_status=[status.build_entry("https://partner.example/s", 1, "revocation")]
        )
    )
    check = status_checks(result)["status: revocation"]
    assert check.refreshed_at is None
    assert "refreshedAt" not in check.to_json()


@pytest.mark.parametrize(
    ("age", "words"),
    [
        (timedelta(seconds=59), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=119), "1 hour ago"),
        (timedelta(hours=5, minutes=59), "5 hours ago"),
        (timedelta(days=9, hours=23), "9 days ago"),
        (timedelta(seconds=-30), "just now"),
    ],
)
def test_ages_are_told_in_the_largest_whole_unit(age: timedelta, words: str) -> None:
    assert ago(age) == words


def test_a_copy_another_thread_just_fetched_is_found(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interleaving of a verifier's first concurrent requests, made to happen: this thread read
    the cache (empty), then another fetched the list, stored it and recorded the attempt. The copy
    must be found, not "status unknown" (the verifier bench's CANNOT CONFIRM answers at start-up)."""
    published = publish(https, "revocation")
    url = https.url(PATHS["revocation"])
    clock = Clock(T0)
    lists = source(tmp_path, client_tls, clock)
    other = source(tmp_path, client_tls, clock)  # the same cache on disk, as another thread sees it
    assert other.get(url) == published
    lists._schedule.attempted(url, T0, succeeded=True)  # what the other thread recorded
    reads = [None]  # this thread's first read of the cache came before the other stored it
    real_get = lists._cache.get
    monkeypatch.setattr(lists._cache, "get", lambda key: reads.pop() if reads else real_get(key))
    assert lists.get(url) == published
    assert len(https.requests) == 1  # and it was not fetched again
