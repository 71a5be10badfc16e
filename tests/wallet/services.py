"""The partner's issuer service (over HTTPS, with a certificate from a test CA, so that did:web and
status lists resolve as in the field) and the verifier service, each a real uvicorn server on
127.0.0.1. They are set up through their public interfaces: the issuer's command line and
``create_app``; the wallet meets them only over HTTP."""

from __future__ import annotations

import contextlib
import secrets
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme
from fastapi import FastAPI
from typer.testing import CliRunner

from issuer.app import create_app as create_issuer
from issuer.cli import app as issuer_cli
from issuer.settings import Settings as IssuerSettings
from nansen.did.resolver import Resolver
from nansen.did.web_resolver import WebResolver
from nansen.status_source import CachedStatusLists
from nansen.verify import Verifier
from tests.servers import loopback_socket, serving
from verifier import Settings as VerifierSettings
from verifier import create_app as create_verifier
from verifier.dependencies import get_resolver, get_status_lists

DOMAIN = "shelter.example"


@dataclass(frozen=True)
class Trust:
    """How a client trusts the test CA (and loopback addresses, where these servers live)."""

    ca_file: Path
    cache: Path

    def resolver(self) -> Resolver:
        return Resolver(
            web=WebResolver(self.cache / "did-web", verify=str(self.ca_file), allow_private_addresses=True)
        )

    def status_lists(self) -> CachedStatusLists:
        return CachedStatusLists(
            self.cache / "status-lists", verify=str(self.ca_file), allow_private_addresses=True
        )

    def verifier(self) -> Verifier:
        return Verifier(resolver=self.resolver(), status_lists=self.status_lists())


@dataclass(frozen=True)
class Issuer:
    url: str
    api_key: str
    did: str


@contextlib.contextmanager
def serving_tls(app: FastAPI, sock: socket.socket, tls: trustme.LeafCert, directory: Path) -> Iterator[None]:
    """Serve over HTTPS with a certificate of the test CA (did:web and status lists need HTTPS)."""
    key, cert = directory / "key.pem", directory / "cert.pem"
    tls.private_key_pem.write_to_path(str(key))
    tls.cert_chain_pems[0].write_to_path(str(cert))
    with serving(app, sock, certfile=cert, keyfile=key):
        yield


@contextlib.contextmanager
def issuer_service(directory: Path, ca: trustme.CA, monkeypatch: pytest.MonkeyPatch) -> Iterator[Issuer]:
    directory.mkdir()
    sock, port = loopback_socket()
    env = {
        "NANSEN_ISSUER_DATABASE_URL": f"sqlite:///{directory / 'issuer.db'}",
        "NANSEN_ISSUER_PUBLIC_HOST": f"localhost%3A{port}",
        "NANSEN_ISSUER_MASTER_KEY": secrets.token_hex(32),
        "NANSEN_ISSUER_RATE_PER_SECOND": "1000",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    assert runner.invoke(issuer_cli, ["migrate"]).exit_code == 0
    added = runner.invoke(issuer_cli, ["partner", "add", "Shelter of Hope"])
    assert added.exit_code == 0, added.output
    fields = dict(line.split(":", 1) for line in added.stdout.splitlines() if ":" in line)
    app = create_issuer(IssuerSettings.from_env())
    with serving_tls(app, sock, ca.issue_cert("localhost"), directory):
        yield Issuer(f"https://localhost:{port}", fields["API key"].strip(), fields["DID"].strip())


@contextlib.contextmanager
def verifier_service(directory: Path, trust: Trust) -> Iterator[str]:
    directory.mkdir()
    settings = VerifierSettings(
        database_url=f"sqlite:///{directory / 'verifier.db'}", data_dir=directory, domain=DOMAIN
    )
    app = create_verifier(settings)
    resolver, lists = trust.resolver(), trust.status_lists()
    app.dependency_overrides[get_resolver] = lambda: resolver
    app.dependency_overrides[get_status_lists] = lambda: lists
    sock, port = loopback_socket()
    with serving(app, sock):
        yield f"http://127.0.0.1:{port}"


def client_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context
