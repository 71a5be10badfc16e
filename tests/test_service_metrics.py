"""service.metrics: the label values it allows (status classes, verdict kinds) and the token rule."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from nansen.verify import Verdict
from service import metrics


def test_status_classes() -> None:
    assert [metrics.status_class(s) for s in (0, 99, 101, 200, 302, 404, 503, 600)] == [
        "none",
        "none",
        "1xx",
        "2xx",
        "3xx",
        "4xx",
        "5xx",
        "none",
    ]


def test_every_verdict_is_a_kind_and_nothing_else_is() -> None:
    assert {verdict.value for verdict in Verdict} == set(metrics.VERDICT_KINDS)
    with pytest.raises(ValueError, match="Not a verdict"):
        metrics.record_verdict("did:key:z6Mk")  # never an identifier as a label value


def test_an_unmatched_path_is_counted_without_the_path() -> None:
    app = FastAPI()
    metrics.install(app, "test-service", token="t" * 40)
    with TestClient(app) as client:
        assert client.get("/credentials/urn:uuid:secret-id").status_code == 404
        scraped = client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 40}).text
    assert 'route="(no route)",service="test-service",status_class="4xx"' in scraped
    assert "secret-id" not in scraped
