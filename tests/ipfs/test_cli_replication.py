"""``nansen ipfs`` with replicas configured: add while the node is down, health, sync once it is back;
content only the node holds; configuration refusals."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from nansen.cli.ipfs import app
from nansen.ipfs import CID, RpcStore
from tests.ipfs.conftest import Services
from tests.ipfs.fakes import closed_port


def run(environment: dict[str, str], *args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin, env=environment)


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "scan.bin"
    path.write_bytes(b"a scan " * 100_000)
    return path


def test_add_while_the_node_is_down_then_sync_when_it_is_back(
    tmp_path: Path, document: Path, node: RpcStore, services: Services
) -> None:
    data = str(tmp_path / "data")
    outage = {"NANSEN_DATA_DIR": data, "NANSEN_IPFS_API": closed_port(), "NANSEN_IPFS_TIMEOUT": "2"}
    added = run(outage, "add", str(document))
    assert added.exit_code == 0, added.output
    cid = added.stdout.strip()
    assert "1 copy elsewhere queued for later" in added.stderr
    assert cid not in added.stderr

    health = run(outage, "health")
    assert health.exit_code == 1
    assert health.stdout.splitlines() == [
        cid,
        "  embedded   pinned",
        "  kubo       unknown (cannot be reached); pin queued, 1 failed attempt(s), last: "
        "The IPFS node cannot be reached.",
    ]
    assert health.stderr == (
        "Error: Some content is not pinned everywhere yet; nansen ipfs sync tries the queued copies again.\n"
    )
    failed = run(outage, "sync", "--all")
    assert (failed.exit_code, failed.stdout) == (1, "0 done, 1 failed, 1 queued.\n")

    back = {**outage, "NANSEN_IPFS_API": services.api}
    assert run(back, "sync").stdout == "0 done, 0 failed, 1 queued.\n"  # still pausing after its failure
    synced = run(back, "sync", "--all")
    assert (synced.exit_code, synced.stdout) == (0, "1 done, 0 failed, 0 queued.\n")
    assert node.pinned(CID.parse(cid))
    healthy = run(back, "health", "--json")
    assert healthy.exit_code == 0
    assert json.loads(healthy.stdout) == [
        {
            "cid": cid,
            "places": [
                {"target": "embedded", "pinned": True, "queued": None},
                {"target": "kubo", "pinned": True, "queued": None},
            ],
        }
    ]


def test_content_only_the_node_holds_is_read_from_it(
    tmp_path: Path, node: RpcStore, services: Services
) -> None:
    cid = node.put(io.BytesIO(b"held by the node"))
    environment = {"NANSEN_DATA_DIR": str(tmp_path / "data"), "NANSEN_IPFS_API": services.api}
    shown = run(environment, "cat", str(cid))
    assert (shown.exit_code, shown.stdout_bytes) == (0, b"held by the node")


def test_health_of_an_empty_store(tmp_path: Path) -> None:
    result = run({"NANSEN_DATA_DIR": str(tmp_path)}, "health")
    assert (result.exit_code, result.stdout) == (0, "")


def test_a_bad_configuration_is_one_sentence(tmp_path: Path, document: Path) -> None:
    environment = {"NANSEN_DATA_DIR": str(tmp_path), "NANSEN_IPFS_REPLICAS": "kubo"}
    for args in (["add", str(document)], ["health"], ["sync"]):
        result = run(environment, *args)
        assert result.exit_code == 1
        assert result.stderr == "Error: NANSEN_IPFS_REPLICAS names kubo, but NANSEN_IPFS_API is not set.\n"
