"""Logging for the services: informative, and never personal (DESIGN.md §4).

httpx and httpcore log every request's URL at INFO; those URLs name partners' DID documents and
status lists, so the services keep those libraries at WARNING.
"""

from __future__ import annotations

import logging

#: Libraries whose INFO lines carry URLs with identifiers in them.
URL_LOGGERS = ("httpx", "httpcore")


def configure_service_logging(fmt: str = "%(asctime)s %(levelname)s %(name)s: %(message)s") -> None:
    logging.basicConfig(level=logging.INFO, format=fmt)
    for name in URL_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
