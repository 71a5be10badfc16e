"""W3C Bitstring Status List v1.0 (nansen.status): each refusal is tested by sending the bad input."""

from __future__ import annotations

import base64
import gzip
import struct
import time
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from nansen import status
from nansen.did import Resolver
from nansen.did import key as did_key
from nansen.errors import StatusListError
from nansen.keys import Ed25519KeyPair
from nansen.proofs import Expectations, ProofOptions, add_proof, verify_proofs
from nansen.status import (
    MIN_BYTES,
    MIN_ENTRIES,
    IndexAllocator,
    StatusCheck,
    StatusList,
    allocate_index,
    build_entry,
    build_list_credential,
    check_entry,
)

MOMENT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
URL = "https://status.example/lists/7"
ISSUER = "did:key:z6MkIssuerPlaceholder"
OTHER_ISSUER = "did:key:z6MkSomeoneElse"

#: W3C Bitstring Status List v1.0, §2.2 example "BitstringStatusListCredential" (also §B example),
#: w3c/vc-bitstring-status-list index.html at commit 74fcae11e5b389aa44d1b7d3f84ee079eaa169a4.
SPEC_ENCODED_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
SPEC_LIST_CREDENTIAL: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "https://example.com/credentials/status/3",
    "type": ["VerifiableCredential", "BitstringStatusListCredential"],
    "issuer": "did:example:12345",
    "validFrom": "2021-04-05T14:27:40Z",
    "credentialSubject": {
        "id": "https://example.com/status/3#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": SPEC_ENCODED_LIST,
    },
}
#: The same specification, §2.1 example "StatusListCredential using simple entries".
SPEC_ENTRY: dict[str, Any] = {
    "id": "https://example.com/credentials/status/3#94567",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "94567",
    "statusListCredential": "https://example.com/credentials/status/3",
}


def gzip_b64(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(data)).rstrip(b"=").decode()


def list_credential(
    status_list: StatusList | None = None,
    purpose: str = "revocation",
    issuer: str | dict[str, Any] = ISSUER,
    valid_from: datetime = MOMENT - timedelta(days=1),
    valid_until: datetime | None = MOMENT + timedelta(days=1),
) -> dict[str, Any]:
    return build_list_credential(
        URL, issuer, purpose, status_list or StatusList(), valid_from=valid_from, valid_until=valid_until
    )


def check(entry: dict[str, Any], credential: dict[str, Any], **kwargs: Any) -> StatusCheck:
    return check_entry(
        entry, credential, kwargs.pop("issuer", ISSUER), kwargs.pop("moment", MOMENT), **kwargs
    )


# --- StatusList: bit order, bounds, encoding (§2.2, §3.3, §3.4, §7.1) ---------------------------


def test_round_trip_bits_0_7_8_and_last() -> None:
    bits = StatusList()
    last = MIN_ENTRIES - 1
    for index in (0, 7, 8, last):
        bits.set(index, True)
    encoded = bits.encode()
    assert encoded.startswith("u")
    assert not set(encoded) & set("=+/")
    decoded = StatusList.decode(encoded)
    assert decoded == bits
    assert decoded.length == MIN_ENTRIES
    assert [i for i in (0, 1, 6, 7, 8, 9, last - 1, last) if decoded.get(i)] == [0, 7, 8, last]
    # §7.1: index 0 is the most significant bit of the first byte.
    raw = decoded.to_bytes()
    assert raw[:2] == bytes([0b1000_0001, 0b1000_0000])
    assert raw[-1] == 0b0000_0001
    assert sum(raw[2:-1]) == 0
    assert gzip.decompress(multibase_body(encoded)) == raw  # any GZIP reader can read it
    decoded.set(7, False)
    assert [decoded.get(i) for i in (0, 7, 8)] == [True, False, True]


def multibase_body(encoded: str) -> bytes:
    body = encoded[1:]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def test_encoding_is_deterministic() -> None:
    first, second = StatusList(), StatusList()
    first.set(42, True)
    second.set(42, True)
    assert first.encode() == second.encode()


def test_spec_example_encoded_list_decodes_to_131072_clear_entries() -> None:
    decoded = StatusList.decode(SPEC_ENCODED_LIST)
    assert decoded.length == MIN_ENTRIES
    assert decoded.to_bytes() == bytes(MIN_BYTES)


def test_spec_example_credential_and_entry() -> None:
    result = check_entry(SPEC_ENTRY, SPEC_LIST_CREDENTIAL, {"id": "did:example:12345"}, MOMENT)
    assert result == StatusCheck("revocation", 94567, "clear", "The credential has not been revoked.")


@pytest.mark.parametrize("length", [0, 8, MIN_ENTRIES - 8, MIN_ENTRIES + 1, True, "131072"])
def test_list_length_refused(length: Any) -> None:
    with pytest.raises(StatusListError):
        StatusList(length)


def test_larger_list_allowed() -> None:
    bits = StatusList(2 * MIN_ENTRIES)
    bits.set(2 * MIN_ENTRIES - 1, True)
    assert StatusList.decode(bits.encode()).get(2 * MIN_ENTRIES - 1)


@pytest.mark.parametrize("index", [-1, MIN_ENTRIES, MIN_ENTRIES + 7, 10**30, True, 1.0, "3"])
def test_get_and_set_bounds(index: Any) -> None:
    bits = StatusList()
    with pytest.raises(StatusListError):
        bits.get(index)
    with pytest.raises(StatusListError):
        bits.set(index, True)


@pytest.mark.parametrize("value", [1, 0, None, "true"])
def test_set_requires_a_bool(value: Any) -> None:
    with pytest.raises(StatusListError):
        StatusList().set(3, value)


# --- decode refusals ----------------------------------------------------------------------------


def test_minimum_size_refused() -> None:
    with pytest.raises(StatusListError, match="131,072"):
        StatusList.decode(gzip_b64(bytes(MIN_BYTES - 1)))
    with pytest.raises(StatusListError, match="131,072"):
        StatusList.decode(gzip_b64(b""))
    with pytest.raises(StatusListError, match="131,072"):
        StatusList.from_bytes(bytes(MIN_BYTES - 1))
    assert StatusList.decode(gzip_b64(bytes(MIN_BYTES))).length == MIN_ENTRIES


def zero_bomb(mebibytes: int) -> bytes:
    """A valid GZIP member of ``mebibytes`` MiB of zeros, built without compressing all of it.

    After a full flush the deflate state is reset, so every 1 MiB block compresses to the same
    bytes; repeating them and writing the CRC-32 and size by hand gives the whole member.
    """
    zeros = bytes(1 << 20)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    assert deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH) == block
    final = deflater.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + block * mebibytes + final + struct.pack("<II", crc, (mebibytes << 20) & 0xFFFFFFFF)


class CountingInflater:
    """Wraps zlib's decompressor to count the bytes it actually produces."""

    produced = 0

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out: bytes = self._inner.decompress(data, max_length)
        CountingInflater.produced += len(out)
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_zero_bomb_helper_is_a_valid_gzip() -> None:
    assert gzip.decompress(zero_bomb(2)) == bytes(2 << 20)


@pytest.mark.parametrize("cap", [MIN_BYTES * 32, status.DEFAULT_MAX_DECODED_BYTES])
def test_decompression_bomb_refused_without_inflating_it(cap: int, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = zero_bomb(300)  # 300 MiB of zeros
    assert len(bomb) < 1 << 20
    encoded = "u" + base64.urlsafe_b64encode(bomb).rstrip(b"=").decode()
    real = zlib.decompressobj
    CountingInflater.produced = 0
    monkeypatch.setattr(zlib, "decompressobj", lambda *a, **k: CountingInflater(real(*a, **k)))
    started = time.perf_counter()
    with pytest.raises(StatusListError, match="larger than"):
        StatusList.decode(encoded, max_decoded_bytes=cap)
    assert time.perf_counter() - started < 1.0
    assert cap < CountingInflater.produced <= cap + 1  # stopped one byte past the cap


def test_list_over_a_smaller_cap_refused() -> None:
    encoded = StatusList(2 * MIN_ENTRIES).encode()
    with pytest.raises(StatusListError, match="larger than"):
        StatusList.decode(encoded, max_decoded_bytes=MIN_BYTES)
    with pytest.raises(StatusListError, match="cap"):
        StatusList.decode(encoded, max_decoded_bytes=MIN_BYTES - 1)


def test_huge_encoded_string_refused_before_decoding() -> None:
    with pytest.raises(StatusListError, match="too large"):
        StatusList.decode("u" + "A" * (2 * MIN_BYTES + 1), max_decoded_bytes=MIN_BYTES)


GOOD = StatusList().encode()


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "u",
        GOOD[1:],  # no multibase prefix
        "z" + GOOD[1:],  # base58btc prefix
        "m" + base64.b64encode(multibase_body(GOOD)).decode(),  # multibase base64 (not url)
        GOOD + "=" * (-len(GOOD[1:]) % 4 or 4),  # padding
        GOOD[:20] + "+" + GOOD[21:],  # standard-alphabet character
        GOOD[:20] + "/" + GOOD[21:],
        GOOD[:20] + " " + GOOD[20:],  # whitespace
        GOOD[:20] + "\n" + GOOD[20:],
        GOOD + "A",  # length 1 mod 4 can never be base64
        "uAB",  # non-canonical: the spare bits are not zero
    ],
)
def test_bad_multibase_or_base64_refused(encoded: str) -> None:
    with pytest.raises(StatusListError):
        StatusList.decode(encoded)


@pytest.mark.parametrize("encoded", [None, 42, b"uAAAA"])
def test_non_string_refused(encoded: Any) -> None:
    with pytest.raises(StatusListError):
        StatusList.decode(encoded)


def b64(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "compressed",
    [
        bytes(range(200)),  # not GZIP at all
        zlib.compress(bytes(MIN_BYTES)),  # zlib, not GZIP
        gzip.compress(bytes(MIN_BYTES))[:-4],  # truncated trailer
        gzip.compress(bytes(MIN_BYTES))[:30],  # truncated body
        gzip.compress(bytes(MIN_BYTES))[:-8] + b"\x00" * 8,  # wrong CRC and size
        gzip.compress(bytes(MIN_BYTES)) + b"junk",  # trailing data
        gzip.compress(bytes(MIN_BYTES)) * 2,  # a second member
    ],
    # Fixed ids: gzip headers carry a timestamp, and pytest-xdist workers must collect the same ids.
    ids=[
        "not-gzip",
        "zlib",
        "truncated-trailer",
        "truncated-body",
        "wrong-crc",
        "trailing-data",
        "two-members",
    ],
)
def test_bad_gzip_refused(compressed: bytes) -> None:
    with pytest.raises(StatusListError):
        StatusList.decode(b64(compressed))


# --- allocation (§2.1 statusListIndex: random assignment) -------------------------------------


def test_allocation_never_returns_a_used_index() -> None:
    used = set(range(0, MIN_ENTRIES, 2))  # every even index
    allocator = IndexAllocator(used=used)
    drawn = [allocator.allocate() for _ in range(2000)]
    assert len(set(drawn)) == len(drawn)
    assert all(i % 2 == 1 for i in drawn)
    assert all(allocate_index(used) % 2 == 1 for _ in range(20))


def test_allocation_is_random() -> None:
    # Eight fresh allocators agree on their first index with probability 131072**-7.
    firsts = {IndexAllocator().allocate() for _ in range(8)}
    assert len(firsts) > 1
    assert len({allocate_index(()) for _ in range(8)}) > 1
    allocator = IndexAllocator()
    drawn = [allocator.allocate() for _ in range(2000)]
    # Not in issuance order, and spread over the whole list (each fails with odds below 2**-800).
    assert drawn != sorted(drawn)
    assert min(drawn) < MIN_ENTRIES // 4
    assert max(drawn) > 3 * MIN_ENTRIES // 4


def test_nearly_full_list_falls_back_to_the_free_indexes() -> None:
    free = {5, 70_000, MIN_ENTRIES - 1}
    used = set(range(MIN_ENTRIES)) - free
    started = time.perf_counter()
    allocator = IndexAllocator(used=used)
    assert {allocator.allocate() for _ in range(3)} == free
    with pytest.raises(StatusListError, match="full"):
        allocator.allocate()
    assert allocate_index(used | {5, 70_000}) == MIN_ENTRIES - 1
    with pytest.raises(StatusListError, match="full"):
        allocate_index(set(range(MIN_ENTRIES)))
    assert time.perf_counter() - started < 1.0


def test_mark_used_after_fallback_is_respected() -> None:
    free = set(range(100, 110))
    allocator = IndexAllocator(used=set(range(MIN_ENTRIES)) - free)
    first = allocator.allocate()  # builds the free list
    marked = 105 if first != 105 else 106
    allocator.mark_used(marked)
    drawn = {allocator.allocate() for _ in range(8)}
    assert drawn == free - {first, marked}
    assert allocator.free_count == 0
    with pytest.raises(StatusListError):
        allocator.allocate()


@pytest.mark.parametrize("bad", [-1, MIN_ENTRIES, True, "4"])
def test_allocator_refuses_out_of_range_used_indexes(bad: Any) -> None:
    with pytest.raises(StatusListError):
        IndexAllocator(used=[1, bad])
    with pytest.raises(StatusListError):
        allocate_index([1, bad])


def test_allocator_refuses_a_short_list() -> None:
    with pytest.raises(StatusListError):
        IndexAllocator(length=1024)
    with pytest.raises(StatusListError):
        allocate_index((), length=1024)


# --- building entries and list credentials (§2.1, §2.2) ----------------------------------------


def test_build_entry() -> None:
    assert build_entry(URL, 94567, "suspension") == {
        "id": URL + "#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "94567",
        "statusListCredential": URL,
    }


@pytest.mark.parametrize("purpose", ["refresh", "message", "Revocation", "", None])
def test_build_entry_refuses_unsupported_purposes(purpose: Any) -> None:
    with pytest.raises(StatusListError):
        build_entry(URL, 1, purpose)


@pytest.mark.parametrize("index", [-1, True, 1.5, "3"])
def test_build_entry_refuses_bad_indexes(index: Any) -> None:
    with pytest.raises(StatusListError):
        build_entry(URL, index, "revocation")


@pytest.mark.parametrize("url", ["", "lists/7", URL + "#frag", "https://", None])
def test_build_entry_refuses_bad_urls(url: Any) -> None:
    with pytest.raises(StatusListError):
        build_entry(url, 1, "revocation")


def test_build_list_credential() -> None:
    bits = StatusList()
    bits.set(9, True)
    credential = build_list_credential(
        URL, {"id": ISSUER, "name": "Partner"}, "revocation", bits, MOMENT, MOMENT + timedelta(days=7)
    )
    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": ISSUER, "name": "Partner"},
        "validFrom": "2025-06-01T12:00:00Z",
        "validUntil": "2025-06-08T12:00:00Z",
        "credentialSubject": {
            "id": URL + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bits.encode(),
        },
    }
    default = build_list_credential(URL, ISSUER, "suspension", bits)
    assert "validUntil" not in default
    assert abs(datetime.fromisoformat(default["validFrom"]) - datetime.now(UTC)) < timedelta(minutes=1)


def test_build_list_credential_refusals() -> None:
    bits = StatusList()
    with pytest.raises(StatusListError):
        build_list_credential(URL, ISSUER, "revocation", bits, MOMENT, MOMENT)
    with pytest.raises(StatusListError):
        build_list_credential(URL, ISSUER, "revocation", bits, datetime(2025, 1, 1))
    with pytest.raises(StatusListError):
        build_list_credential(URL, ISSUER, "message", bits)
    with pytest.raises(StatusListError):
        build_list_credential(URL, {"name": "no id"}, "revocation", bits)
    with pytest.raises(StatusListError):
        build_list_credential(URL, ISSUER, "revocation", bytes(MIN_BYTES))  # type: ignore[arg-type]


# --- check_entry (§3.2) -------------------------------------------------------------------------


@pytest.mark.parametrize("purpose", ["revocation", "suspension"])
def test_check_clear_and_set(purpose: str) -> None:
    bits = StatusList()
    bits.set(1234, True)
    credential = list_credential(bits, purpose)
    clear = check(build_entry(URL, 1233, purpose), credential)
    assert (clear.purpose, clear.index, clear.status) == (purpose, 1233, "clear")
    revoked = check(build_entry(URL, 1234, purpose), credential)
    assert (revoked.purpose, revoked.index, revoked.status) == (purpose, 1234, "set")
    assert revoked.reason.endswith(".")
    assert revoked.reason != clear.reason


def test_check_last_index_and_leading_zeros() -> None:
    bits = StatusList()
    bits.set(MIN_ENTRIES - 1, True)
    bits.set(7, True)
    assert check(build_entry(URL, MIN_ENTRIES - 1, "revocation"), list_credential(bits)).status == "set"
    entry = {**build_entry(URL, 7, "revocation"), "statusListIndex": "0007"}
    assert check(entry, list_credential(bits)).index == 7


@pytest.mark.parametrize(
    "index",
    [
        str(MIN_ENTRIES),
        "99999999999999999999999999",
        "-1",
        "+1",
        "1.0",
        "1e3",
        "12a",
        " 12",
        "12 ",
        "",
        "0x10",
        "١٢",
        5,
        None,
    ],
)
def test_check_refuses_bad_or_out_of_range_indexes(index: Any) -> None:
    entry = {**build_entry(URL, 0, "revocation"), "statusListIndex": index}
    with pytest.raises(StatusListError):
        check(entry, list_credential())


def test_index_beyond_the_list_is_a_range_error() -> None:
    entry = {**build_entry(URL, 0, "revocation"), "statusListIndex": str(MIN_ENTRIES)}
    with pytest.raises(StatusListError, match="outside the list"):
        check(entry, list_credential())


@pytest.mark.parametrize(
    "change",
    [
        {"type": "StatusList2021Entry"},
        {"type": None},
        {"statusPurpose": "refresh"},
        {"statusPurpose": "message"},
        {"statusPurpose": "expiry"},
        {"statusSize": 2},
        {"statusSize": True},
        {"statusListCredential": None},
        {"statusListCredential": "status/7"},
    ],
)
def test_check_refuses_malformed_entries(change: dict[str, Any]) -> None:
    entry = {**build_entry(URL, 3, "revocation"), **change}
    with pytest.raises(StatusListError):
        check(entry, list_credential())


def test_status_size_one_is_accepted() -> None:
    entry = {**build_entry(URL, 3, "revocation"), "statusSize": 1}
    assert check(entry, list_credential()).status == "clear"


def test_wrong_purpose_refused() -> None:
    with pytest.raises(StatusListError, match="different purpose"):
        check(build_entry(URL, 3, "revocation"), list_credential(purpose="suspension"))
    with pytest.raises(StatusListError, match="different purpose"):
        check(build_entry(URL, 3, "suspension"), list_credential(purpose="revocation"))


def test_list_with_several_purposes() -> None:
    credential = list_credential()
    credential["credentialSubject"]["statusPurpose"] = ["revocation", "suspension"]
    assert check(build_entry(URL, 3, "suspension"), credential).status == "clear"


@pytest.mark.parametrize(
    ("issuer", "credential_issuer"),
    [(OTHER_ISSUER, ISSUER), ({"id": OTHER_ISSUER}, ISSUER), (ISSUER, {"id": OTHER_ISSUER})],
)
def test_list_from_another_issuer_refused(issuer: Any, credential_issuer: Any) -> None:
    with pytest.raises(StatusListError, match="issued by someone else"):
        check(build_entry(URL, 3, "revocation"), list_credential(issuer=issuer), issuer=credential_issuer)


def test_issuer_as_object_on_either_side() -> None:
    entry = build_entry(URL, 3, "revocation")
    assert check(entry, list_credential(issuer={"id": ISSUER}), issuer=ISSUER).status == "clear"
    assert check(entry, list_credential(), issuer={"id": ISSUER, "name": "x"}).status == "clear"


@pytest.mark.parametrize("bit", [False, True])
def test_expired_list_is_unknown_never_clear(bit: bool) -> None:
    bits = StatusList()
    bits.set(3, bit)
    credential = list_credential(
        bits, valid_from=MOMENT - timedelta(days=30), valid_until=MOMENT - timedelta(days=1)
    )
    result = check(build_entry(URL, 3, "revocation"), credential)
    assert result.status == "unknown"
    assert result.reason == "The status list has expired."
    # Within the clock skew it still counts; just past it, it does not.
    edge = list_credential(
        bits, valid_from=MOMENT - timedelta(days=1), valid_until=MOMENT - timedelta(minutes=4)
    )
    assert check(build_entry(URL, 3, "revocation"), edge).status == ("set" if bit else "clear")
    assert check(build_entry(URL, 3, "revocation"), edge, clock_skew=timedelta(minutes=3)).status == "unknown"


def test_list_not_yet_valid_is_unknown() -> None:
    credential = list_credential(valid_from=MOMENT + timedelta(hours=1), valid_until=None)
    result = check(build_entry(URL, 3, "revocation"), credential)
    assert result.status == "unknown"
    assert "not valid yet" in result.reason


@pytest.mark.parametrize(
    "mutate",
    [
        lambda c: c.update(type=["VerifiableCredential"]),
        lambda c: c.update(type="BitstringStatusList"),
        lambda c: c.update(id="https://status.example/lists/8"),
        lambda c: c.update(credentialSubject=[c["credentialSubject"]]),
        lambda c: c.pop("credentialSubject"),
        lambda c: c["credentialSubject"].update(type="StatusList2021"),
        lambda c: c["credentialSubject"].update(statusPurpose=[]),
        lambda c: c["credentialSubject"].update(statusPurpose=[1]),
        lambda c: c["credentialSubject"].pop("encodedList"),
        lambda c: c["credentialSubject"].update(encodedList=gzip_b64(bytes(MIN_BYTES - 1))),
        lambda c: c["credentialSubject"].update(encodedList="zABC"),
        lambda c: c.pop("issuer"),
        lambda c: c.update(issuer={"name": "no id"}),
        lambda c: c.update(validUntil="tomorrow"),
        lambda c: c.update(validFrom="2025-06-01T12:00:00"),  # no time zone
    ],
)
def test_check_refuses_malformed_list_credentials(mutate: Any) -> None:
    credential = list_credential()
    mutate(credential)
    with pytest.raises(StatusListError):
        check(build_entry(URL, 3, "revocation"), credential)


def test_list_credential_without_id_or_validity_is_accepted() -> None:
    credential = list_credential(valid_until=None)
    del credential["id"], credential["validFrom"]
    assert check(build_entry(URL, 3, "revocation"), credential).status == "clear"


def test_naive_moment_and_negative_skew_refused() -> None:
    entry, credential = build_entry(URL, 3, "revocation"), list_credential()
    with pytest.raises(StatusListError):
        check(entry, credential, moment=datetime(2025, 6, 1))
    with pytest.raises(StatusListError):
        check(entry, credential, clock_skew=timedelta(seconds=-1))


def test_bomb_in_a_list_credential_refused() -> None:
    credential = list_credential()
    credential["credentialSubject"]["encodedList"] = b64(zero_bomb(64))
    with pytest.raises(StatusListError, match="larger than"):
        check(build_entry(URL, 3, "revocation"), credential, max_decoded_bytes=MIN_BYTES * 8)


def test_signed_list_credential() -> None:
    signer = did_key.signing_key(Ed25519KeyPair.from_seed(b"\x01" * 32))
    issuer = signer.controller
    bits = StatusList()
    bits.set(77, True)
    unsigned = build_list_credential(URL, issuer, "revocation", bits, MOMENT - timedelta(days=1))
    signed = add_proof(unsigned, signer, ProofOptions(created=MOMENT - timedelta(days=1)))
    assert "proof" in signed
    assert all(r.verified for r in verify_proofs(signed, Resolver(), Expectations(moment=MOMENT)))
    assert check_entry(build_entry(URL, 77, "revocation"), signed, issuer, MOMENT).status == "set"
    assert check_entry(build_entry(URL, 78, "revocation"), signed, {"id": issuer}, MOMENT).status == "clear"
