"""The wallet's state as a fixed-size plaintext: ``length (4 bytes, big-endian) ‖ zlib(JSON) ‖ zeros``.

Every slot of the wallet file and every backup carries exactly :data:`CAPACITY` bytes of plaintext
whatever the wallet holds, so no size anywhere tells how many credentials there are, or whether a
slot is used at all. Inflating is bounded, so a forged record cannot expand without limit.
"""

from __future__ import annotations

import json
import zlib
from typing import Any, Final

from nansen.errors import InvalidInput
from wallet.errors import WalletFull

#: Plaintext bytes in a slot or a backup body (256 KiB less the AEAD's overhead and a margin).
CAPACITY: Final = 256 * 1024 - 64
_LENGTH_SIZE: Final = 4
#: The most the JSON may inflate to (it compresses several times; this bounds a forged record).
MAX_JSON: Final = 16 * CAPACITY


def pack(state: dict[str, Any]) -> bytes:
    body = zlib.compress(json.dumps(state, separators=(",", ":"), sort_keys=True).encode("utf-8"), 9)
    if len(body) > CAPACITY - _LENGTH_SIZE:
        raise WalletFull("The wallet is full: forget some credentials before adding more.")
    return len(body).to_bytes(_LENGTH_SIZE, "big") + body + bytes(CAPACITY - _LENGTH_SIZE - len(body))


def unpack(plaintext: bytes) -> dict[str, Any]:
    """The state, or InvalidInput for a plaintext that is not one (it was authenticated, so this
    means a bug or a format this software does not know)."""
    length = int.from_bytes(plaintext[:_LENGTH_SIZE], "big")
    if len(plaintext) != CAPACITY or length > CAPACITY - _LENGTH_SIZE:
        raise InvalidInput("The wallet's contents are not in a format this software reads.")
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(plaintext[_LENGTH_SIZE : _LENGTH_SIZE + length], MAX_JSON)
        state = json.loads(text)
    except (zlib.error, ValueError) as cause:
        raise InvalidInput("The wallet's contents are not in a format this software reads.") from cause
    if inflater.unconsumed_tail or not isinstance(state, dict):
        raise InvalidInput("The wallet's contents are not in a format this software reads.")
    return state
