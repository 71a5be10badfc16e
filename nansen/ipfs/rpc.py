"""A :class:`nansen.ipfs.store.Store` on an IPFS node's HTTP RPC API (kubo "RPC API v0" reference;
js-ipfs serves the same API). Every command is a ``POST /api/v0/<command>`` with its arguments in
the query string (``arg=…``) and any file in a ``multipart/form-data`` body.

The node is not trusted:

- ``put`` sends the file to ``add`` (``cid-version=1``, ``raw-leaves``, ``chunker=size-262144``,
  ``pin=true``) while computing the CID here with the same importer, and refuses an answer naming
  another CID; then it asks ``pin/ls`` whether the pin is there;
- ``get`` reads the DAG block by block with ``block/get`` and checks every block against its CID
  before its bytes are used (the walk is :mod:`nansen.ipfs.dag`'s, the embedded store's too), so
  nothing the node makes up is ever returned. ``cat`` would be one request, but its bytes could
  only be checked once all of them had been handed on, so it is not used;
- ``import_car`` and ``replicate`` stream a CAR, every block verified, to ``dag/import``.

A node looks for a block it lacks on the network until it finds it, so every command that looks
a block up carries ``timeout=`` (a global option of kubo's API, honoured by js-ipfs), shorter
than the client's own timeout: a missing block is then an answer, not a hang.
CIDs are compared in binary: js-ipfs names CIDv1 in base58btc, kubo in base32.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from typing import Any

from nansen.ipfs import dag
from nansen.ipfs.block import MAX_BLOCK_SIZE, Block
from nansen.ipfs.car import CarReader, Writable, car_bytes, write_car
from nansen.ipfs.cid import CID
from nansen.ipfs.errors import CidFormatError, ContentNotFound, IntegrityError, NotPinned
from nansen.ipfs.http import DEFAULT_RETRY, MAX_JSON_BYTES, Retry, Service, ServiceAnswerError, ServiceRefused
from nansen.ipfs.importer import CHUNK_SIZE, Readable, file_blocks
from nansen.ipfs.store import Stat, Store

_NODE = "The IPFS node"
_ADD_OPTIONS = {
    "cid-version": "1",
    "raw-leaves": "true",
    "chunker": f"size-{CHUNK_SIZE}",
    "hash": "sha2-256",
    "pin": "true",
    "progress": "false",
}


class RpcStore:
    """The content of an IPFS node whose RPC API is at ``url`` (``http://127.0.0.1:5001``).

    ``timeout`` bounds every wait for the node, in seconds; the node itself is told to give up a
    lookup after half of it. Repeatable commands are retried as ``retry`` says.
    """

    #: What the replication layer and ``nansen ipfs health`` call this target.
    name = "kubo"

    def __init__(self, url: str, *, timeout: float = 30.0, retry: Retry = DEFAULT_RETRY) -> None:
        self._service = Service(url.rstrip("/") + "/api/v0/", _NODE, timeout=timeout, retry=retry)
        self._lookup = {"timeout": f"{max(1, int(timeout * 500))}ms"}

    def close(self) -> None:
        self._service.close()

    # --- the Store interface -------------------------------------------------------------------

    def put(self, stream: Readable) -> CID:
        upload = _Upload(stream)
        with self._service.stream(
            "POST",
            "add",
            params=_ADD_OPTIONS,
            content=upload.multipart.body,
            content_type=upload.multipart.type,
        ) as response:
            named = [self._cid(entry.get("Hash")) for entry in self._entries(response, MAX_JSON_BYTES)]
        assert upload.root is not None  # the body was sent whole, or the call raised
        if named[-1:] != [upload.root]:
            raise IntegrityError(f"{_NODE} named the file with another CID than the one computed here.")
        self._confirm_pinned(upload.root)
        return upload.root

    def get(self, cid: CID) -> Iterator[bytes]:
        return dag.read_file(self._block, cid)

    def blocks(self, cid: CID) -> Iterator[Block]:
        return dag.blocks(self._block, cid)

    def pin(self, cid: CID) -> None:
        self._count_blocks(cid)
        answer = self._service.json("POST", "pin/add", params={"arg": str(cid), "recursive": "true"})
        if cid not in self._cids(answer, "Pins"):
            raise ServiceAnswerError(f"{_NODE} did not confirm the pin.")

    def unpin(self, cid: CID) -> None:
        try:
            self._service.json("POST", "pin/rm", params={"arg": str(cid), "recursive": "true"})
        except ServiceRefused as refusal:
            if "not pinned" in refusal.reply:
                raise NotPinned("The content is not pinned.") from None
            raise

    def has(self, cid: CID) -> bool:
        try:
            self._count_blocks(cid)
        except ContentNotFound:
            return False
        return True

    def stat(self, cid: CID) -> Stat:
        blocks = self._count_blocks(cid)
        return Stat(size=dag.file_size(cid, self._block(cid)), pinned=self.pinned(cid), blocks=blocks)

    def export_car(self, cid: CID, out: Writable) -> None:
        self._count_blocks(cid)
        write_car(cid, self.blocks(cid), out)

    def import_car(self, stream: Readable) -> CID:
        reader = CarReader(stream)
        self._import(reader.root, reader)
        return reader.root

    # --- as a replica, and what health reports ---------------------------------------------------

    def replicate(self, cid: CID, source: Store) -> None:
        """Copy the content's DAG from ``source`` (a Store), every block verified, and pin it here."""
        self._import(cid, source.blocks(cid))

    def release(self, cid: CID) -> None:
        """Remove the pin, if there is one."""
        try:
            self.unpin(cid)
        except NotPinned:
            return

    def pinned(self, cid: CID) -> bool:
        """True when the node keeps the content under a recursive pin."""
        try:
            answer = self._service.json(
                "POST", "pin/ls", params={"arg": str(cid), "type": "recursive", **self._lookup}
            )
        except ServiceRefused as refusal:
            if "not pinned" in refusal.reply:
                return False
            raise
        return cid in self._cids(answer, "Keys")

    def version(self) -> str:
        """The node's version (``version``), to show that it answers."""
        answer = self._service.json("POST", "version")
        version = answer.get("Version") if isinstance(answer, dict) else None
        if not isinstance(version, str):
            raise ServiceAnswerError(f"{_NODE} answered with something that is not its version.")
        return version

    def addresses(self) -> list[str]:
        """The multiaddrs other peers reach the node at (``id``), for a pinning service's ``origins``."""
        answer = self._service.json("POST", "id")
        addresses = answer.get("Addresses") if isinstance(answer, dict) else None
        if not isinstance(addresses, list) or not all(isinstance(each, str) for each in addresses):
            raise ServiceAnswerError(f"{_NODE} answered with something that is not its addresses.")
        return addresses

    # --- the commands ----------------------------------------------------------------------------

    def _block(self, cid: CID) -> bytes:
        """``block/get``: the block's bytes, checked against its CID."""
        try:
            with self._service.stream("POST", "block/get", params={"arg": str(cid), **self._lookup}) as reply:
                data = self._service.read(reply, MAX_BLOCK_SIZE)
        except ServiceRefused:
            raise ContentNotFound(f"{_NODE} does not have a block of the content.") from None
        if not cid.matches(data):
            raise IntegrityError(f"{_NODE} sent a block that does not match its CID.")
        return data

    def _holds(self, cid: CID) -> bool:
        """``block/stat``: whether the node has the block (a refusal, or the lookup timing out, means not)."""
        try:
            self._service.json("POST", "block/stat", params={"arg": str(cid), **self._lookup})
        except ServiceRefused:
            return False
        return True

    def _count_blocks(self, cid: CID) -> int:
        return dag.count_blocks(self._block, self._holds, cid)

    def _import(self, root: CID, blocks: Iterable[Block]) -> None:
        """``dag/import`` of a CAR of one root, streamed as the blocks come; then the pin is checked."""
        upload = _Multipart(car_bytes(root, blocks))
        with self._service.stream(
            "POST", "dag/import", params={"pin-roots": "true"}, content=upload.body, content_type=upload.type
        ) as response:
            for entry in self._entries(response, MAX_JSON_BYTES):
                pinned = entry.get("Root")
                if isinstance(pinned, dict) and pinned.get("PinErrorMsg"):
                    raise ServiceAnswerError(f"{_NODE} imported the content but could not pin it.")
        self._confirm_pinned(root)

    def _confirm_pinned(self, cid: CID) -> None:
        if not self.pinned(cid):
            raise ServiceAnswerError(f"{_NODE} did not keep the pin it was asked for.")

    def _entries(self, response: Any, limit: int) -> list[dict[str, Any]]:
        entries = list(self._service.lines(response, limit))
        if not entries or not all(isinstance(entry, dict) for entry in entries):
            raise ServiceAnswerError(f"{_NODE} answered with something its API does not allow.")
        return entries

    def _cids(self, answer: Any, key: str) -> set[CID]:
        """The CIDs listed under ``key``: a list (``pin/add``) or the keys of a map (``pin/ls``)."""
        listed = answer.get(key) if isinstance(answer, dict) else None
        if not isinstance(listed, list | dict):
            raise ServiceAnswerError(f"{_NODE} answered with something its API does not allow.")
        return {self._cid(text) for text in listed}

    def _cid(self, text: Any) -> CID:
        if isinstance(text, dict):  # DAG-JSON's link form, {"/": "b…"}
            text = text.get("/")
        try:
            return CID.parse(text)
        except CidFormatError:
            raise ServiceAnswerError(f"{_NODE} answered with a malformed CID.") from None


class _Multipart:
    """A ``multipart/form-data`` body of one file (RFC 7578), streamed."""

    def __init__(self, content: Iterable[bytes]) -> None:
        boundary = secrets.token_hex(16)
        self.type = f"multipart/form-data; boundary={boundary}"
        self._head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="file"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode("ascii")
        self._tail = f"\r\n--{boundary}--\r\n".encode("ascii")
        self._content = content

    @property
    def body(self) -> Iterator[bytes]:
        yield self._head
        yield from self._content
        yield self._tail


class _Upload:
    """The body of ``add`` for a stream, and the CID this side computes for it on the way."""

    def __init__(self, stream: Readable) -> None:
        self._recorder = _Recorder(stream)
        self.root: CID | None = None
        self.multipart = _Multipart(self._content())

    def _content(self) -> Iterator[bytes]:
        last: CID | None = None
        for block in file_blocks(self._recorder):
            last = block.cid
            yield from self._recorder.drain()
        yield from self._recorder.drain()
        self.root = last


class _Recorder:
    """A stream that keeps what :func:`file_blocks` read from it until it is sent: one chunk at most."""

    def __init__(self, stream: Readable) -> None:
        self._stream = stream
        self._read: list[bytes] = []

    def read(self, size: int = -1, /) -> bytes:
        data = self._stream.read(size)
        if data:
            self._read.append(data)
        return data

    def drain(self) -> list[bytes]:
        read, self._read = self._read, []
        return read
