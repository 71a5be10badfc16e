"""``nansen demo`` run as a real process: the whole story over the roles' public interfaces, each
verdict as told, and no service left running afterwards, whether the story ends or is interrupted."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nansen import qr

DEMO = [sys.executable, "-m", "nansen", "demo"]
#: The whole story takes about 40 s on two busy cores; the default timeout is 120 s.
pytestmark = pytest.mark.timeout(600)


def environment(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "NANSEN_DATA_DIR": str(tmp_path)}


def run_folder(output: str) -> Path:
    found = re.search(r"The files of this run go to (.+)\.\n", output)
    assert found is not None, output
    return Path(found.group(1))


def assert_services_stopped(output: str, root: Path) -> None:
    """Their ports refuse connections and their processes are gone."""
    ports = {int(p) for p in re.findall(r"(?:https://localhost|http://127\.0\.0\.1):(\d+)", output)}
    pids = [
        int(p)
        for log in root.glob("*.log")
        for p in re.findall(r"Started server process \[(\d+)\]", log.read_text())
    ]
    assert len(ports) == 2, output
    assert len(pids) == 2
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def assert_private(root: Path) -> None:
    """Every file of the run is the user's alone: 0600 files in 0700 folders, the roles' too."""
    paths = [root, *root.rglob("*")]
    assert len(paths) > 10
    for path in paths:
        mode = path.stat().st_mode & 0o777
        assert mode & 0o077 == 0, f"{path.relative_to(root.parent)} is {mode:o}"
    assert root.parent.stat().st_mode & 0o077 == 0


def test_the_demo_tells_the_whole_story(tmp_path: Path) -> None:
    process = subprocess.run(
        [*DEMO, "--keep"], capture_output=True, text=True, env=environment(tmp_path), timeout=540, check=False
    )
    assert process.returncode == 0, process.stdout + process.stderr
    out = process.stdout
    verdicts = [line.split(":", 1)[1].strip() for line in out.splitlines() if "Verdict:" in line]
    # valid; the same code replayed; suspended; reinstated; after recovering on an empty directory
    assert verdicts == ["VALID", "NOT VALID", "NOT VALID", "VALID", "VALID"]
    assert out.count("Issued by Harbour Legal Aid, a trusted partner.") == 3
    assert "The challenge has already been used" in out
    assert "The credential has been suspended" in out
    assert "Its digest matches the credential's digestMultibase" in out
    assert "On a new device, with the passphrase: Recovered the wallet of" in out
    assert "with guardian shares 1 and 3 instead: Recovered the wallet of" in out
    assert "Opening the document now: No credential in the wallet has this identifier." in out
    assert [int(n) for n in re.findall(r"^(\d+)\. ", out, re.MULTILINE)] == list(range(1, 12))
    assert "API key:" not in out
    assert "Traceback" not in process.stderr

    root = run_folder(out)
    assert root.parent == tmp_path / "demo"
    assert f"Its files are in {root}." in out
    assert_private(root)
    assert (root / "original.png").read_bytes() == (root / "birth-certificate.png").read_bytes()
    presentation = qr.decode_presentation(qr.decode_image(root / "vp.png"))
    assert presentation["verifiableCredential"][0]["issuer"].startswith("did:web:localhost%3A")
    assert not (root / "phone").exists()
    assert_services_stopped(out, root)


def interrupt_when_services_are_up(process: subprocess.Popen[str], signum: int) -> tuple[str, str]:
    """``signum`` once both services are up; everything the demo printed (output, errors)."""
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("3. "):  # both services are up
            break
    process.send_signal(signum)
    rest, errors = process.communicate(timeout=60)
    return "".join(seen) + rest, errors


def test_a_run_is_removed_unless_kept(tmp_path: Path) -> None:
    process = subprocess.Popen(
        DEMO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environment(tmp_path)
    )
    # SIGTERM, which the demo treats as Ctrl-C: a shell's background job ignores SIGINT.
    output, _ = interrupt_when_services_are_up(process, signal.SIGTERM)
    assert process.returncode == 130, output
    root = run_folder(output)
    assert root.parent == tmp_path / "demo"
    assert not root.exists()
    assert list((tmp_path / "demo").iterdir()) == []


@contextlib.contextmanager
def ctrl_c_as_at_a_terminal() -> Iterator[None]:
    """Processes started in the block get SIGINT at its default, as a terminal's foreground job
    does, whatever this test runs under: a background job of a non-interactive shell (a CI script
    started with ``&``) ignores SIGINT, an ignored signal stays ignored across ``exec``, and the
    demo then ran to its end instead of stopping. A handler, unlike an ignored signal, is reset to
    the default in the child."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_an_interrupted_demo_stops_its_services(tmp_path: Path) -> None:
    with ctrl_c_as_at_a_terminal():
        process = subprocess.Popen(
            [*DEMO, "--keep"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(tmp_path),
        )
    output, errors = interrupt_when_services_are_up(process, signal.SIGINT)
    assert process.returncode == 130, output + errors
    assert "Interrupted: the services are stopped." in errors
    assert "Traceback" not in errors
    assert_services_stopped(output, run_folder(output))


def test_the_demo_imports_no_role() -> None:
    """It drives the roles in their own processes: the core's command and the demo import none."""
    code = "import sys, nansen.cli.main, nansen.demo.story; print(*{m.split('.')[0] for m in sys.modules})"
    process = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "nansen" in process.stdout.split()
    assert not {"issuer", "verifier", "wallet"} & set(process.stdout.split())


def test_a_failure_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "demo").write_text("not a folder")
    process = subprocess.run(
        DEMO, capture_output=True, text=True, env=environment(tmp_path), timeout=60, check=False
    )
    assert process.returncode == 1
    assert process.stderr.strip().splitlines() == [
        f"Error: Cannot make a folder for the demo in {tmp_path / 'demo'}: File exists."
    ]
