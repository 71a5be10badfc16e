"""A request's verdict, sealed to its read key while it waits to be read, and read once.

The wallet's answer is judged when it arrives, but only the request's maker (the scan page, or an
API caller) holds the read key that may see it. The verdict, with the facts disclosed, is kept
meanwhile sealed (libsodium's sealed box, X25519) to a public key derived from the read key: the
row holds that public key and the read key's SHA-256, never the read key, so the database alone
never opens a verdict. Reading it deletes it (DESIGN.md §4: a verifier keeps nothing after
showing a result), in one conditional ``DELETE``: of two readers racing, one gets it.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, Final

from nacl.encoding import RawEncoder
from nacl.hash import blake2b
from nacl.public import PrivateKey, PublicKey, SealedBox

from nansen.verify import Check, Outcome, VerificationResult

#: Keeps the sealing key apart from the read key's other use (its SHA-256 in the row).
_PURPOSE: Final = b"nansen openid4vp verdict"


def _private_key(read_key: str) -> PrivateKey:
    seed = blake2b(read_key.encode("utf-8"), key=_PURPOSE, digest_size=32, encoder=RawEncoder)
    return PrivateKey(seed)


def seal_key(read_key: str) -> str:
    """The public key (base64) a verdict for this read key is sealed to."""
    return base64.b64encode(bytes(_private_key(read_key).public_key)).decode("ascii")


def seal(result: VerificationResult, public_key: str) -> str:
    """The whole result (checks, credentials' results, disclosed documents), sealed, as base64."""
    box = SealedBox(PublicKey(base64.b64decode(public_key)))
    return base64.b64encode(box.encrypt(json.dumps(_record(result)).encode("utf-8"))).decode("ascii")


def unseal(sealed: str, read_key: str) -> VerificationResult:
    box = SealedBox(_private_key(read_key))
    return _result(json.loads(box.decrypt(base64.b64decode(sealed))))


def _record(result: VerificationResult) -> dict[str, Any]:
    return {
        "kind": result.kind,
        "checks": [
            [c.name, c.outcome.value, c.reason, c.refreshed_at.isoformat() if c.refreshed_at else None]
            for c in result.checks
        ],
        "credentials": [_record(c) for c in result.credentials],
        "document": result.document,
        "sdJwt": result.sd_jwt,
    }


def _result(record: dict[str, Any]) -> VerificationResult:
    checks = [
        Check(name, Outcome(outcome), reason, datetime.fromisoformat(at) if at else None)
        for name, outcome, reason, at in record["checks"]
    ]
    return VerificationResult(
        kind=record["kind"],
        checks=checks,
        credentials=[_result(c) for c in record["credentials"]],
        document=record["document"],
        sd_jwt=record["sdJwt"],
    )
