"""Base45 (RFC 9285): two bytes in three characters of the QR alphanumeric set.

The 45 characters are exactly those of QR alphanumeric mode (ISO/IEC 18004), which stores one in
5.5 bits, so Base45 text fills a QR code more densely than Base64 in byte mode.
"""

from __future__ import annotations

from typing import Final

from nansen.qr.errors import QRCodeError

#: RFC 9285 §4.2, Table 1: the value of each character is its position.
ALPHABET: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE: Final = {character: value for value, character in enumerate(ALPHABET)}


def encode(data: bytes) -> str:
    """Each two bytes ``a, b`` (n = a·256 + b) become ``c, d, e`` with n = c + 45·d + 45²·e; a last
    odd byte becomes two characters (RFC 9285 §4)."""
    out: list[str] = []
    for start in range(0, len(data) - 1, 2):
        n = data[start] << 8 | data[start + 1]
        out += (ALPHABET[n % 45], ALPHABET[n // 45 % 45], ALPHABET[n // 2025])
    if len(data) % 2:
        out += (ALPHABET[data[-1] % 45], ALPHABET[data[-1] // 45])
    return "".join(out)


def decode(text: str) -> bytes:
    """Strict inverse of :func:`encode`: only the 45 characters (RFC 9285 §6), no length of the
    form 3k + 1, no chunk above 65535 (three characters) or 255 (a final two)."""
    if len(text) % 3 == 1:
        raise QRCodeError("The QR text is not Base45: its length cannot be decoded.")
    try:
        values = [_VALUE[character] for character in text]
    except KeyError:
        raise QRCodeError("The QR text has a character outside the Base45 alphabet.") from None
    out = bytearray()
    for start in range(0, len(values), 3):
        chunk = values[start : start + 3]
        n = sum(value * 45**place for place, value in enumerate(chunk))
        width = len(chunk) - 1
        if n >= 256**width:
            raise QRCodeError("The QR text is not Base45: a group of characters is out of range.")
        out += n.to_bytes(width, "big")
    return bytes(out)
