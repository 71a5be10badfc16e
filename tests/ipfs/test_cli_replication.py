"""``nansen ipfs`` with replicas configured: add while the node is down, health, sync once it is back;
content only the node holds; configuration refusals."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from nansen.cli.ipfs import app, duration
from nansen.ipfs import CID, RpcStore, cid_of_file
from nansen.ipfs.jobs import JobQueue
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
    lines = health.stdout.splitlines()
    assert lines[:2] == [cid, "  embedded   pinned"]
    assert re.fullmatch(
        r"  kubo       unknown \(cannot be reached\); pin queued for \d+ s, 1 failed attempt\(s\), last: "
        r"The IPFS node cannot be reached\.",
        lines[2],
    ), lines[2]
    assert len(lines) == 3
    assert re.fullmatch(
        r"1 copy or removal is queued; the oldest has waited \d+ s\.\n"
        r"Error: Some content is not pinned everywhere yet; nansen ipfs sync tries the queued copies again\.\n",
        health.stderr,
    ), health.stderr
    waited = json.loads(run(outage, "health", "--json").stdout)[0]["places"][1]["queued"]["waitedSeconds"]
    assert isinstance(waited, float)
    assert 0 <= waited < 600
    failed = run(outage, "sync", "--all")
    assert (failed.exit_code, failed.stdout) == (1, "0 done, 1 failed, 1 queued.\n")

    back = {**outage, "NANSEN_IPFS_API": services.api}
    pausing = run(back, "sync")  # still pausing after its failure: done nothing, and says so
    assert (pausing.exit_code, pausing.stdout) == (1, "0 done, 0 failed, 1 queued.\n")
    assert pausing.stderr == (
        "Error: 1 copy or removal is still queued, waiting for their pause to end or for their target to "
        "be configured; nansen ipfs sync --all tries them now.\n"
    )
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
    assert healthy.stderr == ""


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


def test_duration_names_the_largest_whole_unit() -> None:
    assert [duration(s) for s in (0, 59.9, 60, 3599, 3600, 86399, 86400, 200000)] == [
        "0 s",
        "59 s",
        "1 min",
        "59 min",
        "1 h",
        "23 h",
        "1 day",
        "2 days",
    ]


def test_a_queue_from_an_older_version_gains_the_time_jobs_were_queued(tmp_path: Path) -> None:
    path = tmp_path / "queue.sqlite3"
    old_cid, cid = cid_of_file(io.BytesIO(b"queued before")), cid_of_file(io.BytesIO(b"queued now"))
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, cid BLOB NOT NULL, target TEXT NOT NULL,"
            " action TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt REAL NOT NULL,"
            " last_error TEXT, UNIQUE (cid, target))"
        )
        old.execute(
            "INSERT INTO jobs (cid, target, action, next_attempt) VALUES (?, 'kubo', 'pin', 5)",
            (old_cid.binary,),
        )
    old.close()
    queue = JobQueue(path, clock=lambda: 100.0)
    assert queue.backlog().length == 1
    assert queue.backlog().oldest_seconds is None
    (job,) = queue.jobs()
    assert job.waited(100.0) is None
    queue.enqueue(cid, ["kubo"], "pin")
    assert queue.backlog().length == 2
    assert queue.jobs(cid)[0].waited(130.0) == 30.0
