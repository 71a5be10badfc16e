"""Builders shared by the tests: keys, an identity credential, a presentation."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from nansen import vcdm
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair, SigningKey
from nansen.proofs import ProofOptions, add_proof

PARTNER = did_key.signing_key(Ed25519KeyPair.from_seed(b"\x01" * 32))
HOLDER = did_key.signing_key(Ed25519KeyPair.from_seed(b"\x02" * 32))
STRANGER = did_key.signing_key(Ed25519KeyPair.from_seed(b"\x03" * 32))
ISSUED = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def identity_credential(
    issuer: SigningKey = PARTNER, holder: SigningKey = HOLDER, **extra: Any
) -> dict[str, Any]:
    return vcdm.build_identity_credential(
        issuer=issuer.controller,
        holder=holder.controller,
        document_type="Passport",
        facts={
            "documentNumber": "N0123456",
            "givenName": "Amina",
            "familyName": "Haddad",
            "birthDate": "1990-04-01",
            "issuingCountry": "SY",
        },
        evidence=[
            {
                "type": "DocumentCheck",
                "checkedBy": issuer.controller,
                "checkedAt": "2026-01-05T09:00:00Z",
                "checkMethod": "Original inspected",
            }
        ],
        valid_from=ISSUED,
        **extra,
    )


def signed_credential(
    suite: str = "eddsa-rdfc-2022", signer: SigningKey = PARTNER, **extra: Any
) -> dict[str, Any]:
    return add_proof(identity_credential(**extra), signer, ProofOptions(cryptosuite=suite, created=ISSUED))


def presentation(
    credential: dict[str, Any],
    signer: SigningKey = HOLDER,
    challenge: str = "c-123",
    domain: str = "shelter.example",
    suite: str = "eddsa-rdfc-2022",
) -> dict[str, Any]:
    unsigned = vcdm.build_presentation(holder=signer.controller, credentials=[credential])
    options = ProofOptions(
        purpose="authentication", cryptosuite=suite, challenge=challenge, domain=domain, created=ISSUED
    )
    return add_proof(unsigned, signer, options)


def copy_of(document: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(document)


def first_at_once(read: Callable[[int], Callable[[], Any]], threads: int = 32, rounds: int = 10) -> list[Any]:
    """What ``read(round)`` answers to ``threads`` threads calling it at the same moment, ``rounds``
    times over (each round a fresh source: the moment a service starts, all its requests at once)."""
    answers: list[Any] = []
    for round_ in range(rounds):
        start = threading.Barrier(threads)
        call = read(round_)

        def one(start: threading.Barrier = start, call: Callable[[], Any] = call) -> None:
            start.wait()
            answers.append(call())

        workers = [threading.Thread(target=one) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    return answers
