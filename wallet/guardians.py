"""Guardian shares of the master secret: SLIP-0039 ("Shamir's Secret-Sharing for Mnemonic Codes"),
with Trezor's reference implementation, the ``shamir-mnemonic`` package.

One group of N member shares with threshold K; no SLIP-39 passphrase (the shares alone recover
the secret: it is what the guardians are for). The master secret is 16 bytes, so each share is 20
words. Any K guardians together can recover the master secret, and with the backup the whole
wallet; fewer learn nothing about it (Shamir's scheme over GF(256)).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import shamir_mnemonic  # type: ignore[import-untyped, unused-ignore]

from wallet.errors import GuardianShareError

MAX_SHARES: Final = 16


def split(master: bytes, threshold: int, shares: int) -> list[str]:
    """N mnemonic shares of which any K recover ``master``."""
    if not 1 <= threshold <= shares <= MAX_SHARES:
        raise GuardianShareError(
            f"Choose a threshold between 1 and the number of shares, at most {MAX_SHARES}."
        )
    if threshold == 1 and shares > 1:
        raise GuardianShareError(
            "A threshold of 1 would let any one guardian recover the wallet: choose 2 or more."
        )
    groups: list[list[str]] = shamir_mnemonic.generate_mnemonics(1, [(threshold, shares)], master)
    return groups[0]


def combine(mnemonics: Iterable[str]) -> bytes:
    """The master secret from K or more shares (each checked by its RS1024 checksum, the result by
    SLIP-39's digest); shares beyond the threshold are not needed and not used."""
    words = [" ".join(m.split()).lower() for m in mnemonics if m.strip()]
    if not words:
        raise GuardianShareError("No guardian share was given.")
    try:
        groups = shamir_mnemonic.decode_mnemonics(words)
        minimal = {index: group.get_minimal_group() for index, group in groups.items()}
        secret: bytes = shamir_mnemonic.recover_ems(minimal).decrypt(b"")
    except (shamir_mnemonic.MnemonicError, ValueError) as error:
        raise GuardianShareError(
            "The guardian shares do not recover the secret: a share is mistyped, missing, or from another set."
        ) from error
    return secret
