"""The frozen vocabulary of format NV1: member names as numbers, and the deflate dictionary.

Part of the format: changing anything here changes what a QR code means, so it needs a new format
version (``NV2:``). ``tests/qr`` pins the SHA-256 of both.

- :data:`TERMS`: member names written as their index (a CBOR integer; the first 24 take one byte).
  The terms of the bundled contexts (VC 2.0, Data Integrity, Multikey, Nansen, Citizenship) and the
  JSON-LD keywords that appear in data, the most frequent first.
- :data:`STRINGS` and :data:`TEMPLATES`: the preset dictionary of the deflate pass (RFC 1951; zlib
  ``zdict``). Common values, then presentations of the usual shape with placeholder values: deflate
  finds most of a real presentation's structure in them. Values are not numbered by a table of
  their own: measured, with this dictionary such a table saved under 1% (4 to 6 bytes).
"""

from __future__ import annotations

from typing import Any, Final

TERMS: Final = (
    # 0-23: one byte each
    "@context", "id", "type", "proof", "cryptosuite", "created", "verificationMethod", "proofPurpose",
    "proofValue", "issuer", "validFrom", "validUntil", "credentialSubject", "holder",
    "verifiableCredential", "challenge", "domain", "credentialStatus", "statusPurpose",
    "statusListIndex", "statusListCredential", "evidence", "relatedResource", "digestMultibase",
    # frequent in Nansen's credentials and in Data Integrity
    "mediaType", "identityDocument", "documentNumber", "givenName", "familyName", "birthDate",
    "issuingCountry", "checkedBy", "checkedAt", "checkMethod", "expires", "nonce", "previousProof",
    "name", "description",
    # JSON-LD keywords that occur in data (value objects, lists, graphs)
    "@value", "@language", "@direction", "@id", "@type", "@list", "@set", "@graph", "@json", "@index",
    "@included",
    # every other term of the bundled contexts, in alphabetical order
    "_sd", "_sd_alg", "additionalName", "addressCountry", "addressLocality", "addressRegion",
    "assertionMethod", "aud", "authentication", "birthCountry", "birthPlace", "capabilityDelegation",
    "capabilityInvocation", "ceremonyDate", "ceremonyLocation", "certificateOfCitizenship",
    "certificateOfNaturalization", "ciphertextMediaType", "cisRegistrationNumber", "cnf",
    "commuterClassification", "confidenceMethod", "controller", "credentialSchema", "credentialType",
    "dateOfExpiry", "dateOfIssue", "digestSRI", "documentPresence", "documentTitle",
    "employmentAuthorizationDocument", "encodedList", "encryption", "exp", "fatherName",
    "filingLocation", "formerNationality", "gender", "height", "iat", "identifier", "image",
    "insRegistrationNumber", "iss", "issuingAuthority", "jku", "jsonSchema", "jwk", "keyAgreement",
    "kid", "lprCategory", "lprNumber", "maritalStatus", "marriageCertificateNumber",
    "marriageLocation", "message", "motherName", "mrzHash", "nationality", "naturalizationLocation",
    "naturalizedBy", "nbf", "permanentResidentCard", "publicKeyMultibase", "refreshService",
    "renderMethod", "residence", "residentSince", "revoked", "secretKeyMultibase", "status",
    "statusMessage", "statusReference", "statusSize", "sub", "subjectPresence", "termsOfUse",
    "trustedIssuer", "ttl", "unitCode", "value", "x5u",
)  # fmt: skip
TERM_CODES: Final = {term: code for code, term in enumerate(TERMS)}

CREDENTIALS_V2: Final = "https://www.w3.org/ns/credentials/v2"
NANSEN_V1: Final = "https://w3id.org/nansen/v1"

#: Values that recur across presentations; the later, the cheaper to refer to.
STRINGS: Final = (
    "https://w3id.org/citizenship/v4rc1", "https://www.w3.org/ns/credentials/examples/v2",
    "https://w3id.org/security/multikey/v1", "https://w3id.org/security/data-integrity/v2",
    "CertificateOfCitizenship", "CertificateOfCitizenshipCredential", "CertificateOfNaturalization",
    "CertificateOfNaturalizationCredential", "Citizen", "EmployablePerson",
    "EmploymentAuthorizationDocument", "EmploymentAuthorizationDocumentCredential", "NaturalizedPerson",
    "PermanentResident", "PermanentResidentCard", "PermanentResidentCardCredential", "Person",
    "PostalAddress", "QuantitativeValue", "BitstringStatusList", "BitstringStatusListCredential",
    "EnvelopedVerifiableCredential", "EnvelopedVerifiablePresentation", "JsonSchema",
    "JsonSchemaCredential", "Multikey", "TrustList", "TrustListCredential", "EncryptedDocument",
    "BirthCertificate", "NationalIdentityCard", "OtherIdentityDocument",
    "ecdsa-rdfc-2019", "ecdsa-jcs-2019", "ecdsa-sd-2023", "bbs-2023",
    "capabilityInvocation", "capabilityDelegation", "keyAgreement", "refresh", "message",
    "application/pdf", "image/png", "image/jpeg", "application/octet-stream",
    "did:web:", "https://",
)  # fmt: skip

#: did:key DIDs of two placeholder Ed25519 keys (all zero bytes, all 0xff bytes).
_HOLDER: Final = "did:key:z6MkeTG3bFFSLYVU7VqhgZxqr6YzpaGrQtFMh1uvqGy1vDnP"
_ISSUER: Final = "did:key:z6MkwgaR63138bEEgad7uk993KMX54vBA6KTB4sFhCPnSB2e"
_UUID: Final = "urn:uuid:00000000-0000-0000-0000-000000000000"
_TIME: Final = "2026-01-01T00:00:00Z"
_SIGNATURE: Final = "z" + "1" * 64  # 64 zero bytes in base58btc


def _proof(suite: str, signer: str, purpose: str, contexts: list[str], **options: str) -> dict[str, Any]:
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": suite,
        "created": _TIME,
        "verificationMethod": f"{signer}#{signer.removeprefix('did:key:')}",
        "proofPurpose": purpose,
        **options,
    }
    if suite == "eddsa-jcs-2022":  # JCS proofs keep their @context
        proof["@context"] = contexts
    return {**proof, "proofValue": _SIGNATURE}


def _status(purpose: str) -> dict[str, Any]:
    return {
        "id": "",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": "",
        "statusListCredential": "",
    }


def _presentation(suite: str) -> dict[str, Any]:
    """A presentation as Nansen's builders make one, placeholders for the values."""
    credential = {
        "@context": [CREDENTIALS_V2, NANSEN_V1],
        "id": _UUID,
        "type": ["VerifiableCredential", "IdentityDocumentCredential"],
        "issuer": _ISSUER,
        "validFrom": _TIME,
        "validUntil": _TIME,
        "credentialSubject": {
            "id": _HOLDER,
            "type": "IdentityDocumentHolder",
            "identityDocument": {
                "type": ["IdentityDocument", "Passport"],
                "documentNumber": "",
                "givenName": "",
                "familyName": "",
                "birthDate": "1990-01-01",
                "issuingCountry": "",
            },
        },
        "evidence": [{"type": "DocumentCheck", "checkedBy": _ISSUER, "checkedAt": _TIME, "checkMethod": ""}],
        "relatedResource": [
            {
                "id": "ipfs://bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "digestMultibase": "uEiAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "mediaType": "application/octet-stream",
            }
        ],
        "credentialStatus": [_status("revocation"), _status("suspension")],
        "proof": _proof(suite, _ISSUER, "assertionMethod", [CREDENTIALS_V2, NANSEN_V1]),
    }
    return {
        "@context": [CREDENTIALS_V2],
        "id": _UUID,
        "type": ["VerifiablePresentation"],
        "holder": _HOLDER,
        "verifiableCredential": [credential],
        "proof": _proof(suite, _HOLDER, "authentication", [CREDENTIALS_V2], challenge=_UUID[9:], domain=""),
    }


#: Closest to the data last: the suite Nansen signs with by default.
TEMPLATES: Final = (_presentation("eddsa-jcs-2022"), _presentation("eddsa-rdfc-2022"))
