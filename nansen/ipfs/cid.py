"""Content identifiers (multiformats CID spec, "Decoding Algorithm"), restricted to what kubo's
``ipfs add`` produces: CIDv1 or CIDv0, codec ``raw`` (0x55) or ``dag-pb`` (0x70), multihash
``sha2-256`` (0x12) with a 32-byte digest.

Strings: CIDv1 as multibase base32 lower-case (``b…``, RFC 4648 §6 without padding) or base58btc
(``z…``); CIDv0 as the bare 46-character base58btc multihash (``Qm…``). Anything else — another
base, version, codec or hash function, a digest of the wrong length, trailing bytes — is refused.
CIDs compare and hash as their binary form, so a CIDv0 and its CIDv1 are different CIDs; the
block they name is the same (:meth:`CID.to_v1`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

import base58

from nansen.ipfs import varint
from nansen.ipfs.errors import CidFormatError

#: multicodec table (multiformats/multicodec, table.csv)
RAW = 0x55
DAG_PB = 0x70
SHA2_256 = 0x12
DIGEST_SIZE = 32
CODECS = frozenset({RAW, DAG_PB})

_V0_PREFIX = bytes([SHA2_256, DIGEST_SIZE])
_V0_LENGTH = len(_V0_PREFIX) + DIGEST_SIZE
_V0_TEXT_LENGTH = 46
#: Longer strings cannot be a supported CID; refusing them early bounds base58's quadratic decoder.
_MAX_TEXT_LENGTH = 128
_BASE32 = re.compile(r"[a-z2-7]+")


@dataclass(frozen=True, order=True)
class CID:
    """A CID held in its binary form, which is validated on construction."""

    binary: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.binary, bytes):
            raise CidFormatError("A binary CID must be bytes.")
        _, end = _read(self.binary, 0)
        if end != len(self.binary):
            raise CidFormatError("A CID has bytes after its multihash.")

    @classmethod
    def of(cls, codec: int, block: bytes | memoryview) -> CID:
        """The CIDv1 (sha2-256) of a block in the given codec."""
        if codec not in CODECS:
            raise CidFormatError("Only the raw and dag-pb codecs are supported.")
        digest = hashlib.sha256(block).digest()
        return cls(bytes([1, codec]) + _V0_PREFIX + digest)

    @classmethod
    def read(cls, data: bytes | memoryview, offset: int = 0) -> tuple[CID, int]:
        """The binary CID that starts at ``offset`` of a longer buffer, and the offset after it."""
        return _read(data, offset)

    @classmethod
    def parse(cls, text: str) -> CID:
        """A CID from its string form: ``b…`` (base32), ``z…`` (base58btc) or ``Qm…`` (CIDv0)."""
        if not isinstance(text, str) or not text:
            raise CidFormatError("A CID must be a non-empty string.")
        if len(text) > _MAX_TEXT_LENGTH:
            raise CidFormatError("The text is too long to be a supported CID.")
        if len(text) == _V0_TEXT_LENGTH and text.startswith("Qm"):
            binary = _decode_base58(text)
            if not binary.startswith(_V0_PREFIX):
                raise CidFormatError("A CIDv0 must be a sha2-256 multihash.")
            return cls(binary)
        prefix, body = text[0], text[1:]
        if prefix == "b":
            binary = _decode_base32(body)
        elif prefix == "z":
            binary = _decode_base58(body)
        else:
            raise CidFormatError("A CID must be base32 ('b'), base58btc ('z') or a CIDv0 ('Qm').")
        if binary[:1] == bytes([SHA2_256]):
            raise CidFormatError("A CIDv0 cannot carry a multibase prefix.")
        return cls(binary)

    @property
    def version(self) -> int:
        return 0 if self.binary[0] == SHA2_256 else 1

    @property
    def codec(self) -> int:
        return DAG_PB if self.version == 0 else self.binary[1]

    @property
    def multihash(self) -> bytes:
        return self.binary[-_V0_LENGTH:]

    @property
    def digest(self) -> bytes:
        return self.binary[-DIGEST_SIZE:]

    def to_v1(self) -> CID:
        """The CIDv1 naming the same block (a CIDv0 is implicitly dag-pb)."""
        return self if self.version == 1 else CID(bytes([1, DAG_PB]) + self.binary)

    def matches(self, block: bytes | memoryview) -> bool:
        """True when the block's sha2-256 digest is this CID's."""
        return hashlib.sha256(block).digest() == self.digest

    def base58btc(self) -> str:
        """``z…`` for a CIDv1, ``Qm…`` for a CIDv0."""
        text = base58.b58encode(self.binary).decode("ascii")
        return text if self.version == 0 else "z" + text

    def __str__(self) -> str:
        """``b…`` (base32 lower-case) for a CIDv1, as kubo prints it; ``Qm…`` for a CIDv0."""
        if self.version == 0:
            return self.base58btc()
        return "b" + base64.b32encode(self.binary).decode("ascii").rstrip("=").lower()

    def __repr__(self) -> str:
        return f"CID({self})"


def _read(data: bytes | memoryview, offset: int) -> tuple[CID, int]:
    if bytes(data[offset : offset + 2]) == _V0_PREFIX:
        end = offset + _V0_LENGTH
        if end > len(data):
            raise CidFormatError("A CID is truncated.")
        return _make(bytes(data[offset:end])), end
    try:
        version, position = varint.decode(data, offset)
        codec, position = varint.decode(data, position)
        hash_code, position = varint.decode(data, position)
        length, position = varint.decode(data, position)
    except varint.VarintError as error:
        raise CidFormatError("A CID is truncated or malformed.") from error
    if version != 1:
        raise CidFormatError("Only CID versions 0 and 1 are supported.")
    if codec not in CODECS:
        raise CidFormatError("Only the raw and dag-pb codecs are supported.")
    if hash_code != SHA2_256:
        raise CidFormatError("Only sha2-256 multihashes are supported.")
    if length != DIGEST_SIZE:
        raise CidFormatError("A sha2-256 digest must be 32 bytes long.")
    end = position + DIGEST_SIZE
    if end > len(data):
        raise CidFormatError("A CID is truncated.")
    return _make(bytes(data[offset:end])), end


def _make(binary: bytes) -> CID:
    """A CID from bytes that ``_read`` has just validated (skips validating them again)."""
    cid = object.__new__(CID)
    object.__setattr__(cid, "binary", binary)
    return cid


def _decode_base32(body: str) -> bytes:
    if not _BASE32.fullmatch(body):
        raise CidFormatError("A base32 CID may hold only the letters a-z and digits 2-7.")
    try:
        binary = base64.b32decode(body.upper() + "=" * (-len(body) % 8))
    except binascii.Error as error:
        raise CidFormatError("A base32 CID has an impossible length.") from error
    if base64.b32encode(binary).decode("ascii").rstrip("=").lower() != body:
        raise CidFormatError("A base32 CID is not in its canonical form.")
    return binary


def _decode_base58(body: str) -> bytes:
    try:
        return bytes(base58.b58decode(body.encode("ascii")))
    except (ValueError, UnicodeEncodeError) as error:
        raise CidFormatError("A base58btc CID holds a character outside the base58 alphabet.") from error
