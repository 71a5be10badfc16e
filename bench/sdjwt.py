"""Measure SD-JWT VC issuance, presentation, verification and its NV1 QR code.

    .venv/bin/python bench/sdjwt.py [--n N] [--json]

The credential: the identity document of bench/common.py's ISSUER and HOLDER as an SD-JWT VC
(nansen.sdjwt.issue_identity_document; seven facts, each a disclosure, two decoys, a Token Status
List reference), presented with three facts disclosed and a KB-JWT. Printed: the SD-JWT's and the
presentation's length, the NV1 text's length and its QR version at error correction M, and
milliseconds per operation (median, 10th and 90th percentile of N) to issue, present, verify the
presentation through the one pipeline (did:key issuer, no status list given: status unknown) and
verify with nansen.sdjwt.verify alone. Benchmarks print figures; tests never assert them.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import CREATED, HOLDER, ISSUER, timings

from nansen.did.resolver import Resolver
from nansen.qr import qr_version
from nansen.qr.sdjwt import encode_sd_jwt
from nansen.sdjwt import (
    IssuerKey,
    KeyBinding,
    ed25519_jwk,
    issue_identity_document,
    issuer_key,
    present,
    verify,
)
from nansen.verify import Verifier

FACTS = {
    "givenName": "Amina",
    "familyName": "Karimi",
    "birthDate": "1990-01-01",
    "birthPlace": "Herat",
    "nationality": "AF",
    "documentNumber": "P1234567",
    "issuingCountry": "AF",
}
DISCLOSE = [("givenName",), ("familyName",), ("birthDate",)]
NONCE, AUDIENCE = "3f1c2a9e-challenge-from-the-verifier", "did:web:shelter.example"
STATUS = {"status_list": {"idx": 81234, "uri": "https://issuer.nansen.example/status/7f3a9c/token"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    signer = IssuerKey(ed25519_jwk(ISSUER.key_pair), ISSUER.controller, ISSUER.verification_method)
    holder = ed25519_jwk(HOLDER.key_pair)

    def issue() -> str:
        return issue_identity_document(
            signer=signer,
            holder_did=HOLDER.controller,
            document_type="Passport",
            facts=FACTS,
            issued_at=CREATED,
            expires_at=CREATED + timedelta(days=3650),
            status=STATUS,
        )

    token = issue()

    def show() -> str:
        return present(token, DISCLOSE, holder, nonce=NONCE, audience=AUDIENCE, issued_at=CREATED)

    shown = show()
    pipeline = Verifier(clock=lambda: CREATED)
    binding = KeyBinding(NONCE, AUDIENCE, CREATED, timedelta(seconds=300))
    resolver = Resolver()
    text = encode_sd_jwt(shown)
    figures = {
        "sd_jwt_characters": len(token),
        "presentation_characters": len(shown),
        "nv1_characters": len(text),
        "qr_version_m": qr_version(text),
        "issue_ms": timings(issue, args.n, warm_up=5),
        "present_ms": timings(show, args.n, warm_up=5),
        "verify_pipeline_ms": timings(
            lambda: pipeline.verify_sd_jwt(shown, nonce=NONCE, audience=AUDIENCE), args.n, warm_up=5
        ),
        "verify_core_ms": timings(
            lambda: verify(
                shown, issuer_key=lambda sd: issuer_key.resolve(sd, resolver), key_binding=binding
            ),
            args.n,
            warm_up=5,
        ),
        "encode_nv1_ms": timings(lambda: encode_sd_jwt(shown), args.n, warm_up=5),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"SD-JWT VC {figures['sd_jwt_characters']} characters; presentation of three facts "
        f"{figures['presentation_characters']}; NV1 {figures['nv1_characters']}: QR version {figures['qr_version_m']}-M"
    )
    for name, value in figures.items():
        if isinstance(value, dict):
            print(
                f"{name:22} median {value['median']:.3f} ms  (p10 {value['p10']:.3f}, p90 {value['p90']:.3f})"
            )


if __name__ == "__main__":
    main()
