"""The compact serialisation of SD-JWT (RFC 9901 §4): ``<JWT>~<Disclosure 1>~…~<Disclosure N>~[<KB-JWT>]``.

An SD-JWT without key binding ends with ``~``; an SD-JWT+KB ends with the KB-JWT. ``sd_hash``
(§4.3.1) is the digest of everything before the KB-JWT, final ``~`` included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from nansen.sdjwt.encoding import digest
from nansen.sdjwt.errors import SdJwtFormatError

SEPARATOR: Final = "~"


@dataclass(frozen=True)
class Parts:
    issuer_jwt: str
    disclosures: tuple[str, ...]
    key_binding_jwt: str | None

    @property
    def without_key_binding(self) -> str:
        """The SD-JWT the KB-JWT's ``sd_hash`` covers (§4.3.1)."""
        return join(self.issuer_jwt, self.disclosures)

    def sd_hash(self, algorithm: str) -> str:
        return digest(self.without_key_binding, algorithm)


def join(issuer_jwt: str, disclosures: Sequence[str], key_binding_jwt: str | None = None) -> str:
    return SEPARATOR.join([issuer_jwt, *disclosures]) + SEPARATOR + (key_binding_jwt or "")


def split(text: str) -> Parts:
    if not isinstance(text, str) or SEPARATOR not in text:
        raise SdJwtFormatError("The input is not an SD-JWT: it has no '~' separator.")
    text = text.strip()
    pieces = text.split(SEPARATOR)
    issuer_jwt, middle, last = pieces[0], pieces[1:-1], pieces[-1]
    if not issuer_jwt or any(not piece for piece in middle):
        raise SdJwtFormatError("The SD-JWT has an empty part between two '~' separators.")
    return Parts(issuer_jwt, tuple(middle), last or None)


def looks_like_sd_jwt(text: str) -> bool:
    """Whether text is shaped as an SD-JWT (a JWT then '~'), to tell it from a JSON document."""
    head = text.lstrip()[:1]
    return SEPARATOR in text and head not in ("{", "[") and text.count(".") >= 2
