"""The plaintext header of the wallet file and of backups: what is needed to derive the key.

::

    magic (8 bytes) ‖ version 0x01 ‖ algorithm 0x02 (Argon2id 1.3) ‖ record count ‖ 0x00
    ‖ opslimit (4 bytes, big-endian) ‖ memlimit (8 bytes, big-endian) ‖ salt (16 bytes)    40 bytes

It is authenticated as the additional data of every record that follows it.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import Final

from wallet.kdf import ALGORITHM_ARGON2ID13, SALT_SIZE, Argon2Cost, passphrase_key

VERSION: Final = 1
_LAYOUT: Final = struct.Struct(">8sBBBxIQ16s")
SIZE: Final = _LAYOUT.size


@dataclass(frozen=True)
class Header:
    magic: bytes
    count: int
    cost: Argon2Cost
    salt: bytes

    @classmethod
    def new(cls, magic: bytes, count: int, cost: Argon2Cost) -> Header:
        return cls(magic, count, cost, os.urandom(SALT_SIZE))

    @classmethod
    def parse(cls, data: bytes, magic: bytes, count: int) -> Header | None:
        """The header at the start of ``data``, or None unless it is one of this kind and version
        with an acceptable cost."""
        if len(data) < SIZE:
            return None
        found, version, algorithm, found_count, opslimit, memlimit, salt = _LAYOUT.unpack_from(data)
        header = cls(found, found_count, Argon2Cost(opslimit, memlimit), salt)
        if (found, version, algorithm, found_count) != (magic, VERSION, ALGORITHM_ARGON2ID13, count):
            return None
        return header if header.cost.acceptable() else None

    @property
    def raw(self) -> bytes:
        return _LAYOUT.pack(
            self.magic,
            VERSION,
            ALGORITHM_ARGON2ID13,
            self.count,
            self.cost.opslimit,
            self.cost.memlimit,
            self.salt,
        )

    def key_for(self, passphrase: str) -> bytes:
        return passphrase_key(passphrase, self.salt, self.cost)
