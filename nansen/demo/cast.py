"""The roles of the story as the demo meets them: the partner's issuer and the shelter's verifier
over HTTP on loopback, the holder's wallet through its command line; never their insides.

The issuer serves HTTPS with a certificate from this run's own CA (`nansen.demo.tls`), so that the
wallet and the verifier fetch its did:web documents and status lists as in the field, told to trust
that CA and loopback addresses. The wallet runs with a random passphrase for this run and the fast
``interactive`` Argon2id cost. Every process shares one data directory, so one embedded IPFS store
stands in for the IPFS network.
"""

from __future__ import annotations

import contextlib
import secrets
import ssl
import time
from pathlib import Path
from typing import Any, Final

import httpx

from nansen.demo.roles import DemoError, environment, free_port, nansen, reason, serving, succeed
from nansen.demo.tls import make_local_tls

#: How soon the shelter's verifier sees a suspension (it fetches status lists again after this).
STATUS_TTL_SECONDS: Final = 1


class Cast:
    """The partner, the shelter and the holder, with their files under ``root``. A context manager:
    on leaving it, however, the services it started are stopped (after the connections to them are
    closed, so that they stop at once)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.tls = make_local_tls(root / "tls")
        self.services = contextlib.ExitStack()
        self.issuer_port, self.verifier_port = free_port(), free_port()
        self.partner = httpx.Client(
            base_url=f"https://localhost:{self.issuer_port}",
            verify=ssl.create_default_context(cafile=self.tls.ca_file),
            trust_env=False,
            timeout=60,
        )
        self.shelter = httpx.Client(
            base_url=f"http://127.0.0.1:{self.verifier_port}", trust_env=False, timeout=60
        )
        local = {"NANSEN_ALLOW_PRIVATE_ADDRESSES": "1", "NANSEN_TLS_CA_FILE": str(self.tls.ca_file)}
        self.issuer_env = environment(
            self.data, {"NANSEN_ISSUER_PUBLIC_HOST": f"localhost%3A{self.issuer_port}"}
        )
        self.verifier_env = environment(
            self.data, {**local, "NANSEN_VERIFIER_STATUS_TTL_SECONDS": str(STATUS_TTL_SECONDS)}
        )
        self.wallet_env = environment(
            self.data,
            {
                **local,
                "NANSEN_WALLET_PASSPHRASE": secrets.token_urlsafe(16),
                "NANSEN_WALLET_KDF": "interactive",
            },
        )

    def __enter__(self) -> Cast:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.partner.close()
            self.shelter.close()
        finally:
            self.services.close()

    # -- the partner's issuer

    def start_issuer(self, name: str) -> str:
        """Create the partner ``name`` and serve its issuer over HTTPS; its DID. The API key is
        kept in the partner's client, never shown."""
        succeed(["issuer", "migrate"], self.issuer_env)
        added = _fields(succeed(["issuer", "partner", "add", name], self.issuer_env))
        self.partner.headers["Authorization"] = f"Bearer {added['API key']}"
        tls = ["--ssl-certfile", str(self.tls.cert_file), "--ssl-keyfile", str(self.tls.key_file)]
        args = ["issuer", "serve", "--port", str(self.issuer_port), *tls]
        issuer = serving("issuer service", args, self.issuer_env, "/", self.root / "issuer.log")
        self.services.enter_context(issuer).wait_until_answering(self.partner)
        return added["DID"]

    def issue_document(self, form: dict[str, str], scan: tuple[str, bytes, str]) -> dict[str, Any]:
        """``POST /documents``: the credential, the document key sealed to the holder, the CID."""
        answer = self._call(self.partner, "issuer", "/documents", data=form, files={"scan": scan})
        return _json(answer, (201,), "The issuer did not issue the credential")

    def set_status(self, credential_id: str, purpose: str, value: bool) -> None:
        """``POST /credentials/status``: set (or clear) the credential's revocation or suspension bit."""
        body = {
            "credentialId": credential_id,
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
            "status": value,
        }
        answer = self._call(self.partner, "issuer", "/credentials/status", json=body)
        _json(answer, (200,), "The issuer did not change the credential's status")
        # The verifier answers from its copy of the list for STATUS_TTL_SECONDS: let that copy age,
        # so the next verification fetches the list the partner just published.
        time.sleep(STATUS_TTL_SECONDS + 0.2)

    # -- the shelter's verifier

    def start_verifier(self, trust_list: Path, governance: str) -> None:
        self.verifier_env.update(
            NANSEN_VERIFIER_TRUST_LIST=str(trust_list), NANSEN_VERIFIER_GOVERNANCE_DID=governance
        )
        args = ["verifier", "serve", "--port", str(self.verifier_port)]
        verifier = serving("verifier service", args, self.verifier_env, "/", self.root / "verifier.log")
        self.services.enter_context(verifier).wait_until_answering(self.shelter)

    def challenge(self) -> dict[str, Any]:
        """``POST /challenges``: a one-time challenge and the verifier's domain."""
        answer = self._call(self.shelter, "verifier", "/challenges")
        return _json(answer, (200,), "The shelter gave no challenge")

    def scan(self, picture: Path, challenge: dict[str, Any], *, html: bool = False) -> httpx.Response:
        """``POST /scan`` with the picture of a QR code, as the scan page uploads it."""
        fields = {"challenge": challenge["challenge"], "domain": challenge["domain"]}
        image = {"image": (picture.name, picture.read_bytes(), "image/png")}
        headers = {"Accept": "text/html"} if html else {}
        return self._call(self.shelter, "verifier", "/scan", data=fields, files=image, headers=headers)

    def report(self, picture: Path, challenge: dict[str, Any]) -> dict[str, Any]:
        """The verification report ``POST /scan`` gives for the picture (200 valid, 400 not)."""
        report = _json(self.scan(picture, challenge), (200, 400), "The shelter could not scan the QR code")
        if "verdict" not in report:
            raise DemoError(f"The shelter could not scan the QR code: {_detail(report, 400)}")
        return report

    def open_document(self, form: dict[str, str]) -> httpx.Response:
        """``POST /document``: the verdict page's button that opens the shared original."""
        return self._call(self.shelter, "verifier", "/document", data=form, headers={"Accept": "text/html"})

    # -- the holder's wallet

    def wallet(self, directory: Path, args: list[str], *, stdin: str | None = None) -> str:
        """``nansen wallet ARGS --wallet DIRECTORY``: its output, or `DemoError` with its reason."""
        return succeed(["wallet", *args, "--wallet", str(directory)], self.wallet_env, stdin=stdin)

    def wallet_refusal(self, directory: Path, args: list[str]) -> str:
        """The reason the wallet gives for refusing ``ARGS``; `DemoError` if it does not refuse."""
        done = nansen(["wallet", *args, "--wallet", str(directory)], self.wallet_env)
        if done.returncode == 0:
            raise DemoError(f"`nansen wallet {args[0]}` did what the story says it must refuse.")
        return reason(done)

    def present(self, directory: Path, credential_id: str, picture: Path) -> dict[str, Any]:
        """A fresh challenge from the shelter, and the wallet's QR code answering it (sharing the
        original), written to ``picture``; the challenge."""
        challenge = self.challenge()
        options = ["--challenge", challenge["challenge"], "--domain", challenge["domain"]]
        self.wallet(directory, ["present", credential_id, *options, "--share-document", "--qr", str(picture)])
        return challenge

    @staticmethod
    def _call(client: httpx.Client, role: str, path: str, **request: Any) -> httpx.Response:
        try:
            return client.post(path, **request)
        except httpx.HTTPError as error:
            raise DemoError(f"The {role} service did not answer ({type(error).__name__}).") from error


def _fields(output: str) -> dict[str, str]:
    """``Name: value`` lines, as ``nansen issuer partner add`` prints them."""
    pairs = (line.split(":", 1) for line in output.splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def _json(answer: httpx.Response, expected: tuple[int, ...], failure: str) -> dict[str, Any]:
    """The JSON object of an answer with an expected status; else `DemoError` with the problem's
    one-sentence ``detail`` (RFC 9457)."""
    try:
        body = answer.json()
    except ValueError:
        body = None
    if answer.status_code not in expected or not isinstance(body, dict):
        raise DemoError(f"{failure}: {_detail(body, answer.status_code)}")
    return body


def _detail(body: Any, status: int) -> str:
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, str) else f"HTTP {status}."
