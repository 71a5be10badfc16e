"""OpenID4VP 1.0 what the verifier and the wallet share: the request URI, the request object, and
the DCQL query for an identity document (§5, §6, §8.2).

Nansen's verifier uses the ``redirect_uri:`` client identifier prefix (§5.9.3): the client id is
``redirect_uri:`` followed by the response URI, so a wallet knows where the answer goes from the
client id itself, and the request object is unsigned (``alg: none``, as §5.9.3 requires for this
prefix), fetched by reference from ``request_uri``. The wallet posts its answer there
(``response_mode=direct_post``, §8.2).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qs, urlencode, urlsplit

from nansen.errors import InvalidInput
from nansen.sdjwt import VCT
from nansen.sdjwt.encoding import b64decode, b64encode, json_bytes

SCHEME: Final = "openid4vp"
CLIENT_PREFIX: Final = "redirect_uri:"
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


def unsigned_request_object(claims: dict[str, Any]) -> str:
    """A request object for the ``redirect_uri:`` prefix: a JWT with ``alg: none`` (RFC 9101 §4)."""
    header = b64encode(json_bytes({"alg": "none", "typ": REQUEST_TYP}))
    return f"{header}.{b64encode(json_bytes(claims))}."


def read_request_object(token: str, client_id: str) -> dict[str, Any]:
    """The claims of an unsigned request object for ``client_id``, checked as §5.9.3 asks: the
    prefix is ``redirect_uri:``, and the response URI is the one the client id names."""
    if not client_id.startswith(CLIENT_PREFIX):
        raise InvalidInput("Only verifiers with the redirect_uri: client identifier prefix are supported.")
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[2]:
        raise InvalidInput("The request object is not an unsigned JWT, as the redirect_uri: prefix requires.")
    try:
        header, claims = json.loads(b64decode(parts[0])), json.loads(b64decode(parts[1]))
    except ValueError as error:
        raise InvalidInput("The request object cannot be read.") from error
    if not isinstance(header, dict) or header.get("alg") != "none" or not isinstance(claims, dict):
        raise InvalidInput("The request object is not an unsigned JWT, as the redirect_uri: prefix requires.")
    if claims.get("client_id") != client_id:
        raise InvalidInput("The request object names another client than the request.")
    if claims.get("response_mode") != "direct_post" or claims.get("response_type") != "vp_token":
        raise InvalidInput("Only vp_token requests answered by direct_post are supported.")
    response_uri = claims.get("response_uri")
    if response_uri != client_id[len(CLIENT_PREFIX) :] or not str(response_uri).startswith("https://"):
        raise InvalidInput("The request's response_uri is not the https address its client id names.")
    if not isinstance(claims.get("nonce"), str) or not isinstance(claims.get("dcql_query"), dict):
        raise InvalidInput("The request carries no nonce or no DCQL query.")
    return claims
