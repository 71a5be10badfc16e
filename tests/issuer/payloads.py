"""Requests for the issuer service: an identity credential for a holder, and a generic one."""

from __future__ import annotations

import copy
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
