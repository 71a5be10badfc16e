"""Settings from NANSEN_* environment variables, and the master key's two sources."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from issuer.dids import authority, authority_from_host_header
from issuer.settings import Settings, SettingsError
from issuer.vault import Vault, VaultError
from nansen.errors import InvalidInput


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NANSEN_DATA_DIR", str(tmp_path))
    settings = Settings.from_env({})
    assert settings.database_url == f"sqlite:///{tmp_path / 'issuer' / 'issuer.db'}"
    assert settings.public_host == "localhost%3A8081"
    assert settings.base_url == "https://localhost:8081"
    assert settings.master_key is None
    assert (settings.rate_per_second, settings.rate_burst) == (10.0, 100)
    assert settings.status_list_length == 131_072
    assert settings.max_scan_bytes == 50_000_000
    assert settings.max_upload_bytes == settings.max_scan_bytes + settings.limits.max_document_bytes


def test_database_url_falls_back_to_the_shared_variable() -> None:
    shared = "postgresql+psycopg://nansen@db/nansen"
    assert Settings.from_env({"NANSEN_DATABASE_URL": shared}).database_url == shared
    own = "postgresql+psycopg://issuer@db/issuer"
    both = {"NANSEN_DATABASE_URL": shared, "NANSEN_ISSUER_DATABASE_URL": own}
    assert Settings.from_env(both).database_url == own


def test_values_from_environment() -> None:
    settings = Settings.from_env(
        {
            "NANSEN_ISSUER_DATABASE_URL": "postgresql+psycopg://u@db/issuer",
            "NANSEN_ISSUER_PUBLIC_HOST": "Issuer.Example%3a8443",
            "NANSEN_ISSUER_MASTER_KEY": "ab" * 32,
            "NANSEN_ISSUER_RATE_PER_SECOND": "2.5",
            "NANSEN_ISSUER_RATE_BURST": "20",
            "NANSEN_ISSUER_STATUS_MAX_AGE": "60",
            "NANSEN_ISSUER_STATUS_LIST_LENGTH": "262144",
            "NANSEN_ISSUER_MAX_SCAN_BYTES": "100000000",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@db/issuer"
    assert settings.public_host == "issuer.example%3A8443"
    assert settings.base_url == "https://issuer.example:8443"
    assert settings.master_key == b"\xab" * 32
    assert (settings.rate_per_second, settings.rate_burst, settings.status_max_age) == (2.5, 20, 60)
    assert settings.status_list_length == 262_144
    assert settings.max_scan_bytes == 100_000_000


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NANSEN_ISSUER_PUBLIC_HOST", "10.0.0.1"),
        ("NANSEN_ISSUER_PUBLIC_HOST", "localhost:8081"),
        ("NANSEN_ISSUER_PUBLIC_HOST", "https://issuer.example"),
        ("NANSEN_ISSUER_MASTER_KEY", "zz" * 32),
        ("NANSEN_ISSUER_MASTER_KEY", "ab" * 16),
        ("NANSEN_ISSUER_RATE_PER_SECOND", "fast"),
        ("NANSEN_ISSUER_RATE_BURST", "0"),
        ("NANSEN_ISSUER_RATE_BURST", "1.5"),
        ("NANSEN_ISSUER_STATUS_MAX_AGE", "-1"),
        ("NANSEN_ISSUER_STATUS_LIST_LENGTH", "1024"),
        ("NANSEN_ISSUER_STATUS_LIST_LENGTH", "131073"),
        ("NANSEN_ISSUER_MAX_SCAN_BYTES", "0"),
        ("NANSEN_ISSUER_MAX_SCAN_BYTES", "50MB"),
        ("NANSEN_ISSUER_LEGACY_LDP_VC", "maybe"),
    ],
)
def test_bad_values_are_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_host_forms() -> None:
    assert authority("Example.ORG") == "example.org"
    assert authority_from_host_header("localhost:8081") == "localhost%3A8081"
    assert authority_from_host_header("127.0.0.1:80") is None
    with pytest.raises(InvalidInput):
        authority("example.org/path")


def test_master_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    settings = Settings(database_url="sqlite://", data_dir=tmp_path / "issuer")
    first = Vault.open(settings)
    path = tmp_path / "issuer" / "master.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Vault.open(settings).master_key == first.master_key
    path.write_bytes(b"short")
    with pytest.raises(VaultError):
        Vault.open(settings)


def test_environment_key_wins_over_file(tmp_path: Path) -> None:
    settings = Settings(database_url="sqlite://", data_dir=tmp_path, master_key=b"\x07" * 32)
    assert Vault.open(settings).master_key == b"\x07" * 32
    assert not (tmp_path / "master.key").exists()


def test_sealed_seed_opens_only_in_its_place() -> None:
    vault = Vault(b"\x01" * 32)
    sealed = vault.seal(b"\x02" * 32, "partner-a#key-1")
    assert vault.open_sealed(sealed, "partner-a#key-1") == b"\x02" * 32
    with pytest.raises(VaultError):
        vault.open_sealed(sealed, "partner-b#key-1")
    with pytest.raises(VaultError):
        Vault(b"\x03" * 32).open_sealed(sealed, "partner-a#key-1")


def test_the_legacy_profile_is_off_unless_set() -> None:
    assert Settings.from_env({}).legacy_ldp_vc is False
    assert Settings.from_env({"NANSEN_ISSUER_LEGACY_LDP_VC": "0"}).legacy_ldp_vc is False
    assert Settings.from_env({"NANSEN_ISSUER_LEGACY_LDP_VC": "1"}).legacy_ldp_vc is True
