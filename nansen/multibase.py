"""Multibase and multicodec, the two encodings that Multikey and did:key stand on.

Multibase (draft-multiformats-multibase): a one-character prefix names the base; we accept
``z`` (base58btc) and ``u`` (base64url, no padding), the two that Data Integrity and the
Bitstring Status List use. Multicodec: an unsigned varint names the key type.
"""

import base64
import re

import base58

from nansen.errors import KeyFormatError

#: multicodec table entries (https://github.com/multiformats/multicodec, table.csv)
ED25519_PUB = b"\xed\x01"
X25519_PUB = b"\xec\x01"
ED25519_PRIV = b"\x80\x26"
P256_PUB = b"\x80\x24"  # 0x1200, p256-pub (compressed point)
P384_PUB = b"\x81\x24"  # 0x1201, p384-pub (compressed point)

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def encode_base58btc(data: bytes) -> str:
    return "z" + base58.b58encode(data).decode("ascii")


def encode_base64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode(value: str) -> bytes:
    """Decode a multibase string in base58btc (``z``) or base64url (``u``)."""
    if not isinstance(value, str) or not value:
        raise KeyFormatError("A multibase value must be a non-empty string.")
    prefix, body = value[0], value[1:]
    try:
        if prefix == "z":
            return bytes(base58.b58decode(body.encode("ascii")))
        if prefix == "u":
            # Only the RFC 4648 §5 alphabet, no padding: urlsafe_b64decode alone would silently
            # drop other characters.
            if not _BASE64URL.fullmatch(body) or len(body) % 4 == 1:
                raise ValueError("not base64url")
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as cause:
        raise KeyFormatError("The multibase value is not valid for its base.") from cause
    raise KeyFormatError("Only base58btc ('z') and base64url ('u') multibase values are accepted.")


def encode_multicodec(codec: bytes, data: bytes) -> str:
    """``z`` + base58btc(codec ‖ data): the Multikey encoding."""
    return encode_base58btc(codec + data)


def decode_multicodec(value: str, codec: bytes, length: int) -> bytes:
    """Decode a Multikey value, requiring the given codec and payload length."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise KeyFormatError("A Multikey value must be base58btc ('z…').")
    raw = decode(value)
    if not raw.startswith(codec) or len(raw) != len(codec) + length:
        raise KeyFormatError("The Multikey value is not of the expected key type or length.")
    return raw[len(codec) :]
