"""Measure the QR codec on a realistic presentation, per cryptosuite.

    .venv/bin/python bench/qr.py [--n N] [--json]

The presentation: the holder's presentation (challenge and domain) of one IdentityDocumentCredential
with evidence, the encrypted scan as relatedResource (ipfs:// CID and digestMultibase) and two
BitstringStatusListEntry entries, both signed with the suite. Printed: the JSON's size (compact
separators), the NV1 text's length, the QR version at error correction M, the same two figures for
zlib + Base45 of the JSON (the EU Digital COVID Certificate's recipe) for comparison, and
milliseconds per operation (median, 10th and 90th percentile of N) to encode, decode the text,
render a PNG and read the PNG back with zxing-cpp. Benchmarks print figures; tests never assert them.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import zlib
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import CREATED, HOLDER, ISSUER, identity_credential, timings

from nansen import status, vcdm
from nansen.proofs import SUITES, ProofOptions, add_proof
from nansen.qr import base45, decode_image, decode_presentation, encode_presentation, qr_png, qr_version

STATUS_LIST = "https://status.nansen.example/lists/7"


def presentation(suite: str) -> dict[str, Any]:
    cid = bytes([0x01, 0x55, 0x12, 0x20]) + hashlib.sha256(b"ciphertext").digest()
    digest = bytes([0x12, 0x20]) + hashlib.sha256(b"plaintext").digest()
    credential = identity_credential(
        related_resource=[
            {
                "id": "ipfs://b" + base64.b32encode(cid).decode().rstrip("=").lower(),
                "digestMultibase": "u" + base64.urlsafe_b64encode(digest).decode().rstrip("="),
                "mediaType": "application/octet-stream",
            }
        ],
        credential_status=[
            status.build_entry(f"{STATUS_LIST}/{purpose}", index, purpose)
            for purpose, index in (("revocation", 94567), ("suspension", 23452))
        ],
        valid_from=CREATED,
        valid_until=CREATED + timedelta(days=3650),
    )
    signed = add_proof(credential, ISSUER, ProofOptions(cryptosuite=suite, created=CREATED))
    unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[signed])
    options = ProofOptions(
        purpose="authentication",
        cryptosuite=suite,
        challenge="0b6e7f2a-3c4d-4e5f-8a9b-1c2d3e4f5a6b",
        domain="shelter.example",
        created=CREATED,
    )
    return add_proof(unsigned, HOLDER, options)


def bench(suite: str, n: int) -> dict[str, Any]:
    vp = presentation(suite)
    text = encode_presentation(vp)
    if decode_presentation(text) != vp:
        raise SystemExit(f"{suite}: the presentation does not round-trip.")
    png = qr_png(text)
    if decode_image(png) != text:
        raise SystemExit(f"{suite}: the PNG does not read back.")
    data = json.dumps(vp, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    plain = "HC1:" + base45.encode(zlib.compress(data, 9))
    return {
        "json_bytes": len(data),
        "nv1_chars": len(text),
        "nv1_version": qr_version(text),
        "zlib_base45_chars": len(plain),
        "zlib_base45_version": qr_version(plain),
        "png_bytes": len(png),
        "ms": {
            "encode": timings(lambda: encode_presentation(vp), n, warm_up=max(5, n // 10)),
            "decode text": timings(lambda: decode_presentation(text), n, warm_up=max(5, n // 10)),
            "render png": timings(lambda: qr_png(text), n, warm_up=max(5, n // 10)),
            "decode png": timings(lambda: decode_image(png), n, warm_up=max(5, n // 10)),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="operations per measurement (default 200)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.n < 10:
        parser.error("--n must be at least 10")
    results = {suite: bench(suite, args.n) for suite in SUITES}
    if args.json:
        print(json.dumps({"n": args.n, "results": results}, indent=2))
        return 0
    for suite, figures in results.items():
        print(
            f"{suite}: JSON {figures['json_bytes']} B; NV1 {figures['nv1_chars']} characters, "
            f"QR version {figures['nv1_version']}-M; zlib + Base45 {figures['zlib_base45_chars']} characters, "
            f"version {figures['zlib_base45_version']}-M; PNG {figures['png_bytes']} B"
        )
        print(f"  {'operation':<12} {'median':>8} {'p10':>8} {'p90':>8}   (ms, n={args.n})")
        for operation, ms in figures["ms"].items():
            print(f"  {operation:<12} {ms['median']:8.3f} {ms['p10']:8.3f} {ms['p90']:8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
