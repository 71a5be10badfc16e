"""Canonical N-Quads of a JSON-LD document: strict JSON-LD to RDF, then bounded RDFC-1.0."""

from __future__ import annotations

from typing import Any

from nansen import jsonld, rdfc
from nansen.config import Limits


def canonical_nquads(document: dict[str, Any], limits: Limits | None = None) -> str:
    return rdfc.canonicalize(jsonld.to_rdf(document), limits)
