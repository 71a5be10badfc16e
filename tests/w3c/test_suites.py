"""The three W3C conformance suites, unmodified, offline, against the services as shipped (issue 11).

The suites' run is marked ``w3c`` (deselect with ``-m 'not w3c'``): all three take about a minute
and a half. Every applicable test must pass: a failure not in ``known-failures.json`` fails this
test, and so does a listed title that no longer fails (the list only shrinks); the pending tests
must be exactly those ``not-applicable.json`` explains.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.w3c.run import run as run_suites
from tests.w3c.run import summary
from tests.w3c.suites import NODE_MODULES, SUITES, SuiteResult

HERE = Path(__file__).parent


def _listed(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / name).read_text())
    return data


def _problems(result: SuiteResult) -> list[str]:
    """What is wrong with one suite's run: an error, unlisted failures, listed titles that no longer
    fail, pending tests not explained (or explained but not pending)."""
    suite = result.suite
    if result.error is not None:
        return [f"{suite}: {result.error}"]
    if not result.passed:
        return [f"{suite}: no test passed; the suite did not reach the services"]
    problems = []
    known = set(_listed("known-failures.json")[suite])
    problems += [
        f"{suite}: failed, not in known-failures.json: {t}: {m}"
        for t, m in result.failed.items()
        if t not in known
    ]
    problems += [
        f"{suite}: no longer fails, remove from known-failures.json: {t}"
        for t in sorted(known - set(result.failed))
    ]
    documented = set(_listed("not-applicable.json")[suite])
    pending = set(result.pending)
    problems += [
        f"{suite}: pending, not explained in not-applicable.json: {t}" for t in sorted(pending - documented)
    ]
    problems += [
        f"{suite}: explained in not-applicable.json, not pending: {t}" for t in sorted(documented - pending)
    ]
    return problems


@pytest.mark.w3c
@pytest.mark.timeout(1800)
def test_every_applicable_test_of_the_three_suites_passes(tmp_path: Path) -> None:
    """One test, so that one run of the suites serves it (pytest-xdist would otherwise run the
    suites once per worker)."""
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH; the W3C suites need Node.js 20 or later.")
    if not (NODE_MODULES / "mocha").is_dir():
        pytest.fail("The W3C suites' npm packages are not installed; run: ./dev setup")
    results = run_suites([s.name for s in SUITES], tmp_path)
    artifacts = os.environ.get("NANSEN_TEST_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        (Path(artifacts) / "w3c-suites.json").write_text(json.dumps(summary(results), indent=2))
    assert [r.suite for r in results] == [s.name for s in SUITES]
    problems = [p for result in results for p in _problems(result)]
    assert not problems, "\n".join(problems)


def test_the_check_refuses_a_new_failure_a_stale_entry_and_an_unexplained_pending_test() -> None:
    """The judge itself, on made-up results (no suite run): the list can only shrink."""
    known = sorted(_listed("known-failures.json")["vc2.0"])
    documented = sorted(_listed("not-applicable.json")["bitstring"])
    as_listed = SuiteResult("vc2.0", passed=["a"], failed=dict.fromkeys(known, "m"))
    assert _problems(as_listed) == []
    new = SuiteResult("vc2.0", passed=["a"], failed={**as_listed.failed, "Something new": "boom"})
    assert _problems(new) == ["vc2.0: failed, not in known-failures.json: Something new: boom"]
    if known:
        fixed = SuiteResult("vc2.0", passed=["a", known[0]], failed=dict.fromkeys(known[1:], "m"))
        assert _problems(fixed) == [f"vc2.0: no longer fails, remove from known-failures.json: {known[0]}"]
    unexplained = SuiteResult("bitstring", passed=["a"], pending=[*documented, "Optional thing"])
    assert _problems(unexplained) == [
        "bitstring: pending, not explained in not-applicable.json: Optional thing"
    ]
    assert _problems(SuiteResult("bitstring", passed=["a"], pending=documented[1:])) == [
        f"bitstring: explained in not-applicable.json, not pending: {documented[0]}"
    ]
    assert _problems(SuiteResult("eddsa")) == ["eddsa: no test passed; the suite did not reach the services"]
