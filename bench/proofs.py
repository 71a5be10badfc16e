"""Time Data Integrity signing and verification, per cryptosuite.

    .venv/bin/python bench/proofs.py [--credential FILE] [--n N] [--json]

Without ``--credential``, signs a built-in IdentityDocumentCredential (VC 2.0 and nansen contexts,
a did:key issuer, evidence, a related resource and two BitstringStatusListEntry entries) and
verifies it. With ``--credential``, the file's credential is signed (its unsigned form, with a
fixed did:key) and, for the suite of its own proofs, verified as given when those proofs verify
(else the copy signed here is verified). Each operation runs N times per suite after a warm-up;
the figures are milliseconds per operation (median, 10th and 90th percentile). ``add_proof`` and
``verify_proofs(doc, Resolver(), Expectations())`` as the library's users call them.
Benchmarks print figures; tests never assert them.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import CREATED, HOLDER, ISSUER, timings

from nansen.did import Resolver
from nansen.proofs import SUITES, Expectations, ProofOptions, add_proof, verify_proofs

MOMENT = datetime(2026, 6, 1, tzinfo=UTC)
STATUS_LIST = "https://status.nansen.example/lists/7"


def identity_credential() -> dict[str, Any]:
    issuer = ISSUER.controller
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/nansen/v1"],
        "id": "urn:uuid:0b6a4f8e-52a1-4c36-9a0f-0f2d3c4e5a6b",
        "type": ["VerifiableCredential", "IdentityDocumentCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-05T09:30:00Z",
        "validUntil": "2036-01-05T09:30:00Z",
        "credentialSubject": {
            "id": HOLDER.controller,
            "type": "IdentityDocumentHolder",
            "identityDocument": {
                "type": ["IdentityDocument", "Passport"],
                "documentNumber": "N0123456",
                "givenName": "Amina",
                "familyName": "Haddad",
                "birthDate": "1990-04-01",
                "birthPlace": "Aleppo",
                "issuingCountry": "SY",
                "dateOfIssue": "2015-03-02",
                "dateOfExpiry": "2025-03-01",
            },
        },
        "evidence": [
            {
                "type": "DocumentCheck",
                "checkedBy": issuer,
                "checkedAt": "2026-01-05T09:00:00Z",
                "checkMethod": "Original inspected under UV light",
                "documentPresence": "Physical",
                "subjectPresence": "Physical",
            }
        ],
        "relatedResource": [
            {
                "id": "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
                "digestMultibase": "uEiBZt3T1V-2D3Fl1ZGbIBv4jV9KfB6ZWgk5hO9wV-aD8Xg",
            }
        ],
        "credentialStatus": [
            {
                "id": f"{STATUS_LIST}/revocation#94567",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "94567",
                "statusListCredential": f"{STATUS_LIST}/revocation",
            },
            {
                "id": f"{STATUS_LIST}/suspension#23452",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "suspension",
                "statusListIndex": "23452",
                "statusListCredential": f"{STATUS_LIST}/suspension",
            },
        ],
    }


def _verifies(document: dict[str, Any], resolver: Resolver, expect: Expectations) -> bool:
    outcome = verify_proofs(document, resolver, expect)
    return bool(outcome) and all(r.verified for r in outcome)


def bench(credential: dict[str, Any], n: int) -> dict[str, dict[str, dict[str, float]]]:
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    proofs = credential.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if isinstance(proofs, dict) else []
    resolver = Resolver()
    expect = Expectations(moment=MOMENT)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for suite in SUITES:
        options = ProofOptions(cryptosuite=suite, created=CREATED)
        signed = add_proof(unsigned, ISSUER, options)
        if not _verifies(signed, resolver, expect):
            raise SystemExit(f"{suite}: the credential signed here does not verify.")
        given = proofs and all(p.get("cryptosuite") == suite for p in proofs)
        if given and _verifies(credential, resolver, expect):
            signed = credential
            print(f"{suite}: verifying the credential as given", file=sys.stderr)

        def sign(options: ProofOptions = options) -> object:
            return add_proof(unsigned, ISSUER, options)

        def verify(signed: dict[str, Any] = signed) -> object:
            return verify_proofs(signed, resolver, expect)

        for _ in range(max(20, n // 10)):  # warm-up: caches, allocator, branch predictors
            sign()
            verify()
        results[suite] = {"sign": timings(sign, n), "verify": timings(verify, n)}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--credential", type=Path, help="a credential (JSON) to sign and verify")
    parser.add_argument("--n", type=int, default=1000, help="operations per measurement (default 1000)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.n < 10:
        parser.error("--n must be at least 10")
    credential = (
        json.loads(args.credential.read_text(encoding="utf-8")) if args.credential else identity_credential()
    )
    results = bench(credential, args.n)
    if args.json:
        print(json.dumps({"n": args.n, "unit": "ms", "results": results}, indent=2))
        return 0
    print(f"{'suite':<16} {'operation':<9} {'median':>8} {'p10':>8} {'p90':>8}   (ms, n={args.n})")
    for suite, operations in results.items():
        for operation, figures in operations.items():
            print(
                f"{suite:<16} {operation:<9} {figures['median']:8.3f} {figures['p10']:8.3f} {figures['p90']:8.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
