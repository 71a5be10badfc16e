"""The real IPFS node (js-ipfs, or any node with kubo's RPC API) and Pinning Service API server the
tests talk to, on loopback.

``NANSEN_TEST_IPFS_API`` names a running node (CI starts one with ci/ipfs/start.sh; a real kubo
works as well), ``NANSEN_TEST_PINNING_URL`` and ``NANSEN_TEST_PINNING_TOKEN`` a pinning service.
Whatever is not named is started here, once per test process, with ci/ipfs/start.sh, and stopped
at the end. Without ci/ipfs/node_modules the tests that need them fail, saying how to install it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nansen.ipfs import RpcStore

CI = Path(__file__).resolve().parents[2] / "ci" / "ipfs"
INSTALL = "npm install --prefix ci/ipfs --no-audit --no-fund"


@dataclass(frozen=True)
class Services:
    api: str
    pinning_url: str
    pinning_token: str


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    named = {
        name: os.environ.get(name)
        for name in ("NANSEN_TEST_IPFS_API", "NANSEN_TEST_PINNING_URL", "NANSEN_TEST_PINNING_TOKEN")
    }
    if all(named.values()):
        yield _services(named)
        return
    if not (CI / "node_modules" / ".bin" / "jsipfs").exists():
        pytest.fail(f"No IPFS node for the tests: set NANSEN_TEST_IPFS_API, or install js-ipfs: {INSTALL}")
    repository = tmp_path_factory.mktemp("jsipfs")
    environment = {**os.environ, "IPFS_PATH": str(repository)}
    started = subprocess.run(
        ["bash", str(CI / "start.sh")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        if started.returncode != 0:
            pytest.fail(f"ci/ipfs/start.sh failed: {started.stderr.strip()}")
        for line in started.stdout.splitlines():
            name, _, value = line.removeprefix("export ").partition("=")
            named[name] = named.get(name) or shlex.split(value)[0]
        yield _services(named)
    finally:
        subprocess.run(["bash", str(CI / "stop.sh")], env=environment, timeout=120, check=False)


def _services(named: dict[str, str | None]) -> Services:
    return Services(
        api=str(named["NANSEN_TEST_IPFS_API"]),
        pinning_url=str(named["NANSEN_TEST_PINNING_URL"]),
        pinning_token=str(named["NANSEN_TEST_PINNING_TOKEN"]),
    )


@pytest.fixture
def node(services: Services) -> Iterator[RpcStore]:
    """The node, through Nansen's RPC store (with a short lookup timeout, for missing content)."""
    store = RpcStore(services.api, timeout=4.0)
    yield store
    store.close()
