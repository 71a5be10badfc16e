"""The three vendored W3C suites: each one's localConfig.cjs (only Nansen) and its mocha run.

The suites find ``localConfig.cjs`` through ``app-root-path`` (vc-test-suite-implementations'
``implementations/index.js``), which honours ``APP_ROOT_PATH``: the file is written into the run's
temporary directory, so the vendored trees are never changed and two runs do not collide.
Mocha's own ``json`` reporter writes the results; the suites' interop-report reporter (which writes
into their ``reports/``) is not used.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
IMPLEMENTATION = "Nansen"


@dataclass(frozen=True)
class Suite:
    """One vendored suite: its folder and the tags its tests select endpoints by."""

    name: str
    folder: str
    issuer_tags: tuple[str, ...]
    verifier_tags: tuple[str, ...]
    #: Extra issuers (tag, options): the eddsa suite's JCS issuer.
    extra_issuers: tuple[tuple[str, dict[str, Any]], ...] = ()
    #: The issuer's options: no status entries, except where the suite tests them.
    issuer_options: dict[str, Any] = field(default_factory=lambda: {"statusPurposes": []})
    presentations: bool = False


SUITES = (
    Suite("vc2.0", "vc-data-model-2.0-test-suite", ("vc2.0",), ("vc2.0",), presentations=True),
    Suite(
        "eddsa",
        "vc-di-eddsa-test-suite",
        ("eddsa-rdfc-2022",),
        ("eddsa-rdfc-2022", "eddsa-jcs-2022"),
        extra_issuers=(("eddsa-jcs-2022", {"statusPurposes": [], "cryptosuite": "eddsa-jcs-2022"}),),
    ),
    Suite(
        "bitstring",
        "vc-bitstring-status-list-test-suite",
        ("BitstringStatusList",),
        ("BitstringStatusList",),
        issuer_options={"statusPurposes": ["revocation"]},
        presentations=True,
    ),
)


@dataclass(frozen=True)
class Endpoints:
    """Where the suites reach the services (through the HTTPS proxy) and as whom."""

    issuer_url: str
    verifier_url: str
    issuer_id: str
    api_key: str


def local_config(suite: Suite, endpoints: Endpoints) -> dict[str, Any]:
    """The suite's ``localConfig.cjs`` content: Nansen alone, as the suites' READMEs describe."""
    auth = {"Authorization": f"Bearer {endpoints.api_key}"}
    issuers = [
        {
            "id": endpoints.issuer_id,
            "endpoint": f"{endpoints.issuer_url}/credentials/issue",
            "tags": list(suite.issuer_tags),
            "options": suite.issuer_options,
            "headers": auth,
            "supports": {"vc": ["1.1", "2.0"]},
        }
    ]
    for tag, options in suite.extra_issuers:
        issuers.append({**issuers[0], "tags": [tag], "options": options})
    verifier = {"id": "nansen-verifier", "tags": list(suite.verifier_tags)}
    implementation: dict[str, Any] = {
        "name": IMPLEMENTATION,
        "implementation": "Nansen issuer and verifier services",
        "issuers": issuers,
        "verifiers": [{**verifier, "endpoint": f"{endpoints.verifier_url}/credentials/verify"}],
    }
    if suite.presentations:
        implementation["vpVerifiers"] = [
            {**verifier, "endpoint": f"{endpoints.verifier_url}/presentations/verify"}
        ]
    return {
        "settings": {"enableInteropTests": False, "testAllImplementations": False},
        "implementations": [implementation],
    }


@dataclass
class SuiteResult:
    """What one mocha run gave."""

    suite: str
    passed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)
    error: str | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "passed": len(self.passed),
            "failed": len(self.failed),
            "pending": len(self.pending),
            "failures": self.failed,
            "pendingTests": self.pending,
            "error": self.error,
        }


def run_suite(suite: Suite, endpoints: Endpoints, workdir: Path, ca_file: Path) -> SuiteResult:
    """Run the suite's mocha tests against the endpoints; results from mocha's json reporter."""
    root = workdir / suite.name
    root.mkdir(parents=True, exist_ok=True)
    config = json.dumps(local_config(suite, endpoints), indent=2)
    (root / "localConfig.cjs").write_text(f"module.exports = {config};\n")
    output = root / "results.json"
    mocha = NODE_MODULES / "mocha" / "bin" / "mocha.js"
    env = {
        **os.environ,
        "APP_ROOT_PATH": str(root),
        "NODE_EXTRA_CA_CERTS": str(ca_file),
        "ISSUER_NAME_JCS": IMPLEMENTATION,
        "NO_COLOR": "1",
    }
    command = [
        "node",
        str(mocha),
        "tests/",
        "--reporter",
        "json",
        "--reporter-option",
        f"output={output}",
        "--timeout",
        "30000",
        "--preserve-symlinks",
        "--no-parallel",
    ]
    done = subprocess.run(
        command, cwd=HERE / suite.folder, env=env, capture_output=True, text=True, timeout=1800, check=False
    )
    (root / "mocha.log").write_text(done.stdout + done.stderr)
    result = SuiteResult(suite.name)
    if not output.exists():
        result.error = f"mocha wrote no results (exit {done.returncode}): {done.stderr[-2000:]}"
        return result
    report = json.loads(output.read_text())
    result.passed = [t["fullTitle"] for t in report.get("passes", [])]
    result.pending = [t["fullTitle"] for t in report.get("pending", [])]
    for test in report.get("failures", []):
        result.failed[test["fullTitle"]] = (test.get("err") or {}).get("message", "")[:500]
    return result
