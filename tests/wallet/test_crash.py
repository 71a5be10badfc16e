"""A crash during a write leaves the previous state readable: a writer process is killed with
SIGKILL at random moments, and each time the wallet must open, holding every change the writer
had reported done, and at most the one it was making."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.wallet.conftest import PASSPHRASE
from wallet import Wallet

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 12

WRITER = f"""
import sys
from pathlib import Path
from wallet import Wallet
directory = Path(sys.argv[1])
while True:
    with Wallet.open(directory, {PASSPHRASE!r}) as wallet:
        wallet.partner_did(f"partner {{len(wallet.state.partners)}}")
        count = len(wallet.state.partners)
    print(count, flush=True)
"""


def _partners(directory: Path) -> int:
    with Wallet.open(directory, PASSPHRASE) as wallet:
        return len(wallet.state.partners)


def test_a_killed_writer_never_loses_the_previous_state(tmp_path: Path) -> None:
    directory = tmp_path / "wallet"
    with Wallet.create(directory, PASSPHRASE):
        pass
    env = {**os.environ, "PYTHONPATH": str(REPO), "NANSEN_WALLET_KDF": "minimum"}
    chance = random.Random()
    for _ in range(ROUNDS):
        before = _partners(directory)
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(directory)], stdout=subprocess.PIPE, env=env, text=True
        )
        assert writer.stdout is not None
        acknowledged = int(writer.stdout.readline())  # one write done: the loop is running
        time.sleep(chance.uniform(0, 0.2))
        writer.send_signal(signal.SIGKILL)
        rest = writer.stdout.read().split()
        writer.wait()
        acknowledged = int(rest[-1]) if rest else acknowledged
        after = _partners(directory)
        assert before < after
        assert acknowledged <= after <= acknowledged + 1
    assert [p.name for p in directory.iterdir() if p.name != "wallet.tmp"] == ["wallet"]
