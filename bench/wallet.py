"""Wallet figures: time to open at each Argon2id level (one run, three slots), time to present, and
the QR code a presentation needs, with and without a shared document.

    python bench/wallet.py [--levels interactive,moderate] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nansen.crypto import Recipient
from nansen.ipfs import EmbeddedStore
from nansen.qr import encode_presentation, qr_version
from nansen.verify import Verifier
from tests.helpers import STRANGER
from tests.wallet.issuing import issuance
from wallet import Issuance, Wallet
from wallet.kdf import LEVELS

PASSPHRASE = "a benchmark passphrase"


def _seconds(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="interactive,moderate", help="Argon2id levels to time")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for level in args.levels.split(","):
            directory = root / level
            with Wallet.create(directory, PASSPHRASE, LEVELS[level]):
                pass

            def open_once(directory: Path = directory) -> None:
                with Wallet.open(directory, PASSPHRASE):
                    pass

            figures[f"open_{level}_s"] = round(min(_seconds(open_once) for _ in range(3)), 3)
        os.environ["NANSEN_WALLET_KDF"] = "minimum"
        store = EmbeddedStore(root / "ipfs")
        with Wallet.create(root / "present", PASSPHRASE) as wallet:
            ident = wallet.receive(Issuance.from_json(issuance(wallet.did, store)), Verifier(), store).held.id
            for name, share, recipient in (
                ("plain", False, None),
                ("key_in_clear", True, None),
                ("key_sealed", True, Recipient.from_did(STRANGER.controller)),
            ):
                start = time.perf_counter()
                vp = wallet.present(
                    ident,
                    challenge="c" * 43,
                    domain="shelter.example",
                    share_document=share,
                    recipient=recipient,
                )
                text = encode_presentation(vp)
                figures[f"present_{name}_ms"] = round((time.perf_counter() - start) * 1000, 1)
                figures[f"qr_{name}_characters"] = len(text)
                figures[f"qr_{name}_version"] = qr_version(text)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, value in figures.items():
            print(f"{name:32} {value}")


if __name__ == "__main__":
    main()
