"""The trust list (nansen.trust): signed by the governance, judged in the pipeline, kept fresh
from a file or real HTTPS and offline from disk, and edited with ``nansen trust``."""

from __future__ import annotations

import json
import logging
import ssl
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nansen import jsonld, trust
from nansen.cli.trust import app
from nansen.did import key as did_key
from nansen.errors import UndefinedTermError
from nansen.keys import Ed25519KeyPair
from nansen.proofs import ProofOptions, add_proof
from nansen.trust import TrustedIssuer, TrustListError, TrustListSource
from nansen.verify import Outcome, Verdict, Verifier
from tests.helpers import HOLDER, ISSUED, PARTNER, STRANGER, copy_of, first_at_once, signed_credential
from tests.httpsserver import Route, Server

pytest_plugins = ["tests.httpsserver"]

GOVERNANCE = did_key.signing_key(Ed25519KeyPair.from_seed(b"\x20" * 32))
T0 = ISSUED + timedelta(days=1)
IDENTITY = "IdentityDocumentCredential"
SHELTER = TrustedIssuer(PARTNER.controller, "Shelter Aid", (IDENTITY,))
NOTARY = TrustedIssuer(HOLDER.controller, "Notary Office", ("EducationCredential",))


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def signed_list(
    *issuers: TrustedIssuer,
    signer: Any = GOVERNANCE,
    moment: datetime = ISSUED,
    valid_for: timedelta | None = None,
) -> dict[str, Any]:
    return trust.sign(trust.build(signer.controller, issuers), signer, valid_for=valid_for, moment=moment)


def judged(document: dict[str, Any], credential: dict[str, Any], moment: datetime = T0) -> Any:
    verifier = Verifier(clock=lambda: moment)
    policy = trust.load(document, GOVERNANCE.controller, verifier).policy(clock=lambda: moment)
    result = Verifier(trust=policy, clock=lambda: moment).verify_credential(credential)
    return result, result.check("trust")


def refused(document: Any, governance: str = GOVERNANCE.controller) -> str:
    with pytest.raises(TrustListError) as raised:
        trust.load(document, governance, Verifier(clock=lambda: T0))
    return str(raised.value)


# -- the list as a credential


def test_signed_list_is_a_valid_credential_every_term_defined() -> None:
    document = signed_list(SHELTER, TrustedIssuer(STRANGER.controller, "Consulate", (IDENTITY,), ISSUED, T0))
    assert document["type"] == ["VerifiableCredential", "TrustListCredential"]
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    result = Verifier(clock=lambda: T0).verify_credential(document)
    assert result.verdict is Verdict.VALID, result.to_json()
    assert jsonld.to_rdf(document)  # the project's context defines every term: nothing is dropped
    undefined = copy_of(document)
    undefined["credentialSubject"]["trustedIssuer"][0]["motto"] = "x"
    with pytest.raises(UndefinedTermError):
        jsonld.to_rdf(undefined)
    assert trust.entries(document)[1].valid_until == T0


def test_trusted_partner_passes_with_its_name() -> None:
    result, check = judged(signed_list(SHELTER, NOTARY), signed_credential())
    assert result.verdict is Verdict.VALID
    assert check.outcome is Outcome.PASSED
    assert check.reason == "Issued by Shelter Aid, a trusted partner."


def test_unknown_partner_fails_without_naming_it() -> None:
    result, check = judged(signed_list(SHELTER), signed_credential(signer=STRANGER, issuer=STRANGER))
    assert result.verdict is Verdict.NOT_VALID
    assert check.outcome is Outcome.FAILED
    assert check.reason == "The issuer is not trusted: it is not on the trust list."
    assert STRANGER.controller not in json.dumps(result.to_json()["checks"])


def test_type_not_allowed_fails() -> None:
    result, check = judged(signed_list(NOTARY), signed_credential(signer=HOLDER, issuer=HOLDER))
    assert result.verdict is Verdict.NOT_VALID
    assert check.reason == f"The issuer is not trusted: Notary Office may not issue {IDENTITY}."
    document = trust.load(signed_list(SHELTER), GOVERNANCE.controller, Verifier(clock=lambda: T0))
    bare = document.judge(PARTNER.controller, ["VerifiableCredential"], T0)
    assert (
        bare.reason
        == "The issuer is not trusted: Shelter Aid may not issue credentials without a specific type."
    )


def test_partner_outside_its_trusted_period_fails() -> None:
    ended = TrustedIssuer(
        PARTNER.controller, "Shelter Aid", (IDENTITY,), valid_until=ISSUED + timedelta(hours=1)
    )
    result, check = judged(signed_list(ended), signed_credential())
    assert result.verdict is Verdict.NOT_VALID
    assert check.reason == "The issuer is not trusted: Shelter Aid is not a trusted partner at this time."


def test_list_signed_by_someone_else_is_refused() -> None:
    assert refused(signed_list(SHELTER, signer=STRANGER)) == (
        "The trust list was not issued by the network's governance."
    )
    # Naming the governance as issuer but signed with another key.
    forged = add_proof(trust.build(GOVERNANCE.controller, [SHELTER]), STRANGER, ProofOptions(created=ISSUED))
    assert refused(forged) == "The trust list was signed with a key that does not belong to its issuer."
    with pytest.raises(TrustListError, match="does not belong to the governance"):
        trust.sign(trust.build(GOVERNANCE.controller), STRANGER)


def test_tampered_or_unsigned_list_is_refused() -> None:
    tampered = signed_list(NOTARY)
    tampered["credentialSubject"]["trustedIssuer"][0]["credentialType"].append(IDENTITY)
    assert refused(tampered) == "The trust list's signature does not verify."
    edited = trust.add(signed_list(NOTARY), SHELTER)
    assert "proof" not in edited  # an edited list is trusted by nobody until it is signed again
    assert refused(edited) == "The trust list's signature does not verify."
    assert refused({"type": "TrustListCredential"}) == "The trust list is not a well-formed credential."


def test_stale_or_expired_list_is_unknown_never_valid() -> None:
    document = trust.load(signed_list(SHELTER), GOVERNANCE.controller, Verifier(clock=lambda: T0))
    stale = document.judge(
        PARTNER.controller, [IDENTITY], T0, refreshed_at=T0 - timedelta(days=9), max_age=timedelta(days=7)
    )
    assert stale.outcome is Outcome.UNKNOWN
    assert stale.reason == "The trust list is out of date (last refreshed 9 days ago)."
    assert stale.refreshed_at == T0 - timedelta(days=9)
    expired = signed_list(SHELTER, valid_for=timedelta(hours=2))
    later = T0 + timedelta(days=2)
    result, check = judged(expired, signed_credential(), moment=later)
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert check.outcome is Outcome.UNKNOWN
    assert check.reason == "The trust list is out of date (it expired 2 days ago)."


def test_list_not_valid_yet_is_refused() -> None:
    early = trust.build(GOVERNANCE.controller, [SHELTER])
    early["validFrom"] = "2026-02-01T00:00:00Z"
    document = add_proof(early, GOVERNANCE, ProofOptions(cryptosuite="eddsa-jcs-2022", created=ISSUED))
    assert refused(document) == "The trust list is not valid yet."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["trustedIssuer"].append(dict(s["trustedIssuer"][0])), "names a partner more than once"),
        (lambda s: s["trustedIssuer"][0].update(motto="x"), "a property this verifier does not know"),
        (lambda s: s["trustedIssuer"][0].update(id="https://shelter.example"), "id must be a DID"),
        (lambda s: s["trustedIssuer"][0].update(name=" "), "must have a display name"),
        (lambda s: s["trustedIssuer"][0].update(credentialType=[]), "at least one credential type"),
        (lambda s: s["trustedIssuer"][0].update(credentialType=[7]), "as strings"),
        (lambda s: s["trustedIssuer"][0].update(validFrom="2026-01-01"), "date-times with a time zone"),
        (
            lambda s: s["trustedIssuer"][0].update(
                validFrom="2026-02-01T00:00:00Z", validUntil="2026-01-01T00:00:00Z"
            ),
            "must come after",
        ),
        (lambda s: s.update(type="Something"), "one credentialSubject of type TrustList"),
        (lambda s: s.update(motto="x"), "a property this verifier does not know"),
    ],
)
def test_malformed_lists_are_refused(change: Any, message: str) -> None:
    document = trust.build(GOVERNANCE.controller, [SHELTER])
    change(document["credentialSubject"])
    with pytest.raises(TrustListError, match=message):
        trust.entries(document)


def test_add_replaces_and_remove_removes() -> None:
    document = trust.build(GOVERNANCE.controller, [SHELTER, NOTARY])
    renamed = TrustedIssuer(
        PARTNER.controller, "Shelter Aid International", (IDENTITY, "EducationCredential")
    )
    assert trust.entries(trust.add(document, renamed)) == [renamed, NOTARY]
    assert trust.entries(trust.remove(document, PARTNER.controller)) == [NOTARY]
    with pytest.raises(TrustListError, match="not on the trust list"):
        trust.remove(document, STRANGER.controller)
    with pytest.raises(TrustListError, match="not a trust list"):
        trust.entries(signed_credential())


# -- the source: from HTTPS or a file, refreshed, offline


def source(
    location: str | Path, tmp_path: Path, tls: ssl.SSLContext, clock: Clock, **options: Any
) -> TrustListSource:
    options.setdefault("allow_private_addresses", True)  # the test server is on loopback
    return TrustListSource(
        location,
        GOVERNANCE.controller,
        verifier=Verifier(clock=clock),
        cache_dir=tmp_path / "trust-list",
        verify=tls,
        **options,
    )


def serve(server: Server, document: dict[str, Any]) -> str:
    server.routes["/trust-list.json"] = Route(body=json.dumps(document).encode())
    return server.url("/trust-list.json")


def judge(trust_source: TrustListSource, clock: Clock) -> Any:
    verifier = Verifier(trust=trust_source.policy(), clock=clock)
    result = verifier.verify_credential(signed_credential())
    return result, result.check("trust")


def test_source_fetches_over_https_and_refreshes_after_the_ttl(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    url = serve(https, signed_list(NOTARY))
    clock = Clock(T0)
    trusted = source(url, tmp_path, client_tls, clock)
    result, check = judge(trusted, clock)
    assert check.reason == "The issuer is not trusted: it is not on the trust list."
    assert check.refreshed_at == T0
    # The governance adds the partner; verifiers see it once the TTL has passed.
    serve(https, signed_list(NOTARY, SHELTER, moment=T0))
    clock.moment = T0 + timedelta(minutes=59)
    assert judge(trusted, clock)[1].outcome is Outcome.FAILED
    assert len(https.requests) == 1
    clock.moment = T0 + timedelta(hours=1)
    result, check = judge(trusted, clock)
    assert result.verdict is Verdict.VALID
    assert check.reason == "Issued by Shelter Aid, a trusted partner."
    assert check.refreshed_at == clock.moment
    assert result.to_json()["checks"][-1]["refreshedAt"] == "2026-01-06T10:30:00Z"
    assert len(https.requests) == 2


def test_source_works_offline_from_disk_after_the_server_stops(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    url = serve(https, signed_list(SHELTER))
    clock = Clock(T0)
    assert judge(source(url, tmp_path, client_tls, clock), clock)[0].verdict is Verdict.VALID
    https.stop()
    clock.moment = T0 + timedelta(days=3)
    restarted = source(url, tmp_path, client_tls, clock)  # reads the last good copy from disk
    snapshot = restarted.current()
    assert snapshot is not None
    assert snapshot.refreshed_at == T0
    assert snapshot.age(clock.moment) == timedelta(days=3)
    result, check = judge(restarted, clock)
    assert result.verdict is Verdict.VALID
    assert check.refreshed_at == T0
    # Beyond the maximum age the list cannot confirm trust.
    clock.moment = T0 + timedelta(days=8)
    result, check = judge(source(url, tmp_path, client_tls, clock, offline=True), clock)
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert check.reason == "The trust list is out of date (last refreshed 8 days ago)."


@pytest.mark.parametrize("bad", ["tampered", "someone-else", "older", "not-json", "server-error"])
def test_a_bad_refresh_keeps_the_last_good_copy(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path, bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    good = signed_list(SHELTER, moment=T0)
    url = serve(https, good)
    clock = Clock(T0)
    trusted = source(url, tmp_path, client_tls, clock)
    assert judge(trusted, clock)[0].verdict is Verdict.VALID
    if bad == "tampered":
        replacement = copy_of(good)
        replacement["credentialSubject"]["trustedIssuer"].append(NOTARY.to_json())
        serve(https, replacement)
    elif bad == "someone-else":
        serve(https, signed_list(SHELTER, NOTARY, signer=STRANGER, moment=T0))
    elif bad == "older":  # a rollback to a list the governance has replaced
        serve(https, signed_list(SHELTER, NOTARY, moment=ISSUED))
    elif bad == "not-json":
        https.routes["/trust-list.json"] = Route(body=b"{")
    else:
        https.routes["/trust-list.json"] = Route(502)
    clock.moment = T0 + timedelta(hours=2)
    with caplog.at_level(logging.WARNING):
        snapshot = trusted.current()
    assert snapshot is not None
    assert snapshot.trust_list.document == good
    assert snapshot.refreshed_at == T0
    assert len(https.requests) == 2
    assert "not refreshed" in caplog.text
    assert "localhost" not in caplog.text
    assert GOVERNANCE.controller not in caplog.text
    # Nor on disk: a restarted verifier has the good copy.
    restarted = source(url, tmp_path, client_tls, clock, offline=True).current()
    assert restarted is not None
    assert restarted.trust_list.document == good


def test_source_without_any_list_is_unknown(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    https.stop()
    clock = Clock(T0)
    result, check = judge(source(https.url("/trust-list.json"), tmp_path, client_tls, clock), clock)
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert check.reason == "The trust list could not be obtained, so the issuer's trust cannot be confirmed."


def test_source_reads_a_file_and_keeps_the_last_good_one(client_tls: ssl.SSLContext, tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    good = signed_list(SHELTER)
    path.write_text(json.dumps(good))
    clock = Clock(T0)
    trusted = source(path, tmp_path, client_tls, clock, ttl=timedelta(0))
    assert judge(trusted, clock)[0].verdict is Verdict.VALID
    path.write_text(json.dumps(trust.remove(good, PARTNER.controller)))  # edited, not signed again
    clock.moment = T0 + timedelta(minutes=1)
    current = trusted.current()
    assert current is not None
    assert current.trust_list.document == good
    path.unlink()
    clock.moment = T0 + timedelta(minutes=2)
    assert judge(trusted, clock)[0].verdict is Verdict.VALID


def test_source_location_must_be_https_or_a_file(tmp_path: Path) -> None:
    with pytest.raises(TrustListError, match="HTTPS URL or a file"):
        TrustListSource("http://governance.example/list.json", GOVERNANCE.controller, cache_dir=tmp_path)


# -- nansen trust


runner = CliRunner()


def cli(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    paths = {"governance": tmp_path / "governance.key", "stranger": tmp_path / "stranger.key"}
    GOVERNANCE.write(paths["governance"])
    STRANGER.write(paths["stranger"])
    return paths


def test_cli_init_add_sign_show_remove(keys: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    created = cli("init", "--key", keys["governance"], "--out", path)
    assert created.exit_code == 0, created.output
    assert "signature: valid." in cli("show", path).output.lower()

    added = cli("add", path, PARTNER.controller, "--name", "Shelter Aid", "--type", IDENTITY, "--type", "X")
    assert added.exit_code == 0, added.output
    assert "unsigned" in added.output
    shown = cli("show", path).output
    assert "Shelter Aid" in shown
    assert f"{IDENTITY}, X" in shown
    assert "Signature: unsigned: nobody trusts this list" in shown
    with pytest.raises(TrustListError):
        trust.load(json.loads(path.read_text()), GOVERNANCE.controller)

    signed = cli("sign", path, "--key", keys["governance"], "--valid-days", "10")
    assert signed.exit_code == 0, signed.output
    loaded = trust.load(json.loads(path.read_text()), GOVERNANCE.controller)
    assert loaded.find(PARTNER.controller) == TrustedIssuer(
        PARTNER.controller, "Shelter Aid", (IDENTITY, "X")
    )
    assert loaded.valid_until is not None
    assert loaded.valid_from is not None
    assert loaded.valid_until - loaded.valid_from == timedelta(days=10)
    shown = cli("show", path).output
    assert "Signature: valid." in shown
    assert "1 partner(s)" in shown

    assert cli("remove", path, PARTNER.controller).exit_code == 0
    assert "0 partner(s)" in cli("show", path).output


def test_cli_show_reports_a_tampered_list(keys: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    document = signed_list(SHELTER)
    document["credentialSubject"]["trustedIssuer"][0]["name"] = "Someone Else"
    path.write_text(json.dumps(document))
    shown = cli("show", path)
    assert shown.exit_code == 0
    assert (
        "Signature: does not verify. The signature does not match the document (eddsa-jcs-2022)."
        in shown.output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "{list}", "https://shelter.example", "--name", "S", "--type", IDENTITY), "must be a DID"),
        (
            ("add", "{list}", PARTNER.controller, "--name", "S", "--type", IDENTITY, "--valid-from", "soon"),
            "--valid-from",
        ),
        (("remove", "{list}", STRANGER.controller), "not on the trust list"),
        (("sign", "{list}", "--key", "{stranger}"), "does not belong to the governance"),
        (("init", "--key", "{governance}", "--out", "{list}"), "exists already"),
        (("show", "{key}"), "not a trust list"),
    ],
)
def test_cli_refusals_are_one_sentence_with_exit_1(
    keys: dict[str, Path], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "list.json"
    assert cli("init", "--key", keys["governance"], "--out", path).exit_code == 0
    (tmp_path / "key.json").write_text(json.dumps(signed_credential()))
    names = {
        "list": path,
        "stranger": keys["stranger"],
        "governance": keys["governance"],
        "missing": tmp_path / "missing.json",
        "key": tmp_path / "key.json",
    }
    result = cli(*(a.format(**names) for a in args))
    assert result.exit_code == 1
    assert message in result.output
    assert result.output.startswith("Error: ")
    assert result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_cli_unreadable_list_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("show", tmp_path / "missing.json")
    assert result.exit_code == 2
    assert result.output.startswith("Error: Cannot read")
    assert result.output.count("\n") == 1


def test_concurrent_first_verifications_all_find_the_list(client_tls: ssl.SSLContext, tmp_path: Path) -> None:
    """A service's first requests, at once: before the fix, those that asked after another thread had
    read the list but before it kept it found none, and said CANNOT CONFIRM (about one in five here)."""
    path = tmp_path / "list.json"
    path.write_text(json.dumps(signed_list(SHELTER)))

    def fresh_source(round_: int) -> Any:
        trusted = source(path, tmp_path / str(round_), client_tls, Clock(T0))
        return trusted.current

    answers = first_at_once(fresh_source)
    assert answers.count(None) == 0
    assert len(answers) == 320
