"""Names fixed by OpenID4VCI 1.0 and by Nansen's credential configurations."""

from __future__ import annotations

from typing import Final

#: OpenID4VCI 1.0 §3.5 / RFC 8414: the pre-authorised code grant.
PRE_AUTHORIZED_GRANT: Final = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
#: OpenID4VCI 1.0 §4.1.3: the URI scheme of a credential offer.
OFFER_SCHEME: Final = "openid-credential-offer"
#: OpenID4VCI 1.0 Appendix F.1: the ``typ`` of a JWT proof of possession.
PROOF_TYP: Final = "openid4vci-proof+jwt"
#: OpenID4VCI 1.0 §12.2.2 and §12.3: the well-known paths of the two metadata documents.
ISSUER_METADATA: Final = "/.well-known/openid-credential-issuer"
AUTHORIZATION_SERVER_METADATA: Final = "/.well-known/oauth-authorization-server"

#: The credential configurations the issuer offers: the identity document in each format.
LDP_VC: Final = "IdentityDocumentCredential_ldp_vc"
SD_JWT: Final = "IdentityDocumentCredential_dc+sd-jwt"
FORMATS: Final = {LDP_VC: "ldp_vc", SD_JWT: "dc+sd-jwt"}
#: The opt-in legacy configuration (``NANSEN_ISSUER_LEGACY_LDP_VC``): VC 1.1, Ed25519Signature2020.
LEGACY_LDP_VC: Final = "IdentityDocumentCredential_ldp_vc_1.1"
