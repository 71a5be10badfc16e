"""JWS signing and verification for SD-JWT, on jwcrypto (RFC 7515, RFC 7519, RFC 8037).

Only compact JWS with the algorithms of `ALGORITHMS` is accepted: ``none`` and every other
algorithm are refused before any key is used (RFC 9901 §7.1 step 2.2: ``none`` MUST NOT be
accepted). Headers and payloads are read with Nansen's strict JSON parser (no duplicate keys,
RFC 7515 §5.2 step 4), and the key type must be the algorithm's, so no key can be used with an
algorithm it was not made for.

Ed25519 signatures are checked twice: by jwcrypto, and by libsodium, which refuses small-order
public keys and non-canonical signatures that OpenSSL has been reported to accept (NOTES.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from nansen.keys import Ed25519KeyPair, Ed25519PublicKey
from nansen.sdjwt.encoding import b64decode, b64encode, json_bytes, parse_json
from nansen.sdjwt.errors import SdJwtFormatError, SignatureError

#: The JWS algorithms accepted, and the key type and curve each must be used with.
ALGORITHMS: Final = {"EdDSA": ("OKP", "Ed25519"), "ES256": ("EC", "P-256")}

#: The public members of each key type (RFC 7517 §4, RFC 7518 §6.2.1, RFC 8037 §2).
_PUBLIC_MEMBERS: Final = {"OKP": ("kty", "crv", "x"), "EC": ("kty", "crv", "x", "y")}


@dataclass(frozen=True)
class Jwt:
    """A compact JWS read but not yet verified: its header and claims, strictly parsed."""

    token: str
    header: dict[str, Any]
    claims: dict[str, Any]

    @property
    def algorithm(self) -> Any:
        return self.header.get("alg")


def read(token: str, what: str) -> Jwt:
    """Split and parse a compact JWS (RFC 7515 §7.1) without verifying it; refuse disallowed ``alg``."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise SdJwtFormatError(f"The {what} is not a compact JWS.")
    b64decode(parts[2])  # the signature too must be canonical base64url: one text per signature
    header = parse_json(b64decode(parts[0]), f"{what}'s header")
    claims = parse_json(b64decode(parts[1]), f"{what}'s payload")
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise SdJwtFormatError(f"The {what}'s header and payload must be JSON objects.")
    if header.get("alg") not in ALGORITHMS:
        raise SignatureError(
            f"The {what} is signed with an algorithm that is not accepted (EdDSA, ES256 only)."
        )
    if "crit" in header:
        raise SdJwtFormatError(f"The {what} has critical header parameters this verifier does not know.")
    return Jwt(token, header, claims)


def sign(header: dict[str, Any], claims: dict[str, Any], key: jwk.JWK) -> str:
    """A compact JWS over the claims, with ``alg`` set from the key (the caller's header first)."""
    protected = {"alg": algorithm_for(key), **header}
    token = jws.JWS(json_bytes(claims))
    token.add_signature(key, alg=protected["alg"], protected=json_bytes(protected).decode("utf-8"))
    return str(token.serialize(compact=True))


def verify(jwt: Jwt, key: jwk.JWK, what: str) -> None:
    """Raise `SignatureError` unless the JWS verifies with the key, with the key's own algorithm."""
    algorithm = jwt.algorithm
    if algorithm != algorithm_for(key):
        raise SignatureError(f"The {what}'s algorithm does not match its key.")
    token = jws.JWS()
    token.allowed_algs = [algorithm]
    try:
        token.deserialize(jwt.token)
        token.verify(key, alg=algorithm)
    except (JWException, ValueError) as cause:
        raise SignatureError(f"The {what}'s signature does not verify.") from cause
    if algorithm == "EdDSA":
        signing_input, _, signature = jwt.token.rpartition(".")
        public = Ed25519PublicKey(b64decode(key.export_public(as_dict=True)["x"]))
        if not public.verify(signing_input.encode("ascii"), b64decode(signature)):
            raise SignatureError(f"The {what}'s signature does not verify.")


def algorithm_for(key: jwk.JWK) -> str:
    """The one algorithm a key is used with: EdDSA for Ed25519, ES256 for P-256."""
    public = key.export_public(as_dict=True)
    for algorithm, (kty, crv) in ALGORITHMS.items():
        if public.get("kty") == kty and public.get("crv") == crv:
            return algorithm
    raise SignatureError("The key is neither Ed25519 nor P-256.")


def public_jwk(value: Any, what: str) -> jwk.JWK:
    """A public key from its JWK (``cnf.jwk``, RFC 7800 §3.2); private members are refused."""
    if not isinstance(value, dict) or value.get("kty") not in _PUBLIC_MEMBERS:
        raise SignatureError(f"The {what} is not an Ed25519 or P-256 public JWK.")
    if "d" in value:
        raise SignatureError(f"The {what} carries a private key.")
    members = {k: value[k] for k in _PUBLIC_MEMBERS[value["kty"]] if k in value}
    try:
        key = jwk.JWK(**members)
    except (JWException, ValueError, TypeError) as cause:
        raise SignatureError(f"The {what} is not a usable public key.") from cause
    algorithm_for(key)
    return key


def public_members(key: jwk.JWK) -> dict[str, Any]:
    """The public JWK members of a key, in the order RFC 7638 lists them."""
    public = key.export_public(as_dict=True)
    return {k: public[k] for k in _PUBLIC_MEMBERS[public["kty"]]}


def ed25519_jwk(key_pair: Ed25519KeyPair) -> jwk.JWK:
    """A Nansen Ed25519 key pair as a private OKP JWK (RFC 8037 §2)."""
    return jwk.JWK(kty="OKP", crv="Ed25519", x=b64encode(key_pair.public_key.raw), d=b64encode(key_pair.seed))


def ed25519_public_jwk(public_key: Ed25519PublicKey) -> jwk.JWK:
    return jwk.JWK(kty="OKP", crv="Ed25519", x=b64encode(public_key.raw))
