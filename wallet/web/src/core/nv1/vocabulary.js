// Format NV1's frozen vocabulary (nansen/qr/vocabulary.py, nansen/qr/sdjwt.py), as data: the member
// names written as numbers, and the preset deflate dictionaries. Generated from the Python module;
// tests/webwallet/test_core_nv1.py checks that every value here equals Python's.

export const TERMS = Object.freeze([
  "@context",
  "id",
  "type",
  "proof",
  "cryptosuite",
  "created",
  "verificationMethod",
  "proofPurpose",
  "proofValue",
  "issuer",
  "validFrom",
  "validUntil",
  "credentialSubject",
  "holder",
  "verifiableCredential",
  "challenge",
  "domain",
  "credentialStatus",
  "statusPurpose",
  "statusListIndex",
  "statusListCredential",
  "evidence",
  "relatedResource",
  "digestMultibase",
  "mediaType",
  "identityDocument",
  "documentNumber",
  "givenName",
  "familyName",
  "birthDate",
  "issuingCountry",
  "checkedBy",
  "checkedAt",
  "checkMethod",
  "expires",
  "nonce",
  "previousProof",
  "name",
  "description",
  "@value",
  "@language",
  "@direction",
  "@id",
  "@type",
  "@list",
  "@set",
  "@graph",
  "@json",
  "@index",
  "@included",
  "_sd",
  "_sd_alg",
  "additionalName",
  "addressCountry",
  "addressLocality",
  "addressRegion",
  "assertionMethod",
  "aud",
  "authentication",
  "birthCountry",
  "birthPlace",
  "capabilityDelegation",
  "capabilityInvocation",
  "ceremonyDate",
  "ceremonyLocation",
  "certificateOfCitizenship",
  "certificateOfNaturalization",
  "ciphertextMediaType",
  "cisRegistrationNumber",
  "cnf",
  "commuterClassification",
  "confidenceMethod",
  "controller",
  "credentialSchema",
  "credentialType",
  "dateOfExpiry",
  "dateOfIssue",
  "digestSRI",
  "documentPresence",
  "documentTitle",
  "employmentAuthorizationDocument",
  "encodedList",
  "encryption",
  "exp",
  "fatherName",
  "filingLocation",
  "formerNationality",
  "gender",
  "height",
  "iat",
  "identifier",
  "image",
  "insRegistrationNumber",
  "iss",
  "issuingAuthority",
  "jku",
  "jsonSchema",
  "jwk",
  "keyAgreement",
  "kid",
  "lprCategory",
  "lprNumber",
  "maritalStatus",
  "marriageCertificateNumber",
  "marriageLocation",
  "message",
  "motherName",
  "mrzHash",
  "nationality",
  "naturalizationLocation",
  "naturalizedBy",
  "nbf",
  "permanentResidentCard",
  "publicKeyMultibase",
  "refreshService",
  "renderMethod",
  "residence",
  "residentSince",
  "revoked",
  "secretKeyMultibase",
  "status",
  "statusMessage",
  "statusReference",
  "statusSize",
  "sub",
  "subjectPresence",
  "termsOfUse",
  "trustedIssuer",
  "ttl",
  "unitCode",
  "value",
  "x5u"
]);

/** nansen.qr.codec.ZDICT (base64): the strings, then the CBOR of the compacted templates. */
export const ZDICT_BASE64 =
  "aHR0cHM6Ly93M2lkLm9yZy9jaXRpemVuc2hpcC92NHJjMWh0dHBzOi8vd3d3LnczLm9yZy9ucy9jcmVkZW50aWFscy9leGFtcGxl" +
  "cy92Mmh0dHBzOi8vdzNpZC5vcmcvc2VjdXJpdHkvbXVsdGlrZXkvdjFodHRwczovL3czaWQub3JnL3NlY3VyaXR5L2RhdGEtaW50" +
  "ZWdyaXR5L3YyQ2VydGlmaWNhdGVPZkNpdGl6ZW5zaGlwQ2VydGlmaWNhdGVPZkNpdGl6ZW5zaGlwQ3JlZGVudGlhbENlcnRpZmlj" +
  "YXRlT2ZOYXR1cmFsaXphdGlvbkNlcnRpZmljYXRlT2ZOYXR1cmFsaXphdGlvbkNyZWRlbnRpYWxDaXRpemVuRW1wbG95YWJsZVBl" +
  "cnNvbkVtcGxveW1lbnRBdXRob3JpemF0aW9uRG9jdW1lbnRFbXBsb3ltZW50QXV0aG9yaXphdGlvbkRvY3VtZW50Q3JlZGVudGlh" +
  "bE5hdHVyYWxpemVkUGVyc29uUGVybWFuZW50UmVzaWRlbnRQZXJtYW5lbnRSZXNpZGVudENhcmRQZXJtYW5lbnRSZXNpZGVudENh" +
  "cmRDcmVkZW50aWFsUGVyc29uUG9zdGFsQWRkcmVzc1F1YW50aXRhdGl2ZVZhbHVlQml0c3RyaW5nU3RhdHVzTGlzdEJpdHN0cmlu" +
  "Z1N0YXR1c0xpc3RDcmVkZW50aWFsRW52ZWxvcGVkVmVyaWZpYWJsZUNyZWRlbnRpYWxFbnZlbG9wZWRWZXJpZmlhYmxlUHJlc2Vu" +
  "dGF0aW9uSnNvblNjaGVtYUpzb25TY2hlbWFDcmVkZW50aWFsTXVsdGlrZXlUcnVzdExpc3RUcnVzdExpc3RDcmVkZW50aWFsRW5j" +
  "cnlwdGVkRG9jdW1lbnRCaXJ0aENlcnRpZmljYXRlTmF0aW9uYWxJZGVudGl0eUNhcmRPdGhlcklkZW50aXR5RG9jdW1lbnRlY2Rz" +
  "YS1yZGZjLTIwMTllY2RzYS1qY3MtMjAxOWVjZHNhLXNkLTIwMjNiYnMtMjAyM2NhcGFiaWxpdHlJbnZvY2F0aW9uY2FwYWJpbGl0" +
  "eURlbGVnYXRpb25rZXlBZ3JlZW1lbnRyZWZyZXNobWVzc2FnZWFwcGxpY2F0aW9uL3BkZmltYWdlL3BuZ2ltYWdlL2pwZWdhcHBs" +
  "aWNhdGlvbi9vY3RldC1zdHJlYW1kaWQ6d2ViOmh0dHBzOi8vpgCBeCRodHRwczovL3d3dy53My5vcmcvbnMvY3JlZGVudGlhbHMv" +
  "djIBUQYAAAAAAAAAAAAAAAAAAAAAAoF2VmVyaWZpYWJsZVByZXNlbnRhdGlvbg1YIwDtAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" +
  "AAAAAAAAAAAADoGrAIJ4JGh0dHBzOi8vd3d3LnczLm9yZy9ucy9jcmVkZW50aWFscy92MngaaHR0cHM6Ly93M2lkLm9yZy9uYW5z" +
  "ZW4vdjEBUQYAAAAAAAAAAAAAAAAAAAAAAoJ0VmVyaWZpYWJsZUNyZWRlbnRpYWx4GklkZW50aXR5RG9jdW1lbnRDcmVkZW50aWFs" +
  "CVgjAO0B//////////////////////////////////////////8KwRppVbkAC8EaaVW5AAyjAUICAAJ2SWRlbnRpdHlEb2N1bWVu" +
  "dEhvbGRlchgZpgKCcElkZW50aXR5RG9jdW1lbnRoUGFzc3BvcnQYGmAYG2AYHGAYHdhkGRyJGB5gFYGkAm1Eb2N1bWVudENoZWNr" +
  "GB9CAgEYIMEaaVW5ABghYBaBowFYJQgBVRIgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAXWCMFEiAAAAAAAAAAAAAA" +
  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAABgYeBhhcHBsaWNhdGlvbi9vY3RldC1zdHJlYW0RgqUBYAJ4GEJpdHN0cmluZ1N0YXR1c0xp" +
  "c3RFbnRyeRJqcmV2b2NhdGlvbhNgFGClAWACeBhCaXRzdHJpbmdTdGF0dXNMaXN0RW50cnkSanN1c3BlbnNpb24TYBRgA6cCckRh" +
  "dGFJbnRlZ3JpdHlQcm9vZgRuZWRkc2EtamNzLTIwMjIFwRppVbkABkIDAQdvYXNzZXJ0aW9uTWV0aG9kAIJ4JGh0dHBzOi8vd3d3" +
  "LnczLm9yZy9ucy9jcmVkZW50aWFscy92MngaaHR0cHM6Ly93M2lkLm9yZy9uYW5zZW4vdjEIWEEEAAAAAAAAAAAAAAAAAAAAAAAA" +
  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAOpAnJEYXRhSW50ZWdyaXR5UHJvb2YEbmVkZHNh" +
  "LWpjcy0yMDIyBcEaaVW5AAZCAwAHbmF1dGhlbnRpY2F0aW9uD1EHAAAAAAAAAAAAAAAAAAAAABBgAIF4JGh0dHBzOi8vd3d3Lncz" +
  "Lm9yZy9ucy9jcmVkZW50aWFscy92MghYQQQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" +
  "AAAAAAAAAAAAAAAAAAAApgCBeCRodHRwczovL3d3dy53My5vcmcvbnMvY3JlZGVudGlhbHMvdjIBUQYAAAAAAAAAAAAAAAAAAAAA" +
  "AoF2VmVyaWZpYWJsZVByZXNlbnRhdGlvbg1YIwDtAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADoGrAIJ4JGh0dHBz" +
  "Oi8vd3d3LnczLm9yZy9ucy9jcmVkZW50aWFscy92MngaaHR0cHM6Ly93M2lkLm9yZy9uYW5zZW4vdjEBUQYAAAAAAAAAAAAAAAAA" +
  "AAAAAoJ0VmVyaWZpYWJsZUNyZWRlbnRpYWx4GklkZW50aXR5RG9jdW1lbnRDcmVkZW50aWFsCVgjAO0B////////////////////" +
  "//////////////////////8KwRppVbkAC8EaaVW5AAyjAUICAAJ2SWRlbnRpdHlEb2N1bWVudEhvbGRlchgZpgKCcElkZW50aXR5" +
  "RG9jdW1lbnRoUGFzc3BvcnQYGmAYG2AYHGAYHdhkGRyJGB5gFYGkAm1Eb2N1bWVudENoZWNrGB9CAgEYIMEaaVW5ABghYBaBowFY" +
  "JQgBVRIgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAXWCMFEiAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" +
  "ABgYeBhhcHBsaWNhdGlvbi9vY3RldC1zdHJlYW0RgqUBYAJ4GEJpdHN0cmluZ1N0YXR1c0xpc3RFbnRyeRJqcmV2b2NhdGlvbhNg" +
  "FGClAWACeBhCaXRzdHJpbmdTdGF0dXNMaXN0RW50cnkSanN1c3BlbnNpb24TYBRgA6YCckRhdGFJbnRlZ3JpdHlQcm9vZgRvZWRk" +
  "c2EtcmRmYy0yMDIyBcEaaVW5AAZCAwEHb2Fzc2VydGlvbk1ldGhvZAhYQQQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" +
  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA6gCckRhdGFJbnRlZ3JpdHlQcm9vZgRvZWRkc2EtcmRmYy0yMDIyBcEa" +
  "aVW5AAZCAwAHbmF1dGhlbnRpY2F0aW9uD1EHAAAAAAAAAAAAAAAAAAAAABBgCFhBBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" +
  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

/** What nansen.qr.sdjwt.SD_JWT_ZDICT adds after ZDICT (UTF-8 text). */
export const SD_JWT_ZDICT_TAIL = "{\"typ\":\"kb+jwt\",\"alg\":\"EdDSA\"}{\"iat\":,\"aud\":\"did:web:\",\"nonce\":\"\",\"sd_hash\":\"\"cnf\":{\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"\",\"y\":\"\"cnf\":{\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"\"documentType\":\"Passport\",\"NationalIdentityCard\",\"BirthCertificate\",\"OtherIdentityDocument\"\"givenName\",\"familyName\",\"birthDate\",\"birthPlace\",\"nationality\",\"documentNumber\",\"issuingCountry\"\"status\":{\"status_list\":{\"idx\":,\"uri\":\"https:///status//token\"}}\"_sd\":[\"\"],\"_sd_alg\":\"sha-256\",\"exp\":{\"iss\":\"did:web:\",\"did:key:z6Mk\",\"vct\":\"https://w3id.org/nansen/vct/identity-document/v1\",\"iat\":{\"alg\":\"EdDSA\",\"typ\":\"dc+sd-jwt\",\"kid\":\"did:key:z6Mk";
