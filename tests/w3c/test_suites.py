"""The three W3C conformance suites, unmodified, offline, against the services as shipped (issue 11).

Marked ``w3c`` (deselect with ``-m 'not w3c'``): one run of all three suites takes about a minute
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

pytestmark = [pytest.mark.w3c, pytest.mark.timeout(1800)]


def _listed(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / name).read_text())
    return data


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SuiteResult]:
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH; the W3C suites need Node.js 20 or later.")
    if not (NODE_MODULES / "mocha").is_dir():
        pytest.fail("The W3C suites' npm packages are not installed; run: ./dev setup")
    workdir = tmp_path_factory.mktemp("w3c")
    ran = run_suites([s.name for s in SUITES], workdir)
    artifacts = os.environ.get("NANSEN_TEST_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        (Path(artifacts) / "w3c-suites.json").write_text(json.dumps(summary(ran), indent=2))
    return {r.suite: r for r in ran}


@pytest.mark.parametrize("suite", [s.name for s in SUITES])
def test_every_applicable_test_passes(results: dict[str, SuiteResult], suite: str) -> None:
    result = results[suite]
    assert result.error is None, result.error
    assert result.passed, f"{suite}: no test passed; the suite did not reach the services"
    known = set(_listed("known-failures.json")[suite])
    unexpected = {t: m for t, m in result.failed.items() if t not in known}
    assert not unexpected, f"{suite}: tests failed that known-failures.json does not list:\n" + "\n".join(
        f"- {t}: {m}" for t, m in unexpected.items()
    )
    now_passing = sorted(known - set(result.failed))
    assert not now_passing, (
        f"{suite}: these no longer fail; remove them from known-failures.json:\n" + "\n".join(now_passing)
    )


@pytest.mark.parametrize("suite", [s.name for s in SUITES])
def test_only_the_documented_tests_are_pending(results: dict[str, SuiteResult], suite: str) -> None:
    documented = set(_listed("not-applicable.json")[suite])
    pending = set(results[suite].pending)
    assert pending == documented, (
        f"{suite}: pending but not explained in not-applicable.json: {sorted(pending - documented)}; "
        f"explained but not pending: {sorted(documented - pending)}"
    )
