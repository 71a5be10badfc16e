"""Parsing untrusted JSON: bounded in size and depth, refusing what JSON-LD would mishandle."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from nansen.config import Limits, configured_limits
from nansen.errors import InvalidInput

#: Control characters that pyld writes raw where RDFC-1.0 escapes them (NOTES.md).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _reject_constant(name: str) -> Any:
    raise InvalidInput(f"JSON does not allow {name}.")


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are all different. RFC 8259 §4 leaves duplicate names to each
    parser (Python keeps the last, others the first), so two readers could see two documents."""
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                shown = key if len(key) <= 40 else key[:40] + "…"
                raise InvalidInput(f"The JSON has the key {json.dumps(shown, ensure_ascii=False)} twice.")
            seen.add(key)
    return value


def _parse_int(text: str) -> int:
    """An integer, refusing one beyond Python's digit limit (a ValueError the caller would not expect)."""
    if len(text) > _MAX_INT_DIGITS:
        raise InvalidInput("A number in the JSON has too many digits.")
    return int(text)


def _parse_float(text: str) -> float:
    """A finite number: ``1e400`` would otherwise become infinity, which JSON cannot write back."""
    value = float(text)
    if not math.isfinite(value):
        raise InvalidInput("A number in the JSON is too large.")
    return value


#: Below ``sys.get_int_max_str_digits()``'s default (4,300), and far beyond any exact JSON integer.
_MAX_INT_DIGITS = 4000


def parse(data: bytes | str, limits: Limits | None = None) -> Any:
    """Parse JSON, refusing input over the size limit or nested over the depth limit, duplicate
    keys, NaN and Infinity, and integers too long to convert."""
    limits = limits or configured_limits()
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > limits.max_document_bytes:
        raise InvalidInput(f"The input is {size:,} bytes; the limit is {limits.max_document_bytes:,} bytes.")
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as cause:
        raise InvalidInput("The input is not UTF-8 text.") from cause
    try:
        value = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_int=_parse_int,
            parse_float=_parse_float,
            object_pairs_hook=_refuse_duplicates,
        )
    except RecursionError as cause:
        raise InvalidInput("The JSON is nested too deeply.") from cause
    except json.JSONDecodeError as cause:
        raise InvalidInput(f"The input is not JSON (line {cause.lineno}, column {cause.colno}).") from cause
    except ValueError as cause:  # a number Python cannot convert
        raise InvalidInput("The JSON has a number that cannot be read.") from cause
    check_depth(value, limits.max_json_depth)
    return value


def check_depth(value: Any, max_depth: int) -> None:
    """Refuse values nested deeper than ``max_depth`` (iterative: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            raise InvalidInput(f"The JSON is nested more than {max_depth} levels deep.")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


#: The largest integer every JSON implementation reads exactly (I-JSON, RFC 7493 §2.2).
MAX_SAFE_INTEGER = 2**53 - 1


def check_strings(value: Any) -> None:
    """Refuse what implementations canonicalise differently: control characters in keys and
    strings (pyld writes them raw where RDFC-1.0 escapes them) and integers beyond 2^53, which a
    JavaScript verifier reads as another number (RFC 7493 §2.2)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, int) and not isinstance(item, bool):
            if abs(item) > MAX_SAFE_INTEGER:
                raise InvalidInput("A number is too large to be read exactly by every verifier.")
        elif isinstance(item, str):
            if _CONTROL.search(item):
                raise InvalidInput("A string contains a control character, which is not accepted.")
        elif isinstance(item, dict):
            for key, child in item.items():
                if _CONTROL.search(key):
                    raise InvalidInput("A property name contains a control character.")
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
