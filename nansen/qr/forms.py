"""Compact forms of strings. Each replaces a string only when it restores that exact string.

A JSON string is written as CBOR text, or as one of these when the round trip is exact:

- an XML Schema ``dateTimeStamp`` ``YYYY-MM-DDTHH:MM:SSZ`` as tag 1 around its integer seconds
  since 1970 (RFC 8949 §3.4.2); an ``xsd:date`` ``YYYY-MM-DD`` as tag 100 around its days since
  1970-01-01 (RFC 8943);
- otherwise a byte string whose first byte names a :class:`Form` and whose rest is its payload
  (JSON has no byte strings, so these never stand for anything else).

A ``did:key`` met again is written as its index among the keys already met, in document order.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum
from typing import Final

import base58

from nansen.qr.cbor import EPOCH_DAYS, EPOCH_SECONDS, Tag
from nansen.qr.errors import QRCodeError
from nansen.qr.limits import MAX_BASE58


class Form(IntEnum):
    DID_KEY = 0  # did:key:z<base58btc key>: the multibase-decoded key
    DID_KEY_URL = 1  # did:key:z<K>#z<K>: its own key as fragment, the key
    DID_KEY_AGAIN = 2  # a DID_KEY whose key was met before: one byte, the key's index
    DID_KEY_URL_AGAIN = 3  # likewise for DID_KEY_URL
    BASE58BTC = 4  # multibase z<base58btc>: proofValue, publicKeyMultibase
    BASE64URL = 5  # multibase u<base64url, no padding>: digestMultibase
    URN_UUID = 6  # urn:uuid:<lowercase UUID>: the 16 bytes
    UUID = 7  # <lowercase UUID>: the 16 bytes
    IPFS = 8  # ipfs://b<base32, lowercase, no padding>: the binary CIDv1


#: Multibase values shorter than this stay text: words like "zoo" or "under" are valid base58 or
#: base64url, and keys, signatures and digests are all longer.
MIN_MULTIBASE: Final = 16
#: A ``did:key`` after this many distinct keys is written in full each time.
MAX_KEYS: Final = 256
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_DATETIME: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")
_DATE: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SECONDS_RANGE: Final = range(
    (datetime(1, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(seconds=1),
    (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC) - _EPOCH) // timedelta(seconds=1) + 1,
)
_DAYS_RANGE: Final = range(date.min.toordinal() - _EPOCH_ORDINAL, date.max.toordinal() - _EPOCH_ORDINAL + 1)


def _b58decode(body: str) -> bytes:
    if len(body) > 2 * MAX_BASE58:  # base58 costs quadratic time: refuse long input before decoding
        raise ValueError("too long")
    return base58.b58decode(body)


def _b58encode(payload: bytes) -> str:
    return base58.b58encode(payload).decode("ascii")


def _self_url_decode(body: str) -> bytes:
    key, hash_sign, fragment = body.partition("#")
    if not hash_sign or fragment != "z" + key:
        raise ValueError("not a key's own verification method")
    return _b58decode(key)


def _self_url_encode(payload: bytes) -> str:
    key = _b58encode(payload)
    return f"{key}#z{key}"


def _b64url_decode(body: str) -> bytes:
    return base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True)


def _b64url_encode(payload: bytes) -> str:
    return base64.urlsafe_b64encode(payload).rstrip(b"=").decode("ascii")


def _b32_decode(body: str) -> bytes:
    return base64.b32decode(body.upper() + "=" * (-len(body) % 8))


def _b32_encode(payload: bytes) -> str:
    return base64.b32encode(payload).rstrip(b"=").decode("ascii").lower()


def _uuid_decode(body: str) -> bytes:
    return uuid.UUID(body).bytes


def _uuid_encode(payload: bytes) -> str:
    return str(uuid.UUID(bytes=payload))


@dataclass(frozen=True)
class _Codec:
    prefix: str
    decode: Callable[[str], bytes]
    encode: Callable[[bytes], str]
    min_payload: int = 0
    max_payload: int | None = None

    def fits(self, payload: bytes) -> bool:
        return self.min_payload <= len(payload) and (
            self.max_payload is None or len(payload) <= self.max_payload
        )


#: In the order tried; the first whose round trip is exact wins.
_CODECS: Final = {
    Form.DID_KEY_URL: _Codec("did:key:z", _self_url_decode, _self_url_encode, max_payload=MAX_BASE58),
    Form.DID_KEY: _Codec("did:key:z", _b58decode, _b58encode, max_payload=MAX_BASE58),
    Form.URN_UUID: _Codec("urn:uuid:", _uuid_decode, _uuid_encode, 16, 16),
    Form.IPFS: _Codec("ipfs://b", _b32_decode, _b32_encode),
    Form.BASE58BTC: _Codec("z", _b58decode, _b58encode, MIN_MULTIBASE, MAX_BASE58),
    Form.BASE64URL: _Codec("u", _b64url_decode, _b64url_encode, MIN_MULTIBASE),
    Form.UUID: _Codec("", _uuid_decode, _uuid_encode, 16, 16),
}
_AGAIN: Final = {Form.DID_KEY: Form.DID_KEY_AGAIN, Form.DID_KEY_URL: Form.DID_KEY_URL_AGAIN}


def _time_tag(text: str) -> Tag | None:
    try:
        if match := _DATETIME.fullmatch(text):
            year, month, day, hour, minute, second = map(int, match.groups())
            moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
            return Tag(EPOCH_SECONDS, (moment - _EPOCH) // timedelta(seconds=1))
        if match := _DATE.fullmatch(text):
            year, month, day = map(int, match.groups())
            return Tag(EPOCH_DAYS, date(year, month, day).toordinal() - _EPOCH_ORDINAL)
    except ValueError:  # a month 13, a day 32, a year 0000
        return None
    return None


def _time_text(tag: Tag) -> str:
    if tag.number == EPOCH_SECONDS and tag.content in _SECONDS_RANGE:
        moment = _EPOCH + timedelta(seconds=tag.content)
        return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}Z"
    if tag.number == EPOCH_DAYS and tag.content in _DAYS_RANGE:
        day = date.fromordinal(tag.content + _EPOCH_ORDINAL)
        return f"{day.year:04d}-{day:%m-%d}"
    raise QRCodeError("The QR payload has a date outside the years 1 to 9999.")


class Strings:
    """Compacts or restores the strings of one document, in document order."""

    def __init__(self) -> None:
        self._keys: list[bytes] = []
        self._index: dict[bytes, int] = {}
        #: Strings already restored: a form repeated (cheap to compress) is not decoded again.
        self._restored: dict[tuple[Form, bytes], str] = {}

    def _meet(self, key: bytes) -> None:
        if key not in self._index and len(self._keys) < MAX_KEYS:
            self._index[key] = len(self._keys)
            self._keys.append(key)

    def compact(self, text: str) -> str | bytes | Tag:
        """The shortest exact form of ``text``: a tag, a form's bytes, or the text itself."""
        tag = _time_tag(text)
        if tag is not None and _time_text(tag) == text:
            return tag
        for form, codec in _CODECS.items():
            if not text.startswith(codec.prefix):
                continue
            body = text[len(codec.prefix) :]
            try:
                payload = codec.decode(body)
            except (ValueError, binascii.Error):
                continue
            if codec.fits(payload) and codec.encode(payload) == body:
                return self._with_keys(form, payload)
        return text

    def _with_keys(self, form: Form, payload: bytes) -> bytes:
        if form in _AGAIN and payload in self._index:
            return bytes([_AGAIN[form], self._index[payload]])
        if form in _AGAIN:
            self._meet(payload)
        return bytes([form]) + payload

    def restore(self, item: bytes | Tag) -> str:
        """The string a tag or a form's bytes stand for; refuse what the encoder cannot write."""
        if isinstance(item, Tag):
            return _time_text(item)
        try:
            form, payload = Form(item[0]), item[1:]
        except (IndexError, ValueError):
            raise QRCodeError("The QR payload has a compact string of an unknown form.") from None
        if form in (Form.DID_KEY_AGAIN, Form.DID_KEY_URL_AGAIN):
            if len(payload) != 1 or payload[0] >= len(self._keys):
                raise QRCodeError("The QR payload refers to a key that it has not given.")
            form = Form.DID_KEY if form == Form.DID_KEY_AGAIN else Form.DID_KEY_URL
            payload = self._keys[payload[0]]
        text = self._restored.get((form, payload))
        if text is None:
            codec = _CODECS[form]
            if not codec.fits(payload):
                raise QRCodeError("The QR payload has a compact string of the wrong length.")
            text = self._restored[form, payload] = codec.prefix + codec.encode(payload)
        if form in _AGAIN:
            self._meet(payload)
        return text
