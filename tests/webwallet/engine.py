"""The web wallet's engine (``wallet/web/src/core``) from pytest: one Node process per call of
``wallet/web/tests/bridge.mjs``, a JSON request in and a JSON answer out (bytes as base64)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path
from typing import Any

BRIDGE = Path(__file__).resolve().parents[2] / "wallet" / "web" / "tests" / "bridge.mjs"


class EngineError(Exception):
    """The engine refused: its sentence, and its code."""

    def __init__(self, message: str, code: str | None) -> None:
        super().__init__(message)
        self.code = code


def call(op: str, *, ca_file: Path | None = None, **request: Any) -> dict[str, Any]:
    """The engine's answer to one operation; `EngineError` when it refused. ``ca_file``: a test CA
    that Node's fetch is to trust (the issuer's HTTPS on loopback)."""
    env = dict(os.environ)
    if ca_file is not None:
        env["NODE_EXTRA_CA_CERTS"] = str(ca_file)
    done = subprocess.run(
        ["node", str(BRIDGE)],
        input=json.dumps({"op": op, **request}).encode("utf-8"),
        capture_output=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    answer: dict[str, Any] = json.loads(done.stdout)
    if "error" in answer:
        raise EngineError(answer["error"], answer.get("code"))
    return answer


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text)
