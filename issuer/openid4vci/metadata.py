"""The two metadata documents a wallet reads first (OpenID4VCI 1.0 §12.2, RFC 8414 §2)."""

from __future__ import annotations

from typing import Any

from issuer import legacy_ldp
from issuer.models import Partner
from issuer.settings import Settings
from nansen.openid4vc.names import FORMATS, LDP_VC, LEGACY_LDP_VC, PRE_AUTHORIZED_GRANT, SD_JWT
from nansen.sdjwt import VCT

#: The proof of possession a wallet may send (§12.2.4 ``proof_types_supported``).
_PROOF_TYPES = {"jwt": {"proof_signing_alg_values_supported": ["EdDSA", "ES256"]}}
_V2 = "https://www.w3.org/ns/credentials/v2"
_NANSEN = "https://w3id.org/nansen/v1"


def issuer_id(settings: Settings, partner_id: str) -> str:
    """The partner's credential issuer identifier: ``https://HOST/openid4vci/PARTNER``."""
    return f"{settings.base_url}/openid4vci/{partner_id}"


def configurations(settings: Settings) -> dict[str, str]:
    """The configuration ids this issuer serves, and their formats: the legacy one only when on."""
    return {**FORMATS, LEGACY_LDP_VC: "ldp_vc"} if settings.legacy_ldp_vc else dict(FORMATS)


def _legacy_configuration() -> dict[str, Any]:
    """Appendix A.1.2: ``credential_signing_alg_values_supported`` names the proof type the
    credential is signed with (a Linked Data suite name); the ``jwt`` key proof's algorithms are
    JWS ``alg`` values (§12.2.4, Appendix F.1), as in every configuration."""
    return {
        "format": "ldp_vc",
        "scope": "IdentityDocumentCredential",
        "credential_definition": {
            "@context": list(legacy_ldp.CONTEXTS),
            "type": ["VerifiableCredential", "IdentityDocumentCredential"],
        },
        "cryptographic_binding_methods_supported": ["did:key"],
        "credential_signing_alg_values_supported": ["Ed25519Signature2020"],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}},
        "credential_metadata": {"display": [{"name": "Identity document (VC 1.1)", "locale": "en"}]},
    }


def credential_issuer(settings: Settings, partner: Partner) -> dict[str, Any]:
    base = issuer_id(settings, partner.id)
    display = [{"name": partner.name, "locale": "en"}]
    document: dict[str, Any] = {
        "credential_issuer": base,
        "credential_endpoint": f"{base}/credential",
        "nonce_endpoint": f"{base}/nonce",
        "display": display,
        "credential_configurations_supported": {
            LDP_VC: {
                "format": "ldp_vc",
                "scope": "IdentityDocumentCredential",
                "credential_definition": {
                    "@context": [_V2, _NANSEN],
                    "type": ["VerifiableCredential", "IdentityDocumentCredential"],
                },
                "cryptographic_binding_methods_supported": ["did:key"],
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}},
                "credential_metadata": {"display": [{"name": "Identity document", "locale": "en"}]},
            },
            SD_JWT: {
                "format": "dc+sd-jwt",
                "vct": VCT,
                "cryptographic_binding_methods_supported": ["jwk", "did:key"],
                "credential_signing_alg_values_supported": ["EdDSA"],
                "proof_types_supported": _PROOF_TYPES,
                "credential_metadata": {"display": [{"name": "Identity document", "locale": "en"}]},
            },
        },
    }
    if settings.legacy_ldp_vc:
        document["credential_configurations_supported"][LEGACY_LDP_VC] = _legacy_configuration()
    return document


def authorization_server(settings: Settings, partner: Partner) -> dict[str, Any]:
    """RFC 8414 metadata; the credential issuer is its own authorisation server (only the
    pre-authorised code grant, so no authorisation endpoint)."""
    base = issuer_id(settings, partner.id)
    return {
        "issuer": base,
        "token_endpoint": f"{base}/token",
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
        "response_types_supported": [],
    }
