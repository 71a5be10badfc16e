"""Size buckets: how many chunks an encrypted document occupies, whatever its true length.

The scheme is Padmé (K. Nikitin, L. Barman, W. Lueks, M. Underwood, J.-P. Hubaux, B. Ford,
"Reducing Metadata Leakage from Encrypted Files and Communication with PURBs", PoPETs 2019(4),
§4, Algorithm 1), applied to the number of fixed-size chunks rather than to bytes. A count ``n``
whose highest set bit is bit ``E`` keeps only its top ``⌊log2 E⌋ + 1`` bits and is rounded up in
the rest, so the padded count reveals O(log log n) bits of the true one, for at most 12% more
chunks (Padmé's bound).

Because the unit is a whole chunk, the smallest bucket is one chunk (64 KiB): every document up to
that size has the same encrypted length, and small documents pay up to a chunk of padding.
"""

from __future__ import annotations


def padme(n: int) -> int:
    """The Padmé bucket of ``n`` (``n ≥ 0``): the smallest allowed value that is at least ``n``."""
    if n < 0:
        raise ValueError("A length cannot be negative.")
    exponent = n.bit_length() - 1  # E = ⌊log2 n⌋
    kept = exponent.bit_length()  # S = ⌊log2 E⌋ + 1 (0 when E ≤ 0)
    mask = (1 << max(exponent - kept, 0)) - 1
    return (n + mask) & ~mask


def bucket_chunks(plaintext_bytes: int, chunk_size: int) -> int:
    """How many chunks of ``chunk_size`` a document of ``plaintext_bytes`` is padded to (at least one)."""
    data_chunks = max(1, -(-plaintext_bytes // chunk_size))
    return padme(data_chunks)
