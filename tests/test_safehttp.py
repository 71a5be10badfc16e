"""nansen.safehttp.fetch against real HTTP(S) servers: every refusal and failure, and the bounds."""

from __future__ import annotations

import itertools
import ssl
import time
from pathlib import Path
from typing import Any

import pytest
import trustme

from nansen.safehttp import Fetcher, FetchError, FetchFailed, FetchRefused, Verify, fetch, tls_context
from tests.httpsserver import Route, Server

pytest_plugins = ["tests.httpsserver"]

LIMIT = 64 * 1024


def get(url: str, tls: Verify, **options: Any) -> bytes:
    """Fetch as the tests do: from the loopback servers, within LIMIT bytes and five seconds."""
    options.setdefault("allow_private_addresses", True)
    options.setdefault("max_bytes", LIMIT)
    options.setdefault("timeout", 5.0)
    return fetch(url, verify=tls, **options)


def error(kind: type[FetchError], url: str, tls: Verify, **options: Any) -> FetchError:
    """Fetch expecting ``kind``; neither its message nor its causes name the host or the URL."""
    with pytest.raises(kind) as raised:
        get(url, tls, **options)
    seen: BaseException | None = raised.value
    while seen is not None:
        for text in (str(seen), repr(seen.args)):
            assert "localhost" not in text
            assert "127.0.0.1" not in text
        seen = seen.__cause__
    return raised.value


def test_returns_the_body_asking_for_it_uncompressed(https: Server, client_tls: ssl.SSLContext) -> None:
    https.routes["/list"] = Route(body=b'{"ok": true}')
    assert get(https.url("/list"), client_tls, accept="application/vc+jwt") == b'{"ok": true}'
    assert https.requests == ["/list"]
    headers = https.request_headers[0]
    assert headers["Accept"] == "application/vc+jwt"
    assert headers["Accept-Encoding"] == "identity"


def test_ca_bundle_path_is_accepted(ca: trustme.CA, https: Server, tmp_path: Path) -> None:
    https.routes["/list"] = Route(body=b"{}")
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    assert get(https.url("/list"), bundle) == b"{}"
    assert tls_context(bundle).minimum_version == ssl.TLSVersion.TLSv1_2


def test_a_trust_store_that_cannot_be_loaded_is_refused(https: Server, tmp_path: Path) -> None:
    refused = error(FetchRefused, https.url(), tmp_path / "missing.pem")
    assert str(refused) == "The TLS trust store cannot be loaded."
    assert isinstance(refused.__cause__, OSError)
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(FetchRefused):
        tls_context(tmp_path / "junk.pem")
    assert https.requests == []


def test_untrusted_certificate_is_refused(https: Server) -> None:
    untrusted = ssl.create_default_context()
    trustme.CA().configure_trust(untrusted)
    failed = error(FetchFailed, https.url(), untrusted)
    assert str(failed) == "A secure connection to the resource's server failed."
    assert failed.status is None
    assert https.requests == []


@pytest.mark.parametrize("url", ["ftp://localhost/x", "https:///x", "/relative", "", "https://[::1/x"])
def test_only_https_urls_are_fetched(url: str, client_tls: ssl.SSLContext) -> None:
    assert str(error(FetchRefused, url, client_tls)) == (
        "The resource's URL is not an HTTPS URL, which is refused."
    )


def test_plain_http_is_never_spoken(https: Server, plain: Server, client_tls: ssl.SSLContext) -> None:
    plain.routes["/list"] = Route(body=b"{}")
    # An http:// URL is refused before any connection.
    error(FetchRefused, plain.url("/list"), client_tls)
    # An https:// URL at a plain HTTP listener: we speak TLS, so it sees no HTTP request.
    error(FetchFailed, f"https://localhost:{plain.port}/list", client_tls)
    # An HTTPS server redirecting to http:// is refused before anything is sent there.
    https.routes["/list"] = Route(302, headers={"Location": plain.url("/list")})
    assert "redirected" in str(error(FetchRefused, https.url("/list"), client_tls))
    # Even to the same host and port.
    https.routes["/list"] = Route(302, headers={"Location": f"http://localhost:{https.port}/elsewhere"})
    assert "redirected" in str(error(FetchRefused, https.url("/list"), client_tls))
    assert plain.requests == []
    assert https.requests == ["/list"] * 2


def test_redirect_within_the_same_host_is_followed(https: Server, client_tls: ssl.SSLContext) -> None:
    https.routes["/partners/7/list"] = Route(301, headers={"Location": "/v2/partners/7/list"})
    https.routes["/v2/partners/7/list"] = Route(307, headers={"Location": https.url("/store/7.json")})
    https.routes["/store/7.json"] = Route(body=b"{}")
    assert get(https.url("/partners/7/list"), client_tls) == b"{}"
    assert https.requests == ["/partners/7/list", "/v2/partners/7/list", "/store/7.json"]


def test_redirect_to_another_host_is_refused(https: Server, client_tls: ssl.SSLContext) -> None:
    https.routes["/list"] = Route(302, headers={"Location": https.url("/other.json", host="127.0.0.1")})
    https.routes["/other.json"] = Route(body=b"{}")
    assert str(error(FetchRefused, https.url("/list"), client_tls)) == (
        "The resource's server redirected elsewhere than its own HTTPS origin, which is refused."
    )
    assert https.requests == ["/list"]


def test_redirect_to_an_invalid_url_is_refused(https: Server, client_tls: ssl.SSLContext) -> None:
    # httpx reads the Location header before fetch does, and calls it a protocol error.
    https.routes["/list"] = Route(302, headers={"Location": "https://[::1/x"})
    assert str(error(FetchFailed, https.url("/list"), client_tls)) == (
        "The resource's server sent a malformed HTTP response."
    )


def test_more_than_three_redirects_are_refused(https: Server, client_tls: ssl.SSLContext) -> None:
    hops = ["/list", "/1", "/2", "/3", "/4"]
    for here, there in itertools.pairwise(hops):
        https.routes[here] = Route(302, headers={"Location": there})
    https.routes["/4"] = Route(body=b"{}")
    assert str(error(FetchRefused, https.url("/list"), client_tls, what="the status list")) == (
        "The status list's server redirected more than 3 times."
    )
    assert https.requests == hops[:4]
    # The limit is the caller's.
    assert get(https.url("/list"), client_tls, max_redirects=4) == b"{}"
    assert "more than 0 times" in str(error(FetchRefused, https.url("/list"), client_tls, max_redirects=0))


@pytest.mark.parametrize("content_length", [True, False])
def test_oversize_document_is_refused(
    https: Server, client_tls: ssl.SSLContext, content_length: bool
) -> None:
    https.routes["/list"] = Route(body=b"x" * (LIMIT + 1), content_length=content_length)
    assert str(error(FetchRefused, https.url("/list"), client_tls)) == (
        "The resource is larger than the 65,536-byte limit."
    )


def test_document_just_under_the_cap_is_read(https: Server, client_tls: ssl.SSLContext) -> None:
    https.routes["/list"] = Route(body=b"x" * LIMIT, content_length=False)
    assert len(get(https.url("/list"), client_tls)) == LIMIT


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate, identity"])
def test_compressed_body_is_refused(https: Server, client_tls: ssl.SSLContext, encoding: str) -> None:
    https.routes["/list"] = Route(body=b"\x1f\x8b" + b"\0" * 20, headers={"Content-Encoding": encoding})
    assert str(error(FetchRefused, https.url("/list"), client_tls)) == (
        "The resource was sent compressed, which is not accepted."
    )


def test_slow_server_hits_the_timeout(https: Server, client_tls: ssl.SSLContext) -> None:
    https.routes["/list"] = Route(body=b"{}", delay=1.5)
    started = time.monotonic()
    failed = error(FetchFailed, https.url("/list"), client_tls, timeout=0.5)
    assert str(failed) == "The resource's server did not answer in time."
    assert time.monotonic() - started < 1.2


def test_loopback_is_refused_unless_allowed(https: Server, client_tls: ssl.SSLContext) -> None:
    https.routes["/list"] = Route(body=b"{}")
    for host in ("localhost", "127.0.0.1"):
        refused = error(
            FetchRefused, https.url("/list", host=host), client_tls, allow_private_addresses=False
        )
        assert str(refused) == (
            "The resource's host resolves to a private or reserved network address, which is refused."
        )
    assert https.requests == []
    assert get(https.url("/list"), client_tls, allow_private_addresses=True) == b"{}"
    assert https.requests == ["/list"]


def test_http_errors(https: Server, client_tls: ssl.SSLContext) -> None:
    for status in (403, 404, 410, 204):
        https.routes["/list"] = Route(status)
        refused = error(FetchRefused, https.url("/list"), client_tls)
        assert str(refused) == f"The resource could not be fetched (HTTP {status})."
        assert refused.status == status
    https.routes["/list"] = Route(503)
    failed = error(FetchFailed, https.url("/list"), client_tls)
    assert str(failed) == "The resource's server failed (HTTP 503)."
    assert failed.status == 503


def test_unreachable_server_is_a_failure(https: Server, client_tls: ssl.SSLContext) -> None:
    url = https.url("/list")
    https.stop()
    assert str(error(FetchFailed, url, client_tls)) == "The resource's server could not be reached."


@pytest.mark.parametrize(
    "options", [{"max_bytes": 0}, {"timeout": 0}, {"timeout": -1}, {"max_redirects": -1}]
)
def test_bounds_must_make_sense(client_tls: ssl.SSLContext, options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        get("https://localhost/x", client_tls, **options)


@pytest.mark.parametrize("options", [{"max_bytes": 0}, {"timeout": 0}, {"timeout": -1}])
def test_a_fetcher_refuses_senseless_bounds_when_made(options: dict[str, Any]) -> None:
    """The sources of DID documents, status lists and trust lists fail at construction, not later."""
    bounds: dict[str, Any] = {"max_bytes": LIMIT, "timeout": 5.0, **options}
    with pytest.raises(ValueError, match="must be"):
        Fetcher("the resource", **bounds)


def test_a_fetcher_fetches_with_its_bounds(https: Server, client_tls: ssl.SSLContext) -> None:
    https.routes["/list"] = Route(body=b"{}")
    fetcher = Fetcher("the status list", max_bytes=LIMIT, timeout=5.0, verify=client_tls)
    with pytest.raises(FetchRefused) as refused:  # loopback: not allowed by this fetcher
        fetcher.fetch(https.url("/list"))
    assert str(refused.value).startswith("The status list's host")
    allowed = Fetcher(
        "the status list", max_bytes=LIMIT, timeout=5.0, verify=client_tls, allow_private_addresses=True
    )
    assert allowed.fetch(https.url("/list")) == b"{}"
    assert allowed.fetch(https.url("/list")) == b"{}"
    assert https.requests == ["/list", "/list"]
