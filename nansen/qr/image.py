"""QR code images: render NV1 text as PNG or SVG (segno), read it back from a picture (zxing-cpp).

Rendering is one alphanumeric segment (ISO/IEC 18004) at error correction level M, never boosted,
so the version reported is the version drawn.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Final

import segno
import zxingcpp
from PIL import Image, UnidentifiedImageError

from nansen.qr.errors import QRCodeError

#: Larger files or pictures are refused before decoding (a 48-megapixel photo is accepted).
MAX_IMAGE_BYTES: Final = 32 * 1024 * 1024
MAX_IMAGE_PIXELS: Final = 50_000_000
_QR_CODE: Final = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def _symbol(text: str) -> segno.QRCode:
    try:
        return segno.make_qr(text, error="m", mode="alphanumeric", boost_error=False)
    except segno.DataOverflowError:
        raise QRCodeError("The text is too large for one QR code.") from None
    except ValueError:
        raise QRCodeError("The text has characters that QR alphanumeric mode cannot hold.") from None


def qr_version(text: str) -> int:
    """The QR version (1 to 40) that holds the text in alphanumeric mode at level M."""
    return int(_symbol(text).version)


def qr_png(text: str, scale: int = 4, border: int = 4) -> bytes:
    """A PNG of the QR code: ``scale`` pixels a module, a quiet zone of ``border`` modules."""
    out = io.BytesIO()
    _symbol(text).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def qr_svg(text: str, scale: int = 4, border: int = 4) -> str:
    """An SVG document of the QR code (UTF-8, with its XML declaration)."""
    out = io.BytesIO()
    _symbol(text).save(out, kind="svg", scale=scale, border=border, title="QR code")
    return out.getvalue().decode("utf-8")


def uri_svg(uri: str, scale: int = 4, border: int = 4) -> str:
    """An SVG document of a QR code holding a URI (an OpenID4VCI offer, an OpenID4VP request) in
    byte mode at level M: a URI is not QR alphanumeric text, as NV1 codes are."""
    out = io.BytesIO()
    try:
        segno.make_qr(uri, error="m", mode="byte").save(
            out, kind="svg", scale=scale, border=border, title="QR code"
        )
    except segno.DataOverflowError:
        raise QRCodeError("The URI is too large for one QR code.") from None
    return out.getvalue().decode("utf-8")


def decode_image(image: bytes | str | os.PathLike[str]) -> str:
    """The text of the one QR code in a picture (bytes of an image file, or its path)."""
    data = image if isinstance(image, bytes) else _read(Path(image))
    if len(data) > MAX_IMAGE_BYTES:
        raise QRCodeError(
            f"The image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB.", "image-too-large"
        )
    try:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.width * picture.height > MAX_IMAGE_PIXELS:
                raise QRCodeError(f"The image has more than {MAX_IMAGE_PIXELS:,} pixels.", "image-too-large")
            gray = picture.convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise QRCodeError("The image cannot be read as a picture.", "not-an-image") from None
    codes = zxingcpp.read_barcodes(gray, formats=_QR_CODE)
    if not codes:
        raise QRCodeError("The image has no QR code that can be read.", "no-qr-code")
    if len(codes) > 1:
        raise QRCodeError("The image has more than one QR code; show one at a time.", "several-qr-codes")
    return codes[0].text


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_IMAGE_BYTES:
            raise QRCodeError(
                f"The image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB.", "image-too-large"
            )
        return path.read_bytes()
    except OSError:
        raise QRCodeError("The image file cannot be read.") from None
