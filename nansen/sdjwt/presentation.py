"""A holder presenting an SD-JWT: choosing the disclosures, and the Key Binding JWT (RFC 9901 §4.3, §6).

The holder discloses a claim by its path; a disclosure is kept when its claim is asked for, lies
inside a claim asked for, or contains one (a recursive disclosure needs its parent, §4.2.6).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Final

from jwcrypto import jwk

from nansen.sdjwt import jose, serialization
from nansen.sdjwt.disclosures import Path
from nansen.sdjwt.errors import DisclosureError
from nansen.sdjwt.verification import KB_TYP, read

#: The ``aud`` of a KB-JWT made with no verifier named (one way: a QR code shown to whoever scans
#: it). A Nansen verifier takes such a presentation one way: fresh, and accepted once.
ONE_WAY_AUDIENCE: Final = "nansen:one-way"


def _related(a: Path, b: Path) -> bool:
    shorter = min(len(a), len(b))
    return a[:shorter] == b[:shorter]


def select(sd_jwt_text: str, disclose: Collection[Path]) -> str:
    """The SD-JWT with only the disclosures for these claims (ending in ``~``, no key binding)."""
    sd_jwt = read(sd_jwt_text)
    paths = sd_jwt.revealed.paths
    wanted = set(disclose)
    known = set(paths.values()) | _clear_paths(sd_jwt.claims)
    missing = [p for p in wanted if not any(_related(p, k) for k in known)]
    if missing:
        raise DisclosureError("A claim asked to be disclosed is not in the credential.")
    kept = [d for d in sd_jwt.parts.disclosures if any(_related(paths[d], p) for p in wanted)]
    return serialization.join(sd_jwt.parts.issuer_jwt, kept)


def _clear_paths(claims: dict[str, object]) -> set[Path]:
    return {(name,) for name in claims}


def bind(sd_jwt_text: str, holder_key: jwk.JWK, *, nonce: str, audience: str, issued_at: datetime) -> str:
    """Append a KB-JWT signed by the holder's key over this exact SD-JWT (``sd_hash``, §4.3.1)."""
    sd_jwt = read(sd_jwt_text)
    claims = {
        "iat": int(issued_at.timestamp()),
        "aud": audience,
        "nonce": nonce,
        "sd_hash": sd_jwt.parts.sd_hash(sd_jwt.hash_algorithm),
    }
    kb_jwt = jose.sign({"typ": KB_TYP}, claims, holder_key)
    return serialization.join(sd_jwt.parts.issuer_jwt, sd_jwt.parts.disclosures, kb_jwt)


def present(
    sd_jwt_text: str,
    disclose: Collection[Path],
    holder_key: jwk.JWK,
    *,
    nonce: str,
    audience: str,
    issued_at: datetime,
) -> str:
    """An SD-JWT+KB disclosing only the claims asked for, bound to this verifier's nonce and audience."""
    return bind(
        select(sd_jwt_text, disclose), holder_key, nonce=nonce, audience=audience, issued_at=issued_at
    )
