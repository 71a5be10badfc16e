"""The services as shipped, in child processes: ``nansen issuer serve`` and ``nansen verifier serve``.

They are configured only through their documented ``NANSEN_*`` variables, with a fresh data
directory; a partner with a did:key (the eddsa suite resolves verification methods as did:key
only) is created with ``nansen issuer partner add NAME --did-key``.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.w3c.proxy import free_port


def service_environment(data_dir: Path, proxy_port: int, ca_file: Path) -> dict[str, str]:
    """Both services' settings for a run (see the README's Configuration section)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("NANSEN_")},
        "NANSEN_DATA_DIR": str(data_dir),
        # The status list URLs the issuer writes are https://localhost:<proxy port>/…
        "NANSEN_ISSUER_PUBLIC_HOST": f"localhost%3A{proxy_port}",
        "NANSEN_ISSUER_RATE_PER_SECOND": "10000",
        "NANSEN_ISSUER_RATE_BURST": "10000",
        # The general VC-API issuer profile (caller credentialStatus, types without a schema).
        "NANSEN_ISSUER_PROFILE": "vc-api",
        # The verifier fetches those status lists from the loopback proxy, trusting the run's CA.
        "NANSEN_ALLOW_PRIVATE_ADDRESSES": "1",
        "NANSEN_TLS_CA_FILE": str(ca_file),
        # The VC-API model: the suite, as relying party, chose the challenge and the domain.
        "NANSEN_VERIFIER_PRESENTATIONS": "relying-party",
        "NANSEN_VERIFIER_API_HOLDER_BINDING": "holder-only",
    }


@dataclass(frozen=True)
class Partner:
    did: str
    api_key: str


def _nansen(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "nansen", *arguments]


def add_partner(env: Mapping[str, str], name: str) -> Partner:
    """``nansen issuer migrate``, then ``nansen issuer partner add NAME --did-key``; the partner's
    DID and API key from what it prints."""
    subprocess.run(
        _nansen("issuer", "migrate"), env=dict(env), capture_output=True, text=True, timeout=120, check=True
    )
    done = subprocess.run(
        _nansen("issuer", "partner", "add", name, "--did-key"),
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    fields = dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)
    return Partner(did=fields["DID"].strip(), api_key=fields["API key"].strip())


class Service:
    """One service in a child process on a free loopback port, its output in a log file."""

    def __init__(self, role: str, env: Mapping[str, str], log: Path) -> None:
        self.role = role
        self.port = free_port()
        self._log = log.open("w")
        self.process = subprocess.Popen(
            _nansen(role, "serve", "--host", "127.0.0.1", "--port", str(self.port)),
            env=dict(env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Until the service answers ``GET /openapi.json``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"nansen {self.role} serve exited ({self.process.returncode}); see its log."
                )
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", "/openapi.json")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.2)
        raise RuntimeError(f"nansen {self.role} serve did not start within {timeout:.0f} s.")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
