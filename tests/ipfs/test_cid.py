"""CIDs: the string and binary forms of the multiformats CID spec, and every refusal."""

from __future__ import annotations

import base64

import base58
import pytest

from nansen.ipfs import varint
from nansen.ipfs.cid import CID, DAG_PB, RAW
from nansen.ipfs.errors import CidFormatError

EMPTY_RAW = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
#: ipfs/specs src/unixfs.md, "Well-Known UnixFS CIDs": the empty dag-pb file and directory.
EMPTY_FILE_V0 = "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"
EMPTY_FILE_V1 = "bafybeif7ztnhq65lumvvtr4ekcwd2ifwgm3awq4zfr3srh462rwyinlb4y"
EMPTY_DIRECTORY_V0 = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
EMPTY_DIRECTORY_V1 = "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"


def base32(binary: bytes) -> str:
    return "b" + base64.b32encode(binary).decode().rstrip("=").lower()


def test_the_empty_raw_block() -> None:
    cid = CID.of(RAW, b"")
    assert str(cid) == EMPTY_RAW
    assert (cid.version, cid.codec) == (1, RAW)
    assert cid.digest == bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert cid.multihash == b"\x12\x20" + cid.digest


def test_a_base58btc_cidv1_from_js_ipfs() -> None:
    # js-ipfs test "should add a file with a v1 CID" (ipfs/js-ipfs PR 1591): the bytes 0, 1, 2.
    cid = CID.parse("zb2rhiNedvrkpYhcrgtpmhKk5UPzcgizgSXaQLYXNY745BmYP")
    assert cid == CID.of(RAW, bytes([0, 1, 2]))
    assert cid.base58btc() == "zb2rhiNedvrkpYhcrgtpmhKk5UPzcgizgSXaQLYXNY745BmYP"
    assert str(cid) == "bafkreifojmzibzlof6xyh5auu3r5vpu5l67brf3fitaf73isdlglqw2t7q"


@pytest.mark.parametrize(
    ("v0", "v1", "block"),
    [
        (EMPTY_FILE_V0, EMPTY_FILE_V1, bytes.fromhex("0a0408021800")),
        (EMPTY_DIRECTORY_V0, EMPTY_DIRECTORY_V1, bytes.fromhex("0a020801")),
    ],
)
def test_cidv0_and_its_cidv1(v0: str, v1: str, block: bytes) -> None:
    old, new = CID.parse(v0), CID.parse(v1)
    assert (old.version, old.codec, new.version, new.codec) == (0, DAG_PB, 1, DAG_PB)
    assert str(old) == v0
    assert old.base58btc() == v0
    assert old.to_v1() == new == CID.of(DAG_PB, block)
    assert new.to_v1() is new
    assert old.matches(block)
    assert new.matches(block)
    assert not new.matches(block + b"\x00")


def test_cids_compare_as_binary() -> None:
    old, new = CID.parse(EMPTY_FILE_V0), CID.parse(EMPTY_FILE_V1)
    assert old != new
    assert old.binary == new.binary[2:]
    assert len({old, new, CID.parse(new.base58btc())}) == 2
    assert sorted([old, new]) == [new, old]  # binary order: 0x01… before 0x12…
    assert CID.parse(new.base58btc()) == new


def test_every_form_round_trips() -> None:
    for cid in (CID.of(RAW, b"x"), CID.of(DAG_PB, b"y"), CID.parse(EMPTY_FILE_V0)):
        assert CID.parse(str(cid)) == cid
        assert CID.parse(cid.base58btc()) == cid
        assert CID(cid.binary) == cid
        assert CID.read(cid.binary + b"rest") == (cid, len(cid.binary))
        assert repr(cid) == f"CID({cid})"


def v1_bytes(version: int = 1, codec: int = RAW, hash_code: int = 0x12, digest: bytes = bytes(32)) -> bytes:
    return (
        varint.encode(version)
        + varint.encode(codec)
        + varint.encode(hash_code)
        + varint.encode(len(digest))
        + digest
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "non-empty"),
        ("f01551220" + "00" * 32, "base32 ('b')"),
        (EMPTY_RAW.upper(), "base32 ('b')"),
        ("b" + "a" * 128, "too long"),
        ("bafkrei!", "only the letters"),
        ("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk1", "only the letters"),
        ("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvykv", "canonical"),
        ("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk", "impossible length"),
        ("zb2rhiNedvrkpYhcrgtpmhKk5UPzcgizgSXaQLYXNY745BmY0", "base58 alphabet"),
        ("zb2rhiNedvrkpYhcrgtpmhKk5UPzcgizgSXaQLYXNY745BmYé", "base58 alphabet"),
        ("z", "truncated"),
        ("Qm" + "1" * 44, "sha2-256 multihash"),
        ("z" + base58.b58encode(CID.parse(EMPTY_FILE_V0).binary).decode(), "multibase prefix"),
        (base32(CID.parse(EMPTY_FILE_V0).binary), "multibase prefix"),
        (base32(v1_bytes(codec=0x71)), "raw and dag-pb"),
        (base32(v1_bytes(hash_code=0x13, digest=bytes(64))), "sha2-256"),
        (base32(v1_bytes(hash_code=0x00, digest=b"")), "sha2-256"),
        (base32(v1_bytes(digest=bytes(31))), "32 bytes"),
        (base32(v1_bytes(digest=bytes(33))), "32 bytes"),
        (base32(v1_bytes(version=2)), "versions 0 and 1"),
        (base32(v1_bytes(version=0)), "versions 0 and 1"),
        (base32(v1_bytes()[:-1]), "truncated"),
        (base32(v1_bytes() + b"\x00"), "after its multihash"),
        (base32(b"\x01\x55\x12\xa0\x00" + bytes(32)), "truncated or malformed"),
    ],
)
def test_malformed_and_unsupported_cids_are_refused(text: str, reason: str) -> None:
    with pytest.raises(CidFormatError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        CID.parse(text)


def test_non_strings_and_non_bytes_are_refused() -> None:
    with pytest.raises(CidFormatError, match="non-empty string"):
        CID.parse(b"bafk")  # type: ignore[arg-type]
    with pytest.raises(CidFormatError, match="must be bytes"):
        CID(EMPTY_RAW)  # type: ignore[arg-type]
    with pytest.raises(CidFormatError, match="truncated"):
        CID.read(CID.parse(EMPTY_FILE_V0).binary[:-1])


def test_only_raw_and_dag_pb_blocks_are_addressed() -> None:
    with pytest.raises(CidFormatError, match="raw and dag-pb"):
        CID.of(0x71, b"")


def test_error_messages_name_no_cid() -> None:
    with pytest.raises(CidFormatError) as caught:
        CID.parse(base32(v1_bytes(codec=0x71)))
    assert "baf" not in str(caught.value)
