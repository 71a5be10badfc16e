"""Fixtures for the wallet: a data directory of the test's own, the cheapest Argon2id libsodium
allows (NANSEN_WALLET_KDF=minimum: the tests are about behaviour, not about slowing guessing),
no passphrase in the environment unless a test sets one."""

from __future__ import annotations

from pathlib import Path

import pytest

from nansen.ipfs import EmbeddedStore

PASSPHRASE = "correct horse battery"
DURESS = "forty two camels"


@pytest.fixture(autouse=True)
def wallet_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("NANSEN_DATA_DIR", str(data))
    monkeypatch.setenv("NANSEN_WALLET_KDF", "minimum")
    for name in (
        "NANSEN_WALLET_DIR",
        "NANSEN_WALLET_PASSPHRASE",
        "NANSEN_WALLET_DURESS_PASSPHRASE",
        "NANSEN_WALLET_TRUST_LIST",
        "NANSEN_WALLET_GOVERNANCE_DID",
        "NANSEN_IPFS_API",
        "NANSEN_IPFS_PINNING_URL",
        "NANSEN_IPFS_REPLICAS",
    ):
        monkeypatch.delenv(name, raising=False)
    return data


@pytest.fixture
def store(wallet_environment: Path) -> EmbeddedStore:
    """The embedded store the configured store uses (NANSEN_DATA_DIR/ipfs)."""
    return EmbeddedStore(wallet_environment / "ipfs")
