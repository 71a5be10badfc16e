"""XML Schema dateTimeStamp values, as VC Data Model 2.0 and Data Integrity write them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def parse_datetime(value: object) -> datetime:
    """Parse a dateTimeStamp (with a time zone); raise ValueError otherwise."""
    if not isinstance(value, str) or not _DATETIME.match(value):
        raise ValueError("not an XML Schema dateTimeStamp with a time zone")
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def format_datetime(moment: datetime) -> str:
    """UTC, whole seconds, ``Z``: the form the W3C examples use."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> datetime:
    return datetime.now(UTC)
