"""An SD-JWT presentation (RFC 9901 SD-JWT+KB) in format NV1, for one QR code.

    NV1:<Base45 of raw deflate (the NV1 dictionary) of CBOR [bytes, …]>

The CBOR item is an array of byte strings, where a JSON presentation's is a map: each JWT's
header, payload and signature and each disclosure, base64url-decoded, with ``None`` marking
where the issuer-signed JWT, the disclosures and the KB-JWT part. Decoded bytes compress where
base64url text does not; re-encoding them gives the very text that was signed (base64url without
padding is one-to-one on canonical input; anything else fails its signature, never passes).
"""

from __future__ import annotations

import zlib
from typing import Final

from nansen.qr import base45, cbor
from nansen.qr.codec import _RAW_DEFLATE, PREFIX, ZDICT, _inflate
from nansen.qr.errors import QRCodeError
from nansen.qr.limits import MAX_TEXT
from nansen.sdjwt.encoding import b64decode, b64encode
from nansen.sdjwt.errors import SdJwtError
from nansen.sdjwt.serialization import join, split

#: The marker between the three groups (issuer-signed JWT, disclosures, KB-JWT).
_GROUP: Final = None
#: The NV1 dictionary, then what every Nansen SD-JWT+KB repeats (deflate prefers the nearest
#: match: these last). Fixed for NV1: changing it changes how every such code decodes.
SD_JWT_ZDICT: Final = ZDICT + "".join(
    [
        '{"typ":"kb+jwt","alg":"EdDSA"}{"iat":',
        ',"aud":"did:web:","nonce":"","sd_hash":"',
        '"cnf":{"jwk":{"kty":"EC","crv":"P-256","x":"","y":"',
        '"cnf":{"jwk":{"kty":"OKP","crv":"Ed25519","x":"',
        '"documentType":"Passport","NationalIdentityCard","BirthCertificate","OtherIdentityDocument"',
        '"givenName","familyName","birthDate","birthPlace","nationality","documentNumber","issuingCountry"',
        '"status":{"status_list":{"idx":,"uri":"https:///status//token"}}',
        '"_sd":["',
        '"],"_sd_alg":"sha-256","exp":',
        '{"iss":"did:web:","did:key:z6Mk","vct":"https://w3id.org/nansen/vct/identity-document/v1","iat":',
        '{"alg":"EdDSA","typ":"dc+sd-jwt","kid":"did:key:z6Mk',
    ]
).encode("utf-8")


def _jwt_bytes(token: str) -> list[cbor.Item]:
    return [b64decode(part) for part in token.split(".")]


def encode_sd_jwt(text: str) -> str:
    """The NV1 text of an SD-JWT or SD-JWT+KB."""
    try:
        parts = split(text)
        items: list[cbor.Item] = [
            *_jwt_bytes(parts.issuer_jwt),
            _GROUP,
            *(b64decode(d) for d in parts.disclosures),
            _GROUP,
            *(_jwt_bytes(parts.key_binding_jwt) if parts.key_binding_jwt else []),
        ]
    except SdJwtError as error:
        raise QRCodeError(f"The SD-JWT cannot be put in a QR code: {error}") from error
    deflater = zlib.compressobj(9, zlib.DEFLATED, _RAW_DEFLATE, 9, zlib.Z_DEFAULT_STRATEGY, SD_JWT_ZDICT)
    payload = cbor.dumps(items)
    result = PREFIX + base45.encode(deflater.compress(payload) + deflater.flush())
    if len(result) > MAX_TEXT:
        raise QRCodeError("The presentation is too large for one QR code.")
    return result


def is_sd_jwt(text: str) -> bool:
    """Whether NV1 text carries an SD-JWT (a CBOR array) rather than a JSON presentation (a map)."""
    try:
        return isinstance(_items(text), list)
    except QRCodeError:
        return False


def _items(text: str) -> cbor.Item:
    if not isinstance(text, str) or not text.startswith(PREFIX) or len(text) > MAX_TEXT:
        raise QRCodeError("The QR text is not in format NV1.")
    return cbor.loads(_inflate(base45.decode(text[len(PREFIX) :]), SD_JWT_ZDICT))


def decode_sd_jwt(text: str) -> str:
    """The SD-JWT text that `encode_sd_jwt` encoded; refuse anything else."""
    items = _items(text)
    if not isinstance(items, list) or items.count(_GROUP) != 2:
        raise QRCodeError("The QR code does not carry an SD-JWT.")
    first = items.index(_GROUP)
    second = items.index(_GROUP, first + 1)
    issuer, disclosures, kb = items[:first], items[first + 1 : second], items[second + 1 :]
    if (
        not all(isinstance(i, bytes) for i in items if i is not _GROUP)
        or len(issuer) != 3
        or len(kb) not in (0, 3)
    ):
        raise QRCodeError("The QR code's SD-JWT is malformed.")
    issuer_jwt = ".".join(b64encode(part) for part in issuer if isinstance(part, bytes))
    kb_jwt = ".".join(b64encode(part) for part in kb if isinstance(part, bytes)) or None
    return join(issuer_jwt, [b64encode(d) for d in disclosures if isinstance(d, bytes)], kb_jwt)
