"""did:web resolution over real HTTPS: the document, its cache, offline use and deactivation.

The HTTPS policy itself (redirects, size, time, addresses, TLS) is tested in test_safehttp.py.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import stat
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from nansen.did import Resolver
from nansen.did.web import PartnerKey, build_document, rotate
from nansen.did.web_resolver import WebResolver
from nansen.errors import DidDocumentUnavailable, DidResolutionError
from nansen.proofs import Expectations, verify_proofs
from tests.did.partners import KEY_1, KEY_2, T0, signed
from tests.httpsserver import Route, Server

pytest_plugins = ["tests.httpsserver"]


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def server_did(server: Server, *path: str) -> str:
    """The did:web of a document on ``server`` (did:web "Method-specific identifier")."""
    return ":".join([f"did:web:localhost%3A{server.port}", *path])


def publish(server: Server, document: dict[str, Any], *path: str) -> str:
    """Serve the document at the did:web's URL path; return that path."""
    url_path = "/" + "/".join(path) + "/did.json" if path else "/.well-known/did.json"
    server.routes[url_path] = Route(body=json.dumps(document).encode())
    return url_path


def partner_document(did: str) -> dict[str, Any]:
    return build_document(did, [PartnerKey("key-1", KEY_1.public_key)])


def resolver(tmp_path: Path, tls: ssl.SSLContext, **options: Any) -> WebResolver:
    options.setdefault("allow_private_addresses", True)
    return WebResolver(tmp_path / "cache", verify=tls, **options)


def refusal(web: WebResolver, did: str) -> str:
    """Resolve expecting a refusal; neither the message nor its causes name the DID or its host."""
    with pytest.raises(DidResolutionError) as refused:
        web.resolve(did)
    message = str(refused.value)
    error: BaseException | None = refused.value
    while error is not None:
        for text in (str(error), repr(error.args)):
            assert did not in text
            assert "localhost" not in text
            assert "127.0.0.1" not in text
        error = error.__cause__
    return message


def test_resolves_over_https(https: Server, client_tls: ssl.SSLContext, tmp_path: Path) -> None:
    did = server_did(https, "partners", "7")
    publish(https, partner_document(did), "partners", "7")
    result = resolver(tmp_path, client_tls).resolve_with_metadata(did)
    assert result.document.id == did
    assert not result.from_cache
    assert not result.stale
    assert https.requests == ["/partners/7/did.json"]
    assert https.request_headers[0]["Accept"] == "application/did+json, application/json"
    assert result.document.verification_method(did + "#key-1") is not None


def test_fetch_errors_speak_of_the_did_document(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = server_did(https)
    publish(https, partner_document(did))
    # Private addresses are refused unless allowed.
    assert refusal(WebResolver(tmp_path / "cache", verify=client_tls), did) == (
        "The DID document's host resolves to a private or reserved network address, which is refused."
    )
    assert https.requests == []
    https.routes["/.well-known/did.json"] = Route(403)
    assert refusal(resolver(tmp_path, client_tls), did) == "The DID document could not be fetched (HTTP 403)."
    https.routes["/.well-known/did.json"] = Route(503)
    assert refusal(resolver(tmp_path, client_tls), did) == "The DID document's server failed (HTTP 503)."
    missing = WebResolver(tmp_path / "cache", verify=tmp_path / "no-such-ca.pem")
    assert refusal(missing, did) == "The TLS trust store cannot be loaded."


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (json.dumps(partner_document("did:web:example.com")), "id does not match"),
        (b"[1, 2]", "not a JSON object"),
        (b"{not json", "not valid JSON"),
        (None, "DID v1 context"),
    ],
)
def test_wrong_documents_are_refused(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path, body: str | bytes | None, expected: str
) -> None:
    did = server_did(https)
    if body is None:
        body = json.dumps({**partner_document(did), "@context": ["https://www.w3.org/ns/credentials/v2"]})
    https.routes["/.well-known/did.json"] = Route(body=body.encode() if isinstance(body, str) else body)
    assert expected in refusal(resolver(tmp_path, client_tls), did)
    assert not (tmp_path / "cache").exists()  # nothing refused is cached


def test_cache_within_ttl_makes_no_second_request(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = server_did(https)
    publish(https, partner_document(did))
    clock = Clock(T0)
    web = resolver(tmp_path, client_tls, clock=clock)
    first = web.resolve_with_metadata(did)
    clock.moment = T0 + timedelta(minutes=59)
    second = web.resolve_with_metadata(did + "#key-1")
    assert https.requests == ["/.well-known/did.json"]
    assert not first.from_cache
    assert second.from_cache
    assert not second.stale
    assert second.fetched_at == T0
    assert second.age(clock.moment) == timedelta(minutes=59)
    # Past the TTL it fetches again.
    clock.moment = T0 + timedelta(hours=1, seconds=1)
    third = web.resolve_with_metadata(did)
    assert not third.from_cache
    assert third.fetched_at == clock.moment
    assert len(https.requests) == 2
    # Written atomically as one file named by the DID's SHA-256, no temporary file left behind,
    # readable by its owner only.
    files = sorted((tmp_path / "cache").iterdir())
    assert [p.name for p in files] == [hashlib.sha256(did.encode()).hexdigest() + ".json"]
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600


def test_server_failure_is_answered_from_the_cache_but_a_refusal_is_not(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = server_did(https)
    publish(https, partner_document(did))
    clock = Clock(T0)
    web = resolver(tmp_path, client_tls, clock=clock)
    web.resolve(did)
    clock.moment = T0 + timedelta(hours=2)
    https.routes["/.well-known/did.json"] = Route(503)
    stale = web.resolve_with_metadata(did)
    assert stale.stale
    assert stale.fetched_at == T0
    https.routes["/.well-known/did.json"] = Route(403)
    assert refusal(web, did) == "The DID document could not be fetched (HTTP 403)."
    # The refusal leaves the cached copy in place.
    https.routes["/.well-known/did.json"] = Route(503)
    assert web.resolve_with_metadata(did).fetched_at == T0


def test_offline_from_disk_cache_after_the_server_stops(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = server_did(https, "partners", "7")
    publish(https, partner_document(did), "partners", "7")
    clock = Clock(T0)
    web = resolver(tmp_path, client_tls, clock=clock)
    web.resolve(did)
    https.stop()

    # The network fails after the TTL: the cached copy answers, with its age.
    clock.moment = T0 + timedelta(hours=3)
    stale = web.resolve_with_metadata(did)
    assert stale.from_cache
    assert stale.stale
    assert stale.fetched_at == T0
    assert stale.age(clock.moment) == timedelta(hours=3)
    assert stale.document.data == partner_document(did)

    # A new resolver over the same directory (a restarted verifier), told it is offline.
    later = Clock(T0 + timedelta(hours=20))
    restarted = resolver(tmp_path, client_tls, offline=True, clock=later)
    result = restarted.resolve_with_metadata(did)
    assert result.from_cache
    assert result.stale
    assert result.age(later.moment) == timedelta(hours=20)
    assert result.document.id == did
    # And one that is not told: the network fails, and the disk cache answers.
    assert resolver(tmp_path, client_tls, clock=later).resolve(did).id == did

    # Beyond the maximum age (a day by default) no copy answers, offline or not.
    too_late = Clock(T0 + timedelta(days=2))
    for web in (
        resolver(tmp_path, client_tls, offline=True, clock=too_late),
        resolver(tmp_path, client_tls, clock=too_late),
    ):
        with pytest.raises(DidDocumentUnavailable, match="fetched 2 days ago, too long ago to rely on"):
            web.resolve(did)

    # A DID never fetched is an error offline, naming no DID.
    assert "not in the cache" in refusal(restarted, server_did(https, "partners", "8"))


def test_corrupt_cache_entries_are_ignored(https: Server, client_tls: ssl.SSLContext, tmp_path: Path) -> None:
    did = server_did(https)
    publish(https, partner_document(did))
    resolver(tmp_path, client_tls).resolve(did)
    path = tmp_path / "cache" / (hashlib.sha256(did.encode()).hexdigest() + ".json")
    stored = json.loads(path.read_text())
    assert stored["did"] == did
    assert stored["document"]["id"] == did
    path.write_text(json.dumps({**stored, "document": partner_document("did:web:example.com")}))
    assert "not in the cache" in refusal(resolver(tmp_path, client_tls, offline=True), did)
    path.write_text("{truncated")
    assert "not in the cache" in refusal(resolver(tmp_path, client_tls, offline=True), did)


@pytest.mark.parametrize("status", [404, 410])
def test_deactivated_did_clears_the_cache(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path, status: int
) -> None:
    did = server_did(https)
    publish(https, partner_document(did))
    clock = Clock(T0)
    web = resolver(tmp_path, client_tls, clock=clock)
    web.resolve(did)
    https.routes["/.well-known/did.json"] = Route(status)
    clock.moment = T0 + timedelta(hours=2)
    assert refusal(web, did) == (
        f"The DID document is not published (HTTP {status}); the DID is deactivated."
    )
    assert "not in the cache" in refusal(resolver(tmp_path, client_tls, offline=True), did)


def test_credential_verifies_through_did_web_resolution(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = server_did(https, "issuers", "7")
    rotated = rotate(partner_document(did), KEY_2.public_key, "key-2", T0)
    publish(https, rotated, "issuers", "7")
    signed_before = signed(KEY_1, "key-1", T0 - timedelta(days=1), did=did)
    web_resolver = Resolver(web=resolver(tmp_path, client_tls))
    results = verify_proofs(signed_before, web_resolver, Expectations(moment=T0 + timedelta(days=1)))
    assert [r.verified for r in results] == [True]
    late = signed(KEY_1, "key-1", T0 + timedelta(hours=1), did=did)
    results = verify_proofs(late, web_resolver, Expectations(moment=T0 + timedelta(days=1)))
    assert [r.verified for r in results] == [False]
    assert https.requests == ["/issuers/7/did.json"]
