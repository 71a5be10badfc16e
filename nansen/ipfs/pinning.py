"""A client of the IPFS Pinning Service API (ipfs/pinning-services-api-spec, ``ipfs-pinning-service.yaml``
v1.0.0), as a remote pinning target of the replication layer. Hosted pinning providers speak it, and
so does IPFS Cluster (its ``pinsvc`` API), which pins across a cluster's nodes.

The API, with ``Authorization: Bearer <token>`` on every request:

- ``POST /pins`` with a ``Pin`` ``{cid, name?, origins?, meta?}`` answers ``202`` and a ``PinStatus``
  ``{requestid, status, created, pin, delegates, info?}``;
- ``GET /pins?cid=…&status=…`` answers ``PinResults`` ``{count, results: [PinStatus]}`` (without
  ``status`` it lists only ``pinned`` ones, so every query here names the statuses it wants);
- ``GET /pins/{requestid}`` answers a ``PinStatus``; ``DELETE /pins/{requestid}`` answers ``202``;
- errors are ``{"error": {"reason", "details"}}`` with a 4xx or 5xx status.

A pin's ``status`` is ``queued``, ``pinning``, ``pinned`` or ``failed``. The service fetches the content
from the IPFS network; :meth:`PinningService.replicate` first makes it available on our own node
(:class:`nansen.ipfs.rpc.RpcStore`) and names that node's addresses as ``origins``, then polls until
the pin is ``pinned`` or ``failed``, or a deadline passes. The ``delegates`` a service returns are
never dialled: they are addresses the service chose, and our node fetches nothing from them.
The pins' ``name`` is one fixed label from the configuration, never anything about a document.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from nansen.ipfs.cid import CID
from nansen.ipfs.errors import CidFormatError, StoreError
from nansen.ipfs.http import DEFAULT_RETRY, Retry, Service, ServiceAnswerError
from nansen.ipfs.rpc import RpcStore
from nansen.ipfs.store import Store

_SERVICE = "The pinning service"
STATUSES = ("queued", "pinning", "pinned", "failed")
#: A ``requestid`` is opaque, but it goes into a URL path: only these characters are accepted.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._~:-]{1,256}")
#: The most results one ``GET /pins`` may return (the spec's ``limit`` maximum).
_LIMIT = 1000


class PinFailed(StoreError):
    """The pinning service reports that it could not pin the content."""


class PinPending(StoreError):
    """The pin was still queued or being made when the deadline passed; asking later may find it done."""


@dataclass(frozen=True)
class PinStatus:
    requestid: str
    status: str
    cid: CID


class PinningService:
    """The pins one account holds at a Pinning Service API endpoint (``url`` is the API's base, the
    ``/pins`` endpoint being under it).

    ``origin`` is the IPFS node the service is to fetch content from: ``replicate`` copies content
    there first. ``deadline`` is how long ``replicate`` waits for a pin, in seconds.
    """

    #: What the replication layer and ``nansen ipfs health`` call this target.
    name = "pinning"

    def __init__(
        self,
        url: str,
        token: str,
        *,
        origin: RpcStore | None,
        label: str = "nansen",
        deadline: float = 60.0,
        timeout: float = 30.0,
        retry: Retry = DEFAULT_RETRY,
    ) -> None:
        self._service = Service(
            url.rstrip("/") + "/",
            _SERVICE,
            timeout=timeout,
            retry=retry,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        self._origin = origin
        self._label = label
        self._deadline = deadline

    def close(self) -> None:
        self._service.close()

    # --- as a replica ---------------------------------------------------------------------------

    def replicate(self, cid: CID, source: Store) -> None:
        """Have the service pin the content, and wait until it is pinned.

        A request already queued, pinning or pinned for the CID is followed rather than repeated.
        Raises `PinFailed` when the service gives up, `PinPending` when the deadline passes first.
        """
        origins: list[str] = []
        if self._origin is not None:
            if not self._origin.pinned(cid):
                self._origin.replicate(cid, source)
            origins = self._origin.addresses()
        active = self.find(cid, ("queued", "pinning", "pinned"))
        status = active[0] if active else self.add(cid, origins)
        self._wait(status)

    def release(self, cid: CID) -> None:
        """Remove every pin request for the content, whatever its status."""
        for status in self.find(cid, STATUSES):
            self.remove(status.requestid)

    def pinned(self, cid: CID) -> bool:
        return bool(self.find(cid, ("pinned",)))

    # --- the API --------------------------------------------------------------------------------

    def add(self, cid: CID, origins: list[str]) -> PinStatus:
        """``POST /pins``: ask the service to pin the content."""
        pin: dict[str, Any] = {"cid": str(cid), "name": self._label}
        if origins:
            pin["origins"] = origins
        answer = self._service.json("POST", "pins", json_body=pin, ok=frozenset({200, 202}))
        return self._status(answer, cid)

    def find(self, cid: CID, statuses: tuple[str, ...]) -> list[PinStatus]:
        """``GET /pins``: the pin requests for the content that have one of ``statuses``."""
        answer = self._service.json(
            "GET", "pins", params={"cid": str(cid), "status": ",".join(statuses), "limit": str(_LIMIT)}
        )
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise ServiceAnswerError(f"{_SERVICE} answered with something its API does not allow.")
        found = [self._status(each, None) for each in results]
        return [each for each in found if each.cid.to_v1() == cid.to_v1() and each.status in statuses]

    def get(self, requestid: str, cid: CID) -> PinStatus:
        """``GET /pins/{requestid}``: the request's status now."""
        return self._status(self._service.json("GET", f"pins/{_path(requestid)}"), cid)

    def remove(self, requestid: str) -> None:
        """``DELETE /pins/{requestid}``."""
        with self._service.stream("DELETE", f"pins/{_path(requestid)}", ok=frozenset({200, 202, 204})):
            pass

    def _wait(self, status: PinStatus) -> None:
        deadline = time.monotonic() + self._deadline
        pause = 0.1
        while status.status != "pinned":
            if status.status == "failed":
                raise PinFailed(f"{_SERVICE} could not pin the content.")
            if time.monotonic() >= deadline:
                raise PinPending(f"{_SERVICE} had not pinned the content by the deadline.")
            time.sleep(pause)
            pause = min(pause * 2, 5.0)
            status = self.get(status.requestid, status.cid)

    def _status(self, answer: Any, cid: CID | None) -> PinStatus:
        """A ``PinStatus`` checked against the spec's schema (and, if given, the CID asked about)."""
        if not isinstance(answer, dict):
            raise ServiceAnswerError(f"{_SERVICE} answered with something its API does not allow.")
        requestid, status, pin = answer.get("requestid"), answer.get("status"), answer.get("pin")
        if (
            not isinstance(requestid, str)
            or not _REQUEST_ID.fullmatch(requestid)
            or status not in STATUSES
            or not isinstance(pin, dict)
            or not isinstance(pin.get("cid"), str)
        ):
            raise ServiceAnswerError(f"{_SERVICE} answered with something its API does not allow.")
        try:
            pinned = CID.parse(pin["cid"])
        except CidFormatError:
            raise ServiceAnswerError(f"{_SERVICE} answered with a malformed CID.") from None
        if cid is not None and pinned.to_v1() != cid.to_v1():
            raise ServiceAnswerError(f"{_SERVICE} answered about other content than was asked.")
        return PinStatus(requestid, str(status), pinned)


def _path(requestid: str) -> str:
    if not _REQUEST_ID.fullmatch(requestid):
        raise ServiceAnswerError(f"{_SERVICE} gave a request identifier that cannot be used.")
    return requestid
