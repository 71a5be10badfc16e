"""Canonical forms of a document: N-Quads (RDFC-1.0) and JSON (JCS, RFC 8785).

``canonical_nquads`` is strict JSON-LD to RDF, then bounded RDFC-1.0. It answers from a recipe
cached by document shape when one fits (``nansen.rdf_templates``: byte for byte the same result,
without re-running JSON-LD); ``canonical_nquads_uncached`` always runs pyld. Setting
``NANSEN_SHAPE_CACHE=0`` turns the cache off. Both refuse control characters in keys and strings
(InvalidInput): pyld writes them raw where RDFC-1.0 escapes them (NOTES.md).

``canonical_json`` is ``rfc8785.dumps``, through the standard library's C encoder when that
gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

from nansen import jsonld, rdf_templates, rdfc
from nansen.config import Limits, configured_limits, shape_cache
from nansen.jsonld import ContextStore
from nansen.jsonutil import check_strings


def canonical_nquads(
    document: dict[str, Any], limits: Limits | None = None, store: ContextStore | None = None
) -> str:
    store = store or jsonld.default_store()
    if not shape_cache():
        return canonical_nquads_uncached(document, limits, store)
    return rdf_templates.canonical_nquads(document, limits or configured_limits(), store)


def canonical_nquads_uncached(
    document: dict[str, Any],
    limits: Limits | None = None,
    store: ContextStore | None = None,
    hash_name: str = "sha256",
) -> str:
    """``hash_name`` is RDFC-1.0's hash algorithm (SHA-384 for ecdsa-rdfc-2019 with P-384 keys)."""
    store = store or jsonld.default_store()
    jsonld.check_contexts(document, store)
    check_strings(document)
    return rdfc.canonicalize(jsonld.to_rdf(document, store), limits, hash_name)


#: RFC 8785 §3.2.2.3: integers beyond these are not exactly representable (``rfc8785`` refuses them).
_INT_MAX = 2**53 - 1
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def canonical_json(value: Any) -> bytes:
    """JCS (RFC 8785) of a JSON value: exactly ``rfc8785.dumps(value)``, errors included.

    The C encoder of ``json`` writes the same bytes as JCS for a value made only of objects with
    ASCII keys (JCS sorts keys by UTF-16 code units, ``json`` by code points: they agree on
    ASCII), arrays, strings (both escape ``"``, ``\\`` and U+0000-U+001F alike, with short forms
    for ``\\b\\f\\n\\r\\t`` and ``\\u00xx`` otherwise), integers within ±(2**53 - 1), booleans and
    null. Anything else (a float, a big integer, another type, a lone surrogate) goes to
    ``rfc8785``.
    """
    if _plain_json(value):
        try:
            return _ENCODER.encode(value).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: rfc8785 refuses it with its own error
    return bytes(rfc8785.dumps(value))


def _plain_json(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            for key, child in item.items():
                if type(key) is not str or not key.isascii():
                    return False
                if type(child) is not str:
                    stack.append(child)
        elif kind is list:
            stack.extend(item)
        elif kind is int:
            if not -_INT_MAX <= item <= _INT_MAX:
                return False
        elif not (kind is str or kind is bool or item is None):
            return False
    return True
