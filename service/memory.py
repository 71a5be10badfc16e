"""The cyclic garbage collector of a serving process: what is loaded at start is frozen out of it,
and the young generation is collected less often.

Why (issue 15, measured with `gc.callbacks` in the issuer under ``bench/issuer.py``, 50 clients, one
worker, SQLite then PostgreSQL, about 50 s of serving): with CPython's defaults the collector ran
1,128 young, 103 middle and 9 full collections, 2.9 s in all, and each full collection walked every
object the process had loaded (SQLAlchemy's and FastAPI's models, the JSON-LD contexts, the
schemas) for 128 ms at the median and 164 ms at most, holding the interpreter lock throughout: a
request that met one waited that long, and it showed in the 99th percentile. With what was loaded at
start frozen (`gc.freeze`, never collected, as it is never garbage) and the thresholds below, it ran
7 young collections, 45 ms in all; the issuer's p99 on SQLite fell from 505 to 347 ms in that run.
Memory: garbage that is not in a cycle is freed at once as before (reference counting); cycles wait
longer, at most about twenty thousand new container objects.

Only serving processes do this (`service.serve.serve` and each role's ``worker_app``): a test
process builds and drops hundreds of applications, and a frozen one that is dropped is never
collected.
"""

from __future__ import annotations

import gc
from typing import Final, TypeVar

#: New container objects (net of those freed) before a young collection (CPython's default: 700).
YOUNG_THRESHOLD: Final = 20_000
#: Young collections before a middle one, middle before a full one (CPython's default: 10 and 10).
OLDER_THRESHOLD: Final = 20

App = TypeVar("App")


def settled(app: App) -> App:
    """``app``, once everything loaded so far is frozen out of the collector (call it last, with
    the application built)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, OLDER_THRESHOLD, OLDER_THRESHOLD)
    return app
