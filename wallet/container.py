"""The wallet file, format version 1: a header and a fixed number of equal, encrypted slots.

Layout::

    header (wallet.header: magic "NSWALLET", record count 3, Argon2id cost, salt)       40 bytes
    slot 0 ‖ slot 1 ‖ slot 2                                           262,120 bytes each

A slot is an XChaCha20-Poly1305 record (:mod:`wallet.aead`) of :data:`wallet.payload.CAPACITY`
bytes of plaintext, sealed under the Argon2id key of one passphrase with the header and the slot's
number as additional data; or, when unused, the same number of random bytes, which nobody can tell
apart from a record. A passphrase is hashed once (one Argon2id run, whatever the file holds) and
tried on **every** slot, so the time to open, like the file's name and size, is the same whether
one wallet, or a wallet and a duress wallet, live in the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from wallet import aead, atomic, header, payload
from wallet.errors import NoWallet, WalletDamaged
from wallet.header import Header
from wallet.kdf import Argon2Cost

MAGIC: Final = b"NSWALLET"
SLOTS: Final = 3
SLOT_SIZE: Final = payload.CAPACITY + aead.OVERHEAD
FILE_SIZE: Final = header.SIZE + SLOTS * SLOT_SIZE
FILE_NAME: Final = "wallet"
_DAMAGED: Final = "The wallet file is damaged or is not a Nansen wallet."
NO_WALLET: Final = "There is no wallet here; create one with `nansen wallet init`."


@dataclass(frozen=True)
class Opened:
    """What a passphrase opened: the slot's number, its key, and the state it holds."""

    slot: int
    key: bytes
    state: dict[str, Any]


@dataclass(frozen=True)
class WalletFile:
    header: Header
    slots: tuple[bytes, ...]

    @classmethod
    def new(cls, cost: Argon2Cost) -> WalletFile:
        """A file whose every slot is random: no wallet yet, indistinguishable from a used one."""
        return cls(Header.new(MAGIC, SLOTS, cost), tuple(os.urandom(SLOT_SIZE) for _ in range(SLOTS)))

    @classmethod
    def parse(cls, data: bytes) -> WalletFile:
        found = Header.parse(data, MAGIC, SLOTS)
        if found is None or len(data) != FILE_SIZE:
            raise WalletDamaged(_DAMAGED)
        body = data[header.SIZE :]
        return cls(found, tuple(body[i * SLOT_SIZE : (i + 1) * SLOT_SIZE] for i in range(SLOTS)))

    @classmethod
    def read(cls, directory: Path) -> WalletFile:
        try:
            data = (directory / FILE_NAME).read_bytes()
        except FileNotFoundError:
            raise NoWallet(NO_WALLET) from None
        except OSError as error:
            raise WalletDamaged(f"The wallet file cannot be read: {error.strerror}.") from error
        return cls.parse(data)

    def open(self, key: bytes) -> Opened | None:
        """The slot this key opens, trying every slot whatever happens (constant work)."""
        found: Opened | None = None
        for index, record in enumerate(self.slots):
            plaintext = aead.unseal(key, record, self._associated(index))
            if plaintext is not None and found is None:
                found = Opened(index, key, payload.unpack(plaintext))
        return found

    def with_slot(self, index: int, key: bytes, state: dict[str, Any]) -> WalletFile:
        """This file with slot ``index`` sealing ``state``; every other slot's bytes kept as they are."""
        slots = list(self.slots)
        slots[index] = aead.seal(key, payload.pack(state), self._associated(index))
        return WalletFile(self.header, tuple(slots))

    def write(self, directory: Path) -> None:
        atomic.replace(directory / FILE_NAME, (self.header.raw, *self.slots))

    def _associated(self, index: int) -> bytes:
        return self.header.raw + bytes((index,))
