"""The kubo RPC store against a real IPFS node (js-ipfs in CI, or the node NANSEN_TEST_IPFS_API names):
the node's own ``add`` gives our CIDs, CARs from the embedded store import into it, what it holds
reads back through our verified store; and the refusals, with test doubles for nodes that lie, stall
or babble (tests/ipfs/fakes.py)."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from nansen.ipfs import (
    CID,
    CarFormatError,
    ContentNotFound,
    EmbeddedStore,
    IntegrityError,
    NotPinned,
    Retry,
    RpcStore,
    ServiceAnswerError,
    ServiceRefused,
    ServiceUnavailable,
    Stat,
    Store,
    cid_of_file,
)
from nansen.ipfs.block import MAX_BLOCK_SIZE
from tests.ipfs.conftest import Services
from tests.ipfs.data import PatternStream
from tests.ipfs.fakes import Reply, Request, closed_port, fake_server

CHUNK = 262_144
NO_RETRY = Retry(attempts=1)


def node_add(api: str, path: Path) -> CID:
    """The node's own ``add --cid-version=1`` (raw leaves, 256 KiB chunks), not Nansen's."""
    with path.open("rb") as handle:
        answer = httpx.post(
            f"{api}/api/v0/add",
            params={"cid-version": "1", "raw-leaves": "true", "chunker": f"size-{CHUNK}", "pin": "false"},
            files={"file": ("scan", handle)},
            timeout=300,
        )
    answer.raise_for_status()
    return CID.parse(json.loads(answer.text.splitlines()[-1])["Hash"])


def random_file(tmp_path: Path, size: int) -> Path:
    path = tmp_path / f"random-{size}.bin"
    path.write_bytes(os.urandom(size))
    return path


@pytest.mark.parametrize("size", [0, 1, CHUNK, CHUNK + 1, 1024 * 1024, 174 * CHUNK, 174 * CHUNK + 1])
def test_the_nodes_add_gives_our_cid(services: Services, tmp_path: Path, size: int) -> None:
    path = tmp_path / "pattern.bin"
    with path.open("wb") as out:
        stream = PatternStream(size)
        while piece := stream.read(1 << 20):
            out.write(piece)
    assert node_add(services.api, path) == cid_of_file(path)  # compared in binary: js-ipfs says z…


def test_it_is_a_store(node: RpcStore) -> None:
    typed: Store = node
    assert typed is node
    assert node.version()


def test_put_get_stat_pin_unpin(node: RpcStore) -> None:
    data = os.urandom(3 * CHUNK + 5)
    root = node.put(io.BytesIO(data))
    assert root == cid_of_file(io.BytesIO(data))
    assert b"".join(node.get(root)) == data
    assert node.has(root)
    assert node.stat(root) == Stat(size=len(data), pinned=True, blocks=5)
    node.unpin(root)
    assert not node.pinned(root)
    with pytest.raises(NotPinned):
        node.unpin(root)
    node.pin(root)
    assert node.pinned(root)
    node.release(root)
    node.release(root)  # releasing what is not pinned is not an error
    assert not node.pinned(root)


def test_a_car_from_the_embedded_store_imports_into_the_node(
    node: RpcStore, services: Services, tmp_path: Path
) -> None:
    embedded = EmbeddedStore(tmp_path / "ipfs")
    data = os.urandom(2 * CHUNK + 9)
    root = embedded.put(io.BytesIO(data))
    car = io.BytesIO()
    embedded.export_car(root, car)
    assert node.import_car(io.BytesIO(car.getvalue())) == root
    assert node.pinned(root)
    # The node's own cat, not Nansen's verified get, returns the bytes.
    cat = httpx.post(f"{services.api}/api/v0/cat", params={"arg": str(root)}, timeout=60)
    assert cat.content == data
    exported = io.BytesIO()
    node.export_car(root, exported)
    assert exported.getvalue() == car.getvalue()


def test_replicate_copies_from_another_store(node: RpcStore, tmp_path: Path) -> None:
    embedded = EmbeddedStore(tmp_path / "ipfs")
    data = os.urandom(CHUNK + 1)
    root = embedded.put(io.BytesIO(data))
    node.replicate(root, embedded)
    assert node.pinned(root)
    assert b"".join(node.get(root)) == data


def test_content_added_to_the_node_reads_back_verified(
    node: RpcStore, services: Services, tmp_path: Path
) -> None:
    path = random_file(tmp_path, 5 * CHUNK + 17)
    root = node_add(services.api, path)
    assert b"".join(node.get(root)) == path.read_bytes()
    assert next(block.cid for block in node.blocks(root)) == root


def test_missing_content_is_not_found(node: RpcStore) -> None:
    absent = cid_of_file(io.BytesIO(os.urandom(64)))  # never given to the node
    assert not node.has(absent)
    assert not node.pinned(absent)
    with pytest.raises(ContentNotFound):
        b"".join(node.get(absent))
    with pytest.raises(ContentNotFound):
        node.pin(absent)
    with pytest.raises(ContentNotFound):
        node.stat(absent)
    with pytest.raises(NotPinned):
        node.unpin(absent)


def test_a_bad_car_is_refused_before_the_node_pins_it(node: RpcStore, tmp_path: Path) -> None:
    embedded = EmbeddedStore(tmp_path / "ipfs")
    root = embedded.put(io.BytesIO(os.urandom(CHUNK + 1)))
    car = io.BytesIO()
    embedded.export_car(root, car)
    with pytest.raises(CarFormatError):
        node.import_car(io.BytesIO(car.getvalue()[:-10]))
    assert not node.pinned(root)


# --- nodes that are down, slow, lying or babbling ----------------------------------------------


def serving(store: EmbeddedStore, forged: CID | None = None) -> Callable[[Request], Reply]:
    """A node that serves ``block/get`` and ``block/stat`` from ``store``, but a wrong block for
    ``forged``: the malicious node the CID checks protect against."""

    def answer(request: Request) -> Reply:
        cid = CID.parse(request.query["arg"])
        blocks = {block.cid: block.data for block in store.blocks(_root(store))}
        if cid not in blocks:
            return Reply(500, b'{"Message": "not found", "Code": 0, "Type": "error"}')
        if request.path.endswith("/block/stat"):
            return Reply(200, json.dumps({"Key": str(cid), "Size": len(blocks[cid])}).encode())
        return Reply(200, b"forged" if cid == forged else blocks[cid])

    return answer


def _root(store: EmbeddedStore) -> CID:
    return next(iter(store.pins()))


def test_a_node_that_sends_a_wrong_block_is_caught(tmp_path: Path) -> None:
    embedded = EmbeddedStore(tmp_path / "ipfs")
    data = os.urandom(2 * CHUNK + 1)
    root = embedded.put(io.BytesIO(data))
    leaves = [block.cid for block in embedded.blocks(root)][1:]
    for forged in (root, leaves[1]):
        with fake_server(serving(embedded, forged)) as fake:
            store = RpcStore(fake.url, timeout=5)
            received = bytearray()

            def read(store: RpcStore = store, received: bytearray = received) -> None:
                for piece in store.get(root):
                    received += piece

            with pytest.raises(IntegrityError, match="does not match its CID"):
                read()
            assert bytes(received) == data[: len(received)]
            assert len(received) <= CHUNK  # nothing of the forged block was handed on
    with fake_server(serving(embedded)) as honest:
        assert b"".join(RpcStore(honest.url, timeout=5).get(root)) == data


def test_a_node_that_is_down_is_reported(tmp_path: Path) -> None:
    store = RpcStore(closed_port(), timeout=2, retry=Retry(attempts=2, backoff=0.01))
    root = cid_of_file(io.BytesIO(b"x"))
    with pytest.raises(ServiceUnavailable, match=r"^The IPFS node cannot be reached\.$"):
        store.version()
    with pytest.raises(ServiceUnavailable):
        store.put(io.BytesIO(b"x"))
    with pytest.raises(ServiceUnavailable):
        b"".join(store.get(root))


def test_a_slow_node_is_given_up_on() -> None:
    with fake_server(lambda _: Reply(200, b'{"Version": "0"}', delay=2)) as slow:
        store = RpcStore(slow.url, timeout=0.5, retry=Retry(attempts=2, backoff=0.01))
        with pytest.raises(ServiceUnavailable, match=r"^The IPFS node did not answer in time\.$"):
            store.version()
        assert len(slow.requests) == 2  # retried once


def test_a_busy_node_is_retried_until_it_answers() -> None:
    replies = iter([Reply(503), Reply(429), Reply(200, b'{"Version": "0.18.1"}')])
    with fake_server(lambda _: next(replies)) as busy:
        assert RpcStore(busy.url, timeout=5, retry=Retry(attempts=3, backoff=0.01)).version() == "0.18.1"
    with (
        fake_server(lambda _: Reply(503)) as failing,
        pytest.raises(ServiceUnavailable, match="busy or failing"),
    ):
        RpcStore(failing.url, timeout=5, retry=Retry(attempts=2, backoff=0.01)).version()


def test_an_upload_is_not_retried_once_its_body_is_spent() -> None:
    with fake_server(lambda _: Reply(503)) as failing:
        with pytest.raises(ServiceUnavailable):
            RpcStore(failing.url, timeout=5).put(io.BytesIO(b"x"))
        assert len(failing.requests) == 1


@pytest.mark.parametrize(
    ("path", "body", "call", "error", "reason"),
    [
        ("/api/v0/version", b"<html>", "version", ServiceAnswerError, "not JSON"),
        ("/api/v0/version", b"[1, 2]", "version", ServiceAnswerError, "not its version"),
        ("/api/v0/id", b'{"Addresses": "x"}', "addresses", ServiceAnswerError, "not its addresses"),
        ("/api/v0/add", b'{"Hash": "not-a-cid"}', "put", ServiceAnswerError, "malformed CID"),
        ("/api/v0/add", b"", "put", ServiceAnswerError, "its API does not allow"),
        ("/api/v0/add", b"{}\n", "put", ServiceAnswerError, "malformed CID"),
        (
            "/api/v0/add",
            b'{"Hash": "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"}',
            "put",
            IntegrityError,
            "another CID",
        ),
        ("/api/v0/pin/ls", b'{"Keys": 3}', "pinned", ServiceAnswerError, "its API does not allow"),
        ("/api/v0/pin/ls", b'{"Keys": {}}', "pinned", None, ""),
        ("/api/v0/pin/add", b'{"Pins": []}', "pin", ServiceAnswerError, "did not confirm the pin"),
        ("/api/v0/block/get", bytes(MAX_BLOCK_SIZE + 1), "get", ServiceAnswerError, "larger answer"),
    ],
)
def test_garbage_answers_are_refused(
    path: str, body: bytes, call: str, error: type[Exception] | None, reason: str
) -> None:
    content = b"some content"
    root = cid_of_file(io.BytesIO(content))

    def answer(request: Request) -> Reply:
        if request.path == path:
            return Reply(200, body)
        if request.path.endswith("/block/get"):
            return Reply(200, content)
        return Reply(200, b"{}")

    with fake_server(answer) as babbling:
        store = RpcStore(babbling.url, timeout=5, retry=NO_RETRY)
        calls = {
            "version": store.version,
            "addresses": store.addresses,
            "put": lambda: store.put(io.BytesIO(b"other content")),
            "pinned": lambda: store.pinned(root),
            "pin": lambda: store.pin(root),
            "get": lambda: b"".join(store.get(root)),
        }
        if error is None:
            assert calls[call]() is False
            return
        with pytest.raises(error, match=reason) as raised:
            calls[call]()
        assert str(root) not in str(raised.value)


def test_a_refusal_keeps_the_nodes_reason_out_of_the_message() -> None:
    message = b'{"Message": "path bafkreisecret is not pinned", "Code": 0, "Type": "error"}'
    with fake_server(lambda _: Reply(500, message)) as refusing, pytest.raises(ServiceRefused) as raised:
        RpcStore(refusing.url, timeout=5).version()
    assert str(raised.value) == "The IPFS node refused the request (HTTP 500)."
    assert raised.value.reply == "path bafkreisecret is not pinned"
