"""pyld from many threads at once (the services verify in a thread pool).

pyld keeps processed contexts in caches that every thread shares (``cachetools.LRUCache``), and
those caches are not thread-safe: two threads evicting at once raised ``KeyError``, which a
verifier worker answered with a 500 when twelve presentations reached it together
(tests/verifier/test_workers.py found it). ``nansen.jsonld.PYLD_LOCK`` serialises pyld's work.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from pyld import jsonld as pyld

from nansen.canonical import canonical_nquads_uncached
from nansen.jsonld import PYLD_LOCK
from tests.helpers import identity_credential

THREADS = 16
ROUNDS = 40


def _documents() -> list[dict[str, Any]]:
    """Documents that make pyld process many different active contexts (type-scoped contexts of
    the identity credential, with and without evidence, status and a language value), so its
    per-context caches fill and evict."""
    documents = []
    for number in range(THREADS):
        document = identity_credential()
        document["id"] = f"urn:uuid:00000000-0000-4000-8000-{number:012d}"
        if number % 2:
            document.pop("evidence", None)
        if number % 3:
            document["name"] = {"@value": f"Document {number}", "@language": "en"}
        documents.append(document)
    return documents


def test_many_threads_canonicalise_at_once_without_error() -> None:
    documents = _documents()
    expected = [canonical_nquads_uncached(document) for document in documents]
    errors: list[BaseException] = []
    results: dict[int, set[str]] = {number: set() for number in range(THREADS)}
    start = threading.Barrier(THREADS)

    def work(number: int) -> None:
        start.wait()
        for _ in range(ROUNDS):
            try:
                if number == 0:  # a cold cache now and then, as in a new worker (cleared as pyld's
                    with PYLD_LOCK:  # other users reach it: under the lock, or the test races itself)
                        pyld._resolved_context_cache.clear()
                results[number].add(canonical_nquads_uncached(documents[number]))
            except BaseException as error:
                errors.append(error)
                return

    threads = [threading.Thread(target=work, args=(number,)) for number in range(THREADS)]
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can: races show at once
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switching)
    assert errors == []
    assert all(results[number] == {expected[number]} for number in range(THREADS))
