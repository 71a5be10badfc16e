"""A verifier's challenge a person can scan or type: the short code, and the ``NC1:`` text of its QR code.

A verifier's page gives the holder a challenge (Data Integrity 1.0 §2.1, ``challenge`` and
``domain``) as a QR code and as a short code to type when no camera works:

- The short code is 12 characters of Crockford's Base32 alphabet (digits and capitals without
  I, L, O, U), shown in groups of four (``7KQ2-M9XD-4RTB``): 60 bits. That is enough for a nonce
  that is single use, lives minutes and is checked by the verifier that issued it: someone who signs
  presentations in advance with guessed codes matches a live one with probability (live codes) /
  2^60. Typed codes are read as Crockford's decoding reads them: case, spaces and hyphens do not
  matter, O is 0, I and L are 1.
- The QR code's text is ``NC1:`` + the short code (12 characters, no hyphens) + ``:`` + the
  verifier's domain, e.g. ``NC1:7KQ2M9XD4RTB:shelter.example.org``. The domain goes in the proof;
  a person who types the code types the domain the page shows under it.

The challenge the holder signs is the short code without hyphens, exactly as the verifier issued it.
"""

from __future__ import annotations

import secrets
from typing import Final, NamedTuple

from nansen.qr.errors import QRCodeError

#: Crockford's Base32: 32 symbols, none of which looks like another.
ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 12 symbols of 5 bits: 60 bits.
CODE_LENGTH: Final = 12
GROUP: Final = 4
CHALLENGE_PREFIX: Final = "NC1:"
#: What a person may type for a symbol that is not in the alphabet (Crockford's decoding).
_TYPED: Final = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})
#: A domain is a host name, possibly with a port: nothing that could smuggle other text into a proof.
_DOMAIN_CHARACTERS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
MAX_DOMAIN: Final = 253


class ScannedChallenge(NamedTuple):
    challenge: str
    domain: str


def new_code() -> str:
    """A fresh short code, as issued (no hyphens)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def grouped(code: str) -> str:
    """The code as shown to a person: groups of four joined by hyphens."""
    return "-".join(code[start : start + GROUP] for start in range(0, len(code), GROUP))


def read_code(typed: str) -> str:
    """The code a person typed, as issued; `QRCodeError` if it cannot be one."""
    code = typed.strip().upper().translate(_TYPED)
    if len(code) != CODE_LENGTH or any(symbol not in ALPHABET for symbol in code):
        raise QRCodeError("This is not a verifier's short code.", "not-nansen")
    return code


def read_domain(text: str) -> str:
    """A verifier's domain (a host name, with a port perhaps), as written (the proof's domain must
    equal the verifier's exactly); `QRCodeError` if it cannot be one."""
    domain = text.strip()
    if not domain or len(domain) > MAX_DOMAIN or not set(domain) <= _DOMAIN_CHARACTERS:
        raise QRCodeError("This is not a verifier's domain.", "not-nansen")
    return domain


def encode_challenge(code: str, domain: str) -> str:
    """The ``NC1:`` text of a challenge's QR code."""
    return f"{CHALLENGE_PREFIX}{read_code(code)}:{read_domain(domain)}"


def decode_challenge(text: str) -> ScannedChallenge:
    """The challenge and domain of an ``NC1:`` text; `QRCodeError` if it is not one."""
    if not text.startswith(CHALLENGE_PREFIX):
        raise QRCodeError("This is not a verifier's challenge.", "not-nansen")
    code, separator, domain = text[len(CHALLENGE_PREFIX) :].partition(":")
    if not separator or len(code) != CODE_LENGTH:
        raise QRCodeError("This is not a verifier's challenge.", "damaged")
    return ScannedChallenge(read_code(code), read_domain(domain))
