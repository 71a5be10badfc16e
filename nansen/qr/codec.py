"""Format NV1: a presentation as text for one QR code in alphanumeric mode.

    NV1:<Base45 (RFC 9285) of raw deflate (RFC 1951), with a preset dictionary, of CBOR (RFC 8949)>

``NV1:`` names the format and its version in characters of QR alphanumeric mode (ISO/IEC 18004),
the only characters Base45 uses too, so the whole text is one alphanumeric segment. The CBOR is the
presentation in the compact form of :mod:`nansen.qr.compact`. Deflate is raw, without zlib's header
and checksum: the version prefix names the dictionary, the QR code's Reed-Solomon code catches
damage in transit, and the presentation's proofs catch any change to what they sign.
"""

from __future__ import annotations

import re
import zlib
from typing import Any, Final

from nansen.qr import base45, cbor
from nansen.qr.compact import from_item, to_item
from nansen.qr.errors import QRCodeError
from nansen.qr.limits import MAX_PAYLOAD, MAX_TEXT
from nansen.qr.vocabulary import STRINGS, TEMPLATES

PREFIX: Final = "NV1:"
_ANY_VERSION: Final = re.compile(r"NV[0-9]+:")
#: The deflate dictionary (at most 32 KiB are used): the strings, then the compacted templates.
ZDICT: Final = "".join(STRINGS).encode("utf-8") + b"".join(cbor.dumps(to_item(t)) for t in TEMPLATES)
_RAW_DEFLATE: Final = -15  # window bits: 32 KiB window, no zlib header or trailer


def encode_presentation(presentation: dict[str, Any]) -> str:
    """The NV1 text of a presentation (any JSON object); decoding it gives back the same JSON."""
    if not isinstance(presentation, dict):
        raise QRCodeError("Only a JSON object can be encoded for a QR code.")
    payload = cbor.dumps(to_item(presentation))
    if len(payload) > MAX_PAYLOAD:
        raise QRCodeError(f"The presentation takes more than {MAX_PAYLOAD // 1024} KiB in the QR format.")
    deflater = zlib.compressobj(9, zlib.DEFLATED, _RAW_DEFLATE, 9, zlib.Z_DEFAULT_STRATEGY, ZDICT)
    text = PREFIX + base45.encode(deflater.compress(payload) + deflater.flush())
    if len(text) > MAX_TEXT:
        raise QRCodeError("The presentation is too large for one QR code.")
    return text


def decode_presentation(text: str) -> dict[str, Any]:
    """The presentation that :func:`encode_presentation` encoded; refuse anything else."""
    if not isinstance(text, str):
        raise QRCodeError("The QR content must be text.")
    if len(text) > MAX_TEXT:
        raise QRCodeError("The QR text is longer than any QR code holds.")
    if not text.startswith(PREFIX):
        if _ANY_VERSION.match(text):
            raise QRCodeError(
                "The QR code uses a version of the format that this software does not read.", "other-version"
            )
        raise QRCodeError("The QR code does not hold a Nansen presentation.", "not-nansen")
    value = from_item(cbor.loads(_inflate(base45.decode(text[len(PREFIX) :]))))
    if not isinstance(value, dict):
        raise QRCodeError("The QR code does not hold a JSON object.")
    return value


def _inflate(data: bytes, zdict: bytes = ZDICT) -> bytes:
    inflater = zlib.decompressobj(_RAW_DEFLATE, zdict=zdict)
    try:
        payload = inflater.decompress(data, MAX_PAYLOAD + 1)
    except zlib.error:
        raise QRCodeError("The QR payload is not valid compressed data.") from None
    if len(payload) > MAX_PAYLOAD:
        raise QRCodeError(f"The QR payload expands to more than {MAX_PAYLOAD // 1024} KiB.")
    if not inflater.eof:
        raise QRCodeError("The QR payload is truncated.")
    if inflater.unused_data:
        raise QRCodeError("The QR payload has unexpected data after its end.")
    return payload
