"""Parsing request bodies as JSON without stalling a service: a large body is parsed on one thread of
its own, one at a time.

`nansen.jsonutil.parse` bounds a body's size and depth, not its count of values: a body just under
the size limit holding some 330,000 empty objects (``[{},{},…]``) takes about a second of CPU and
some 50 MB to parse and refuse. Parsed on the event loop, as the services' JSON bodies were, it
stopped every other request for that long (a few clients sending such bodies kept genuine
verifications waiting for seconds; so did the issuer's document ``facts``); parsed on the request
threads, as the scan page's pasted text was, sixteen at once took sixteen times the memory. So a body larger than :data:`INLINE_BYTES`
waits its turn for the single parsing thread: a service parses at most one large body at a time,
whatever the number of clients, and the event loop stays free for the small bodies genuine requests
carry (a presentation of one credential is a few kilobytes), which are parsed where they arrive.
"""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

from nansen import jsonutil
from nansen.config import Limits

#: The largest body parsed where it arrives (a few milliseconds of work at most).
INLINE_BYTES: Final = 16 * 1024

_PARSER: Final = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nansen-json")

#: The interpreter's switch interval while a large body is parsed (its default is 5 ms).
PARSING_SWITCH_INTERVAL: Final = 0.0005


def _parse_large(data: bytes | str, limits: Limits) -> Any:
    """Parse on the parsing thread, handing the interpreter lock on ten times as often meanwhile.

    The parse is Python called from C for each object (duplicate keys are refused in a hook), so it
    holds the lock almost throughout; every other thread that waits for it (a request's worker, the
    issuer's writer after each database statement, the event loop) waited up to the 5 ms interval
    each time, and a genuine issuance took 0.8-1.6 s while three large bodies were parsed."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(PARSING_SWITCH_INTERVAL)
    try:
        return jsonutil.parse(data, limits)
    finally:
        sys.setswitchinterval(previous)


def parse_json(data: bytes | str, limits: Limits) -> Any:
    """`nansen.jsonutil.parse` for a request thread: a large input waits for the parsing thread."""
    if len(data) <= INLINE_BYTES:
        return jsonutil.parse(data, limits)
    return _PARSER.submit(_parse_large, data, limits).result()


async def parse_json_body(data: bytes | str, limits: Limits) -> Any:
    """`nansen.jsonutil.parse` for the event loop: a large body is awaited from the parsing thread."""
    if len(data) <= INLINE_BYTES:
        return jsonutil.parse(data, limits)
    return await asyncio.wrap_future(_PARSER.submit(_parse_large, data, limits))
