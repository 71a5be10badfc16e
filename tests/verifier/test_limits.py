"""Robustness: bodies too large (413, without reading them), too deep (400), not JSON (415), problems."""

from __future__ import annotations

import json
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.verifier.support import Service

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"] == "about:blank"
    detail = body["detail"]
    assert detail.endswith("."), "a sentence"
    assert ". " not in detail, "one sentence"
    return dict(body)


def raw_exchange(service: Service, head: bytes, payload: bytes) -> bytes:
    """Send a request head and part of a body over a socket, then read the response to the end."""
    address = urlsplit(service.url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        connection.sendall(head + payload)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_100_mb_body_is_refused_before_it_is_read(verifier_service: Service) -> None:
    head = (
        b"POST /presentations/verify HTTP/1.1\r\nHost: verifier\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000000\r\n\r\n"
    )
    # Only 64 KiB of the announced 100 MB are ever sent: the answer cannot have waited for the rest.
    response = raw_exchange(verifier_service, head, b"[" * 65536)
    status_line, _, rest = response.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 413 Request Entity Too Large" or b" 413 " in status_line
    assert b"application/problem+json" in rest
    assert b"larger than the limit of 1,000,000 bytes" in rest


def test_a_streamed_body_over_the_limit_is_refused(verifier_service: Service) -> None:
    limit = verifier_service.settings.limits.max_document_bytes

    def chunks() -> Any:
        piece = b" " * 65536
        for _ in range(limit // len(piece) + 2):
            yield piece

    response = verifier_service.client.post(
        verifier_service.url + "/credentials/verify",
        content=chunks(),  # no Content-Length: chunked transfer encoding
        headers={"Content-Type": "application/json"},
    )
    assert_problem(response, 413)


@pytest.mark.parametrize("path", ["/credentials/verify", "/presentations/verify"])
def test_deep_json_is_a_400_never_a_500(verifier_service: Service, path: str) -> None:
    for depth in (100, 100_000):
        body = '{"verifiableCredential":' + "[" * depth + "]" * depth + "}"
        response = verifier_service.client.post(
            verifier_service.url + path, content=body, headers={"Content-Type": "application/json"}
        )
        assert "nested" in assert_problem(response, 400)["detail"]


def test_not_json_is_a_400(verifier_service: Service) -> None:
    for content in (b"{not json", b"\xff\xfe", b"[NaN]"):
        response = verifier_service.client.post(
            verifier_service.url + "/credentials/verify",
            content=content,
            headers={"Content-Type": "application/json"},
        )
        assert_problem(response, 400)


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_another_content_type_is_a_415(verifier_service: Service, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = verifier_service.client.post(
        verifier_service.url + "/presentations/verify", content=json.dumps({}), headers=headers
    )
    assert_problem(response, 415)


def test_json_ld_media_type_is_accepted(verifier_service: Service) -> None:
    response = verifier_service.client.post(
        verifier_service.url + "/credentials/verify",
        content=json.dumps({"verifiableCredential": {}}),
        headers={"Content-Type": "application/ld+json; charset=utf-8"},
    )
    assert response.status_code == 400
    assert response.json()["checks"] == ["format"]


def test_unknown_addresses_and_methods_are_problems(verifier_service: Service) -> None:
    assert_problem(verifier_service.client.get(verifier_service.url + "/nowhere"), 404)
    assert_problem(verifier_service.client.get(verifier_service.url + "/credentials/verify"), 405)


def test_the_verify_page_is_bounded_too(verifier_service: Service) -> None:
    limit = verifier_service.settings.limits.max_document_bytes
    response = verifier_service.client.post(
        verifier_service.url + "/verify-page",
        content=b"text=" + b"a" * limit,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_problem(response, 413)
    wrong_type = verifier_service.client.post(verifier_service.url + "/verify-page", json={"text": "{}"})
    assert_problem(wrong_type, 415)
    too_many = verifier_service.client.post(
        verifier_service.url + "/verify-page", data={f"field{i}": "x" for i in range(20)}
    )
    assert_problem(too_many, 400)


def test_an_unexpected_error_is_a_500_problem_that_logs_no_data(
    verifier_service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    from verifier.dependencies import get_verifier

    def broken() -> Any:
        raise RuntimeError("Amina Haddad")

    verifier_service.app.dependency_overrides[get_verifier] = broken
    response = verifier_service.post("/credentials/verify", {"verifiableCredential": {}})
    assert_problem(response, 500)
    assert "RuntimeError" in caplog.text
    assert "Amina" not in caplog.text
