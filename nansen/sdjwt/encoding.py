"""base64url without padding and strict JSON, as SD-JWT uses them for disclosures (RFC 9901 §4.2).

JOSE's own encodings are jwcrypto's; this is only what SD-JWT itself defines on top of JWS.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from typing import Any, Final

from nansen import jsonutil
from nansen.errors import InvalidInput
from nansen.sdjwt.errors import SdJwtFormatError

_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]*")

#: RFC 9901 §4.1.1: the hash algorithms this implementation accepts for ``_sd_alg`` (IANA names).
HASH_ALGORITHMS: Final = {"sha-256": hashlib.sha256}
DEFAULT_HASH: Final = "sha-256"


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    """Decode base64url without padding (RFC 7515 §2); padding, other alphabets and non-canonical
    final characters are refused."""
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise SdJwtFormatError("A value is not base64url without padding.")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as cause:
        raise SdJwtFormatError("A value is not base64url without padding.") from cause
    if b64encode(data) != text:
        # Unused bits set in the last character: two texts for the same bytes. Refused, so that a
        # signature has one text only and nothing keyed on its text can be made new by re-spelling it.
        raise SdJwtFormatError("A value is not base64url in its canonical form.")
    return data


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def parse_json(data: bytes, what: str) -> Any:
    """Strict JSON (no duplicate keys, NaN or huge integers), as everywhere in Nansen."""
    try:
        return jsonutil.parse(data)
    except InvalidInput as cause:
        raise SdJwtFormatError(f"The {what} is not valid JSON: {cause}") from cause


def digest(text: str, algorithm: str) -> str:
    """RFC 9901 §4.2.3: base64url of the hash of the ASCII bytes of the encoded text."""
    hash_function = HASH_ALGORITHMS.get(algorithm)
    if hash_function is None:
        raise SdJwtFormatError("The SD-JWT uses a hash algorithm this verifier does not accept.")
    return b64encode(hash_function(text.encode("ascii")).digest())
