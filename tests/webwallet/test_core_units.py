"""The engine's own unit tests (``node --test wallet/web/tests/``), run by the suite so CI runs
them: every test passes, and there are some."""

from __future__ import annotations

import re
import subprocess

from tests.webwallet.engine import BRIDGE


def test_the_engines_node_tests_pass() -> None:
    done = subprocess.run(
        ["node", "--test", str(BRIDGE.parent)], capture_output=True, text=True, timeout=300, check=False
    )
    counts = {name: int(n) for name, n in re.findall(r"^# (pass|fail) (\d+)$", done.stdout, re.MULTILINE)}
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert counts.get("fail") == 0
    assert counts.get("pass", 0) >= 9
