"""configured_store(): the NANSEN_IPFS_* variables, and each refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from nansen.ipfs import IpfsConfigurationError, PinningService, RpcStore, configured_store


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NANSEN_DATA_DIR", str(tmp_path))
    return tmp_path


PINNING = {"NANSEN_IPFS_PINNING_URL": "https://pins.example/api/v1", "NANSEN_IPFS_PINNING_TOKEN": "secret"}
NODE = {"NANSEN_IPFS_API": "http://127.0.0.1:5001"}


def test_with_nothing_set_only_the_embedded_store(data_dir: Path) -> None:
    store = configured_store({})
    assert store.replicas == {}
    assert store.primary.root == data_dir / "ipfs"
    assert store.queue.path == data_dir / "ipfs-replication.sqlite3"
    assert not store.queue.path.exists()  # nothing is queued, so no file is made


def test_every_configured_target_by_default() -> None:
    store = configured_store({**NODE, **PINNING, "NANSEN_IPFS_TIMEOUT": "5", "NANSEN_IPFS_PIN_DEADLINE": "9"})
    assert list(store.replicas) == ["kubo", "pinning"]
    assert isinstance(store.replicas["kubo"], RpcStore)
    assert isinstance(store.replicas["pinning"], PinningService)


@pytest.mark.parametrize(
    ("replicas", "chosen"),
    [("kubo", ["kubo"]), ("pinning", ["pinning"]), ("pinning, kubo,", ["pinning", "kubo"]), ("none", [])],
)
def test_replicas_choose_among_them(replicas: str, chosen: list[str]) -> None:
    store = configured_store({**NODE, **PINNING, "NANSEN_IPFS_REPLICAS": replicas})
    assert list(store.replicas) == chosen


def test_https_anywhere_and_localhost_over_http() -> None:
    assert list(configured_store({"NANSEN_IPFS_API": "https://ipfs.example:5001"}).replicas) == ["kubo"]
    assert list(configured_store({"NANSEN_IPFS_API": "http://localhost:5001"}).replicas) == ["kubo"]
    assert list(configured_store({"NANSEN_IPFS_API": "http://[::1]:5001"}).replicas) == ["kubo"]


@pytest.mark.parametrize(
    ("environment", "reason"),
    [
        ({"NANSEN_IPFS_API": "http://10.0.0.5:5001"}, "plain http only to a loopback address"),
        ({"NANSEN_IPFS_API": "http://ipfs.example:5001"}, "plain http only to a loopback address"),
        ({"NANSEN_IPFS_API": "ftp://127.0.0.1"}, "must be an http or https URL"),
        ({"NANSEN_IPFS_API": "http://"}, "must be an http or https URL"),
        ({"NANSEN_IPFS_API": "http://[::1"}, "is not a URL"),
        ({**NODE, "NANSEN_IPFS_PINNING_URL": "https://pins.example"}, "NANSEN_IPFS_PINNING_TOKEN is not"),
        (PINNING, "set NANSEN_IPFS_API too"),
        (
            {**NODE, **PINNING, "NANSEN_IPFS_PINNING_URL": "http://pins.example"},
            "NANSEN_IPFS_PINNING_URL may use",
        ),
        ({"NANSEN_IPFS_REPLICAS": "kubo"}, "names kubo, but NANSEN_IPFS_API is not set"),
        (
            {**NODE, "NANSEN_IPFS_REPLICAS": "pinning"},
            "names pinning, but NANSEN_IPFS_PINNING_URL is not set",
        ),
        ({**NODE, "NANSEN_IPFS_REPLICAS": "cluster"}, "may name only kubo and pinning"),
        ({"NANSEN_IPFS_TIMEOUT": "0"}, "NANSEN_IPFS_TIMEOUT must be a positive number"),
        ({"NANSEN_IPFS_TIMEOUT": "soon"}, "NANSEN_IPFS_TIMEOUT must be a positive number"),
        ({**NODE, **PINNING, "NANSEN_IPFS_PIN_DEADLINE": "inf"}, "NANSEN_IPFS_PIN_DEADLINE must be"),
    ],
)
def test_refusals(environment: dict[str, str], reason: str) -> None:
    with pytest.raises(IpfsConfigurationError, match=reason) as raised:
        configured_store(environment)
    assert "secret" not in str(raised.value)


def test_it_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NANSEN_IPFS_API", "http://127.0.0.1:5001")
    assert list(configured_store().replicas) == ["kubo"]
