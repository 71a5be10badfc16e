"""IETF Token Status List (draft-ietf-oauth-status-list), the status mechanism of SD-JWT VC (§3.2.2.2).

A Referenced Token carries ``status.status_list`` with ``idx`` and ``uri`` (§6.2); the Status
List Token at ``uri`` is a JWT with ``typ: statuslist+jwt`` whose ``sub`` is that ``uri`` (§5.1),
and its ``status_list`` holds ``bits`` (1, 2, 4 or 8) and ``lst``, the base64url of the
ZLIB-compressed byte array (§4.1). Status ``idx`` is the ``bits`` bits at ``idx * bits`` counted
from the least significant bit of each byte. Values (§7.1): 0 VALID, 1 INVALID, 2 SUSPENDED.

This module does no I/O and verifies no signature: the caller fetches the token and checks its
signature with the issuer's key (`nansen.sdjwt.issuer_key`). Messages carry no URLs or indexes.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from nansen.sdjwt import jose
from nansen.sdjwt.encoding import b64decode, b64encode
from nansen.sdjwt.errors import SdJwtError, TokenStatusError

TYP: Final = "statuslist+jwt"
VALID: Final = 0
INVALID: Final = 1
SUSPENDED: Final = 2
#: A decompression-bomb guard: the largest decoded list accepted (16 MiB).
MAX_DECODED_BYTES: Final = 16 * 1024 * 1024


@dataclass(frozen=True)
class Reference:
    index: int
    uri: str


def reference(payload: dict[str, Any]) -> Reference | None:
    """The token's ``status.status_list`` reference, or None when it has no status."""
    status = payload.get("status")
    if status is None:
        return None
    entry = status.get("status_list") if isinstance(status, dict) else None
    if not isinstance(entry, dict):
        raise TokenStatusError("The credential's status is not a Token Status List reference.")
    index, uri = entry.get("idx"), entry.get("uri")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise TokenStatusError("The credential's status index is not a non-negative integer.")
    if not isinstance(uri, str) or not uri.startswith("https://"):
        raise TokenStatusError("The credential's status list URI is not an https URL.")
    return Reference(index, uri)


@dataclass(frozen=True)
class StatusListToken:
    jwt: jose.Jwt
    bits: int
    statuses: bytes

    def status(self, index: int) -> int:
        per_byte = 8 // self.bits
        position = index // per_byte
        if position >= len(self.statuses):
            raise TokenStatusError("The credential's status index is beyond the end of the status list.")
        shift = (index % per_byte) * self.bits
        return (self.statuses[position] >> shift) & ((1 << self.bits) - 1)


def read_token(token: str, uri: str, moment: datetime, skew: timedelta) -> StatusListToken:
    """Parse a Status List Token and check ``typ``, ``sub``, ``iat`` and ``exp`` (§8.3 steps 4 and 5)."""
    try:
        jwt = jose.read(token.strip(), "status list token")
    except SdJwtError as error:
        raise TokenStatusError(str(error)) from error
    if jwt.header.get("typ") != TYP:
        raise TokenStatusError(f"The status list token's typ is not {TYP}.")
    claims = jwt.claims
    if claims.get("sub") != uri:
        raise TokenStatusError("The status list token is not the list the credential refers to (sub).")
    issued, expires = claims.get("iat"), claims.get("exp")
    if not isinstance(issued, int) or isinstance(issued, bool):
        raise TokenStatusError("The status list token has no iat.")
    if issued > (moment + skew).timestamp():
        raise TokenStatusError("The status list token was issued in the future.")
    if expires is not None and (not isinstance(expires, int) or expires < (moment - skew).timestamp()):
        raise TokenStatusError("The status list token has expired.")
    status_list = claims.get("status_list")
    if not isinstance(status_list, dict):
        raise TokenStatusError("The status list token has no status_list.")
    bits, lst = status_list.get("bits"), status_list.get("lst")
    if bits not in (1, 2, 4, 8) or isinstance(bits, bool) or not isinstance(lst, str):
        raise TokenStatusError("The status list's bits or lst is malformed.")
    return StatusListToken(jwt, bits, _inflate(lst))


def _inflate(lst: str) -> bytes:
    decompressor = zlib.decompressobj()
    try:
        data = decompressor.decompress(b64decode(lst), MAX_DECODED_BYTES + 1)
    except (zlib.error, SdJwtError) as cause:
        raise TokenStatusError("The status list is not ZLIB-compressed base64url.") from cause
    if len(data) > MAX_DECODED_BYTES or decompressor.unconsumed_tail:
        raise TokenStatusError("The status list is larger than this verifier accepts.")
    return data


def encode(statuses: bytes) -> str:
    """``lst`` for a byte array (issuers and tests)."""
    return b64encode(zlib.compress(statuses, 9))


#: Each byte with its bits in the opposite order (0b0000_0001 <-> 0b1000_0000).
_REVERSED: Final = bytes(int(f"{value:08b}"[::-1], 2) for value in range(256))


def from_bitstring(bitstring: bytes) -> bytes:
    """The Token Status List bytes (``bits`` 1) with the same status at every index as a W3C
    Bitstring Status List's bitstring: the Bitstring counts index 0 from the most significant bit
    of the first byte (its §3.3), the Token Status List from the least significant (its §4.1), so
    each byte's bits are reversed. An issuer that keeps one revocation bitstring can publish it in
    both forms, and an SD-JWT VC's ``status.status_list.idx`` is then its Bitstring index."""
    return bitstring.translate(_REVERSED)
