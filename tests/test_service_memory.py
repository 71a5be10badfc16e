"""`service.memory.settled`: a serving process freezes what it loaded at start out of the cyclic
collector, and collects its young generation less often (why, with figures: the module)."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from service import memory


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """The test process's collector as it was: nothing left frozen, the thresholds as before."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("collector_restored")
def test_what_is_loaded_is_frozen_and_young_collections_are_rarer() -> None:
    app = object()
    assert gc.get_freeze_count() == 0
    assert memory.settled(app) is app
    assert gc.get_freeze_count() > 10_000  # the modules, the test session: everything loaded so far
    assert gc.get_threshold() == (memory.YOUNG_THRESHOLD, memory.OLDER_THRESHOLD, memory.OLDER_THRESHOLD)
    assert memory.YOUNG_THRESHOLD > 700  # CPython's default, which ran 1,128 collections in a bench run


@pytest.mark.parametrize("module", ["issuer.cli", "verifier.cli", "wallet.host.cli"])
def test_every_worker_process_settles_its_app(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve --workers N`` builds each worker's app with the role's ``worker_app``: it is settled."""
    cli = importlib.import_module(module)
    built, settled = object(), []

    def settle(app: Any) -> Any:
        settled.append(app)
        return app

    monkeypatch.setattr(memory, "settled", settle)
    if hasattr(cli, "settled"):
        monkeypatch.setattr(cli, "settled", settle)
    app_module = importlib.import_module(module.rsplit(".", 1)[0] + ".app")
    monkeypatch.setattr(app_module, "create_app", lambda _settings: built)
    if hasattr(cli, "create_app"):
        monkeypatch.setattr(cli, "create_app", lambda _settings: built)
    monkeypatch.setattr(cli.Settings, "from_env", classmethod(lambda _cls, *_: None))
    monkeypatch.setattr(cli, "configure_service_logging", lambda _format: None)
    assert cli.worker_app() is built
    assert settled == [built]
