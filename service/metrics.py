"""Prometheus metrics (``prometheus-client``) at ``GET /metrics``, the same on every service.

What is counted never names anyone: requests by service, method, route *template*
(``/status/{list_id}``, never the path) and status class (``2xx`` …), with their durations;
verdicts by kind (``VALID``, ``NOT VALID``, ``CANNOT CONFIRM``); and, read when scraped, the state
a service wants watched: the age of its cached status lists and DID documents, the length of the
replication queue and how long its oldest job has waited. No label carries a DID, CID, key, id or
path.

Who may read it. The figures leak traffic volumes, so ``/metrics`` is off (404) unless
``NANSEN_METRICS_TOKEN`` is set, and then answers only a request carrying
``Authorization: Bearer <that token>`` (401 otherwise, compared in constant time).

Several worker processes. With ``PROMETHEUS_MULTIPROC_DIR`` set (to an empty directory, before
the workers start: ``nansen issuer serve --workers N`` makes one), each process writes its counts
there and ``/metrics`` sums every process's (prometheus-client's multiprocess mode); the state
read at scrape time is read once, by the process that answers.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from fastapi import FastAPI, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Scope

from service.observing import Observer, route_of
from service.problems import NO_STORE, problem_response

TOKEN_VARIABLE: Final = "NANSEN_METRICS_TOKEN"  # noqa: S105 (the variable's name)
MULTIPROCESS_VARIABLE: Final = "PROMETHEUS_MULTIPROC_DIR"
METRICS_PATH: Final = "/metrics"
#: The verdicts of nansen.verify, the only values of the ``kind`` label.
VERDICT_KINDS: Final = ("VALID", "NOT VALID", "CANNOT CONFIRM")
#: At most this many cache files are looked at per scrape (a bound on the work a scrape makes).
MAX_CACHE_FILES: Final = 100_000

REQUESTS = Counter(
    "nansen_http_requests",
    "HTTP requests answered, by route template and status class.",
    ["service", "method", "route", "status_class"],
)
DURATION = Histogram(
    "nansen_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by route template.",
    ["service", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
VERDICTS = Counter("nansen_verdicts", "Verification verdicts given, by kind.", ["kind"])


def record_verdict(verdict: str) -> None:
    """Count one verdict (``Verdict.value``); anything else is a bug, refused loudly."""
    if verdict not in VERDICT_KINDS:
        raise ValueError(f"Not a verdict: {verdict!r}.")
    VERDICTS.labels(kind=verdict).inc()


def status_class(status: int) -> str:
    """``2xx`` … ``5xx``; ``none`` when no answer was started (the connection was dropped)."""
    return f"{status // 100}xx" if 100 <= status <= 599 else "none"


class RequestMetrics(Observer):
    """ASGI middleware counting each request by the route template that served it."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        super().__init__(app)
        self.service = service

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = route_of(scope)
        REQUESTS.labels(self.service, scope["method"], route, status_class(status)).inc()
        DURATION.labels(self.service, route).observe(seconds)


@dataclass(frozen=True)
class CacheAge:
    """A cache directory of JSON files, one per document, each written when its document was fetched."""

    cache: str
    directory: Path

    def ages(self, moment: float) -> list[float]:
        ages = []
        try:
            with os.scandir(self.directory) as entries:
                for count, entry in enumerate(entries):
                    if count >= MAX_CACHE_FILES:
                        break
                    if entry.name.endswith(".json") and entry.is_file():
                        ages.append(max(0.0, moment - entry.stat().st_mtime))
        except FileNotFoundError:
            return []
        return ages


def cache_metrics(caches: Iterable[CacheAge]) -> Callable[[], Iterator[Metric]]:
    """Gauges of each cache: how many documents it holds and how old its oldest copy is."""

    def collect() -> Iterator[Metric]:
        entries = GaugeMetricFamily("nansen_cache_entries", "Documents held in a cache.", labels=["cache"])
        oldest = GaugeMetricFamily(
            "nansen_cache_oldest_age_seconds",
            "Age of the oldest copy in a cache (0 when it is empty).",
            labels=["cache"],
        )
        moment = time.time()
        for cache in caches:
            ages = cache.ages(moment)
            entries.add_metric([cache.cache], len(ages))
            oldest.add_metric([cache.cache], max(ages, default=0.0))
        yield entries
        yield oldest

    return collect


def queue_metrics(backlog: Callable[[], tuple[int, float | None]]) -> Callable[[], Iterator[Metric]]:
    """Gauges of the replication queue: its length and how long its oldest job has waited."""

    def collect() -> Iterator[Metric]:
        length, oldest = backlog()
        yield GaugeMetricFamily(
            "nansen_replication_queue_length", "Copies and removals queued for IPFS replicas.", value=length
        )
        yield GaugeMetricFamily(
            "nansen_replication_queue_oldest_age_seconds",
            "How long the oldest queued copy or removal has waited (0 when none is queued).",
            value=oldest or 0.0,
        )

    return collect


class _Collected(Collector):
    def __init__(self, collect: Callable[[], Iterator[Metric]]) -> None:
        self._collect = collect

    def collect(self) -> Iterable[Metric]:
        return self._collect()


def _counted() -> CollectorRegistry:
    """The counters of this process, or of every worker's process in multiprocess mode."""
    directory = os.environ.get(MULTIPROCESS_VARIABLE)
    if not directory:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return registry


def install(
    app: FastAPI, service: str, state: Iterable[Callable[[], Iterator[Metric]]] = (), token: str | None = None
) -> None:
    """Count ``app``'s requests and serve ``/metrics``, with the gauges that ``state`` collects.

    ``token`` defaults to ``NANSEN_METRICS_TOKEN``; without one, ``/metrics`` is not served.
    """
    token = token if token is not None else os.environ.get(TOKEN_VARIABLE, "").strip()
    app.add_middleware(RequestMetrics, service=service)
    gauges = CollectorRegistry(auto_describe=False)
    for collect in state:
        gauges.register(_Collected(collect))
    expected = f"Bearer {token}".encode()

    @app.get(METRICS_PATH, include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if not token:
            return problem_response(404, "There is nothing at this address.", headers=NO_STORE)
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return problem_response(
                401,
                "Reading the metrics needs the metrics token.",
                headers={"WWW-Authenticate": "Bearer", **NO_STORE},
            )
        body = generate_latest(_counted()) + generate_latest(gauges)
        return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
