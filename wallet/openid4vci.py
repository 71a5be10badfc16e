"""Taking a credential offer (OpenID4VCI 1.0, pre-authorised code flow) with the wallet's key.

From the ``openid-credential-offer://`` URI: the credential issuer's metadata (§12.2.2, the
well-known path inserted before the identifier's path), its authorisation server's (RFC 8414 §3),
the token for the code and the PIN (§6), then for each configuration offered in a format this
wallet holds (``ldp_vc``, ``dc+sd-jwt``) a fresh ``c_nonce`` (§7) and a credential request with a
``jwt`` proof made with the holder's did:key (§8). Every request is made with the hardened client
(`nansen.safehttp`): HTTPS only, bounded, no private addresses unless configured. What comes back
is only returned here; the caller verifies it with the one pipeline before keeping it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from nansen import jsonutil
from nansen.config import configured_limits
from nansen.errors import NansenError
from nansen.keys import SigningKey
from nansen.openid4vc import proof
from nansen.openid4vc.names import AUTHORIZATION_SERVER_METADATA, ISSUER_METADATA, PRE_AUTHORIZED_GRANT
from nansen.openid4vc.offer import CredentialOffer, offer_from_json, offer_reference, parse_offer_uri
from nansen.safehttp import FetchRefused, fetch, post
from nansen.sdjwt import ed25519_jwk
from nansen.timeutil import now

#: The formats this wallet can hold.
FORMATS: Final = ("ldp_vc", "dc+sd-jwt")
_TIMEOUT: Final = 30.0


class OfferError(NansenError):
    """The offer cannot be taken: the issuer refused, or answered something that cannot be used."""


@dataclass(frozen=True)
class Given:
    """A credential the issuer gave: its format and the credential (an object, or an SD-JWT's text)."""

    format: str
    credential: Any


def well_known(identifier: str, suffix: str) -> str:
    """The metadata URL of an identifier: the well-known path inserted after the host (RFC 8615,
    OpenID4VCI 1.0 §12.2.2, RFC 8414 §3.1)."""
    parts = urlsplit(identifier)
    return f"https://{parts.netloc}{suffix}{parts.path.rstrip('/')}"


def _json(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = jsonutil.parse(data, configured_limits())
    except NansenError as error:
        raise OfferError(f"The {what} is not JSON.") from error
    if not isinstance(value, dict):
        raise OfferError(f"The {what} is not a JSON object.")
    return value


def _get(url: str, what: str) -> dict[str, Any]:
    return _json(
        fetch(url, max_bytes=configured_limits().max_document_bytes, timeout=_TIMEOUT, what=what), what
    )


def _metadata(identifier: str, suffix: str, what: str) -> dict[str, Any]:
    """The metadata at the well-known path inserted after the host (the specifications' form), else
    appended to the identifier (the form many servers, Credo among them, also answer)."""
    try:
        return _get(well_known(identifier, suffix), what)
    except FetchRefused as error:
        if error.status != 404:
            raise
        return _get(identifier.rstrip("/") + suffix, what)


def _post(url: str, body: bytes, content_type: str, what: str, **headers: str) -> dict[str, Any]:
    status, data = post(
        url,
        body,
        content_type=content_type,
        headers=headers,
        max_bytes=configured_limits().max_document_bytes,
        timeout=_TIMEOUT,
        what=what,
    )
    answer = _json(data, f"answer of {what}")
    if status != 200:
        error = answer.get("error_description") or answer.get("error") or f"HTTP {status}"
        raise OfferError(f"The issuer refused ({what}): {str(error)[:300]}")
    return answer


def _endpoint(metadata: dict[str, Any], name: str, issuer: str) -> str:
    url = metadata.get(name)
    if not isinstance(url, str) or not url.startswith("https://"):
        raise OfferError(f"The issuer's metadata gives no https {name}.")
    if urlsplit(url).netloc != urlsplit(issuer).netloc:
        raise OfferError(f"The issuer's {name} is on another host than the issuer, which is refused.")
    return url


def resolve_offer(uri: str) -> CredentialOffer:
    """The offer of an ``openid-credential-offer://`` URI: by value, or fetched by reference."""
    reference = offer_reference(uri)
    if reference is None:
        return parse_offer_uri(uri)
    return offer_from_json(_get(reference, "credential offer"))


def take(offer: CredentialOffer, pin: str | None, signer: SigningKey) -> list[Given]:
    """Every credential of the offer in a format this wallet holds, proved for ``signer``'s key."""
    issuer = offer.credential_issuer
    metadata = _metadata(issuer, ISSUER_METADATA, "credential issuer metadata")
    if metadata.get("credential_issuer") != issuer:
        raise OfferError("The issuer's metadata names another credential issuer than the offer.")
    configurations = metadata.get("credential_configurations_supported")
    if not isinstance(configurations, dict):
        raise OfferError("The issuer's metadata lists no credential configurations.")
    wanted = [
        (ident, configurations[ident]["format"])
        for ident in offer.configuration_ids
        if isinstance(configurations.get(ident), dict) and configurations[ident].get("format") in FORMATS
    ]
    if not wanted:
        raise OfferError(
            "The offer holds no credential in a format this wallet can keep (ldp_vc, dc+sd-jwt)."
        )
    servers = metadata.get("authorization_servers") or [issuer]
    if not isinstance(servers, list) or not isinstance(servers[0], str):
        raise OfferError("The issuer's metadata names its authorisation server wrongly.")
    oauth = _metadata(servers[0], AUTHORIZATION_SERVER_METADATA, "authorisation server metadata")
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": offer.pre_authorized_code}
    if pin is not None:
        form["tx_code"] = pin
    token = _post(
        _endpoint(oauth, "token_endpoint", servers[0]),
        urlencode(form).encode(),
        "application/x-www-form-urlencoded",
        "the token request",
    ).get("access_token")
    if not isinstance(token, str):
        raise OfferError("The issuer's token answer has no access token.")
    nonce_url = _endpoint(metadata, "nonce_endpoint", issuer)
    credential_url = _endpoint(metadata, "credential_endpoint", issuer)
    key = ed25519_jwk(signer.key_pair)
    given: list[Given] = []
    for ident, kind in wanted:
        c_nonce = _post(nonce_url, b"", "application/json", "the nonce request").get("c_nonce")
        if not isinstance(c_nonce, str):
            raise OfferError("The issuer's nonce answer has no c_nonce.")
        # An SD-JWT VC is bound by cnf.jwk, so its proof names the key itself; a Data Integrity
        # credential names the holder's DID, so its proof names the did:key.
        did = signer.controller if kind == "ldp_vc" else None
        jwt = proof.make(key, audience=issuer, nonce=c_nonce, issued_at=now(), did=did)
        request = {"credential_configuration_id": ident, "proofs": {"jwt": [jwt]}}
        answer = _post(
            credential_url,
            json.dumps(request).encode(),
            "application/json",
            "the credential request",
            Authorization=f"Bearer {token}",
        )
        credentials = answer.get("credentials")
        if not isinstance(credentials, list) or len(credentials) != 1 or not isinstance(credentials[0], dict):
            raise OfferError("The issuer's credential answer does not hold one credential.")
        given.append(Given(kind, credentials[0].get("credential")))
    return given
