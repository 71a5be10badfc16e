"""Packaging: the wheel, installed outside the source tree, signs, verifies and serves.

Builds the wheel (``pip wheel --no-deps``, with this environment's setuptools), installs it alone
into a fresh virtual environment in a temporary directory, whose dependencies are this environment's
installed packages (a ``.pth`` line after its own site-packages: offline, and no copy of the source
tree among them, an editable install being a finder that ``.pth`` paths do not load), and there, with
the clone out of reach: signs and verifies a credential with both cryptosuites
through the public API (the bundled JSON-LD contexts must ship inside the package), then starts
``nansen issuer serve`` and ``nansen verifier serve`` on free loopback ports and fetches a page and
the API docs' start script of each.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import textwrap
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.servers import free_port

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(600)]

#: Signs and verifies with both suites through nansen.__all__ only; prints one line per suite.
SIGN_AND_VERIFY = textwrap.dedent(
    """
    import nansen
    from nansen import SUITES, Ed25519KeyPair, ProofOptions, Verifier, add_proof, did_key
    from nansen.config import schemas_dir

    assert schemas_dir().is_relative_to(nansen.__file__.rsplit("/", 1)[0]), schemas_dir()
    key = did_key.signing_key(Ed25519KeyPair.from_seed(bytes(32)))
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": key.controller,
        "credentialSubject": {"id": "did:example:holder"},
    }
    for suite in SUITES:
        signed = add_proof(credential, key, ProofOptions(cryptosuite=suite))
        print(suite, Verifier().verify_credential(signed).verdict, nansen.__version__)
    """
)


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    finished = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=480,
        check=False,
    )
    assert finished.returncode == 0, f"{command}: {finished.stdout}{finished.stderr}"
    return finished.stdout


def package_folders() -> set[str]:
    """Every Python package of the source tree, as the wheel should hold it (``a/b/__init__.py``)."""
    return {
        str(init.relative_to(REPO))
        for root in ("nansen", "issuer", "verifier", "wallet")
        for init in (REPO / root).rglob("__init__.py")
    }


def fetch_when_up(url: str, process: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url, timeout=10)
        except httpx.TransportError:
            assert process.poll() is None, f"the service stopped: {process.communicate()[0]}"
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.2)


def test_the_installed_wheel_signs_verifies_and_serves(tmp_path: Path) -> None:
    assert not tmp_path.is_relative_to(REPO)
    python = sys.executable
    wheel_dir = tmp_path / "dist"
    build = ["-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", wheel_dir]
    run(python, *build, REPO, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("nansen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert package_folders() <= names, "pyproject.toml's package list misses a folder"
    assert "nansen/schemas/contexts/index.json" in names
    assert "nansen/schemas/credentials/IdentityDocumentCredential.json" in names

    run(python, "-m", "venv", tmp_path / "venv", cwd=tmp_path)
    bin_dir = tmp_path / "venv" / "bin"
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    (site_packages,) = (tmp_path / "venv" / "lib").glob("python3*/site-packages")
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    imported = "import nansen, issuer, verifier, wallet; print(nansen.__file__)"
    assert Path(run(bin_dir / "python", "-c", imported, cwd=tmp_path).strip()).is_relative_to(site_packages)

    printed = run(bin_dir / "python", "-c", SIGN_AND_VERIFY, cwd=tmp_path).splitlines()
    assert printed == ["eddsa-rdfc-2022 VALID 0.1.0", "eddsa-jcs-2022 VALID 0.1.0"]

    for role, page in (("issuer", "/console/sign-in"), ("verifier", "/")):
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NANSEN_DATA_DIR": str(tmp_path / role)}
        run(bin_dir / "nansen", role, "migrate", cwd=tmp_path, env=env)  # the migrations ship too
        port = free_port()
        process = subprocess.Popen(
            [bin_dir / "nansen", role, "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            response = fetch_when_up(f"http://127.0.0.1:{port}{page}", process)
            assert response.status_code == 200, (role, response.text)
            assert "<html" in response.text
            docs_script = httpx.get(f"http://127.0.0.1:{port}/docs/start.js")  # package data
            assert docs_script.status_code == 200, role
            assert "SwaggerUIBundle" in docs_script.text
        finally:
            process.terminate()
            output, _ = process.communicate(timeout=30)
        assert "Traceback" not in output, output
