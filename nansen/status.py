"""W3C Bitstring Status List v1.0 (W3C Recommendation, 2025): lists, entries, allocation, checks.

Section numbers follow https://www.w3.org/TR/vc-bitstring-status-list/:

- §2.1 ``BitstringStatusListEntry``: the ``credentialStatus`` a credential carries
  (:func:`build_entry`).
- §2.2 ``BitstringStatusListCredential``: the credential that publishes the list
  (:func:`build_list_credential`); its ``encodedList`` is the multibase base64url (``u``, no
  padding) of the GZIP-compressed bitstring (:meth:`StatusList.encode`, :meth:`StatusList.decode`).
- §3.2 Validate Algorithm, the parts that need no network (:func:`check_entry`): the caller has
  already dereferenced ``statusListCredential`` and verified its proofs.
- §3.3 / §3.4 Bitstring Generation and Expansion; §7.1 Bitstring Encoding: index 0 is the
  left-most (most significant) bit of the first byte.
- §6.1 Revocation Bitstring Length: at least 131,072 entries (16 KiB), for group privacy.

Only ``statusSize`` 1 and the purposes ``revocation`` and ``suspension`` are supported (§1.3 lets a
conforming processor support entry size 1 only); ``refresh`` and ``message`` are refused.

This module does no I/O. Error messages carry no personal data: no URLs, DIDs or indexes.
"""

from __future__ import annotations

import gzip
import re
import secrets
import zlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from nansen import multibase
from nansen.errors import KeyFormatError, StatusListError
from nansen.timeutil import format_datetime, now, parse_datetime

#: §6.1: the minimum number of entries, 131,072 bits (16 KiB uncompressed).
MIN_ENTRIES: Final = 131_072
#: The minimum decoded size of a list in bytes (§2.2 "at least 16KB").
MIN_BYTES: Final = MIN_ENTRIES // 8
#: The default cap on a decoded list (16 MiB, 134 million entries): a decompression-bomb guard.
DEFAULT_MAX_DECODED_BYTES: Final = 16 * 1024 * 1024

CREDENTIALS_V2: Final = "https://www.w3.org/ns/credentials/v2"
ENTRY_TYPE: Final = "BitstringStatusListEntry"
LIST_CREDENTIAL_TYPE: Final = "BitstringStatusListCredential"
LIST_TYPE: Final = "BitstringStatusList"
#: The §2.1 purposes this implementation supports.
PURPOSES: Final = frozenset({"revocation", "suspension"})

Status = Literal["clear", "set", "unknown"]

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_DIGITS = re.compile(r"[0-9]+")
#: More significant digits than this cannot name an index in any list under the decode cap.
_MAX_INDEX_DIGITS = 20
_INFLATE_CHUNK = 64 * 1024
#: Random draws before falling back to choosing among the free indexes.
_MAX_RANDOM_DRAWS = 64


class StatusList:
    """A bitstring of status entries of one bit each (``statusSize`` 1), §2.2 and §7.1.

    Index 0 is the most significant bit of the first byte; index ``length - 1`` the least
    significant bit of the last byte. A new list has every entry clear (0).
    """

    __slots__ = ("_bits",)

    def __init__(self, length: int = MIN_ENTRIES) -> None:
        if isinstance(length, bool) or not isinstance(length, int):
            raise StatusListError("The length of a status list must be an integer.")
        if length < MIN_ENTRIES:
            raise StatusListError("A status list must have at least 131,072 entries (§6.1).")
        if length % 8:
            raise StatusListError("The length of a status list must be a whole number of bytes.")
        self._bits = bytearray(length // 8)

    @classmethod
    def from_bytes(cls, data: bytes) -> StatusList:
        """The list whose uncompressed bitstring is ``data`` (at least 16 KiB)."""
        if len(data) < MIN_BYTES:
            raise StatusListError("A status list must have at least 131,072 entries (§6.1).")
        status_list = cls.__new__(cls)
        status_list._bits = bytearray(data)
        return status_list

    def to_bytes(self) -> bytes:
        """The uncompressed bitstring."""
        return bytes(self._bits)

    @property
    def length(self) -> int:
        """The number of entries."""
        return len(self._bits) * 8

    def __len__(self) -> int:
        return self.length

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StatusList) and self._bits == other._bits

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"StatusList(length={self.length})"

    def _check_index(self, index: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise StatusListError("A status list index must be an integer.")
        if not 0 <= index < self.length:
            raise StatusListError("The status list index is outside the list.")

    def get(self, index: int) -> bool:
        """Whether the entry at ``index`` is set (1)."""
        self._check_index(index)
        return bool(self._bits[index >> 3] & (0x80 >> (index & 7)))

    def set(self, index: int, value: bool) -> None:
        """Set (``True``) or clear (``False``) the entry at ``index``."""
        self._check_index(index)
        if not isinstance(value, bool):
            raise StatusListError("A status value must be True or False.")
        mask = 0x80 >> (index & 7)
        if value:
            self._bits[index >> 3] |= mask
        else:
            self._bits[index >> 3] &= ~mask & 0xFF

    def encode(self) -> str:
        """The ``encodedList`` (§2.2, §3.3): multibase base64url, no padding, of the GZIP bitstring.

        The GZIP header carries no timestamp, so equal lists encode to equal strings.
        """
        return multibase.encode_base64url(gzip.compress(bytes(self._bits), compresslevel=9, mtime=0))

    @classmethod
    def decode(cls, encoded: str, max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES) -> StatusList:
        """Expand an ``encodedList`` (§3.4), refusing anything malformed or oversized.

        Refused: a multibase other than base64url (``u``), padding or characters outside the
        base64url alphabet, a stream that is not one complete GZIP member, a decoded list larger
        than ``max_decoded_bytes`` (the stream is inflated in chunks and abandoned as soon as it
        passes the cap, so a decompression bomb costs at most the cap), and a list shorter than
        the §6.1 minimum of 131,072 entries (the §3.2 STATUS_LIST_LENGTH_ERROR).
        """
        if max_decoded_bytes < MIN_BYTES:
            raise StatusListError("The decode cap must allow at least a 16 KiB list.")
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise StatusListError("The encoded status list must be multibase base64url ('u…').")
        body = encoded[1:]
        # GZIP's worst case is a few bytes per 64 KiB stored block: twice the cap is ample.
        if len(body) > 2 * max_decoded_bytes:
            raise StatusListError("The encoded status list is too large.")
        if not _BASE64URL.fullmatch(body) or len(body) % 4 == 1:
            raise StatusListError("The encoded status list is not valid base64url without padding.")
        try:
            compressed = multibase.decode(encoded) if body else b""
        except KeyFormatError as cause:
            raise StatusListError("The encoded status list is not valid base64url.") from cause
        if multibase.encode_base64url(compressed) != encoded:
            raise StatusListError("The encoded status list is not canonical base64url.")
        return cls.from_bytes(_gunzip(compressed, max_decoded_bytes))


def _gunzip(compressed: bytes, cap: int) -> bytes:
    """Inflate one GZIP member, never producing more than ``cap + 1`` bytes."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = bytearray()
    pending = compressed
    try:
        while not inflater.eof:
            chunk = inflater.decompress(pending, min(_INFLATE_CHUNK, cap + 1 - len(out)))
            out += chunk
            if len(out) > cap:
                raise StatusListError("The status list is larger than this verifier accepts.")
            pending = inflater.unconsumed_tail
            if not chunk and not pending and not inflater.eof:
                raise StatusListError("The status list's GZIP stream is truncated.")
    except zlib.error as cause:
        raise StatusListError("The status list is not valid GZIP data.") from cause
    if inflater.unused_data:
        raise StatusListError("The status list has data after its GZIP stream.")
    return bytes(out)


def allocate_index(used: Collection[int], length: int = MIN_ENTRIES) -> int:
    """A uniformly random index in ``[0, length)`` that is not in ``used`` (§2.1 statusListIndex).

    §2.1: indexes SHOULD be assigned randomly so that neither the order of issuance nor the size
    of the group can be inferred. Draws come from :mod:`secrets`; after a few collisions (a list
    that is nearly full) the choice is made among the free indexes directly, so this never loops
    indefinitely. Raises :class:`StatusListError` when every index is used.
    """
    if isinstance(length, bool) or not isinstance(length, int) or length < MIN_ENTRIES:
        raise StatusListError("A status list must have at least 131,072 entries (§6.1).")
    for index in used:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < length:
            raise StatusListError("A used status list index is outside the list.")
    used_set = used if isinstance(used, set | frozenset) else set(used)
    if len(used_set) >= length:
        raise StatusListError("The status list is full; start a new list.")
    for _ in range(_MAX_RANDOM_DRAWS):
        index = secrets.randbelow(length)
        if index not in used_set:
            return index
    return secrets.choice([i for i in range(length) if i not in used_set])


class IndexAllocator:
    """Hands out random, never repeated indexes of one status list (§2.1, §6.1).

    ``used`` holds the indexes already given out (for instance, read back from storage).
    """

    def __init__(self, length: int = MIN_ENTRIES, used: Iterable[int] = ()) -> None:
        if isinstance(length, bool) or not isinstance(length, int) or length < MIN_ENTRIES:
            raise StatusListError("A status list must have at least 131,072 entries (§6.1).")
        self._length = length
        self._used: set[int] = set()
        #: The free indexes, built only once the list is nearly full.
        self._free: list[int] | None = None
        for index in used:
            self.mark_used(index)

    @property
    def length(self) -> int:
        return self._length

    @property
    def used(self) -> frozenset[int]:
        return frozenset(self._used)

    @property
    def free_count(self) -> int:
        return self._length - len(self._used)

    def mark_used(self, index: int) -> None:
        """Record an index as given out (idempotent)."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self._length:
            raise StatusListError("A used status list index is outside the list.")
        if index not in self._used:
            self._used.add(index)
            self._free = None

    def allocate(self) -> int:
        """A random unused index, now marked used; :class:`StatusListError` when the list is full."""
        if self.free_count <= 0:
            raise StatusListError("The status list is full; start a new list.")
        if self._free is None:
            for _ in range(_MAX_RANDOM_DRAWS):
                index = secrets.randbelow(self._length)
                if index not in self._used:
                    self._used.add(index)
                    return index
            self._free = [i for i in range(self._length) if i not in self._used]
        # Nearly full: pick among the free indexes, removing the pick in O(1).
        position = secrets.randbelow(len(self._free))
        index = self._free[position]
        self._free[position] = self._free[-1]
        self._free.pop()
        self._used.add(index)
        return index


def _check_url(url: object, what: str) -> str:
    if not isinstance(url, str) or not url:
        raise StatusListError(f"The {what} must be a URL.")
    parts = urlsplit(url)
    if not parts.scheme or parts.fragment or (parts.scheme in {"http", "https"} and not parts.netloc):
        raise StatusListError(f"The {what} must be an absolute URL without a fragment.")
    return url


def _check_purpose(purpose: object) -> str:
    if not isinstance(purpose, str):
        raise StatusListError("The status purpose must be a string.")
    if purpose not in PURPOSES:
        raise StatusListError("Only the 'revocation' and 'suspension' status purposes are supported.")
    return purpose


def _issuer_id(issuer: object) -> str:
    """The id of an issuer given as a string or as an object with an ``id`` (VCDM 2.0 §4.7)."""
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    if not isinstance(issuer, str) or not issuer:
        raise StatusListError("An issuer must be a URL or an object with an 'id'.")
    return issuer


def build_entry(list_credential_url: str, index: int, purpose: str) -> dict[str, Any]:
    """A ``BitstringStatusListEntry`` (§2.1) for the ``credentialStatus`` of a credential.

    ``statusListIndex`` is written as a base-10 string, as §2.1 requires; ``id`` is the list
    credential's URL with the index as fragment, which is not the URL of the list itself.
    """
    url = _check_url(list_credential_url, "status list credential")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise StatusListError("A status list index must be a non-negative integer.")
    return {
        "id": f"{url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": _check_purpose(purpose),
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def build_list_credential(
    url: str,
    issuer: str | Mapping[str, Any],
    purpose: str,
    status_list: StatusList,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` (§2.2, §3.1); the caller adds the proof.

    ``validFrom`` defaults to now. ``issuer`` is kept as given (a URL, or an object with ``id``).
    """
    url = _check_url(url, "status list credential")
    _issuer_id(issuer)
    if not isinstance(status_list, StatusList):
        raise StatusListError("The status list must be a StatusList.")
    start = valid_from if valid_from is not None else now()
    for moment in (start, valid_until):
        if moment is not None and moment.tzinfo is None:
            raise StatusListError("Validity dates must carry a time zone.")
    if valid_until is not None and valid_until <= start:
        raise StatusListError("A status list's validUntil must come after its validFrom.")
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": dict(issuer) if isinstance(issuer, Mapping) else issuer,
        "validFrom": format_datetime(start),
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    credential["credentialSubject"] = {
        "id": f"{url}#list",
        "type": LIST_TYPE,
        "statusPurpose": _check_purpose(purpose),
        "encodedList": status_list.encode(),
    }
    return credential


@dataclass(frozen=True)
class StatusCheck:
    """The outcome of checking one status entry (§3.2 ``result``).

    ``status`` is ``"clear"`` (bit 0: not revoked / not suspended), ``"set"`` (bit 1) or
    ``"unknown"`` (the list cannot be relied on at this moment); ``unknown`` must never be shown
    as valid. ``reason`` is one plain sentence.
    """

    purpose: str
    index: int
    status: Status
    reason: str


def _types(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value]


def _parse_index(value: object) -> int:
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        raise StatusListError("The statusListIndex must be a non-negative integer written in base 10.")
    significant = value.lstrip("0") or "0"
    if len(significant) > _MAX_INDEX_DIGITS:
        raise StatusListError("The status list index is outside the list.")
    return int(significant)


def _parse_date(value: object, name: str) -> datetime:
    try:
        return parse_datetime(value)
    except ValueError as cause:
        raise StatusListError(f"The status list's {name} is not a valid date-time.") from cause


_REASONS: Final[dict[tuple[str, bool], str]] = {
    ("revocation", False): "The credential has not been revoked.",
    ("revocation", True): "The credential has been revoked.",
    ("suspension", False): "The credential is not suspended.",
    ("suspension", True): "The credential is suspended.",
}


def check_entry(
    entry: Mapping[str, Any],
    list_credential: Mapping[str, Any],
    credential_issuer: str | Mapping[str, Any],
    moment: datetime,
    clock_skew: timedelta = timedelta(minutes=5),
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> StatusCheck:
    """Check a ``credentialStatus`` entry against its status list credential (§3.2, offline part).

    The caller has dereferenced ``statusListCredential`` and verified every proof of
    ``list_credential`` (the §3.2 STATUS_RETRIEVAL_ERROR / STATUS_VERIFICATION_ERROR steps);
    this function does the rest:

    - the entry is a well-formed §2.1 ``BitstringStatusListEntry`` with a supported purpose,
      ``statusSize`` 1 (or absent) and a base-10 string index;
    - the list credential's type includes ``BitstringStatusListCredential``, its ``id`` (when
      present) is the entry's ``statusListCredential``, its subject is a ``BitstringStatusList``
      whose ``statusPurpose`` (one or more strings) includes the entry's purpose;
    - the list credential's issuer is ``credential_issuer``. §2.2 allows a different issuer;
      Nansen does not, so that one partner can never revoke or suspend another's credentials;
    - the list decodes (§3.4), meets the §6.1 minimum, and contains the index (§3.2 RANGE_ERROR).

    Each failure above raises :class:`StatusListError`. Then, if ``moment`` lies outside the
    list's ``validFrom``/``validUntil`` (widened by ``clock_skew``), the status is ``"unknown"``;
    otherwise it is the entry's bit: ``"set"`` (1) or ``"clear"`` (0).
    """
    if moment.tzinfo is None:
        raise StatusListError("The moment of the check must carry a time zone.")
    if clock_skew < timedelta(0):
        raise StatusListError("The clock skew must not be negative.")

    # §2.1: the entry.
    if not isinstance(entry, Mapping):
        raise StatusListError("The credential status entry must be a JSON object.")
    if ENTRY_TYPE not in _types(entry.get("type")):
        raise StatusListError("The credential status entry is not a BitstringStatusListEntry.")
    purpose = _check_purpose(entry.get("statusPurpose"))
    if "statusSize" in entry and (isinstance(entry["statusSize"], bool) or entry["statusSize"] != 1):
        raise StatusListError("Only status entries of one bit (statusSize 1) are supported.")
    index = _parse_index(entry.get("statusListIndex"))
    url = _check_url(entry.get("statusListCredential"), "entry's statusListCredential")

    # §2.2: the list credential.
    if not isinstance(list_credential, Mapping):
        raise StatusListError("The status list credential must be a JSON object.")
    if LIST_CREDENTIAL_TYPE not in _types(list_credential.get("type")):
        raise StatusListError("The status list credential is not a BitstringStatusListCredential.")
    if "id" in list_credential and list_credential["id"] != url:
        raise StatusListError("The status list is not the one the credential names.")
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, Mapping):
        raise StatusListError("The status list credential must have one credentialSubject object.")
    if LIST_TYPE not in _types(subject.get("type")):
        raise StatusListError("The status list credential's subject is not a BitstringStatusList.")
    list_purposes = _types(subject.get("statusPurpose"))
    if not list_purposes or not all(isinstance(p, str) for p in list_purposes):
        raise StatusListError("The status list's statusPurpose must be one or more strings.")
    if purpose not in list_purposes:
        raise StatusListError("The status list is for a different purpose than the entry.")
    if _issuer_id(list_credential.get("issuer")) != _issuer_id(credential_issuer):
        raise StatusListError("The status list was issued by someone else.")
    valid_from = list_credential.get("validFrom")
    valid_until = list_credential.get("validUntil")
    start = _parse_date(valid_from, "validFrom") if valid_from is not None else None
    end = _parse_date(valid_until, "validUntil") if valid_until is not None else None

    # §3.4 expansion, §6.1 minimum length, §3.2 range.
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusListError("The status list has no encodedList string.")
    status_list = StatusList.decode(encoded, max_decoded_bytes)
    if index >= status_list.length:
        raise StatusListError("The status list index is outside the list.")

    # The validity period of the list itself (VCDM 2.0 validFrom/validUntil; §2.2, §7.2).
    if start is not None and moment < start - clock_skew:
        return StatusCheck(purpose, index, "unknown", "The status list is not valid yet.")
    if end is not None and moment > end + clock_skew:
        return StatusCheck(purpose, index, "unknown", "The status list has expired.")

    bit = status_list.get(index)
    return StatusCheck(purpose, index, "set" if bit else "clear", _REASONS[(purpose, bit)])
