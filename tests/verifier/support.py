"""The verifier service under test: real uvicorn servers on loopback, real databases, a movable clock."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from nansen import status, vcdm
from nansen.keys import SigningKey
from nansen.proofs import ProofOptions, add_proof
from nansen.verify import StaticStatusLists, StatusListSource
from tests.helpers import HOLDER, ISSUED, PARTNER
from tests.servers import loopback_socket, serving
from verifier import Settings, create_app
from verifier.dependencies import get_clock, get_status_lists

DOMAIN = "shelter.example"  # the domain tests.helpers.presentation signs for
STATUS_BASE = "https://partner.example/status"
STATUS_INDEX = 4242


@dataclass
class FakeClock:
    moment: datetime = field(default_factory=lambda: ISSUED + timedelta(minutes=1))

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def one_way(
    credential: dict[str, Any], signer: SigningKey = HOLDER, moment: datetime = ISSUED
) -> dict[str, Any]:
    """A presentation for one-way scanning, made at ``moment``: its proof names no challenge and
    no domain (as the wallet's QR code), so no verifier takes it for a challenged one."""
    unsigned = vcdm.build_presentation(holder=signer.controller, credentials=[credential])
    return add_proof(unsigned, signer, ProofOptions(purpose="authentication", created=moment))


def settings_for(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    return replace(Settings(database_url=database_url, data_dir=data_dir, domain=DOMAIN), **overrides)


@contextlib.contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """Serve the app with uvicorn on 127.0.0.1 (a random port) in a thread; yields its base URL."""
    sock, port = loopback_socket()
    with serving(app, sock):
        yield f"http://127.0.0.1:{port}"


@dataclass
class Service:
    url: str
    app: FastAPI
    settings: Settings
    clock: FakeClock
    client: httpx.Client

    def post(self, path: str, body: Any, **kwargs: Any) -> httpx.Response:
        return self.client.post(self.url + path, json=body, **kwargs)

    def challenge(self) -> str:
        response = self.client.post(self.url + "/challenges")
        assert response.status_code == 200, response.text
        nonce = response.json()["challenge"]
        assert isinstance(nonce, str)
        return nonce

    def verify_presentation(self, presentation: Any, **options: Any) -> httpx.Response:
        return self.post(
            "/presentations/verify", {"verifiablePresentation": presentation, "options": options}
        )


@contextlib.contextmanager
def service(
    database_url: str,
    data_dir: Path,
    *,
    status_lists: Sequence[dict[str, Any]] | StatusListSource | None = (),
    clock: FakeClock | None = None,
    **overrides: Any,
) -> Iterator[Service]:
    """The service on a real uvicorn server, its clock at ISSUED plus a minute (or ``clock``).
    Status lists come from ``status_lists`` (given, with no network, or a source such as a
    `CachedStatusLists` of a test server), or with None from the app's own source (over HTTPS)."""
    settings = settings_for(database_url, data_dir, **overrides)
    app = create_app(settings)
    clock = clock or FakeClock()
    app.dependency_overrides[get_clock] = lambda: clock
    if status_lists is not None:
        lists = StaticStatusLists(status_lists) if isinstance(status_lists, Sequence) else status_lists
        app.dependency_overrides[get_status_lists] = lambda: lists
    with running(app) as url, httpx.Client(timeout=60) as client:
        yield Service(url, app, settings, clock, client)


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'verifier.sqlite3'}"


def status_entries(base: str = STATUS_BASE) -> list[dict[str, Any]]:
    return [status.build_entry(f"{base}/{p}", STATUS_INDEX, p) for p in ("revocation", "suspension")]


def status_list_credential(purpose: str, revoked: bool = False) -> dict[str, Any]:
    bits = status.StatusList()
    bits.set(STATUS_INDEX, revoked)
    unsigned = status.build_list_credential(
        f"{STATUS_BASE}/{purpose}", PARTNER.controller, purpose, bits, valid_from=ISSUED
    )
    return add_proof(unsigned, PARTNER, ProofOptions(created=ISSUED))
