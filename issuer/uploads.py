"""Multipart uploads of scans (the API's ``POST /documents`` and the console's upload form).

The form is read within bounds: one file, a few fields, each field at most the usual body limit.
Starlette writes the file to a temporary file as it arrives (in memory up to 1 MB, then on disk),
so a large scan never sits in memory; the body limit of these routes (``max_upload_bytes``) stops
an upload as soon as it passes it, and a scan over ``max_scan_bytes`` is refused before any work.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import BinaryIO

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from issuer.settings import Settings
from service.problems import Problem

MULTIPART = "multipart/form-data"


async def read_form(request: Request, settings: Settings, fields: int) -> FormData:
    """The multipart form of the request: at most one file and ``fields`` other fields."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != MULTIPART:
        raise Problem(415, "The request must be sent as multipart/form-data.")
    return await request.form(
        max_files=1, max_fields=fields, max_part_size=settings.limits.max_document_bytes
    )


def text_fields(form: FormData, allowed: Collection[str], file_field: str) -> dict[str, str]:
    """The form's text fields, each given at most once; refuse any other field (400)."""
    names = [name for name, _ in form.multi_items() if name != file_field]
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        raise Problem(400, f"The form has fields this service does not take: {', '.join(unknown)[:200]}.")
    if len(set(names)) != len(names):
        raise Problem(400, "Each field of the form may be given only once.")
    values = {name: form[name] for name in names}
    if not all(isinstance(value, str) for value in values.values()):
        raise Problem(400, f"Only the '{file_field}' field of the form may be a file.")
    return {name: value for name, value in values.items() if isinstance(value, str)}


def scan_file(form: FormData, settings: Settings, name: str) -> BinaryIO:
    """The uploaded scan, spooled and rewound: refused if missing (400), empty (422) or too large (413)."""
    uploads = form.getlist(name)
    if len(uploads) != 1 or not isinstance(uploads[0], UploadFile):
        raise Problem(400, f"The form needs the scan as one file in the '{name}' field.")
    upload = uploads[0]
    if not upload.size:
        raise Problem(422, "The scan is empty.")
    if upload.size > settings.max_scan_bytes:
        raise Problem(413, f"The scan is larger than the limit of {settings.max_scan_bytes:,} bytes.")
    return upload.file
