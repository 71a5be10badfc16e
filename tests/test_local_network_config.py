"""NANSEN_ALLOW_PRIVATE_ADDRESSES and NANSEN_TLS_CA_FILE: a local deployment (or the demo) can
serve DID documents and status lists from its own network with its own CA; neither is on by default."""

from __future__ import annotations

from pathlib import Path

import pytest
import trustme

from nansen import safehttp
from nansen.config import core_settings
from nansen.errors import ConfigurationError
from nansen.safehttp import FetchFailed, FetchRefused
from tests.httpsserver import Route, Server

pytest_plugins = ["tests.httpsserver"]


def fetch(url: str) -> bytes:
    return safehttp.fetch(url, max_bytes=1024, timeout=5)


def test_defaults_refuse_loopback_and_an_unknown_ca(
    https: Server, monkeypatch: pytest.MonkeyPatch, ca: trustme.CA, tmp_path: Path
) -> None:
    https.routes["/x"] = Route(body=b"{}")
    monkeypatch.delenv("NANSEN_ALLOW_PRIVATE_ADDRESSES", raising=False)
    monkeypatch.delenv("NANSEN_TLS_CA_FILE", raising=False)
    with pytest.raises(FetchRefused, match="private"):
        fetch(https.url("/x"))
    monkeypatch.setenv("NANSEN_ALLOW_PRIVATE_ADDRESSES", "1")
    core_settings.cache_clear()
    with pytest.raises(FetchFailed):  # now it connects, but the test CA is not trusted
        fetch(https.url("/x"))
    assert https.requests == []


def test_configured_local_network_and_ca_are_used(
    https: Server, monkeypatch: pytest.MonkeyPatch, ca: trustme.CA, tmp_path: Path
) -> None:
    https.routes["/x"] = Route(body=b"{}")
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("NANSEN_ALLOW_PRIVATE_ADDRESSES", "1")
    monkeypatch.setenv("NANSEN_TLS_CA_FILE", str(bundle))
    assert fetch(https.url("/x")) == b"{}"
    monkeypatch.setenv("NANSEN_ALLOW_PRIVATE_ADDRESSES", "yes")  # only "1" turns it on; "yes" is refused
    core_settings.cache_clear()
    with pytest.raises(ConfigurationError, match="NANSEN_ALLOW_PRIVATE_ADDRESSES must be 1"):
        fetch(https.url("/x"))
    assert https.requests == ["/x"]  # only the fetch made while it was "1"
