"""RDF Dataset Canonicalization (W3C RDFC-1.0), bounded.

pyld implements the algorithm (its name for it is URDNA2015) with no bound on work; a dataset of
symmetric blank nodes ("poison graph", RDFC-1.0 §4.4 note on work limits) makes it factorial. We
count the calls of Hash N-Degree Quads (§4.8) and Hash Related Blank Node (§4.7) and stop at a
limit, so a hostile document is refused in milliseconds instead of stalling a worker.

RDFC-1.0's hash algorithm is SHA-256 unless a caller names another (§4.2, "hash algorithm"):
vc-di-ecdsa §3 requires SHA-384 for P-384 keys, which changes the blank node labels.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pyld.canon import URDNA2015

from nansen.config import Limits, configured_limits
from nansen.errors import CanonicalizationLimitExceeded
from nansen.jsonld import Dataset


class _BoundedRdfc(URDNA2015):  # type: ignore[misc]
    def __init__(self, max_work: int, hash_name: str = "sha256") -> None:
        super().__init__()
        self._budget = max_work
        self._hash_name = hash_name

    def create_hash(self) -> Any:
        return hashlib.new(self._hash_name)

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


def canonicalize(dataset: Dataset, limits: Limits | None = None, hash_name: str = "sha256") -> str:
    """Canonical N-Quads of the dataset. The dataset's quads are consumed (pyld mutates them).

    ``hash_name`` is RDFC-1.0's hash algorithm, ``sha256`` (the default) or ``sha384``.
    """
    if hash_name not in ("sha256", "sha384"):
        raise ValueError("RDFC-1.0 is used here with SHA-256 or SHA-384 only.")
    limits = limits or configured_limits()
    result: str = _BoundedRdfc(limits.max_canonicalization_work, hash_name).main(
        dataset, {"algorithm": "URDNA2015", "format": "application/n-quads"}
    )
    return result
