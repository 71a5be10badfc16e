"""Bodies of about a million JSON values against both services running as processes (issue 9): a
body just under the size limit holding some 330,000 empty objects costs about a second to parse.
Parsed on the event loop, it held up every other request, so a genuine request sent while one was
being parsed waited for it; pasted into the scan page by many clients at once, the parses ran side by
side and memory grew with their number. Now a genuine request is answered while large bodies are
still being parsed, and the scan page parses one large text at a time (`service.parsing`)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from nansen import jsonutil
from nansen.config import Limits
from nansen.errors import InvalidInput
from nansen.timeutil import now
from service.parsing import INLINE_BYTES, PARSING_SWITCH_INTERVAL, parse_json
from tests.attacks.test_limits import _env, _running
from tests.attacks.test_verifier import high_water_kib, served_process
from tests.conftest import REPO
from tests.helpers import signed_credential
from tests.issuer.payloads import document_fields, issue_request, png
from tests.verifier.support import one_way


def wide(member: str, limit: int = Limits().max_document_bytes) -> bytes:
    """``{member: [{}, {}, …]}``, as many empty objects as fit in ``limit`` bytes."""
    opening = b'{"' + member.encode() + b'":['
    body = opening + b",".join([b"{}"] * ((limit - len(opening) - 1) // 3)) + b"]}"
    assert limit - 3 < len(body) <= limit
    return body


def pasted_form() -> bytes:
    """The scan page's form with as many empty objects pasted as fit in the body limit: ``text=[{},{},…]``."""
    prefix = b"text="
    return prefix + wide("x", Limits().max_document_bytes - len(prefix))[len(b'{"x":') : -1]


def genuine_verification(url: str) -> Callable[[httpx.Client], bool]:
    credential = signed_credential()

    def send(client: httpx.Client) -> bool:
        vp = one_way(credential, moment=now())
        answer = client.post(url + "/presentations/verify", json={"verifiablePresentation": vp})
        return answer.status_code == 200 and answer.json()["verdict"] == "VALID"

    return send


def genuine_issuance(url: str, api_key: str) -> Callable[[httpx.Client], bool]:
    def send(client: httpx.Client) -> bool:
        headers = {"Authorization": f"Bearer {api_key}"}
        return (
            client.post(url + "/credentials/issue", json=issue_request(), headers=headers).status_code == 201
        )

    return send


def answered_while_large_bodies_are_parsed(
    send_large: Callable[[httpx.Client], httpx.Response],
    genuine: Callable[[httpx.Client], bool],
    refused: int = 400,
) -> None:
    """Three large bodies are sent; while they are being parsed, one after another, a genuine request
    must be answered, before the last of them is; each large body is refused.

    Parsed where they arrived (on the event loop), all three were parsed before the genuine request
    was read, so it was answered after every one of them. Whether it beats the *first* is a race
    between a parse (0.4-0.6 s) and an issuance slowed by that parse (0.25-0.5 s), which a busy CI
    machine lost; the last is answered some three parses after they were sent."""
    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(3) as pool:
        assert genuine(client)  # warm: the first verification or issuance loads what it needs
        sent = [pool.submit(send_large, client) for _ in range(3)]
        time.sleep(0.15)  # the bodies are in (a millisecond on loopback); the first is being parsed
        assert genuine(client)
        answered = sum(answer.done() for answer in sent)
        assert answered < len(sent), "the genuine request waited for every large body"
        assert [answer.result().status_code for answer in sent] == [refused] * 3


def json_body(url: str, member: str, headers: dict[str, str]) -> Callable[[httpx.Client], httpx.Response]:
    body = wide(member)
    return lambda client: client.post(
        url, content=body, headers={"Content-Type": "application/json", **headers}
    )


def large_facts(url: str, headers: dict[str, str]) -> Callable[[httpx.Client], httpx.Response]:
    """``POST /documents`` whose ``facts`` field is a JSON object of about 330,000 empty objects."""
    fields = document_fields(facts=wide("x", Limits().max_document_bytes - 1000).decode())
    files = {"scan": ("scan.png", png(), "image/png")}
    return lambda client: client.post(url + "/documents", data=fields, files=files, headers=headers)


def test_a_genuine_verification_is_not_held_up_by_large_bodies(tmp_path: Path) -> None:
    with served_process(tmp_path) as (_, url):
        answered_while_large_bodies_are_parsed(
            json_body(url + "/presentations/verify", "verifiablePresentation", {}), genuine_verification(url)
        )


@pytest.mark.parametrize(("kind", "refused"), [("credential", 400), ("document facts", 422)])
def test_a_genuine_issuance_is_not_held_up_by_large_bodies(kind: str, refused: int, tmp_path: Path) -> None:
    env = {**_env(tmp_path), "NANSEN_ISSUER_RATE_BURST": "1000"}
    (tmp_path / "data").mkdir(mode=0o700)

    def issuer(*arguments: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "issuer", *arguments], cwd=REPO, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    issuer("migrate")
    genuine_key, attacker_key = (
        line.split(":", 1)[1].strip()
        for name in ("Genuine", "Attacker")
        for line in issuer("partner", "add", name).splitlines()
        if line.startswith("API key:")
    )
    log: list[str] = []
    with _running("issuer", env, log) as (_, port):
        url = f"http://127.0.0.1:{port}"
        as_attacker = {"Authorization": f"Bearer {attacker_key}"}
        send_large = (
            json_body(url + "/credentials/issue", "credential", as_attacker)
            if kind == "credential"
            else large_facts(url, as_attacker)
        )
        answered_while_large_bodies_are_parsed(send_large, genuine_issuance(url, genuine_key), refused)
    assert "Traceback" not in log[0]


#: How much the verifier's peak memory may grow while it refuses sixteen large pasted texts at once
#: (one such parse takes some 50 MB; sixteen side by side took over 150 MB).
PASTE_GROWTH_BOUND_KIB = 100 * 1024


def test_large_pasted_texts_are_parsed_one_at_a_time(tmp_path: Path) -> None:
    form = pasted_form()
    assert len(form) > INLINE_BYTES
    with served_process(tmp_path) as (process, url), httpx.Client(timeout=120) as client:

        def paste(_: int) -> httpx.Response:
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            return client.post(url + "/verify-page", content=form, headers=headers)

        assert paste(0).status_code == 400  # warm; a list of empty objects is no presentation
        before = high_water_kib(process.pid)
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(paste, range(16)))
        assert {answer.status_code for answer in answers} == {400}
        growth = high_water_kib(process.pid) - before
        assert growth < PASTE_GROWTH_BOUND_KIB, f"peak memory grew by {growth} KiB"


@pytest.mark.parametrize("size", [INLINE_BYTES, INLINE_BYTES + 1])
def test_bodies_on_either_side_of_the_inline_bound_are_parsed_alike(size: int, tmp_path: Path) -> None:
    with served_process(tmp_path) as (_, url):
        body = wide("verifiablePresentation", size)
        answer = httpx.post(
            url + "/presentations/verify", content=body, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 400
        assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("fails", [False, True])
def test_a_large_parse_hands_the_interpreter_lock_on_often_then_restores_the_interval(
    fails: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the parsing thread parses a large body, other threads wait at most a tenth of the
    default switch interval for the interpreter lock; afterwards, and after a refusal, the
    interval is what it was."""
    before = sys.getswitchinterval()
    seen: list[float] = []

    def parse(data: bytes | str, limits: Limits) -> object:
        seen.append(sys.getswitchinterval())
        if fails:
            raise InvalidInput("refused")
        return {}

    monkeypatch.setattr(jsonutil, "parse", parse)
    body = wide("x")
    assert len(body) > INLINE_BYTES
    if fails:
        with pytest.raises(InvalidInput):
            parse_json(body, Limits())
    else:
        assert parse_json(body, Limits()) == {}
    assert seen == [PARSING_SWITCH_INTERVAL]
    assert before / 10 >= PARSING_SWITCH_INTERVAL
    assert sys.getswitchinterval() == before
    if not fails:
        seen.clear()
        assert parse_json(b"{}", Limits()) == {}
        assert seen == [before]  # a small body is parsed where it arrives, the interval untouched
