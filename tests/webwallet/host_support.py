"""The web wallet host under test: a real uvicorn server on loopback over a real SQLite file or the
real PostgreSQL, an embedded IPFS store of the test's own, and a client that does what the app
does with a wallet made by the command line (`wallet.Wallet.create` at the ``minimum`` cost)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nansen.ipfs import EmbeddedStore
from tests.servers import loopback_socket, serving
from wallet.container import FILE_NAME
from wallet.header import SIZE as HEADER_SIZE
from wallet.header import Header
from wallet.host.app import create_app
from wallet.host.settings import Settings
from wallet.kdf import LEVELS, derive
from wallet.wallet import Wallet

PASSPHRASE = "correct horse battery staple"
DURESS = "a quiet decoy passphrase"
OCTETS = {"Content-Type": "application/octet-stream"}


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def login_key(header: bytes, passphrase: str) -> bytes:
    """What the app derives (WEBWALLET-PROTOCOL.md): Argon2id slot key, then crypto_kdf subkey 1, "nslogin_"."""
    parsed = Header.parse(header, b"NSWALLET", 3)
    assert parsed is not None
    return derive(parsed.key_for(passphrase), b"nslogin_", 1)


def verifier(key: bytes) -> str:
    return b64u(hashlib.sha256(key).digest())


@dataclass(frozen=True)
class MadeWallet:
    directory: Path
    passphrase: str

    @property
    def file(self) -> bytes:
        return (self.directory / FILE_NAME).read_bytes()

    @property
    def login(self) -> bytes:
        return login_key(self.file[:HEADER_SIZE], self.passphrase)

    def verifiers(self, *others: bytes) -> list[str]:
        keys = [self.login, *others]
        return [verifier(key) for key in keys] + [b64u(os.urandom(32)) for _ in range(3 - len(keys))]


def made_wallet(directory: Path, passphrase: str = PASSPHRASE, duress: str | None = None) -> MadeWallet:
    with Wallet.create(directory, passphrase, LEVELS["minimum"]) as held:
        if duress is not None:
            held.set_duress(duress)
    return MadeWallet(directory, passphrase)


@dataclass
class Host:
    url: str
    settings: Settings
    store: EmbeddedStore
    http: httpx.Client
    data: Path
    app: FastAPI
    #: Every request the host received (heads and bodies), in order.
    received: list[bytes]

    def post(self, path: str, body: Any, **kwargs: Any) -> httpx.Response:
        return self.http.post(self.url + path, json=body, **kwargs)

    def create(self, wallet: MadeWallet) -> Account:
        """An account for the wallet, and its file uploaded, as the app does at creation."""
        answer = self.post("/api/accounts", {"verifiers": wallet.verifiers()})
        assert answer.status_code == 201, answer.text
        account = Account(self, answer.json()["account"], answer.json()["token"])
        uploaded = account.put(wallet.file, {"If-None-Match": "*"})
        assert uploaded.status_code == 204, uploaded.text
        account.etag = uploaded.headers["ETag"]
        return account

    def sign_in(self, account: str, key: bytes) -> httpx.Response:
        return self.post("/api/session", {"account": account, "login": b64u(key)})


@dataclass
class Account:
    host: Host
    account: str
    token: str
    etag: str = field(default="")

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self) -> httpx.Response:
        return self.host.http.get(self.host.url + "/api/container", headers=self.auth)

    def put(self, data: bytes, headers: dict[str, str]) -> httpx.Response:
        return self.host.http.put(
            self.host.url + "/api/container", content=data, headers={**self.auth, **OCTETS, **headers}
        )


def host_settings(database_url: str, data: Path, **overrides: Any) -> Settings:
    base = Settings(database_url=database_url, web_dir=data / "dist")
    return replace(base, **overrides)


class Received:
    """ASGI middleware keeping every request the host received: its path, headers and body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.requests: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = [scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b"")]
        head += [name + b": " + value for name, value in scope["headers"]]
        self.requests.append(b"\n".join(head))

        async def keeping() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                self.requests.append(message.get("body", b""))
            return message

        await self.app(scope, keeping, send)


@contextlib.contextmanager
def running_host(database_url: str, data: Path, **overrides: Any) -> Iterator[Host]:
    settings = host_settings(database_url, data, **overrides)
    store = EmbeddedStore(data / "ipfs")
    app = create_app(settings, store=lambda: store)
    received = Received(app)
    sock, port = loopback_socket()
    with serving(received, sock), httpx.Client(timeout=60) as http:  # type: ignore[arg-type]
        yield Host(f"http://127.0.0.1:{port}", settings, store, http, data, app, received.requests)
