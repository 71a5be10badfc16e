"""What the host accepts as a wallet file (WEBWALLET-PROTOCOL.md): the command line's, byte for
byte (`wallet.container`): exactly `FILE_SIZE` bytes, ``NSWALLET`` version 1, Argon2id, three slots,
a cost no higher than ``sensitive``. It cannot look inside (the slots are ciphertext), so this is all
it checks; a larger body never gets here (the body limit answers 413 before reading it)."""

from __future__ import annotations

from typing import Final

from service.problems import Problem
from wallet import header
from wallet.container import FILE_SIZE, MAGIC, SLOTS
from wallet.header import Header

#: The byte after the magic that holds the format's version.
_VERSION_AT: Final = len(MAGIC)


def check(data: bytes) -> None:
    if len(data) != FILE_SIZE:
        raise Problem(422, f"A wallet file is exactly {FILE_SIZE:,} bytes; this body is {len(data):,}.")
    if not data.startswith(MAGIC) or data[_VERSION_AT] != header.VERSION:
        raise Problem(415, "This is not a Nansen wallet file of version 1 (NSWALLET).")
    if Header.parse(data, MAGIC, SLOTS) is None:
        raise Problem(
            422,
            "The wallet file's header is not accepted: Argon2id with three slots, at a cost no higher "
            "than 'sensitive', is required.",
        )
