"""Choosing the media type of a response from the request's ``Accept`` (RFC 9110 §12.5.1), and its
content coding from ``Accept-Encoding`` (§12.5.3).

A document served under several media types (a status list credential as ``application/vc`` or as
plain JSON-LD) is the same bytes under each: only the ``Content-Type`` changes. Each offered type
takes the quality of the most specific range that matches it (``type/subtype``, then ``type/*``, then
``*/*``); the best quality wins, the server's order breaks ties. When the client accepts none of
them the server's first choice is sent anyway, as RFC 9110 allows ("disregard the Accept header"):
a verifier gets a document it can try rather than a 406 it cannot use.
"""

from __future__ import annotations

from collections.abc import Sequence

#: RFC 9110 §12.5.1: ``weight = OWS ";" OWS "q=" qvalue``; a malformed one counts as 0.
_UNACCEPTABLE = 0.0


def _ranges(accept: str) -> dict[str, float]:
    """Each media range of an Accept header, lower-cased, with its quality."""
    ranges: dict[str, float] = {}
    for element in accept.split(","):
        media_range, *parameters = (part.strip() for part in element.split(";"))
        if not media_range:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = _UNACCEPTABLE
        ranges[media_range.lower()] = quality
    return ranges


def _quality(media_type: str, ranges: dict[str, float]) -> float:
    kind = media_type.split("/", 1)[0]
    for candidate in (media_type, f"{kind}/*", "*/*"):
        if candidate in ranges:
            return ranges[candidate]
    return _UNACCEPTABLE


def choose(accept: str | None, offered: Sequence[str]) -> str:
    """The offered media type the client prefers; the first offered when it states no preference."""
    if not accept or not accept.strip():
        return offered[0]
    ranges = _ranges(accept)
    best, best_quality = offered[0], _UNACCEPTABLE
    for media_type in offered:
        quality = _quality(media_type, ranges)
        if quality > best_quality:
            best, best_quality = media_type, quality
    return best


def choose_coding(accept_encoding: str | None, offered: Sequence[str]) -> str | None:
    """The offered content coding (``br``, ``gzip``) the client accepts with the highest quality,
    the server's order breaking ties; None for the identity (no header, or none of them accepted).
    RFC 9110 §12.5.3: a coding not listed takes the quality of ``*``; quality 0 refuses it."""
    if not accept_encoding or not accept_encoding.strip():
        return None
    ranges = _ranges(accept_encoding)
    best, best_quality = None, _UNACCEPTABLE
    for coding in offered:
        quality = ranges.get(coding, ranges.get("*", _UNACCEPTABLE))
        if quality > best_quality:
            best, best_quality = coding, quality
    return best
