"""How the host writes what it hands out (WEBWALLET-PROTOCOL.md): bytes as base64url without
padding, the account identifier as lowercase base32 (RFC 4648 §6, no padding) in groups of four.

Decoding is strict and canonical: one text for one value, so two spellings of the same bytes never
reach the database (a counter keyed by one could be dodged by the other).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

from service.problems import Problem

ACCOUNT_BYTES: Final = 16
_GROUP: Final = 4
_B64U: Final = re.compile(r"[A-Za-z0-9_-]*")


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64u(text: object, what: str, size: int) -> bytes:
    """``size`` bytes from their base64url text, or a 422 problem naming ``what``."""
    refusal = Problem(422, f"{what} must be {size} bytes in base64url without padding.")
    if not isinstance(text, str) or not _B64U.fullmatch(text):
        raise refusal
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise refusal from None
    if len(data) != size or b64u(data) != text:
        raise refusal
    return data


def account_text(raw: bytes) -> str:
    """``k3q7-…``: lowercase base32, no padding, groups of four joined by dashes."""
    plain = base64.b32encode(raw).rstrip(b"=").decode("ascii").lower()
    return "-".join(plain[i : i + _GROUP] for i in range(0, len(plain), _GROUP))


def account_id(text: object) -> bytes:
    """The 16 bytes an account text names (dashes, spaces and case are forgiven: it may be typed in
    from paper); a 400 problem for anything else."""
    refusal = Problem(400, "The account must be the identifier the host gave (groups of letters and digits).")
    if not isinstance(text, str) or len(text) > 64:
        raise refusal
    plain = re.sub(r"[\s-]", "", text).upper()
    try:
        raw = base64.b32decode(plain + "=" * (-len(plain) % 8))
    except (binascii.Error, ValueError):
        raise refusal from None
    if len(raw) != ACCOUNT_BYTES or account_text(raw).replace("-", "") != plain.lower():
        raise refusal
    return raw
