"""Requests for the issuer service: an identity credential for a holder, a generic one, a document form."""

from __future__ import annotations

import copy
import json
import struct
import zlib
from typing import Any

from tests.helpers import HOLDER

#: Facts that must never reach the service's database or logs.
PERSONAL = ("Amina", "Haddad", "N0123456", "1990-04-01", HOLDER.controller)


def identity_credential(document_type: str = "Passport", **extra: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "documentNumber": "N0123456",
        "givenName": "Amina",
        "familyName": "Haddad",
        "birthDate": "1990-04-01",
        "issuingCountry": "SY",
    }
    if document_type == "OtherIdentityDocument":
        facts["documentTitle"] = "Refugee travel document"
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/nansen/v1"],
        "type": ["VerifiableCredential", "IdentityDocumentCredential"],
        "credentialSubject": {
            "id": HOLDER.controller,
            "type": "IdentityDocumentHolder",
            "identityDocument": {"type": ["IdentityDocument", document_type], **facts},
        },
        "evidence": [
            {
                "type": "DocumentCheck",
                "checkedBy": "https://shelter.example/staff/7",
                "checkedAt": "2026-01-05T09:00:00Z",
                "checkMethod": "Original inspected",
            }
        ],
        **extra,
    }


def generic_credential() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": HOLDER.controller},
    }


def issue_request(credential: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"credential": copy.deepcopy(credential or identity_credential())}
    if options:
        body["options"] = options
    return body


def document_fields(document_type: str = "Passport", **fields: str) -> dict[str, str]:
    """The text fields of a ``POST /documents`` form for the test holder."""
    facts = identity_credential(document_type)["credentialSubject"]["identityDocument"]
    return {
        "holder": HOLDER.controller,
        "documentType": document_type,
        "facts": json.dumps({name: value for name, value in facts.items() if name != "type"}),
        "checkMethod": "Original inspected under UV light",
        "documentPresence": "Physical",
        "subjectPresence": "Physical",
        **fields,
    }


def png(width: int = 64, height: int = 40, marker: bytes = b"") -> bytes:
    """A small, valid PNG (greyscale stripes), with ``marker`` in a text chunk to look for later."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((x * 4 + y) % 256 for x in range(width)) for y in range(height))
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)),
            chunk(b"tEXt", b"Comment\x00" + marker) if marker else b"",
            chunk(b"IDAT", zlib.compress(rows)),
            chunk(b"IEND", b""),
        )
    )
