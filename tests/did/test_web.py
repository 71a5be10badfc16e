"""did:web: identifiers, partner documents and key rotation, and resolution over real HTTPS.

The servers are real (http.server on 127.0.0.1, in a thread, TLS from a trustme CA); nothing of
httpx is mocked, and nothing reaches the internet.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme

from nansen.did import Resolver
from nansen.did.web import (
    CONTEXTS,
    PartnerKey,
    WebResolver,
    build_document,
    current_key,
    did_from_url,
    did_to_url,
    mark_compromised,
    rotate,
)
from nansen.errors import DidResolutionError, InvalidInput
from nansen.keys import Ed25519KeyPair, SigningKey
from nansen.proofs import Expectations, ProofOptions, add_proof, verify_proofs

KEY_1 = Ed25519KeyPair.from_seed(b"\x11" * 32)
KEY_2 = Ed25519KeyPair.from_seed(b"\x12" * 32)
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

# ---------------------------------------------------------------------------------------------
# did:web <-> URL


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:partners:7", "https://example.com/partners/7/did.json"),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
        ("did:web:example.com%3a3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:Example.COM", "https://example.com/.well-known/did.json"),
        ("did:web:example.com#key-1", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:a%20b", "https://example.com/a%20b/did.json"),
    ],
)
def test_did_to_url(did: str, url: str) -> None:
    assert did_to_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:web::partners",
        "did:web:%3A8443",
        "did:web:example.com:",
        "did:web:example.com::7",
        "did:web:example.com:..",
        "did:web:example.com:.",
        "did:web:example.com:partners:..:admin",
        "did:web:example.com:%2e%2e",
        "did:web:example.com:a%2Fb",
        "did:web:example.com:a%5Cb",
        "did:web:example.com:%252e%252e",
        "did:web:example.com:a%00",
        "did:web:example.com:a/b",
        "did:web:example.com/x",
        "did:web:example.com:a?b",
        "did:web:exa mple.com",
        "did:web:exam_ple.com",
        "did:web:-example.com",
        "did:web:example..com",
        "did:web:example.com.",
        "did:web:user@example.com",
        "did:web:127.0.0.1",
        "did:web:127.0.0.1%3A8443",
        "did:web:example.com%3A0",
        "did:web:example.com%3A65536",
        "did:web:example.com%3Ahttp",
        "did:web:example.com%3A443%3A1",
        "did:web:example.com:%zz",
        "did:web:ex%41mple.com",
        "did:web:" + "a" * 64 + ".com",
        "did:web:example.com:" + "a" * 3000,
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "https://example.com",
    ],
)
def test_malformed_dids_are_refused(did: str) -> None:
    with pytest.raises(DidResolutionError) as refused:
        did_to_url(did)
    assert "example.com" not in str(refused.value)


@pytest.mark.parametrize(
    ("url", "did"),
    [
        ("https://example.com/.well-known/did.json", "did:web:example.com"),
        ("https://example.com", "did:web:example.com"),
        ("https://example.com/partners/7/did.json", "did:web:example.com:partners:7"),
        ("https://example.com/partners/7/", "did:web:example.com:partners:7"),
        ("https://localhost:8443/.well-known/did.json", "did:web:localhost%3A8443"),
        ("https://example.com:3000/user/alice/did.json", "did:web:example.com%3A3000:user:alice"),
    ],
)
def test_did_from_url_round_trips(url: str, did: str) -> None:
    assert did_from_url(url) == did
    assert did_from_url(did_to_url(did)) == did


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/.well-known/did.json",
        "https://user:pw@example.com/did.json",
        "https://example.com/did.json?x=1",
        "https://example.com/a//b/did.json",
        "https://example.com/../did.json",
        "https://127.0.0.1/did.json",
        "ftp://example.com/did.json",
    ],
)
def test_did_from_url_refuses(url: str) -> None:
    with pytest.raises(DidResolutionError):
        did_from_url(url)


# ---------------------------------------------------------------------------------------------
# Partner documents, rotation, compromise

PARTNER_DID = "did:web:partners.example.org:issuers:7"


def _credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject", "alumniOf": "x"},
    }


def _signed(
    key_pair: Ed25519KeyPair, fragment: str, created: datetime, did: str = PARTNER_DID
) -> dict[str, Any]:
    return add_proof(
        _credential(did), SigningKey(key_pair, f"{did}#{fragment}"), ProofOptions(created=created)
    )


def _verify(document: dict[str, Any], did_document: dict[str, Any], moment: datetime) -> list[str]:
    results = verify_proofs(document, Resolver(documents=[did_document]), Expectations(moment=moment))
    assert len(results) == 1
    return [result.reason for result in results if not result.verified]


def test_build_document_shape() -> None:
    document = build_document(PARTNER_DID, [PartnerKey("key-1", KEY_1.public_key)])
    method_id = PARTNER_DID + "#key-1"
    assert document == {
        "@context": list(CONTEXTS),
        "id": PARTNER_DID,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": PARTNER_DID,
                "publicKeyMultibase": KEY_1.public_key.multibase,
            }
        ],
        "assertionMethod": [method_id],
        "authentication": [method_id],
    }
    assert KEY_1.public_key.multibase.startswith("z6Mk")
    assert current_key(document) == method_id


@pytest.mark.parametrize(
    "keys",
    [
        [],
        [PartnerKey("key-1", KEY_1.public_key), PartnerKey("key-2", KEY_2.public_key)],
        [PartnerKey("key-1", KEY_1.public_key, expires=T0), PartnerKey("key-1", KEY_2.public_key)],
        [PartnerKey("key 1", KEY_1.public_key)],
        [PartnerKey("key-1", KEY_1.public_key, expires=datetime(2026, 1, 1))],  # no time zone
    ],
)
def test_build_document_refuses(keys: list[PartnerKey]) -> None:
    with pytest.raises(InvalidInput):
        build_document(PARTNER_DID, keys)


def test_build_document_refuses_a_bad_did() -> None:
    with pytest.raises(DidResolutionError):
        build_document("did:web:example.com:..", [PartnerKey("key-1", KEY_1.public_key)])


def test_rotation_keeps_old_credentials_valid_and_refuses_later_ones() -> None:
    before = build_document(PARTNER_DID, [PartnerKey("key-1", KEY_1.public_key)])
    signed_before = _signed(KEY_1, "key-1", T0 - timedelta(days=30))
    rotated_at = T0
    rotated = rotate(before, KEY_2.public_key, "key-2", rotated_at)

    old_id, new_id = PARTNER_DID + "#key-1", PARTNER_DID + "#key-2"
    old_method, new_method = rotated["verificationMethod"]
    assert old_method["id"] == old_id
    assert old_method["expires"] == "2026-03-01T12:00:00Z"
    assert "revoked" not in old_method
    assert "expires" not in new_method
    assert rotated["assertionMethod"] == [old_id, new_id]
    assert rotated["authentication"] == [new_id]
    assert current_key(rotated) == new_id
    assert before["authentication"] == [old_id]  # the input is not changed

    later = T0 + timedelta(days=10)
    assert _verify(signed_before, rotated, later) == []
    # The retired key signing after the rotation: refused.
    signed_late = _signed(KEY_1, "key-1", rotated_at + timedelta(days=1))
    assert _verify(signed_late, rotated, later) == ["The proof was made after its key was retired."]
    # The new key signs from now on.
    assert _verify(_signed(KEY_2, "key-2", rotated_at + timedelta(days=1)), rotated, later) == []

    # key-1 found compromised: nothing it ever signed verifies; key-2 is unaffected.
    compromised = mark_compromised(rotated, old_id, T0 + timedelta(days=5))
    assert compromised["verificationMethod"][0]["revoked"] == "2026-03-06T12:00:00Z"
    assert _verify(signed_before, compromised, later) == ["The signing key has been revoked as compromised."]
    assert _verify(_signed(KEY_2, "key-2", rotated_at + timedelta(days=1)), compromised, later) == []


def test_compromised_current_key_then_rotation() -> None:
    document = build_document(PARTNER_DID, [PartnerKey("key-1", KEY_1.public_key)])
    document["service"] = [{"id": PARTNER_DID + "#site", "type": "LinkedDomains", "serviceEndpoint": "x"}]
    compromised = mark_compromised(document, "#key-1", T0)
    assert current_key(compromised) is None
    assert compromised["authentication"] == []
    recovered = rotate(compromised, KEY_2.public_key, "key-2", T0 + timedelta(hours=1))
    assert current_key(recovered) == PARTNER_DID + "#key-2"
    assert recovered["verificationMethod"][0]["revoked"] == "2026-03-01T12:00:00Z"
    assert "expires" not in recovered["verificationMethod"][0]
    assert recovered["service"] == document["service"]  # members it does not manage are kept
    with pytest.raises(InvalidInput):
        rotate(recovered, KEY_2.public_key, "key-3", T0)  # a key already listed
    with pytest.raises(InvalidInput):
        rotate(recovered, Ed25519KeyPair.from_seed(b"\x13" * 32).public_key, "key-2", T0)  # fragment taken
    with pytest.raises(InvalidInput):
        mark_compromised(recovered, "#key-9", T0)


# ---------------------------------------------------------------------------------------------
# A real HTTPS server


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_length: bool = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: clients in these tests hang up on purpose."""


class DocServer:
    """An HTTP(S) server on 127.0.0.1 that serves fixed routes and records every GET."""

    def __init__(self, tls: ssl.SSLContext | None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path, Route(404, b"not found"))
                time.sleep(route.delay)
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.content_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port: int = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.daemon = True
        self.thread.start()
        self.running = True

    def did(self, *path: str) -> str:
        return ":".join([f"did:web:localhost%3A{self.port}", *path])

    def publish(self, document: dict[str, Any], *path: str) -> str:
        """Serve the document at the did:web's URL path; return that path."""
        url_path = "/" + "/".join(path) + "/did.json" if path else "/.well-known/did.json"
        self.routes[url_path] = Route(body=json.dumps(document).encode())
        return url_path

    def stop(self) -> None:
        if self.running:
            self.running = False
            self.httpd.shutdown()
            self.httpd.server_close()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def client_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture
def https(ca: trustme.CA) -> Iterator[DocServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    server = DocServer(context)
    yield server
    server.stop()


@pytest.fixture
def plain() -> Iterator[DocServer]:
    server = DocServer(None)
    yield server
    server.stop()


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


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


# ---------------------------------------------------------------------------------------------
# Resolution


def test_resolves_over_https(https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path) -> None:
    did = https.did("partners", "7")
    https.publish(partner_document(did), "partners", "7")
    result = resolver(tmp_path, client_tls).resolve_with_metadata(did)
    assert result.document.id == did
    assert not result.from_cache
    assert not result.stale
    assert https.requests == ["/partners/7/did.json"]
    assert result.document.verification_method(did + "#key-1") is not None


def test_ca_bundle_path_is_accepted(ca: trustme.CA, https: DocServer, tmp_path: Path) -> None:
    did = https.did()
    https.publish(partner_document(did))
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    web = WebResolver(tmp_path / "cache", verify=bundle, allow_private_addresses=True)
    assert web.resolve(did).id == did


def test_untrusted_certificate_is_refused(https: DocServer, tmp_path: Path) -> None:
    did = https.did()
    https.publish(partner_document(did))
    untrusted = ssl.create_default_context()
    trustme.CA().configure_trust(untrusted)
    message = refusal(resolver(tmp_path, untrusted), did)
    assert message == "A secure connection to the DID document's server failed."
    assert https.requests == []


def test_plain_http_is_never_spoken(
    https: DocServer, plain: DocServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    web = resolver(tmp_path, client_tls)
    # A did:web whose port is a plain HTTP listener: we speak TLS, so it sees no HTTP request.
    refusal(web, plain.did())
    # An HTTPS server redirecting to http:// is refused before anything is sent there.
    did = https.did()
    https.routes["/.well-known/did.json"] = Route(
        302, headers={"Location": f"http://localhost:{plain.port}/.well-known/did.json"}
    )
    plain.publish(partner_document(did))
    assert "redirected" in refusal(web, did)
    # Even to the same host and port.
    https.routes["/.well-known/did.json"] = Route(
        302, headers={"Location": f"http://localhost:{https.port}/elsewhere"}
    )
    assert "redirected" in refusal(web, did)
    assert plain.requests == []
    assert https.requests == ["/.well-known/did.json"] * 2


def test_redirect_within_the_same_host_is_followed(
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = https.did("partners", "7")
    https.routes["/partners/7/did.json"] = Route(301, headers={"Location": "/v2/partners/7/did.json"})
    https.routes["/v2/partners/7/did.json"] = Route(
        307, headers={"Location": f"https://localhost:{https.port}/store/7.json"}
    )
    https.routes["/store/7.json"] = Route(body=json.dumps(partner_document(did)).encode())
    assert resolver(tmp_path, client_tls).resolve(did).id == did
    assert https.requests == ["/partners/7/did.json", "/v2/partners/7/did.json", "/store/7.json"]


def test_redirect_to_another_host_is_refused(
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = https.did()
    https.routes["/.well-known/did.json"] = Route(
        302, headers={"Location": f"https://127.0.0.1:{https.port}/other.json"}
    )
    https.routes["/other.json"] = Route(body=json.dumps(partner_document(did)).encode())
    assert "redirected" in refusal(resolver(tmp_path, client_tls), did)
    assert https.requests == ["/.well-known/did.json"]


def test_redirect_to_an_invalid_url_is_refused(
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    https.routes["/.well-known/did.json"] = Route(302, headers={"Location": "https://[::1/x"})
    assert refusal(resolver(tmp_path, client_tls), https.did()) == (
        "The DID document's server sent a malformed HTTP response."
    )


def test_more_than_three_redirects_are_refused(
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = https.did()
    hops = ["/.well-known/did.json", "/1", "/2", "/3", "/4"]
    for here, there in itertools.pairwise(hops):
        https.routes[here] = Route(302, headers={"Location": there})
    https.routes["/4"] = Route(body=json.dumps(partner_document(did)).encode())
    assert refusal(resolver(tmp_path, client_tls), did) == (
        "The DID document's server redirected more than 3 times."
    )
    assert https.requests == hops[:4]


@pytest.mark.parametrize("content_length", [True, False])
def test_oversize_document_is_refused(
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path, content_length: bool
) -> None:
    did = https.did()
    document = partner_document(did)
    document["padding"] = "x" * (64 * 1024)
    https.routes["/.well-known/did.json"] = Route(
        body=json.dumps(document).encode(), content_length=content_length
    )
    assert "larger than the 65,536-byte limit" in refusal(resolver(tmp_path, client_tls), did)


def test_document_just_under_the_cap_is_read(
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = https.did()
    document = partner_document(did)
    document["padding"] = ""
    document["padding"] = "x" * (64 * 1024 - len(json.dumps(document)))
    body = json.dumps(document).encode()
    assert len(body) == 64 * 1024
    https.routes["/.well-known/did.json"] = Route(body=body, content_length=False)
    assert resolver(tmp_path, client_tls).resolve(did).id == did


def test_slow_server_hits_the_timeout(https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path) -> None:
    did = https.did()
    https.routes["/.well-known/did.json"] = Route(body=json.dumps(partner_document(did)).encode(), delay=1.5)
    web = resolver(tmp_path, client_tls, timeout=0.5)
    started = time.monotonic()
    assert refusal(web, did) == "The DID document's server did not answer in time."
    assert time.monotonic() - started < 1.2


def test_loopback_is_refused_unless_allowed(
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = https.did()
    https.publish(partner_document(did))
    web = WebResolver(tmp_path / "cache", verify=client_tls)
    assert "private or reserved network address" in refusal(web, did)
    assert https.requests == []
    allowed = WebResolver(tmp_path / "cache", verify=client_tls, allow_private_addresses=True)
    assert allowed.resolve(did).id == did
    assert https.requests == ["/.well-known/did.json"]


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
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path, body: str | bytes | None, expected: str
) -> None:
    did = https.did()
    if body is None:
        body = json.dumps({**partner_document(did), "@context": ["https://www.w3.org/ns/credentials/v2"]})
    https.routes["/.well-known/did.json"] = Route(body=body.encode() if isinstance(body, str) else body)
    assert expected in refusal(resolver(tmp_path, client_tls), did)
    assert not (tmp_path / "cache").exists()  # nothing refused is cached


def test_http_errors(https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path) -> None:
    did = https.did()
    https.routes["/.well-known/did.json"] = Route(403)
    assert refusal(resolver(tmp_path, client_tls), did) == "The DID document could not be fetched (HTTP 403)."
    https.routes["/.well-known/did.json"] = Route(503)
    assert refusal(resolver(tmp_path, client_tls), did) == "The DID document's server failed (HTTP 503)."


def test_cache_within_ttl_makes_no_second_request(
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = https.did()
    https.publish(partner_document(did))
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
    # Written atomically as one file named by the DID's SHA-256, no temporary file left behind.
    files = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert files == [hashlib.sha256(did.encode()).hexdigest() + ".json"]


def test_offline_from_disk_cache_after_the_server_stops(
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = https.did("partners", "7")
    https.publish(partner_document(did), "partners", "7")
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
    later = Clock(T0 + timedelta(days=2))
    restarted = resolver(tmp_path, client_tls, offline=True, clock=later)
    result = restarted.resolve_with_metadata(did)
    assert result.from_cache
    assert result.stale
    assert result.age(later.moment) == timedelta(days=2)
    assert result.document.id == did
    # And one that is not told: the network fails, and the disk cache answers.
    assert resolver(tmp_path, client_tls, clock=later).resolve(did).id == did

    # A DID never fetched is an error offline, naming no DID.
    assert "not in the cache" in refusal(restarted, https.did("partners", "8"))


def test_corrupt_cache_entries_are_ignored(
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = https.did()
    https.publish(partner_document(did))
    resolver(tmp_path, client_tls).resolve(did)
    path = tmp_path / "cache" / (hashlib.sha256(did.encode()).hexdigest() + ".json")
    stored = json.loads(path.read_text())
    assert stored["did"] == did
    assert stored["document"]["id"] == did
    path.write_text(json.dumps({**stored, "document": partner_document("did:web:example.com")}))
    assert "not in the cache" in refusal(resolver(tmp_path, client_tls, offline=True), did)
    path.write_text("{truncated")
    assert "not in the cache" in refusal(resolver(tmp_path, client_tls, offline=True), did)


def test_deactivated_did_clears_the_cache(
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = https.did()
    https.publish(partner_document(did))
    clock = Clock(T0)
    web = resolver(tmp_path, client_tls, clock=clock)
    web.resolve(did)
    del https.routes["/.well-known/did.json"]
    clock.moment = T0 + timedelta(hours=2)
    assert "deactivated" in refusal(web, did)
    assert "not in the cache" in refusal(resolver(tmp_path, client_tls, offline=True), did)


def test_credential_verifies_through_did_web_resolution(
    https: DocServer, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = https.did("issuers", "7")
    rotated = rotate(partner_document(did), KEY_2.public_key, "key-2", T0)
    https.publish(rotated, "issuers", "7")
    signed = _signed(KEY_1, "key-1", T0 - timedelta(days=1), did=did)
    web_resolver = Resolver(web=resolver(tmp_path, client_tls))
    results = verify_proofs(signed, web_resolver, Expectations(moment=T0 + timedelta(days=1)))
    assert [r.verified for r in results] == [True]
    late = _signed(KEY_1, "key-1", T0 + timedelta(hours=1), did=did)
    results = verify_proofs(late, web_resolver, Expectations(moment=T0 + timedelta(days=1)))
    assert [r.verified for r in results] == [False]
    assert https.requests == ["/issuers/7/did.json"]
