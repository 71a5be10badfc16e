"""The Pinning Service API client against a real server of the spec (mock-ipfs-pinning-service on
loopback, ci/ipfs/pinning.js) with the content made available on the real node.

That server sets a pin's status from its name: "pinned-…" and "failed-…" give those statuses, any
other name leaves it "queued" for ever; pinning the same CID again with another name changes it.
"""

from __future__ import annotations

import io
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from nansen.ipfs import (
    EmbeddedStore,
    PinFailed,
    PinningService,
    PinPending,
    Retry,
    RpcStore,
    ServiceAnswerError,
    ServiceRefused,
    ServiceUnavailable,
)
from nansen.ipfs.cid import CID
from tests.ipfs.conftest import Services
from tests.ipfs.fakes import Reply, Request, closed_port, fake_server


@pytest.fixture
def embedded(tmp_path: Path) -> EmbeddedStore:
    return EmbeddedStore(tmp_path / "ipfs")


def content(store: EmbeddedStore) -> CID:
    return store.put(io.BytesIO(os.urandom(300_000)))


def service(services: Services, node: RpcStore | None, label: str, deadline: float = 10) -> PinningService:
    return PinningService(
        services.pinning_url, services.pinning_token, origin=node, label=label, deadline=deadline
    )


def test_pinned(services: Services, node: RpcStore, embedded: EmbeddedStore) -> None:
    cid = content(embedded)
    pinning = service(services, node, "pinned-nansen")
    pinning.replicate(cid, embedded)
    assert pinning.pinned(cid)
    assert node.pinned(cid)  # made available on our node first, for the service to fetch
    assert [status.status for status in pinning.find(cid, ("pinned",))] == ["pinned"]
    pinning.replicate(cid, embedded)  # followed, not repeated
    assert len(pinning.find(cid, ("queued", "pinning", "pinned", "failed"))) == 1
    pinning.release(cid)
    assert not pinning.pinned(cid)
    assert pinning.find(cid, ("queued", "pinning", "pinned", "failed")) == []


def test_failed(services: Services, node: RpcStore, embedded: EmbeddedStore) -> None:
    cid = content(embedded)
    with pytest.raises(PinFailed, match=r"^The pinning service could not pin the content\.$"):
        service(services, node, "failed-nansen").replicate(cid, embedded)


def test_the_deadline_passes_while_queued(
    services: Services, node: RpcStore, embedded: EmbeddedStore
) -> None:
    cid = content(embedded)
    pinning = service(services, node, "nansen", deadline=0.5)
    with pytest.raises(PinPending, match="had not pinned the content by the deadline"):
        pinning.replicate(cid, embedded)
    assert [status.status for status in pinning.find(cid, ("queued",))] == ["queued"]


def test_polling_follows_the_request_until_it_is_pinned(
    services: Services, node: RpcStore, embedded: EmbeddedStore
) -> None:
    cid = content(embedded)
    pinning = service(services, node, "nansen", deadline=60)
    errors: list[BaseException] = []

    def replicate() -> None:
        try:
            pinning.replicate(cid, embedded)
        except BaseException as error:
            errors.append(error)

    worker = threading.Thread(target=replicate)
    worker.start()
    headers = {"Authorization": f"Bearer {services.pinning_token}"}
    while not pinning.find(cid, ("queued",)) and worker.is_alive():
        worker.join(0.05)
    # The service finishes the pin (with this server: the same CID pinned again under a "pinned-" name).
    httpx.post(f"{services.pinning_url}/pins", json={"cid": str(cid), "name": "pinned-x"}, headers=headers)
    worker.join(60)
    assert not worker.is_alive()
    assert errors == []
    assert pinning.pinned(cid)


def test_a_wrong_token_is_refused(services: Services, node: RpcStore, embedded: EmbeddedStore) -> None:
    cid = content(embedded)
    pinning = PinningService(services.pinning_url, "wrong", origin=node)
    with pytest.raises(ServiceRefused, match=r"^The pinning service refused the request \(HTTP 401\).$"):
        pinning.pinned(cid)


def test_a_service_that_is_down(embedded: EmbeddedStore) -> None:
    pinning = PinningService(closed_port(), "token", origin=None, retry=Retry(attempts=1))
    with pytest.raises(ServiceUnavailable, match=r"^The pinning service cannot be reached\.$"):
        pinning.replicate(content(embedded), embedded)


def _status(cid: str, requestid: str = "r1", status: str = "queued") -> dict[str, object]:
    return {
        "requestid": requestid,
        "status": status,
        "created": "2026-01-01T00:00:00Z",
        "pin": {"cid": cid},
        "delegates": [],
    }


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (lambda cid: b"not json", "not JSON"),
        (lambda cid: json.dumps({"count": 1}).encode(), "does not allow"),
        (lambda cid: json.dumps({"results": [_status(cid, status="done")]}).encode(), "does not allow"),
        (
            lambda cid: json.dumps({"results": [_status(cid, requestid="../admin")]}).encode(),
            "does not allow",
        ),
        (lambda cid: json.dumps({"results": [_status("Qm-not-a-cid")]}).encode(), "malformed CID"),
    ],
)
def test_garbage_answers_are_refused(
    embedded: EmbeddedStore, answer: Callable[[str], bytes], reason: str
) -> None:
    cid = content(embedded)
    with fake_server(lambda request: Reply(200, answer(str(cid)))) as babbling:
        pinning = PinningService(babbling.url, "token", origin=None)
        with pytest.raises(ServiceAnswerError, match=reason) as raised:
            pinning.replicate(cid, embedded)
    assert str(cid) not in str(raised.value)


def test_an_answer_about_other_content_is_refused(embedded: EmbeddedStore) -> None:
    cid, other = content(embedded), content(embedded)

    def answer(request: Request) -> Reply:
        if request.method == "GET" and request.path == "/pins":
            return Reply(200, json.dumps({"count": 0, "results": []}).encode())
        return Reply(202, json.dumps(_status(str(other))).encode())

    with fake_server(answer) as confused:
        with pytest.raises(ServiceAnswerError, match="other content"):
            PinningService(confused.url, "token", origin=None).replicate(cid, embedded)
        bodies = [json.loads(request.body) for request in confused.requests if request.method == "POST"]
    assert bodies == [{"cid": str(cid), "name": "nansen"}]  # no origins without a node; a fixed name
