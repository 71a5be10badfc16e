"""How many pictures ``POST /scan`` decodes at once (``NANSEN_VERIFIER_MAX_CONCURRENT_SCANS``).

Decoding a picture costs memory in proportion to its pixels; bounding how many are decoded at once
bounds the service's memory under a burst of pictures. A scan that finds no slot free is refused
at once (503 with ``Retry-After``) rather than queued: the scan page's camera sends another frame.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from service.problems import Problem

#: Seconds a client is asked to wait when every slot is taken.
RETRY_AFTER: Final = "1"


class ScanSlots:
    """At most ``size`` pictures decoded at once; a scan finding none free is refused at once (503),
    so that a burst of pictures cannot take the service's memory."""

    def __init__(self, size: int) -> None:
        self._free = threading.BoundedSemaphore(size)

    @contextmanager
    def taken(self) -> Iterator[None]:
        if not self._free.acquire(blocking=False):
            raise Problem(
                503,
                "The verifier is reading other pictures; try again in a moment.",
                "busy",
                {"Retry-After": RETRY_AFTER},
            )
        try:
            yield
        finally:
            self._free.release()
