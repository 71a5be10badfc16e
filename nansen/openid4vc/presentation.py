"""OpenID4VP 1.0, what the verifier and the wallet share: the request URI, the request object, and
the DCQL query for an identity document (§5, §6, §8.2).

Nansen's verifier uses the ``decentralized_identifier:`` client identifier prefix (§5.9.3): the
client id is that prefix and the verifier's did:key, and the request object, fetched by reference
from ``request_uri``, is a JWT signed by that key (``typ: oauth-authz-req+jwt``, RFC 9101), so a
wallet knows the request and its ``response_uri`` come from that verifier. (The ``redirect_uri:``
prefix needs an unsigned request object, which wallets such as Credo refuse by reference.) The
wallet posts its answer to ``response_uri`` (``response_mode=direct_post``, §8.2), and only on the
origin the request object was fetched from: anyone can sign a request object with a did:key of their
own, so a request served by one site that sends the answer to another is refused (the web wallet,
wallet/web/src/core/openid4vp.js, refuses it too; Nansen's and Credo's verifiers serve both URIs from
one origin).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qs, urlencode, urlsplit

from nansen.did import key as did_key
from nansen.errors import InvalidInput, NansenError
from nansen.keys import SigningKey
from nansen.sdjwt import VCT, ed25519_jwk, jose

SCHEME: Final = "openid4vp"
CLIENT_PREFIX: Final = "decentralized_identifier:"
REQUEST_TYP: Final = "oauth-authz-req+jwt"
SD_JWT_QUERY: Final = "identity_sd_jwt"
LDP_VC_QUERY: Final = "identity_ldp_vc"
#: The expanded types of an identity document credential (DCQL ``type_values`` for ``ldp_vc``, §B.1.1).
LDP_TYPES: Final = [
    "https://www.w3.org/2018/credentials#VerifiableCredential",
    "https://w3id.org/nansen/vocab#IdentityDocumentCredential",
]
_MAX_URI = 4000


def dcql_identity_query(claims: Sequence[str]) -> dict[str, Any]:
    """An identity document with these facts, as an SD-JWT VC or a Data Integrity credential."""
    return {
        "credentials": [
            {
                "id": SD_JWT_QUERY,
                "format": "dc+sd-jwt",
                "meta": {"vct_values": [VCT]},
                "claims": [{"path": [name]} for name in claims],
            },
            {
                "id": LDP_VC_QUERY,
                "format": "ldp_vc",
                "meta": {"type_values": [LDP_TYPES]},
                "claims": [{"path": ["credentialSubject", "identityDocument", name]} for name in claims],
            },
        ],
        "credential_sets": [{"options": [[SD_JWT_QUERY], [LDP_VC_QUERY]]}],
    }


def request_uri_text(client_id: str, request_uri: str) -> str:
    """``openid4vp://?client_id=…&request_uri=…`` (§5.7), the text of the QR code."""
    return f"{SCHEME}://?" + urlencode({"client_id": client_id, "request_uri": request_uri})


@dataclass(frozen=True)
class RequestReference:
    client_id: str
    request_uri: str


def parse_request_uri(text: str) -> RequestReference:
    """The client id and request URI of an ``openid4vp://`` URI (InvalidInput otherwise)."""
    if len(text) > _MAX_URI:
        raise InvalidInput("The presentation request is too long.")
    parts = urlsplit(text)
    if parts.scheme != SCHEME:
        raise InvalidInput(f"A presentation request starts with {SCHEME}://.")
    query = parse_qs(parts.query)
    client_id, request_uri = query.get("client_id", []), query.get("request_uri", [])
    if len(client_id) != 1 or len(request_uri) != 1:
        raise InvalidInput("The presentation request must name one client_id and one request_uri.")
    if not request_uri[0].startswith("https://"):
        raise InvalidInput("The presentation request's request_uri must be an https URL.")
    return RequestReference(client_id[0], request_uri[0])


def signed_request_object(claims: dict[str, Any], signer: SigningKey) -> str:
    """The request object, signed by the verifier's did:key (RFC 9101 §4; OpenID4VP 1.0 §5.9.3)."""
    return jose.sign(
        {"typ": REQUEST_TYP, "kid": signer.verification_method}, claims, ed25519_jwk(signer.key_pair)
    )


def client_id_of(signer: SigningKey) -> str:
    return CLIENT_PREFIX + signer.controller


def _origin(url: str) -> tuple[str, str, int | None]:
    """RFC 6454's origin of an http(s) URL: scheme, host, port (the scheme's default if none)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1  # a malformed port: an origin equal to no well-formed URL's
    defaults = {"https": 443, "http": 80}
    return parts.scheme.lower(), (parts.hostname or "").lower(), port or defaults.get(parts.scheme.lower())


def read_request_object(token: str, reference: RequestReference) -> dict[str, Any]:
    """The claims of the request object fetched from ``reference.request_uri`` for
    ``reference.client_id``, checked as §5.9.3 asks for the ``decentralized_identifier:`` prefix:
    signed by a key of that DID (a did:key here); and its ``response_uri`` on the request_uri's origin."""
    client_id = reference.client_id
    if not client_id.startswith(CLIENT_PREFIX + did_key.PREFIX):
        raise InvalidInput(
            "Only verifiers whose client id is decentralized_identifier:did:key:… are supported."
        )
    did = client_id[len(CLIENT_PREFIX) :]
    try:
        jwt = jose.read(token.strip(), "request object")
        if jwt.header.get("typ") != REQUEST_TYP or jwt.header.get("kid") != did_key.signing_method(did):
            raise InvalidInput("The request object is not signed by the verifier its client id names.")
        jose.verify(jwt, jose.ed25519_public_jwk(did_key.public_key_from_did(did)), "request object")
    except NansenError as error:
        raise InvalidInput(f"The request object cannot be trusted: {error}") from error
    claims = jwt.claims
    if claims.get("client_id") != client_id:
        raise InvalidInput("The request object names another client than the request.")
    if claims.get("response_mode") != "direct_post" or claims.get("response_type") != "vp_token":
        raise InvalidInput("Only vp_token requests answered by direct_post are supported.")
    if not str(claims.get("response_uri")).startswith("https://"):
        raise InvalidInput("The request's response_uri must be an https URL.")
    if _origin(str(claims["response_uri"])) != _origin(reference.request_uri):
        raise InvalidInput("The request would send the answer to another site than the verifier's.")
    if not isinstance(claims.get("nonce"), str) or not isinstance(claims.get("dcql_query"), dict):
        raise InvalidInput("The request carries no nonce or no DCQL query.")
    return claims
