"""The services' logging never carries the URLs httpx logs (they name DID documents and status lists)."""

from __future__ import annotations

import logging

import pytest

from nansen.logs import URL_LOGGERS, configure_service_logging


def test_url_loggers_are_quiet(caplog: pytest.LogCaptureFixture) -> None:
    configure_service_logging()
    for name in URL_LOGGERS:
        logging.getLogger(name).info("HTTP Request: GET https://partner.example/partners/7/did.json")
    assert "did.json" not in caplog.text
    assert all(logging.getLogger(name).level == logging.WARNING for name in URL_LOGGERS)
