"""The suites' npm install needs only the npm registry (CI reaches it, not GitHub), and the vendored
trees stay as fetched: configuration is written outside them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.w3c.suites import SUITES, Endpoints, local_config

HERE = Path(__file__).parent
VENDORED = {"vc-test-suite-implementations", "data-integrity-test-suite-assertion"}


def _lock() -> dict[str, Any]:
    lock: dict[str, Any] = json.loads((HERE / "package-lock.json").read_text())
    return lock


def test_every_locked_package_comes_from_the_registry_or_a_vendored_folder() -> None:
    packages = _lock()["packages"]
    assert len(packages) > 100
    for path, entry in packages.items():
        if path == "":
            continue  # the root: tests/w3c/package.json
        resolved = entry.get("resolved")
        if entry.get("link"):
            assert (HERE / resolved).is_dir(), (path, resolved)
            assert resolved in VENDORED | {s.folder for s in SUITES}, (path, resolved)
        elif not path.startswith("node_modules/") and "/node_modules/" not in path:
            assert (HERE / path / "package.json").is_file(), path  # a workspace or vendored folder
        else:
            assert resolved is None or resolved.startswith("https://registry.npmjs.org/"), (path, resolved)
            assert entry.get("integrity", "").startswith(("sha512-", "sha1-")), path


def test_the_github_dependencies_are_the_vendored_copies() -> None:
    manifest = json.loads((HERE / "package.json").read_text())
    for name in VENDORED:
        assert manifest["dependencies"][name] == f"file:./{name}"
        assert manifest["overrides"][name] == f"${name}"
    for suite in SUITES:
        declared = json.loads((HERE / suite.folder / "package.json").read_text())["dependencies"]
        for name, spec in declared.items():
            if spec.startswith("github:"):
                assert name in VENDORED, (suite.folder, name)


def test_the_local_config_names_only_nansen_with_the_partners_key() -> None:
    endpoints = Endpoints("https://localhost:1", "https://localhost:1/verifier", "did:key:z6Mkx", "k-1")
    for suite in SUITES:
        config = local_config(suite, endpoints)
        assert config["settings"]["testAllImplementations"] is False
        (implementation,) = config["implementations"]
        for issuer in implementation["issuers"]:
            assert issuer["id"] == "did:key:z6Mkx"
            assert issuer["headers"] == {"Authorization": "Bearer k-1"}
            assert issuer["endpoint"] == "https://localhost:1/credentials/issue"
        for verifier in implementation["verifiers"]:
            assert verifier["endpoint"] == "https://localhost:1/verifier/credentials/verify"
        assert not (HERE / suite.folder / "localConfig.cjs").exists()
