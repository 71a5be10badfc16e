"""Key derivation: libsodium's crypto_kdf vectors, the Argon2id levels, untrusted header costs."""

from __future__ import annotations

import pytest

from nansen.errors import InvalidInput
from wallet.kdf import LEVELS, Argon2Cost, configured_cost, derive, passphrase_key

#: libsodium test/default/kdf.exp: master key 0..31, context "KDF test".
MASTER = bytes(range(32))
VECTORS = [
    (
        0,
        64,
        "a0c724404728c8bb95e5433eb6a9716171144d61efb23e74b873fcbeda51d807"
        "1b5d70aae12066dfc94ce943f145aa176c055040c3dd73b0a15e36254d450614",
    ),
    (16, 16, "a529216624ef9161e4cf117272aafff2"),
    (32, 32, "154b291f11196737f8b7f491e4ca11764e0227d34f94295408a869f007aa8618"),
]


@pytest.mark.parametrize(("subkey_id", "size", "expected"), VECTORS)
def test_derive_is_libsodium_crypto_kdf(subkey_id: int, size: int, expected: str) -> None:
    assert derive(MASTER, b"KDF test", subkey_id, size).hex() == expected


def test_contexts_and_ids_separate_keys() -> None:
    assert len({derive(MASTER[:16], c, i) for c in (b"nsholder", b"nspartnr") for i in (0, 1)}) == 4
    with pytest.raises(ValueError, match="8 bytes"):
        derive(MASTER, b"short", 0)


def test_the_level_comes_from_the_environment() -> None:
    assert configured_cost({}) == LEVELS["moderate"]
    assert configured_cost({"NANSEN_WALLET_KDF": "sensitive"}) == LEVELS["sensitive"]
    with pytest.raises(InvalidInput):
        configured_cost({"NANSEN_WALLET_KDF": "fast"})


def test_a_header_may_not_ask_for_more_than_sensitive() -> None:
    assert all(level.acceptable() for level in LEVELS.values())
    assert not Argon2Cost(LEVELS["sensitive"].opslimit, LEVELS["sensitive"].memlimit * 2).acceptable()
    assert not Argon2Cost(0, LEVELS["minimum"].memlimit).acceptable()


def test_the_passphrase_is_normalised() -> None:
    salt, cost = bytes(16), LEVELS["minimum"]
    composed, decomposed = "caf\u00e9 au lait", "cafe\u0301 au lait"
    assert passphrase_key(composed, salt, cost) == passphrase_key(decomposed, salt, cost)
    assert passphrase_key(composed, salt, cost) != passphrase_key(composed, bytes(15) + b"\x01", cost)
