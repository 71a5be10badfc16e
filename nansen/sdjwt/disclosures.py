"""Disclosures: making claims selectively disclosable, and putting them back (RFC 9901 §4.2, §7.1).

A disclosure is the base64url of the JSON array ``[salt, name, value]`` (an object property) or
``[salt, value]`` (an array element); the issuer-signed JWT carries only its digest, in an
object's ``_sd`` array or as ``{"...": digest}`` in an array. Salts are 128 random bits
(§9.3). Decoy digests (§4.2.5) hide how many claims are concealed; digests are sorted (§4.2.4.1)
so their order reveals nothing of the claims'.

A path names a claim: a tuple of object keys and array indexes from the payload's top.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from nansen.sdjwt.encoding import b64decode, b64encode, digest, json_bytes, parse_json
from nansen.sdjwt.errors import DisclosureError, SdJwtFormatError

Path = tuple[str | int, ...]

SALT_BYTES: Final = 16
#: RFC 9901 §4.2.1: names a disclosure may not give a claim.
RESERVED_NAMES: Final = frozenset({"_sd", "..."})
#: SD-JWT VC §3.2.2.2 (draft-ietf-oauth-sd-jwt-vc): claims that must never be selectively disclosable.
NEVER_DISCLOSABLE: Final = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})


@dataclass(frozen=True)
class Disclosure:
    encoded: str
    salt: str
    #: The claim's name; None for an array element.
    name: str | None
    value: Any

    def digest(self, algorithm: str) -> str:
        return digest(self.encoded, algorithm)


def make(name: str | None, value: Any) -> Disclosure:
    """A new disclosure with a fresh 128-bit salt."""
    if name in RESERVED_NAMES:
        raise DisclosureError("A claim named '_sd' or '...' cannot be disclosed.")
    salt = b64encode(secrets.token_bytes(SALT_BYTES))
    array = [salt, value] if name is None else [salt, name, value]
    return Disclosure(b64encode(json_bytes(array)), salt, name, value)


def parse(encoded: str) -> Disclosure:
    """Read a disclosure (§4.2.1, §4.2.2) and refuse a reserved claim name (§7.1 step 3.3.2.2.1)."""
    array = parse_json(b64decode(encoded), "disclosure")
    if not isinstance(array, list) or len(array) not in (2, 3) or not isinstance(array[0], str):
        raise SdJwtFormatError("A disclosure is not an array of a salt, an optional name and a value.")
    if len(array) == 2:
        return Disclosure(encoded, array[0], None, array[1])
    name = array[1]
    if not isinstance(name, str):
        raise SdJwtFormatError("A disclosure's claim name is not a string.")
    if name in RESERVED_NAMES:
        raise DisclosureError("A disclosure names a reserved claim ('_sd' or '...').")
    return Disclosure(encoded, array[0], name, array[2])


def decoy_digest(algorithm: str) -> str:
    """A digest of random bytes, indistinguishable from a real one (§4.2.5)."""
    return digest(b64encode(secrets.token_bytes(SALT_BYTES)), algorithm)


@dataclass
class Concealed:
    payload: dict[str, Any]
    disclosures: list[Disclosure] = field(default_factory=list)


def conceal(
    claims: Mapping[str, Any], disclosable: Collection[Path], algorithm: str, decoys: int = 2
) -> Concealed:
    """The payload with each claim at a ``disclosable`` path replaced by its digest.

    A disclosable path under another gives a recursive disclosure (§4.2.6): the inner claim is
    concealed inside the outer one's value. Every object that conceals a claim gets ``decoys``
    decoy digests as well.
    """
    wanted = set(disclosable)
    for path in wanted:
        if len(path) == 1 and path[0] in NEVER_DISCLOSABLE:
            raise DisclosureError(
                f"The claim '{path[0]}' must not be selectively disclosable (SD-JWT VC §3.2.2.2)."
            )
    result = Concealed({})
    result.payload = _conceal(dict(claims), (), wanted, algorithm, decoys, result.disclosures)
    return result


def _conceal(
    value: Any, path: Path, wanted: set[Path], algorithm: str, decoys: int, out: list[Disclosure]
) -> Any:
    if isinstance(value, Mapping):
        kept: dict[str, Any] = {}
        digests: list[str] = []
        for name, item in value.items():
            if name in RESERVED_NAMES:
                raise DisclosureError("A claim cannot be named '_sd' or '...'.")
            inner = _conceal(item, (*path, name), wanted, algorithm, decoys, out)
            if (*path, name) in wanted:
                disclosure = make(name, inner)
                out.append(disclosure)
                digests.append(disclosure.digest(algorithm))
            else:
                kept[name] = inner
        if digests:
            digests.extend(decoy_digest(algorithm) for _ in range(decoys))
            kept["_sd"] = sorted(digests)
        return kept
    if isinstance(value, list):
        items: list[Any] = []
        for index, item in enumerate(value):
            inner = _conceal(item, (*path, index), wanted, algorithm, decoys, out)
            if (*path, index) in wanted:
                disclosure = make(None, inner)
                out.append(disclosure)
                items.append({"...": disclosure.digest(algorithm)})
            else:
                items.append(inner)
        return items
    return value


@dataclass(frozen=True)
class Revealed:
    """The claims with every given disclosure put back, and what was and was not disclosed."""

    claims: dict[str, Any]
    #: The path of every claim a disclosure put back, in the order they were found.
    disclosed: tuple[Path, ...]
    #: Digests no disclosure answered: claims not disclosed, or decoys (which cannot be told apart).
    undisclosed_digests: int
    #: Each disclosure's path, by its encoded form (a holder chooses which to present by path).
    paths: Mapping[str, Path]


def reveal(payload: Mapping[str, Any], encoded: list[str], algorithm: str, max_depth: int) -> Revealed:
    """RFC 9901 §7.1 steps 3 to 5: replace digests by the claims their disclosures carry.

    Refused, each with its own message: a disclosure given twice, a digest that appears more than
    once, a reserved claim name, a name already present in the object, an object property's
    disclosure referenced from an array or an array element's from an object, ``...`` beside other
    keys, and a disclosure no digest references.
    """
    by_digest: dict[str, Disclosure] = {}
    for text in encoded:
        disclosure = parse(text)
        key = disclosure.digest(algorithm)
        if key in by_digest:
            raise DisclosureError("The same disclosure is given more than once.")
        by_digest[key] = disclosure
    walk = _Walk(by_digest, algorithm, max_depth)
    top = dict(payload)
    top.pop("_sd_alg", None)
    claims = walk.value(top, ())
    unused = set(by_digest) - walk.used
    if unused:
        raise DisclosureError("A disclosure is not referenced by any digest in the SD-JWT.")
    return Revealed(claims, tuple(walk.disclosed), walk.unanswered, walk.paths)


class _Walk:
    def __init__(self, by_digest: dict[str, Disclosure], algorithm: str, max_depth: int) -> None:
        self.by_digest = by_digest
        self.algorithm = algorithm
        self.max_depth = max_depth
        self.seen: set[str] = set()
        self.used: set[str] = set()
        self.disclosed: list[Path] = []
        self.paths: dict[str, Path] = {}
        self.unanswered = 0

    def _take(self, key: Any) -> Disclosure | None:
        if not isinstance(key, str):
            raise SdJwtFormatError("A digest in the SD-JWT is not a string.")
        if key in self.seen:
            raise DisclosureError("A digest appears more than once in the SD-JWT.")
        self.seen.add(key)
        disclosure = self.by_digest.get(key)
        if disclosure is None:
            self.unanswered += 1
        else:
            self.used.add(key)
        return disclosure

    def value(self, value: Any, path: Path) -> Any:
        if len(path) > self.max_depth:
            raise SdJwtFormatError("The SD-JWT's claims are nested too deeply.")
        if isinstance(value, dict):
            return self._object(value, path)
        if isinstance(value, list):
            return self._array(value, path)
        return value

    def _object(self, value: dict[str, Any], path: Path) -> dict[str, Any]:
        digests = value.get("_sd", [])
        if not isinstance(digests, list):
            raise SdJwtFormatError("An '_sd' member is not an array of digests.")
        if path and "_sd_alg" in value:
            raise SdJwtFormatError("'_sd_alg' may appear only at the top of the SD-JWT.")
        result = {k: self.value(v, (*path, k)) for k, v in value.items() if k != "_sd"}
        for key in digests:
            disclosure = self._take(key)
            if disclosure is None:
                continue
            if disclosure.name is None:
                raise DisclosureError("An array element's disclosure is referenced from an object.")
            if disclosure.name in result:
                raise DisclosureError("A disclosure names a claim that is already present.")
            claim_path = (*path, disclosure.name)
            self.paths[disclosure.encoded] = claim_path
            self.disclosed.append(claim_path)
            result[disclosure.name] = self.value(disclosure.value, claim_path)
        return result

    def _array(self, value: list[Any], path: Path) -> list[Any]:
        result: list[Any] = []
        for item in value:
            if isinstance(item, dict) and "..." in item:
                if len(item) != 1:
                    raise SdJwtFormatError("An array element's digest must be alone in its object.")
                disclosure = self._take(item["..."])
                if disclosure is None:
                    continue
                if disclosure.name is not None:
                    raise DisclosureError("An object property's disclosure is referenced from an array.")
                element_path = (*path, len(result))
                self.paths[disclosure.encoded] = element_path
                self.disclosed.append(element_path)
                result.append(self.value(disclosure.value, element_path))
            else:
                result.append(self.value(item, (*path, len(result))))
        return result
