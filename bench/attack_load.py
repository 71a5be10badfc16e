"""Both services under attack as real processes: their memory stays bounded and genuine requests keep
being answered (issue 9, "How to show it").

    .venv/bin/python bench/attack_load.py [--seconds 30] [--attackers 20] [--quiet-seconds 5]
                                          [--bound-mb 300] [--json]

Starts ``nansen verifier serve`` and ``nansen issuer serve`` on 127.0.0.1, each a process of its own
with a fresh data directory (SQLite), the issuer after ``nansen issuer migrate`` and two ``nansen
issuer partner add``: a genuine partner and an attacking one (a partner's own staff), whose API key
takes the attack's bodies past authentication to the JSON parser. The per-partner rate limit is
lifted (``NANSEN_ISSUER_RATE_PER_SECOND``) so that every attacking request is parsed rather than
refused with 429 first: the worst case for memory.

After a warm-up, the services stand idle for two seconds (the baseline of their memory), then two
genuine clients run alone for ``--quiet-seconds`` (their latency without attack), then for
``--seconds`` the same two clients run while ``--attackers`` attacking clients (threads, each with
its own connections, looping until the time is up) send, spread round-robin over these streams:

- a header line of 8 MB, and 1,000 header fields, to each service (raw sockets; the services bound
  a request's head at 16 KiB and 100 fields, ``service/limits.py``);
- picture bombs to the verifier's ``POST /scan`` (a 33 KB PNG of 7000x7000 16-bit RGBA and the
  other bombs of ``tests/attacks/test_verifier.py``);
- JSON nested 100,000 deep (arrays, objects) to ``POST /presentations/verify`` and the issuer's
  ``POST /credentials/issue``;
- 1 MB bodies to the same endpoints and, as pasted text, to the scan page's ``POST /verify-page``:
  one byte over the limit, and just under it about 330,000 empty objects (each one parsed).

The genuine clients: one verifies a genuine one-way presentation, signed afresh for each request
(``nansen.add_proof``), and expects 200 and VALID; the other issues an identity credential as the
genuine partner and expects 201. Each server's resident memory (``VmRSS`` in ``/proc/PID/status``)
is sampled every 0.5 s and its high-water mark (``VmHWM``) read at the end.

Prints, per service, its idle, peak and after-attack memory and the growth of the peak over idle;
the genuine requests answered and failed, with their p50 and p99 latency, quiet and under attack;
the attacking requests sent and the status codes they got (``closed``: the connection closed with
no answer), the count of 5xx answers and of tracebacks in the services' logs. Exits 1 when a genuine
request failed, any answer was a 5xx, a log has a traceback, or a service's peak memory passed
``--bound-mb``: it is a check as well as a benchmark.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import HOLDER, ISSUER, MB, api_key, identity_credential, nansen, summary

from nansen import vcdm
from nansen.config import Limits
from nansen.demo.roles import answering, free_port
from nansen.proofs import ProofOptions, add_proof
from service.limits import MAX_HEADERS
from tests.attacks.test_large_bodies import pasted_form, wide
from tests.attacks.test_limits import _send as send_head
from tests.attacks.test_verifier import BOMBS
from tests.issuer.payloads import issue_request

SAMPLE_SECONDS = 0.5
#: The memory during the attack is shown as the peak of each 5 s (10 samples).
TIMELINE_SAMPLES = 10
IDLE_SECONDS = 2.0
TIMEOUT = 30.0
WARM_UP = 10
#: The most bytes of a JSON body the services read (``NANSEN_MAX_DOCUMENT_BYTES``' default).
BODY_LIMIT = Limits().max_document_bytes
DEPTH = 100_000

#: One attacking request on a client of its own: what came back (a status code, ``closed``, or the
#: name of the error that ended it).
Attack = Callable[[httpx.Client], str]


@dataclass(frozen=True)
class Address:
    """Where a service listens (what the attacking process is given)."""

    url: str
    port: int


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    address: Address
    log: Path
    samples: list[tuple[str, int]] = field(default_factory=list)  # (phase, VmRSS bytes)

    @property
    def url(self) -> str:
        return self.address.url


# -- the services, started as an operator would


@contextlib.contextmanager
def serving(name: str, directory: Path, env: dict[str, str]) -> Iterator[Service]:
    """``nansen NAME serve`` on a free loopback port, until the block ends."""
    port = free_port()
    log = directory / f"{name}.log"
    args = [name, "serve", "--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with answering(name, args, env, url + "/.well-known/did.json", log) as service:
        yield Service(name, service.process, Address(url, port), log)


def memory_kib(pid: int, field_name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise SystemExit(f"no {field_name} for process {pid}")


class Sampler:
    """Samples each service's VmRSS every 0.5 s, labelled with the phase the run is in."""

    def __init__(self, services: list[Service]) -> None:
        self.services = services
        self.phase = "start"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            for service in self.services:
                service.samples.append((self.phase, memory_kib(service.process.pid, "VmRSS") * 1024))

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


# -- the genuine clients


@dataclass
class Outcomes:
    latencies: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)


def verify_genuine(verifier: Service) -> Callable[[httpx.Client], str | None]:
    """Verifies a one-way presentation signed now by the holder; None when it is VALID."""
    credential = add_proof(
        identity_credential(valid_from=datetime.now(UTC) - timedelta(days=1)), ISSUER, ProofOptions()
    )

    def send(client: httpx.Client) -> str | None:
        unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[credential])
        presentation = add_proof(unsigned, HOLDER, ProofOptions(purpose="authentication"))
        response = client.post(
            verifier.url + "/presentations/verify", json={"verifiablePresentation": presentation}
        )
        if response.status_code == 200 and response.json().get("verdict") == "VALID":
            return None
        return f"HTTP {response.status_code}"

    return send


def issue_genuine(issuer: Service, key: str) -> Callable[[httpx.Client], str | None]:
    """Issues an identity credential as the genuine partner; None when it is issued."""
    body = issue_request()

    def send(client: httpx.Client) -> str | None:
        response = client.post(
            issuer.url + "/credentials/issue", json=body, headers={"Authorization": f"Bearer {key}"}
        )
        return None if response.status_code == 201 else f"HTTP {response.status_code}"

    return send


def genuine_loop(send: Callable[[httpx.Client], str | None], stop_at: float, outcomes: Outcomes) -> None:
    with httpx.Client(timeout=TIMEOUT) as client:
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            try:
                failure = send(client)
            except httpx.HTTPError as error:
                failure = type(error).__name__
            outcomes.latencies.append(time.perf_counter() - began)
            if failure:
                outcomes.failures[failure] += 1


# -- the attacks


def status_of(answer: bytes) -> str:
    """The status code of a raw HTTP answer, or ``closed`` when there was none."""
    return answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/1.1 ") else "closed"


def big_header_line(service: Address) -> Attack:
    return lambda _: status_of(
        send_head(service.port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ", filler=8 * MB)
    )


def many_header_fields(service: Address) -> Attack:
    head = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(10 * MAX_HEADERS))
    return lambda _: status_of(send_head(service.port, head))


def picture_bombs(verifier: Address) -> Attack:
    pictures = itertools.cycle([picture for picture, _, _ in BOMBS.values()])
    headers = {"Content-Type": "image/png"}
    return lambda client: str(
        client.post(verifier.url + "/scan", content=next(pictures), headers=headers).status_code
    )


def json_bodies(url: str, bodies: list[bytes], headers: dict[str, str]) -> Attack:
    cycle = itertools.cycle(bodies)
    headers = {"Content-Type": "application/json", **headers}
    return lambda client: str(client.post(url, content=next(cycle), headers=headers).status_code)


def deep_json() -> list[bytes]:
    return [b"[" * DEPTH + b"]" * DEPTH, b'{"a":' * DEPTH + b"1" + b"}" * DEPTH]


def one_megabyte(member: str) -> list[bytes]:
    """A body one byte over the limit, and one just under it: ``{member: [{}, {}, …]}``."""
    return [b" " * (BODY_LIMIT + 1), wide(member)]


def pasted_forms(verifier: Address) -> Attack:
    """The scan page's form, one byte over the limit and with 1 MB of pasted ``[{},{},…]``."""
    forms = itertools.cycle([b"text=" + b" " * (BODY_LIMIT - 4), pasted_form()])
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return lambda client: str(
        client.post(verifier.url + "/verify-page", content=next(forms), headers=headers).status_code
    )


def attack_streams(verifier: Address, issuer: Address, attacker_key: str) -> list[tuple[str, Attack]]:
    as_attacker = {"Authorization": f"Bearer {attacker_key}"}
    verify = verifier.url + "/presentations/verify"
    issue = issuer.url + "/credentials/issue"
    return [
        ("verifier: 8 MB header line", big_header_line(verifier)),
        ("issuer: 8 MB header line", big_header_line(issuer)),
        ("verifier: 1,000 header fields", many_header_fields(verifier)),
        ("issuer: 1,000 header fields", many_header_fields(issuer)),
        ("verifier: picture bombs to POST /scan", picture_bombs(verifier)),
        ("verifier: JSON 100,000 deep", json_bodies(verify, deep_json(), {})),
        ("issuer: JSON 100,000 deep", json_bodies(issue, deep_json(), as_attacker)),
        ("verifier: 1 MB bodies", json_bodies(verify, one_megabyte("verifiablePresentation"), {})),
        ("issuer: 1 MB bodies", json_bodies(issue, one_megabyte("credential"), as_attacker)),
        ("verifier: 1 MB forms to POST /verify-page", pasted_forms(verifier)),
    ]


def attack_loop(attack: Attack, stop_at: float, answers: Counter[str]) -> None:
    with httpx.Client(timeout=TIMEOUT) as client:
        while time.monotonic() < stop_at:
            try:
                answers[attack(client)] += 1
            except (httpx.HTTPError, OSError) as error:
                answers[type(error).__name__] += 1


# -- the run


def run_threads(targets: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def service_env(directory: Path, **extra: str) -> dict[str, str]:
    directory.mkdir(mode=0o700)
    return {**os.environ, "NANSEN_DATA_DIR": str(directory), **extra}


def attacking_process(
    verifier: Address, issuer: Address, attacker_key: str, attackers: int, seconds: float, pipe: Connection
) -> None:
    """The attacking clients, in a process of their own (the genuine clients' latency is not the
    load generator's): ready once the attacks are built; on ``go``, attack for ``seconds``; then
    send back each stream's clients and answers."""
    streams = attack_streams(verifier, issuer, attacker_key)
    assigned = [streams[n % len(streams)] for n in range(attackers)]
    answers: list[Counter[str]] = [Counter() for _ in assigned]
    pipe.send("ready")
    pipe.recv()
    stop_at = time.monotonic() + seconds
    run_threads(
        [
            lambda a=attack, c=counter: attack_loop(a, stop_at, c)
            for (_, attack), counter in zip(assigned, answers, strict=True)
        ]
    )
    per_stream: dict[str, dict[str, Any]] = {
        name: {"clients": 0, "answers": Counter()} for name, _ in streams
    }
    for (name, _), counter in zip(assigned, answers, strict=True):
        per_stream[name]["clients"] += 1
        per_stream[name]["answers"] += counter
    pipe.send(per_stream)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="nansen-attack-load-") as tmp:
        directory = Path(tmp)
        issuer_env = service_env(
            directory / "issuer",
            NANSEN_ISSUER_RATE_PER_SECOND="1000000",
            NANSEN_ISSUER_RATE_BURST="1000000",
        )
        nansen("issuer", "migrate", env=issuer_env)
        genuine_key, attacker_key = api_key(issuer_env, "Genuine"), api_key(issuer_env, "Attacker")
        with (
            serving("verifier", directory, service_env(directory / "verifier")) as verifier,
            serving("issuer", directory, issuer_env) as issuer,
            Sampler([verifier, issuer]) as sampler,
        ):
            pipe, child_end = multiprocessing.Pipe()
            attacking = multiprocessing.get_context("spawn").Process(
                target=attacking_process,
                args=(
                    verifier.address,
                    issuer.address,
                    attacker_key,
                    args.attackers,
                    args.seconds,
                    child_end,
                ),
            )
            attacking.start()
            genuine = [verify_genuine(verifier), issue_genuine(issuer, genuine_key)]
            with httpx.Client(timeout=TIMEOUT) as client:
                for send in genuine * WARM_UP:
                    if failure := send(client):
                        raise SystemExit(f"a genuine request failed before the attack: {failure}")
            pipe.recv()  # the attacks are built
            sampler.phase = "idle"
            time.sleep(IDLE_SECONDS)

            sampler.phase = "quiet"
            quiet = [Outcomes() for _ in genuine]
            stop_at = time.monotonic() + args.quiet_seconds
            run_threads(
                [lambda s=s, o=o: genuine_loop(s, stop_at, o) for s, o in zip(genuine, quiet, strict=True)]
            )

            sampler.phase = "attack"
            attacked = [Outcomes() for _ in genuine]
            pipe.send("go")
            stop_at = time.monotonic() + args.seconds
            run_threads(
                [lambda s=s, o=o: genuine_loop(s, stop_at, o) for s, o in zip(genuine, attacked, strict=True)]
            )
            attacks: dict[str, dict[str, Any]] = pipe.recv()
            attacking.join()
            sampler.phase = "after"
            time.sleep(IDLE_SECONDS)
            high_water = {s.name: memory_kib(s.process.pid, "VmHWM") * 1024 for s in (verifier, issuer)}
            services = (verifier, issuer)
        tracebacks = {s.name: s.log.read_text(errors="replace").count("Traceback") for s in services}
    return {
        "attackers": args.attackers,
        "seconds": args.seconds,
        "memory": {s.name: memory_figures(s, high_water[s.name]) for s in services},
        "genuine": {
            kind: {"quiet": outcome_figures(q), "attack": outcome_figures(a)}
            for kind, q, a in zip(("verify", "issue"), quiet, attacked, strict=True)
        },
        "attacks": {
            name: {
                "clients": stream["clients"],
                "sent": sum(stream["answers"].values()),
                "answers": dict(sorted(stream["answers"].items())),
            }
            for name, stream in attacks.items()
        },
        "answers_5xx": sum(
            n for stream in attacks.values() for code, n in stream["answers"].items() if code.startswith("5")
        ),
        "tracebacks": tracebacks,
    }


def memory_figures(service: Service, high_water: int) -> dict[str, float]:
    def in_phase(phase: str) -> list[int]:
        return [rss for label, rss in service.samples if label == phase]

    idle, attack = min(in_phase("idle")), in_phase("attack")
    peak = max(high_water, *in_phase("quiet"), *attack)
    return {
        "idle_mb": round(idle / MB, 1),
        "peak_mb": round(peak / MB, 1),
        "growth_mb": round((peak - idle) / MB, 1),
        "attack_timeline_mb": [
            round(max(attack[at : at + TIMELINE_SAMPLES]) / MB, 1)
            for at in range(0, len(attack), TIMELINE_SAMPLES)
        ],
        "after_mb": round(in_phase("after")[-1] / MB, 1),
    }


def outcome_figures(outcomes: Outcomes) -> dict[str, Any]:
    answered = len(outcomes.latencies) - sum(outcomes.failures.values())
    return {
        "answered": answered,
        "failed": dict(outcomes.failures),
        "latency_ms": summary(outcomes.latencies) if outcomes.latencies else None,
    }


def failures(figures: dict[str, Any], bound_mb: float) -> list[str]:
    found = [
        f"genuine {kind} requests failed {phase}: {outcome['failed']}"
        for kind, phases in figures["genuine"].items()
        for phase, outcome in phases.items()
        if outcome["failed"]
    ]
    found += [f"{figures['answers_5xx']} attacking requests got a 5xx"] if figures["answers_5xx"] else []
    found += [f"the {name} logged {n} tracebacks" for name, n in figures["tracebacks"].items() if n]
    found += [
        f"the {name}'s peak memory, {memory['peak_mb']} MB, passed the bound of {bound_mb:g} MB"
        for name, memory in figures["memory"].items()
        if memory["peak_mb"] > bound_mb
    ]
    return found


def report(figures: dict[str, Any], bound_mb: float) -> None:
    print(f"{figures['attackers']} attacking clients for {figures['seconds']:g} s, 2 genuine clients")
    print(f"memory (VmRSS sampled every {SAMPLE_SECONDS} s; peak includes VmHWM; bound {bound_mb:g} MB):")
    for name, memory in figures["memory"].items():
        print(
            f"  {name}: idle {memory['idle_mb']} MB, peak {memory['peak_mb']} MB "
            f"(+{memory['growth_mb']} MB), after the attack {memory['after_mb']} MB; "
            f"peak of each 5 s of attack: {', '.join(map(str, memory['attack_timeline_mb']))} MB"
        )
    print("genuine requests (answered, failed, latency p50 / p99 / max ms):")
    for kind, phases in figures["genuine"].items():
        for phase, outcome in phases.items():
            latency = outcome["latency_ms"] or {"p50": "-", "p99": "-", "max": "-"}
            print(
                f"  {kind}, {phase}: {outcome['answered']} answered, "
                f"{sum(outcome['failed'].values())} failed {outcome['failed'] or ''}, "
                f"{latency['p50']} / {latency['p99']} / {latency['max']} ms"
            )
    print("attacking requests (clients, sent, answers):")
    for name, attack in figures["attacks"].items():
        answers = ", ".join(f"{code} {n}" for code, n in attack["answers"].items())
        print(f"  {name}: {attack['clients']} clients, {attack['sent']} sent: {answers}")
    print(f"5xx answers: {figures['answers_5xx']}; tracebacks in the logs: {figures['tracebacks']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="seconds of attack (default 30)")
    parser.add_argument("--attackers", type=int, default=20, help="attacking clients (default 20)")
    parser.add_argument(
        "--quiet-seconds", type=float, default=5, help="genuine clients alone first (default 5)"
    )
    parser.add_argument(
        "--bound-mb", type=float, default=300, help="each service's peak memory bound, MB (default 300)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    figures = measure(args)
    found = failures(figures, args.bound_mb)
    if args.json:
        print(json.dumps({**figures, "failures": found}, indent=2))
    else:
        report(figures, args.bound_mb)
        print("\n".join(f"FAILED: {failure}" for failure in found) or "PASSED")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
