"""Credential offers by value (OpenID4VCI 1.0 §4.1): the ``openid-credential-offer://`` URI a
wallet scans, with a pre-authorised code and a transaction code (PIN) it must ask the person for."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from nansen.errors import InvalidInput
from nansen.openid4vc.names import OFFER_SCHEME, PRE_AUTHORIZED_GRANT

_MAX_URI = 8000


@dataclass(frozen=True)
class CredentialOffer:
    """What an offer says: the issuer, the configurations offered, the code, and the PIN's shape."""

    credential_issuer: str
    configuration_ids: tuple[str, ...]
    pre_authorized_code: str
    pin_length: int | None

    def to_json(self) -> dict[str, Any]:
        grant: dict[str, Any] = {"pre-authorized_code": self.pre_authorized_code}
        if self.pin_length is not None:
            grant["tx_code"] = {
                "input_mode": "numeric",
                "length": self.pin_length,
                "description": "The PIN the organisation read out to you.",
            }
        return {
            "credential_issuer": self.credential_issuer,
            "credential_configuration_ids": list(self.configuration_ids),
            "grants": {PRE_AUTHORIZED_GRANT: grant},
        }

    def uri(self) -> str:
        """``openid-credential-offer://?credential_offer=…`` (§4.1.3), the text of the QR code."""
        text = json.dumps(self.to_json(), separators=(",", ":"))
        return f"{OFFER_SCHEME}://?credential_offer={quote(text, safe='')}"


def _query(uri: str) -> dict[str, list[str]]:
    if len(uri) > _MAX_URI:
        raise InvalidInput("The credential offer is too long.")
    parts = urlsplit(uri)
    if parts.scheme != OFFER_SCHEME:
        raise InvalidInput(f"A credential offer starts with {OFFER_SCHEME}://.")
    return parse_qs(parts.query)


def offer_reference(uri: str) -> str | None:
    """The https URL of an offer by reference (``credential_offer_uri``, §4.1.3), or None for one by
    value. The caller fetches it with the hardened client (`nansen.safehttp`): HTTPS only, never a
    private address unless configured, so a QR code cannot point the wallet at the local network."""
    references = _query(uri).get("credential_offer_uri")
    if references is None:
        return None
    if len(references) != 1 or not references[0].startswith("https://"):
        raise InvalidInput("An offer by reference must name one https URL.")
    return references[0]


def parse_offer_uri(uri: str) -> CredentialOffer:
    """The offer an ``openid-credential-offer://`` URI carries by value (InvalidInput otherwise;
    see `offer_reference` for one by reference)."""
    query = _query(uri)
    if "credential_offer_uri" in query:
        raise InvalidInput("This offer is by reference (credential_offer_uri): fetch it first.")
    values = query.get("credential_offer", [])
    if len(values) != 1:
        raise InvalidInput("The URI carries no credential offer.")
    try:
        body = json.loads(values[0])
    except ValueError as error:
        raise InvalidInput("The credential offer is not JSON.") from error
    return offer_from_json(body)


def offer_from_json(body: Any) -> CredentialOffer:
    if not isinstance(body, dict):
        raise InvalidInput("The credential offer is not a JSON object.")
    issuer = body.get("credential_issuer")
    ids = body.get("credential_configuration_ids")
    grant = body.get("grants", {}).get(PRE_AUTHORIZED_GRANT) if isinstance(body.get("grants"), dict) else None
    if not isinstance(issuer, str) or not issuer.startswith("https://"):
        raise InvalidInput("The credential offer's issuer must be an https URL.")
    if not (isinstance(ids, list) and ids and all(isinstance(i, str) for i in ids)):
        raise InvalidInput("The credential offer names no credential configuration.")
    if not isinstance(grant, dict) or not isinstance(grant.get("pre-authorized_code"), str):
        raise InvalidInput("The credential offer has no pre-authorised code (only that grant is supported).")
    tx_code = grant.get("tx_code")
    length = tx_code.get("length") if isinstance(tx_code, dict) else None
    return CredentialOffer(
        issuer,
        tuple(ids),
        grant["pre-authorized_code"],
        length if isinstance(length, int) else (0 if isinstance(tx_code, dict) else None),
    )
