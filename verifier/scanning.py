"""A scanned picture: the request's image (a multipart form or an image body), its one QR code, and
the presentation the code holds.

A picture is read into memory only (never spooled to a file): the body limit for ``POST /scan``
(``NANSEN_VERIFIER_MAX_IMAGE_BYTES``) bounds it. Every refusal is a `Problem` of a ``kind`` that
clients tell apart, with the codec's own sentence (which names the problem, never the data).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Final

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from nansen.qr import QRCodeError, decode_image, decode_presentation
from verifier.body import media_type
from verifier.checking import PresentationOptions
from verifier.problems import Problem

MULTIPART: Final = "multipart/form-data"


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


def read_code(image: bytes) -> tuple[str, dict[str, Any]]:
    """The text of the picture's one QR code, and the presentation it holds."""
    try:
        text = decode_image(image)
    except QRCodeError as error:
        status = 413 if error.kind == "image-too-large" else 400
        raise Problem(status, str(error), error.kind) from error
    return text, read_text(text)


def read_text(text: str) -> dict[str, Any]:
    """The presentation a QR code's text holds."""
    try:
        return decode_presentation(text)
    except QRCodeError as error:
        raise Problem(400, str(error), error.kind) from error
