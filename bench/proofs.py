"""Time Data Integrity signing and verification, per cryptosuite: cold, warm, and Digital Bazaar's.

    .venv/bin/python bench/proofs.py [--credential FILE] [--n N] [--no-js] [--json]

Without ``--credential``, signs a built-in IdentityDocumentCredential (VC 2.0 and nansen contexts,
a did:key issuer, evidence, a related resource and two BitstringStatusListEntry entries) and
verifies it. With ``--credential``, the file's credential is signed (its unsigned form, with a
fixed did:key) and, for the suite of its own proofs, verified as given when those proofs verify
(else the copy signed here is verified). Each operation runs N times per suite after a warm-up;
the figures are milliseconds per operation (median, 10th and 90th percentile). ``add_proof`` and
``verify_proofs(doc, Resolver(), Expectations())`` as the library's users call them.

Three figures per operation: *cold*, the first document of its shape (the JSON-LD shape cache of
``nansen/rdf_templates.py`` cleared before each run; contexts stay parsed, as in any process that
has verified once); *warm*, a document whose shape was seen before (a verifier's steady state);
and *JS*, Digital Bazaar's @digitalbazaar/vc on the same credential in the same run
(``tests/interop/dbvc.mjs time``; it has no shape cache; its verify checks the proof, with the
status entries taken as good). eddsa-jcs-2022 has no shape cache: cold and warm measure the same.
Benchmarks print figures; tests never assert them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import CREATED, HOLDER, ISSUER, timings

from nansen import jsonld, rdf_templates
from nansen.did import Resolver
from nansen.proofs import SUITES, Expectations, ProofOptions, add_proof, verify_proofs

MOMENT = datetime(2026, 6, 1, tzinfo=UTC)
DBVC = Path(__file__).resolve().parent.parent / "tests" / "interop" / "dbvc.mjs"
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


def cold(operation: Callable[[], object]) -> Callable[[], object]:
    """``operation`` on a document whose shape was never seen: the shape cache cleared first."""
    shapes = rdf_templates.cache_for(jsonld.default_store())

    def first_of_its_shape() -> object:
        shapes.clear()
        return operation()

    return first_of_its_shape


def javascript(unsigned: dict[str, Any], suite: str, n: int) -> dict[str, dict[str, float]] | None:
    """Digital Bazaar's figures for the same credential, or None when Node or its packages are missing."""
    if shutil.which("node") is None or not (DBVC.parent / "node_modules").is_dir():
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json") as key:
        json.dump(ISSUER.to_json(), key)
        key.flush()
        command = ["node", str(DBVC), "time", "--suite", suite, "--key", key.name]
        command += ["--created", CREATED.isoformat().replace("+00:00", "Z"), "--n", str(n)]
        finished = subprocess.run(
            command, input=json.dumps(unsigned), capture_output=True, text=True, check=False
        )
    if finished.returncode != 0:
        raise SystemExit(f"{suite}: Digital Bazaar's timing failed: {finished.stdout}{finished.stderr}")
    figures: dict[str, dict[str, float]] = json.loads(finished.stdout)
    return figures


Figures = dict[str, dict[str, dict[str, dict[str, float]]]]


def bench(credential: dict[str, Any], n: int, with_js: bool = True) -> Figures:
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    proofs = credential.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if isinstance(proofs, dict) else []
    resolver = Resolver()
    expect = Expectations(moment=MOMENT)
    results: Figures = {}
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
        js = javascript(unsigned, suite, n) if with_js else None
        results[suite] = {
            name: {
                "cold": timings(cold(operation), n),
                "warm": timings(operation, n),
                **({"js": js[name]} if js else {}),
            }
            for name, operation in (("sign", sign), ("verify", verify))
        }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--credential", type=Path, help="a credential (JSON) to sign and verify")
    parser.add_argument("--n", type=int, default=1000, help="operations per measurement (default 1000)")
    parser.add_argument("--no-js", action="store_true", help="do not time Digital Bazaar's implementation")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.n < 10:
        parser.error("--n must be at least 10")
    credential = (
        json.loads(args.credential.read_text(encoding="utf-8")) if args.credential else identity_credential()
    )
    results = bench(credential, args.n, with_js=not args.no_js)
    if args.json:
        print(json.dumps({"n": args.n, "unit": "ms", "results": results}, indent=2))
        return 0
    print(f"milliseconds per operation, median (p10-p90), n={args.n}")
    print(
        f"{'suite':<16} {'operation':<9} {'cold (new shape)':>22} {'warm (shape seen)':>22} {'JS, same run':>22}"
    )
    for suite, operations in results.items():
        for operation, kinds in operations.items():
            cells = [
                f"{kinds[kind]['median']:.3f} ({kinds[kind]['p10']:.2f}-{kinds[kind]['p90']:.2f})"
                if kind in kinds
                else "not run"
                for kind in ("cold", "warm", "js")
            ]
            print(f"{suite:<16} {operation:<9} {cells[0]:>22} {cells[1]:>22} {cells[2]:>22}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
