"""Run the three vendored W3C conformance suites offline against the services as shipped.

``.venv/bin/python -m tests.w3c.run [vc2.0 eddsa bitstring]``: a fresh temporary data directory, the
issuer and verifier services on loopback, a partner with a did:key and its Bearer key, an HTTPS
proxy with a CA made for the run, each suite's localConfig.cjs naming only Nansen, mocha. Prints
passed / failed / pending per suite and the failures' titles; writes ``w3c-suites.json`` into
``$NANSEN_TEST_ARTIFACTS`` when set. Exit 0 when it ran (whatever the results), 2 when it could not.
Needs ``./dev setup`` (the suites' npm packages in tests/w3c/node_modules).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.w3c.proxy import VERIFIER_PREFIX, LoopbackProxy
from tests.w3c.services import Service, add_partner, service_environment
from tests.w3c.suites import NODE_MODULES, SUITES, Endpoints, SuiteResult, run_suite


def run(names: list[str], workdir: Path) -> list[SuiteResult]:
    """Start everything in ``workdir``, run the named suites, stop everything."""
    proxy = LoopbackProxy(workdir)
    env = service_environment(workdir / "data", proxy.port, proxy.ca_file)
    partner = add_partner(env, "W3C conformance suites")
    issuer = Service("issuer", env, workdir / "issuer.log")
    verifier = Service("verifier", env, workdir / "verifier.log")
    try:
        issuer.wait_ready()
        verifier.wait_ready()
        proxy.start(issuer.port, verifier.port)
        endpoints = Endpoints(
            issuer_url=proxy.origin,
            verifier_url=proxy.origin + VERIFIER_PREFIX,
            issuer_id=partner.did,
            api_key=partner.api_key,
        )
        return [run_suite(s, endpoints, workdir, proxy.ca_file) for s in SUITES if s.name in names]
    finally:
        proxy.stop()
        issuer.stop()
        verifier.stop()


def summary(results: list[SuiteResult]) -> dict[str, Any]:
    return {"suites": [r.summary() for r in results]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("suites", nargs="*", default=[s.name for s in SUITES], help="vc2.0, eddsa, bitstring")
    parser.add_argument("--keep", action="store_true", help="keep the run's directory (logs, configs)")
    arguments = parser.parse_args(argv)
    unknown = set(arguments.suites) - {s.name for s in SUITES}
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(sorted(unknown))}")
    if not (NODE_MODULES / "mocha").exists():
        print("The suites' npm packages are not installed: run ./dev setup.", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="nansen-w3c-"))
    results = run(arguments.suites, workdir)
    for result in results:
        print(
            f"{result.suite}: passed={len(result.passed)} failed={len(result.failed)} pending={len(result.pending)}"
        )
        if result.error:
            print(f"  error: {result.error}")
        for title in result.failed:
            print(f"  FAILED {title}")
    report = summary(results)
    artifacts = os.environ.get("NANSEN_TEST_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        (Path(artifacts) / "w3c-suites.json").write_text(json.dumps(report, indent=2))
    if arguments.keep:
        print(f"The run's files are in {workdir}")
    else:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
