"""A scanned picture: the request's image (a multipart form or an image body), its one QR code, and
the presentation the code holds.

A picture is read into memory only (never spooled to a file): the body limit for ``POST /scan``
(``NANSEN_VERIFIER_MAX_IMAGE_BYTES``) bounds it. A few kilobytes of compressed picture can stand
for gigabytes of pixels, so its header is judged before anything is decoded (`check_picture`): at
most ``NANSEN_VERIFIER_MAX_IMAGE_PIXELS`` pixels, 8 bits a channel, at most 4 channels, one frame,
in a format a camera or a screenshot makes; and at most ``NANSEN_VERIFIER_MAX_CONCURRENT_SCANS``
pictures are decoded at once (`verifier.slots`). Every refusal is a `Problem` of a ``kind`` that
clients tell apart, with the codec's own sentence (which names the problem, never the data).
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from typing import Any, Final

from fastapi import Request
from PIL import Image, UnidentifiedImageError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from nansen.qr import QRCodeError, decode_image, decode_presentation
from nansen.qr.sdjwt import decode_sd_jwt, is_sd_jwt
from service.bodies import media_type
from service.problems import Problem
from verifier.verification import PresentationOptions

MULTIPART: Final = "multipart/form-data"
#: What cameras, phones and screenshots make. A phone's JPEG with extra pictures (MPO: a depth
#: map, a preview) is read as its first picture only, as a JPEG.
_FORMATS: Final = ("JPEG", "PNG", "WEBP", "GIF", "BMP")
Image.init()  # register every format now, so that `Image.open`'s ``formats`` can name WEBP

#: Modes of 8 bits a channel and at most 4 channels (Pillow's names).
_MODES: Final = frozenset({"1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr"})


class _InMemory(MultiPartParser):
    #: Never roll a picture over to a temporary file: the body limit already bounds its size.
    spool_max_size = sys.maxsize


@dataclass(frozen=True)
class Scan:
    image: bytes = field(repr=False)
    options: PresentationOptions


def _text(value: Any, name: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Problem(400, f"The {name} field must be text.")
    return value


async def read_scan(request: Request) -> Scan:
    """The picture, and the challenge and domain (form fields, or the query of an image body)."""
    kind = media_type(request)
    if kind == MULTIPART:
        try:
            form = await _InMemory(request.headers, request.stream(), max_files=1, max_fields=2).parse()
        except MultiPartException as error:
            raise Problem(400, "The form cannot be read: send one picture as the 'image' field.") from error
        try:
            upload = form.get("image")
            image = await upload.read() if isinstance(upload, UploadFile) else b""
            fields = (form.get("challenge"), form.get("domain"))
        finally:
            await form.close()
    elif kind.startswith("image/"):
        image = await request.body()
        fields = (request.query_params.get("challenge"), request.query_params.get("domain"))
    else:
        raise Problem(415, "Send a picture: an image/* body, or the 'image' field of a multipart form.")
    if not image:
        raise Problem(400, "The request carries no picture.", "no-image")
    return Scan(image, PresentationOptions(_text(fields[0], "challenge"), _text(fields[1], "domain")))


def _raw_modes(picture: Image.Image) -> list[str]:
    """How the decoder would read each tile (``RGBA;16B`` for a 16-bit PNG, whose mode says RGBA)."""
    modes: list[str] = []
    for tile in getattr(picture, "tile", []):
        args = tile.args if isinstance(tile.args, tuple) else (tile.args,)
        modes.extend(a for a in args[:1] if isinstance(a, str))
    return modes


def check_picture(image: bytes, max_pixels: int) -> None:
    """Refuse, from its header alone, a picture that would cost more than a QR photo should."""
    try:
        with Image.open(io.BytesIO(image), formats=_FORMATS) as picture:
            width, height = picture.size
            deep = picture.mode not in _MODES or any(";16" in m or ";32" in m for m in _raw_modes(picture))
            frames = 1 if picture.format == "MPO" else getattr(picture, "n_frames", 1)
    except Image.DecompressionBombError as error:
        raise Problem(413, f"The picture has more than {max_pixels:,} pixels.", "image-too-large") from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise Problem(400, "The image cannot be read as a picture.", "not-an-image") from error
    if width * height > max_pixels:
        raise Problem(413, f"The picture has more than {max_pixels:,} pixels.", "image-too-large")
    if deep:
        raise Problem(
            422,
            "The picture has more than 8 bits a channel or more than 4 channels: send a photo.",
            "unsupported-image",
        )
    if frames != 1:
        raise Problem(422, "The picture has several frames: send a photo.", "unsupported-image")


def read_code(image: bytes, max_pixels: int) -> tuple[str, dict[str, Any] | str]:
    """The text of the picture's one QR code, and the presentation it holds."""
    check_picture(image, max_pixels)
    try:
        text = decode_image(image)
    except QRCodeError as error:
        status = 413 if error.kind == "image-too-large" else 400
        raise Problem(status, str(error), error.kind) from error
    return text, read_text(text)


def read_text(text: str) -> dict[str, Any] | str:
    """The presentation a QR code's text holds: a JSON document, or an SD-JWT+KB's compact text
    (`nansen.qr.sdjwt`)."""
    try:
        return decode_sd_jwt(text) if is_sd_jwt(text) else decode_presentation(text)
    except QRCodeError as error:
        raise Problem(400, str(error), error.kind) from error
