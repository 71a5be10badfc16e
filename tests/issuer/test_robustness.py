"""Refusals at the edge: body size (never read; larger for scans), JSON depth, rate limit, problem+json."""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from issuer.app import create_app
from issuer.settings import Settings
from tests.issuer.conftest import LiveServer, PartnerInfo, add_partner
from tests.issuer.payloads import document_fields

HUNDRED_MB = 100 * 1024 * 1024


def raw_request(server: LiveServer, head: str, body_chunks: Iterator[bytes]) -> bytes:
    """Send a request by hand, stopping the body as soon as the server answers; return the answer."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head.encode())
        try:
            for chunk in body_chunks:
                if select.select([sock], [], [], 0)[0]:
                    break  # the server has answered: it reads no further
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed the connection without reading the rest, as it should
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
        return answer


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_declared_100_mb_body_is_refused_unread(live_server: LiveServer) -> None:
    partner = add_partner(live_server.settings)
    head = (
        "POST /credentials/issue HTTP/1.1\r\nHost: localhost\r\n"
        f"Authorization: Bearer {partner.api_key}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {HUNDRED_MB}\r\n\r\n"
    )
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(HUNDRED_MB // 65536):
            sent += 65536
            yield b" " * 65536

    answer = raw_request(live_server, head, body())
    assert status_of(answer) == 413
    assert b"application/problem+json" in answer
    assert sent < HUNDRED_MB


def test_chunked_body_is_cut_off_at_the_limit(live_server: LiveServer) -> None:
    partner = add_partner(live_server.settings)
    head = (
        "POST /credentials/issue HTTP/1.1\r\nHost: localhost\r\n"
        f"Authorization: Bearer {partner.api_key}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )

    def body() -> Iterator[bytes]:
        for _ in range(HUNDRED_MB // 65536):
            yield b"10000\r\n" + b" " * 65536 + b"\r\n"
        yield b"0\r\n\r\n"

    answer = raw_request(live_server, head, body())
    assert status_of(answer) == 413


def test_body_just_over_limit_is_413(client: TestClient, settings: Settings) -> None:
    partner = add_partner(settings)
    response = client.post(
        "/credentials/issue", content=b" " * (settings.limits.max_document_bytes + 1), headers=partner.headers
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("depth", [65, 10_000, 1_000_000])
def test_deep_json_is_400_not_500(client: TestClient, settings: Settings, depth: int) -> None:
    partner = add_partner(settings)
    body = b'{"credential":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"
    if len(body) > settings.limits.max_document_bytes:
        body = b"[" * depth
    response = client.post("/credentials/issue", content=body, headers=partner.headers)
    assert response.status_code in (400, 413)
    assert response.headers["content-type"] == "application/problem+json"


def test_rate_limit_is_429_problem(settings: Settings) -> None:
    limited = replace(settings, rate_per_second=0.001, rate_burst=3)
    partner = add_partner(limited)
    with TestClient(create_app(limited)) as client:
        statuses = [client.get("/credentials", headers=partner.headers).status_code for _ in range(4)]
        refused = client.get("/credentials", headers=partner.headers)
    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) > 0


def test_rate_limit_is_per_partner(settings: Settings) -> None:
    limited = replace(settings, rate_per_second=0.001, rate_burst=1)
    first, second = add_partner(limited, "One"), add_partner(limited, "Two")
    with TestClient(create_app(limited)) as client:
        assert client.get("/credentials", headers=first.headers).status_code == 200
        assert client.get("/credentials", headers=first.headers).status_code == 429
        assert client.get("/credentials", headers=second.headers).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/nowhere", 404), ("DELETE", "/credentials/issue", 405), ("GET", "/credentials?limit=0", 422)],
)
def test_framework_errors_are_problems(
    client: TestClient, settings: Settings, method: str, path: str, status: int
) -> None:
    partner = add_partner(settings)
    response = client.request(method, path, headers=partner.headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].endswith(".")


def test_unexpected_error_is_a_500_problem(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    partner: PartnerInfo = add_partner(settings)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret detail did:example:123")

    monkeypatch.setattr("issuer.records.listing", broken)
    app: FastAPI = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/credentials", headers=partner.headers)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "did:example" not in response.text


def test_openapi_documents_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/credentials/issue", "/credentials/status", "/status/{list_id}", "/.well-known/did.json"} <= set(
        paths
    )


def multipart_head(boundary: str, fields: dict[str, str]) -> bytes:
    """The text fields of a multipart form and the start of its ``scan`` file part."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="scan"; filename="scan.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    )
    return "".join(parts).encode()


def upload_head(length: int, authorization: str = "") -> str:
    return (
        "POST /documents HTTP/1.1\r\nHost: localhost\r\n"
        f"{authorization}Content-Type: multipart/form-data; boundary=b0undary\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )


def spaces(total: int) -> Iterator[bytes]:
    for _ in range(total // 65536):
        yield b" " * 65536


def test_document_upload_without_api_key_is_refused_unread(live_server: LiveServer) -> None:
    declared = live_server.settings.max_upload_bytes - 1
    answer = raw_request(live_server, upload_head(declared), spaces(declared))
    assert status_of(answer) == 401
    assert b"application/problem+json" in answer


def test_document_upload_over_its_limit_is_refused_unread(live_server: LiveServer) -> None:
    partner = add_partner(live_server.settings)
    authorization = f"Authorization: Bearer {partner.api_key}\r\n"
    answer = raw_request(live_server, upload_head(HUNDRED_MB, authorization), spaces(HUNDRED_MB))
    assert status_of(answer) == 413
    assert b"application/problem+json" in answer


def test_chunked_document_upload_is_cut_off_at_its_limit(live_server: LiveServer) -> None:
    partner = add_partner(live_server.settings)
    head = (
        "POST /documents HTTP/1.1\r\nHost: localhost\r\n"
        f"Authorization: Bearer {partner.api_key}\r\n"
        "Content-Type: multipart/form-data; boundary=b0undary\r\nTransfer-Encoding: chunked\r\n\r\n"
    )

    def body() -> Iterator[bytes]:
        yield b"%x\r\n" % len(start) + start + b"\r\n"
        for _ in range(HUNDRED_MB // 65536):
            yield b"10000\r\n" + b"x" * 65536 + b"\r\n"
        yield b"0\r\n\r\n"

    start = multipart_head("b0undary", document_fields())
    answer = raw_request(live_server, head, body())
    assert status_of(answer) == 413
