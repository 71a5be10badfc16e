"""Time verifying the proofs Nansen verifies but never signs with, beside Digital Bazaar's.

    .venv/bin/python bench/legacy_proofs.py [--n N] [--json]

Digital Bazaar's libraries sign the benchmark's IdentityDocumentCredential (VC 2.0 + nansen
contexts) once per suite (``tests/interop/dblegacy.mjs``): Ed25519Signature2020 with a did:key
Ed25519 key, ecdsa-rdfc-2019 with fresh P-256 and P-384 did:keys. Each is then verified N times
here (``verify_proofs(doc, Resolver(), Expectations())``, after a warm-up: a verifier's steady
state) and N times there, in the same run (jsonld-signatures ``verify`` with an assertionMethod
purpose). Figures are milliseconds per verification: median (10th-90th percentile). P-384 runs
RDFC-1.0 with SHA-384, which Nansen does without its JSON-LD shape cache. Benchmarks print
figures; tests never assert them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import CREATED, ISSUER, identity_credential, timings

from nansen.did import Resolver
from nansen.proofs import Expectations, verify_proofs
from nansen.proofs.ed25519_signature_2020 import CONTEXT as ED2020

SCRIPT = Path(__file__).resolve().parent.parent / "tests" / "interop" / "dblegacy.mjs"
MOMENT = datetime(2026, 6, 1, tzinfo=UTC)
CASES = {
    "Ed25519Signature2020": ("Ed25519Signature2020", None),
    "ecdsa-rdfc-2019 P-256": ("ecdsa-rdfc-2019", "P-256"),
    "ecdsa-rdfc-2019 P-384": ("ecdsa-rdfc-2019", "P-384"),
}


def node(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if shutil.which("node") is None or not (SCRIPT.parent / "node_modules").is_dir():
        raise SystemExit("Needs Node.js and the interop packages: npm ci --prefix tests/interop")
    finished = subprocess.run(
        ["node", str(SCRIPT)], input=json.dumps(requests), capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise SystemExit(f"dblegacy.mjs failed: {finished.stdout}{finished.stderr}")
    results: list[dict[str, Any]] = json.loads(finished.stdout)
    errors = [r["error"] for r in results if "error" in r]
    if errors:
        raise SystemExit(f"Digital Bazaar could not carry out: {errors}")
    return results


def signed_there() -> dict[str, dict[str, Any]]:
    created = CREATED.isoformat().replace("+00:00", "Z")
    requests: list[dict[str, Any]] = []
    for _suite, curve in CASES.values():
        unsigned = identity_credential()
        if curve is None:
            unsigned["@context"] = [*unsigned["@context"], ED2020]
            requests.append(
                {
                    "command": "sign-ed25519-signature-2020",
                    "key": ISSUER.to_json(),
                    "created": created,
                    "document": unsigned,
                }
            )
        else:
            requests.append(
                {"command": "sign-ecdsa-rdfc-2019", "curve": curve, "created": created, "document": unsigned}
            )
    return {name: result["document"] for name, result in zip(CASES, node(requests), strict=True)}


def bench(n: int) -> dict[str, dict[str, dict[str, float]]]:
    documents = signed_there()
    resolver, expect = Resolver(), Expectations(moment=MOMENT)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name, document in documents.items():
        if not all(r.verified for r in verify_proofs(document, resolver, expect)):
            raise SystemExit(f"{name}: Digital Bazaar's credential does not verify here.")

        def verify(document: dict[str, Any] = document) -> object:
            return verify_proofs(document, resolver, expect)

        results[name] = {"nansen": timings(verify, n, warm_up=max(20, n // 10))}
    requests = [
        {"command": "time-verify", "suite": CASES[name][0], "n": n, "document": document}
        for name, document in documents.items()
    ]
    for name, figures in zip(documents, node(requests), strict=True):
        results[name]["js"] = figures
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="verifications per measurement (default 300)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.n < 10:
        parser.error("--n must be at least 10")
    results = bench(args.n)
    if args.json:
        print(json.dumps({"n": args.n, "unit": "ms", "results": results}, indent=2))
        return 0
    print(f"verify, milliseconds per credential, median (p10-p90), n={args.n}")
    print(f"{'suite':<24} {'Nansen':>22} {'Digital Bazaar, same run':>26}")
    for name, figures in results.items():
        cells = [
            f"{figures[k]['median']:.3f} ({figures[k]['p10']:.2f}-{figures[k]['p90']:.2f})"
            for k in ("nansen", "js")
        ]
        print(f"{name:<24} {cells[0]:>22} {cells[1]:>26}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
