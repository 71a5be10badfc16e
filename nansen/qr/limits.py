"""Bounds of the NV1 format. Encoder and decoder share them, so what one writes the other reads."""

from typing import Final

#: The most characters one QR code holds in alphanumeric mode (version 40, ECC L; ISO/IEC 18004).
MAX_TEXT: Final = 4296
#: The largest decompressed payload accepted: a decompression-bomb guard (64 KiB).
MAX_PAYLOAD: Final = 64 * 1024
#: The deepest nesting accepted; the top-level object is level 1 (as ``nansen.jsonutil``).
MAX_DEPTH: Final = 64
#: The most JSON values, member names included, in one presentation.
MAX_ITEMS: Final = 8192
#: The longest base58btc payload compacted or accepted (base58 costs quadratic time).
MAX_BASE58: Final = 128
