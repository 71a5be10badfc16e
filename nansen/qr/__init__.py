"""QR codes that carry a verifiable presentation: format NV1, images, and reading them back.

    text = encode_presentation(vp)      # "NV1:…", QR alphanumeric characters only
    qr_version(text)                    # 18 for a typical identity presentation, at level M
    png, svg = qr_png(text), qr_svg(text)
    decode_presentation(decode_image(png)) == vp

The format (:mod:`nansen.qr.codec`): ``NV1:`` then Base45 (RFC 9285) of raw deflate with a preset
dictionary of CBOR (RFC 8949) in which member names are numbers from a frozen vocabulary and
DIDs, keys, signatures, UUIDs, CIDs, digests and timestamps are bytes or integers, each restoring
its exact string. The JSON that comes out is the JSON that went in, so every proof still verifies.
Decoding treats its input as hostile and raises :class:`QRCodeError` on anything it cannot read.
"""

from nansen.qr.codec import PREFIX, decode_presentation, encode_presentation
from nansen.qr.errors import QRCodeError
from nansen.qr.image import decode_image, qr_png, qr_svg, qr_version, uri_svg

__all__ = [
    "PREFIX",
    "QRCodeError",
    "decode_image",
    "decode_presentation",
    "encode_presentation",
    "qr_png",
    "qr_svg",
    "qr_version",
    "uri_svg",
]
