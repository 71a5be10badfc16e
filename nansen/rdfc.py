"""RDF Dataset Canonicalization (W3C RDFC-1.0), bounded.

pyld implements the algorithm (its name for it is URDNA2015) with no bound on work; a dataset of
symmetric blank nodes ("poison graph", RDFC-1.0 §4.4 note on work limits) makes it factorial. We
count the calls of Hash N-Degree Quads (§4.8) and Hash Related Blank Node (§4.7) and stop at a
limit, so a hostile document is refused in milliseconds instead of stalling a worker.
"""

from __future__ import annotations

from typing import Any

from pyld.canon import URDNA2015

from nansen.config import Limits, configured_limits
from nansen.errors import CanonicalizationLimitExceeded
from nansen.jsonld import Dataset


class _BoundedRdfc(URDNA2015):  # type: ignore[misc]
    def __init__(self, max_work: int) -> None:
        super().__init__()
        self._budget = max_work

    def _spend(self) -> None:
        self._budget -= 1
        if self._budget < 0:
            raise CanonicalizationLimitExceeded(
                "The document's graph is too complex to canonicalise safely "
                "(too many indistinguishable blank nodes)."
            )

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._spend()
        return super().hash_n_degree_quads(id_, issuer)

    def hash_related_blank_node(self, related: str, quad: Any, issuer: Any, position: str) -> Any:
        self._spend()
        return super().hash_related_blank_node(related, quad, issuer, position)


def canonicalize(dataset: Dataset, limits: Limits | None = None) -> str:
    """Canonical N-Quads of the dataset. The dataset's quads are consumed (pyld mutates them)."""
    limits = limits or configured_limits()
    result: str = _BoundedRdfc(limits.max_canonicalization_work).main(
        dataset, {"algorithm": "URDNA2015", "format": "application/n-quads"}
    )
    return result
