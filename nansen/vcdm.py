"""W3C Verifiable Credentials Data Model v2.0 (and v1.1): building and validating credentials and
presentations.

Validation here is of the data model's own rules (§4 Basic Concepts, §5.3 Integrity of Related
Resources): contexts, types, issuer, subject, validity dates, identifiers, typed entries, related
resources. Proofs, status and trust are checked by `nansen.verify`.

VC Data Model 1.1 is read too (many credentials people hold are 1.1): its first context is
``https://www.w3.org/2018/credentials/v1`` (1.1 §4.1), its validity is ``issuanceDate`` (required,
1.1 §4.6: "the date and time when a credential becomes valid") and ``expirationDate`` (1.1 §4.7).
The two versions are not mixed: a 2.0 credential with ``issuanceDate``/``expirationDate``, or a 1.1
one with ``validFrom``/``validUntil``, or both contexts in one document, is refused with the reason.
Everything built here is 2.0.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, TypeGuard

from nansen import related_resources
from nansen.crypto import digest
from nansen.errors import InvalidInput
from nansen.jsonld import CREDENTIALS_V1, CREDENTIALS_V2, NANSEN_V1, context_entries, is_absolute_iri
from nansen.timeutil import format_datetime, now, parse_datetime

CREDENTIAL_TYPE = "VerifiableCredential"
PRESENTATION_TYPE = "VerifiablePresentation"
IDENTITY_CREDENTIAL_TYPE = "IdentityDocumentCredential"
IDENTITY_DOCUMENT_TYPES = ("BirthCertificate", "Passport", "NationalIdentityCard", "OtherIdentityDocument")

#: The data model versions read, by the context that must come first.
VERSION_OF_CONTEXT = {CREDENTIALS_V2: "2.0", CREDENTIALS_V1: "1.1"}
#: The validity properties of each version: (from, until).
VALIDITY_PROPERTIES = {"2.0": ("validFrom", "validUntil"), "1.1": ("issuanceDate", "expirationDate")}

#: Properties whose every entry MUST specify its ``type`` (VC Data Model 2.0 §4.10 credentialStatus,
#: §4.11 credentialSchema, §5.4 refreshService, §5.5 termsOfUse, §5.6 evidence), mapped to whether its
#: ``id`` is required (§4.11: a credentialSchema's is). An ``id``, when present, is a URL (§4.4).
TYPED_ENTRIES = {
    "credentialStatus": False,
    "credentialSchema": True,
    "refreshService": False,
    "termsOfUse": False,
    "evidence": False,
}


def issuer_id(credential: dict[str, Any]) -> str:
    """The issuer's URL, whether ``issuer`` is a string or an object with an ``id``."""
    issuer = credential.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(value, str) or not is_absolute_iri(value):
        raise InvalidInput("The credential's issuer must be a URL (or an object with a URL 'id').")
    return value


def subjects(credential: dict[str, Any]) -> list[dict[str, Any]]:
    subject = credential.get("credentialSubject")
    items: list[Any] = subject if isinstance(subject, list) else [subject]
    if not items or not all(isinstance(s, dict) and s for s in items):
        raise InvalidInput("The credential must have a credentialSubject object.")
    return [s for s in items if isinstance(s, dict)]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _is_url(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and is_absolute_iri(value)


def _check_typed_entries(credential: dict[str, Any]) -> None:
    for name, id_required in TYPED_ENTRIES.items():
        for entry in as_list(credential.get(name, [])):
            types = as_list(entry.get("type")) if isinstance(entry, dict) else []
            if not types or not all(isinstance(t, str) and t for t in types):
                raise InvalidInput(f"Each {name} entry must be an object with a type.")
            if (id_required or "id" in entry) and not _is_url(entry.get("id")):
                raise InvalidInput(f"Each {name} entry must have an id that is a URL.")


def _check_related_resources(credential: dict[str, Any]) -> None:
    """VC Data Model 2.0 §5.3: one or more objects, each with a unique URL ``id`` and at least one
    digest (``digestSRI``, ``digestMultibase``) of a form `nansen.crypto.digest` reads (a bare sha2
    digest too: the decision in its docstring). A resource this software holds (a bundled context) must
    match its digests (`nansen.related_resources`, with the decision on earlier versions); any other is
    checked by whoever fetches it (`nansen.crypto.digest.DigestCheck`)."""
    if "relatedResource" not in credential:
        return
    resources = as_list(credential["relatedResource"])
    if not resources:
        raise InvalidInput("The credential's relatedResource must not be empty.")
    seen: set[str] = set()
    for resource in resources:
        if not isinstance(resource, dict):
            raise InvalidInput("Each relatedResource must be an object with an id and a digest.")
        resource_id = resource.get("id")
        if not _is_url(resource_id):
            raise InvalidInput("Each relatedResource must have an id that is a URL.")
        if resource_id in seen:
            raise InvalidInput("Two relatedResource entries have the same id.")
        seen.add(resource_id)
        if "digestSRI" not in resource and "digestMultibase" not in resource:
            raise InvalidInput("Each relatedResource must have a digestSRI or a digestMultibase.")
        if "digestSRI" in resource:
            digest.check_sri(resource["digestSRI"])
        if "digestMultibase" in resource:
            digest.check_multibase(resource["digestMultibase"])
    related_resources.check_held(credential, resources)


def data_model_version(document: dict[str, Any]) -> str:
    """``"2.0"`` or ``"1.1"``, from the document's first ``@context``; InvalidInput for anything else."""
    if "@context" not in document:
        raise InvalidInput("The document has no '@context'.")
    entries = context_entries(document["@context"])
    version = VERSION_OF_CONTEXT.get(entries[0]) if isinstance(entries[0], str) else None
    if version is None:
        raise InvalidInput(f"The first '@context' must be {CREDENTIALS_V2} (or {CREDENTIALS_V1} for VC 1.1).")
    if any(isinstance(entry, str) and entry in VERSION_OF_CONTEXT for entry in entries[1:]):
        raise InvalidInput("The '@context' names both the VC 2.0 and the VC 1.1 context, or one twice.")
    return version


def _check_common(document: Any, required_type: str, what: str) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise InvalidInput(f"A {what} must be a JSON object.")
    if "@context" not in document:
        raise InvalidInput(f"The {what} has no '@context'.")
    data_model_version(document)
    types = as_list(document.get("type"))
    if not all(isinstance(t, str) for t in types) or required_type not in types:
        raise InvalidInput(f"The {what}'s type must include {required_type}.")
    if "id" in document and not _is_url(document["id"]):
        raise InvalidInput(f"The {what}'s id must be a URL.")
    return document


def validity_dates(credential: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """When the credential becomes valid and stops being valid, in its version's properties."""
    start, end = VALIDITY_PROPERTIES[data_model_version(credential)]
    return (
        parse_datetime(credential[start]) if start in credential else None,
        parse_datetime(credential[end]) if end in credential else None,
    )


def _check_validity(credential: dict[str, Any]) -> None:
    version = data_model_version(credential)
    start, end = VALIDITY_PROPERTIES[version]
    for other_version, names in VALIDITY_PROPERTIES.items():
        for name in names if other_version != version else ():
            if name in credential:
                raise InvalidInput(
                    f"The credential is VC {version} (by its first '@context') but uses {name}, "
                    f"a VC {other_version} property; VC {version} uses {start} and {end}."
                )
    if version == "1.1" and start not in credential:
        raise InvalidInput("A VC 1.1 credential must have an issuanceDate.")
    for name in (start, end):
        if name in credential:
            try:
                parse_datetime(credential[name])
            except (TypeError, ValueError) as cause:
                raise InvalidInput(f"The credential's {name} is not a date-time with a time zone.") from cause
    valid_from, valid_until = validity_dates(credential)
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        raise InvalidInput(f"The credential's {end} is before its {start}.")


def validate_credential(document: Any) -> dict[str, Any]:
    """Check VC Data Model 2.0 §4 (or 1.1) rules; return the credential or raise InvalidInput."""
    credential = _check_common(document, CREDENTIAL_TYPE, "credential")
    issuer_id(credential)
    subjects(credential)
    _check_validity(credential)
    _check_typed_entries(credential)
    _check_related_resources(credential)
    return credential


def validate_presentation(document: Any) -> dict[str, Any]:
    """Check VC Data Model 2.0 §4.13 (or 1.1 §4.10) rules for a presentation; return it or raise
    InvalidInput."""
    presentation = _check_common(document, PRESENTATION_TYPE, "presentation")
    holder = presentation.get("holder")
    if holder is not None:
        holder_value = holder.get("id") if isinstance(holder, dict) else holder
        if not (isinstance(holder_value, str) and is_absolute_iri(holder_value)):
            raise InvalidInput("The presentation's holder must be a URL.")
    for credential in as_list(presentation.get("verifiableCredential", [])):
        if not isinstance(credential, dict):
            raise InvalidInput("Each verifiableCredential must be an embedded credential object.")
    return presentation


def validity_problem(credential: dict[str, Any], moment: datetime, skew: timedelta) -> str | None:
    """None when the credential is within validFrom..validUntil (VC 1.1: issuanceDate..expirationDate),
    with skew, else why not."""
    valid_from, valid_until = validity_dates(credential)
    if valid_from is not None and valid_from > moment + skew:
        return "The credential is not valid yet."
    if valid_until is not None and valid_until < moment - skew:
        return "The credential has expired."
    return None


def build_credential(
    *,
    issuer: str,
    subject: dict[str, Any],
    types: Sequence[str] = (),
    contexts: Sequence[str] = (),
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    credential_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An unsigned credential: ``@context`` starts with the VC 2.0 context, an ``urn:uuid`` id."""
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, *[c for c in contexts if c != CREDENTIALS_V2]],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": [CREDENTIAL_TYPE, *[t for t in types if t != CREDENTIAL_TYPE]],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from or now()),
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    credential["credentialSubject"] = subject
    credential.update(extra or {})
    return validate_credential(credential)


def build_identity_credential(
    *,
    issuer: str,
    holder: str,
    document_type: str,
    facts: dict[str, Any],
    evidence: list[dict[str, Any]] | None = None,
    related_resource: list[dict[str, Any]] | None = None,
    credential_status: list[dict[str, Any]] | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An ``IdentityDocumentCredential`` (the project's vocabulary, schemas/contexts/nansen-v1.jsonld)."""
    if document_type not in IDENTITY_DOCUMENT_TYPES:
        raise InvalidInput(f"The document type must be one of: {', '.join(IDENTITY_DOCUMENT_TYPES)}.")
    extra: dict[str, Any] = {}
    if evidence:
        extra["evidence"] = evidence
    if related_resource:
        extra["relatedResource"] = related_resource
    if credential_status:
        extra["credentialStatus"] = credential_status
    return build_credential(
        issuer=issuer,
        subject={
            "id": holder,
            "type": "IdentityDocumentHolder",
            "identityDocument": {"type": ["IdentityDocument", document_type], **facts},
        },
        types=[IDENTITY_CREDENTIAL_TYPE],
        contexts=[NANSEN_V1],
        valid_from=valid_from,
        valid_until=valid_until,
        extra=extra,
    )


def build_presentation(
    *,
    holder: str,
    credentials: Sequence[dict[str, Any]],
    presentation_id: str | None = None,
    contexts: Sequence[str] = (CREDENTIALS_V2,),
) -> dict[str, Any]:
    """A presentation of the credentials; ``contexts`` starting with the VC 1.1 context makes a
    VC 1.1 presentation (1.1 §4.10), for a VC 1.1 credential shown to a legacy verifier."""
    presentation: dict[str, Any] = {
        "@context": list(contexts),
        "id": presentation_id or f"urn:uuid:{uuid.uuid4()}",
        "type": [PRESENTATION_TYPE],
        "holder": holder,
        "verifiableCredential": list(credentials),
    }
    return validate_presentation(presentation)
