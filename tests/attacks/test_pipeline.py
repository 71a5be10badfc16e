"""Attacks on the core verification pipeline (`nansen.verify`), issue 9: VALID must be impossible
to fake. Each test sends the attack to ``Verifier.verify_credential``/``verify_presentation`` (the
surface every role calls) and checks the refusal. DID documents and status lists are served by
real HTTPS servers on loopback (tests/httpsserver.py) that record every request.
"""

from __future__ import annotations

import copy
import json
import ssl
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import trustme
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nansen import config, status, trust, vcdm
from nansen.did import key as did_key
from nansen.did.resolver import Resolver
from nansen.did.web import PartnerKey, build_document, mark_compromised
from nansen.did.web_resolver import WebResolver
from nansen.errors import ConfigurationError, NansenError
from nansen.keys import Ed25519KeyPair, SigningKey
from nansen.proofs import ProofOptions, add_proof
from nansen.status_source import CachedStatusLists
from nansen.trust import TrustedIssuer
from nansen.verify import Outcome, Verdict, VerificationResult, Verifier
from tests.helpers import HOLDER, ISSUED, PARTNER, STRANGER, identity_credential, signed_credential
from tests.httpsserver import Route, Server

pytest_plugins = ["tests.httpsserver"]

T0 = ISSUED + timedelta(days=1)
CHALLENGE, DOMAIN = "c-123", "shelter.example"
GOVERNANCE = did_key.signing_key(Ed25519KeyPair.from_seed(b"\x90" * 32))
WEB_KEY = Ed25519KeyPair.from_seed(b"\x91" * 32)
HOLDER_WEB_KEY = Ed25519KeyPair.from_seed(b"\x92" * 32)
IDENTITY = "IdentityDocumentCredential"
PATHS = {purpose: f"/status/{purpose}" for purpose in ("revocation", "suspension")}
INDEX = 77


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def trust_policy(*trusted: str, moment: datetime = T0) -> Any:
    """A signed trust list naming ``trusted`` for identity documents, as the verifier's policy."""
    signer = GOVERNANCE
    issuers = [TrustedIssuer(did, f"Partner {n}", (IDENTITY,)) for n, did in enumerate(trusted)]
    document = trust.sign(trust.build(signer.controller, issuers), signer, moment=ISSUED)
    verifier = Verifier(clock=lambda: moment)
    return trust.load(document, signer.controller, verifier).policy(clock=lambda: moment)


def web_did(server: Server, *path: str) -> str:
    return ":".join([f"did:web:localhost%3A{server.port}", *path])


def publish_did(server: Server, document: dict[str, Any], *path: str) -> None:
    url_path = "/" + "/".join(path) + "/did.json" if path else "/.well-known/did.json"
    server.routes[url_path] = Route(body=json.dumps(document).encode())


def web_signer(server: Server, key: Ed25519KeyPair = WEB_KEY, *path: str) -> SigningKey:
    """A did:web on ``server`` with ``key`` as its one key ``#key-1``, its document published."""
    did = web_did(server, *path)
    publish_did(server, build_document(did, [PartnerKey("key-1", key.public_key)]), *path)
    return SigningKey(key, f"{did}#key-1")


def web_resolver(
    directory: Path, tls: ssl.SSLContext, clock: Callable[[], datetime] = lambda: T0
) -> Resolver:
    return Resolver(
        web=WebResolver(directory / "did-web", verify=tls, allow_private_addresses=True, clock=clock)
    )


def status_lists(directory: Path, tls: ssl.SSLContext, clock: Clock, **options: Any) -> CachedStatusLists:
    return CachedStatusLists(
        directory / "status-lists", verify=tls, allow_private_addresses=True, clock=clock, **options
    )


def publish_list(server: Server, signer: SigningKey, purpose: str, revoked: bool = False) -> None:
    bits = status.StatusList()
    bits.set(INDEX, revoked)
    unsigned = status.build_list_credential(
        server.url(PATHS[purpose]), signer.controller, purpose, bits, valid_from=ISSUED
    )
    document = add_proof(unsigned, signer, ProofOptions(created=ISSUED))
    server.routes[PATHS[purpose]] = Route(body=json.dumps(document).encode())


def with_status(server: Server, signer: SigningKey = PARTNER) -> dict[str, Any]:
    entries = [status.build_entry(server.url(path), INDEX, purpose) for purpose, path in PATHS.items()]
    return add_proof(
        identity_credential(issuer=signer, credential_status=entries), signer, ProofOptions(created=ISSUED)
    )


def present(
    credentials: list[dict[str, Any]], signer: SigningKey = HOLDER, holder: str | None = None
) -> dict[str, Any]:
    """A presentation of ``credentials`` signed by ``signer``, naming ``holder`` (default: the signer)."""
    unsigned = vcdm.build_presentation(holder=holder or signer.controller, credentials=credentials)
    return sign_presentation(unsigned, signer)


def sign_presentation(
    unsigned: dict[str, Any], signer: SigningKey, created: datetime = ISSUED
) -> dict[str, Any]:
    options = ProofOptions(purpose="authentication", challenge=CHALLENGE, domain=DOMAIN, created=created)
    return add_proof(unsigned, signer, options)


def verify_vp(presentation: Any, verifier: Verifier | None = None) -> VerificationResult:
    verifier = verifier or Verifier(clock=lambda: T0)
    return verifier.verify_presentation(presentation, challenge=CHALLENGE, domain=DOMAIN)


def outcome(result: VerificationResult, name: str) -> Outcome | None:
    found = result.check(name)
    return None if found is None else found.outcome


def reason(result: VerificationResult, name: str) -> str:
    found = result.check(name)
    assert found is not None, result.to_json()
    return found.reason


# --------------------------------------------------------------------------------------------
# 1. A presentation with no credential


@pytest.mark.parametrize("credentials", ["absent", "empty list"])
@pytest.mark.parametrize("with_holder", [True, False])
def test_a_presentation_without_a_credential_is_not_valid(credentials: str, with_holder: bool) -> None:
    unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[])
    if credentials == "absent":
        del unsigned["verifiableCredential"]
    if not with_holder:
        del unsigned["holder"]
    result = verify_vp(sign_presentation(unsigned, HOLDER))
    assert result.verdict is Verdict.NOT_VALID
    assert outcome(result, "credentials") is Outcome.FAILED
    assert reason(result, "credentials") == "The presentation carries no credential."


def test_the_genuine_presentation_is_valid_with_and_without_a_holder() -> None:
    """The control: what the attacks below change is all that makes them fail."""
    assert verify_vp(present([signed_credential()])).verdict is Verdict.VALID
    unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[signed_credential()])
    del unsigned["holder"]
    result = verify_vp(sign_presentation(unsigned, HOLDER))
    assert result.verdict is Verdict.VALID, result.to_json()
    assert outcome(result, "holder binding") is Outcome.PASSED


# --------------------------------------------------------------------------------------------
# 2. Holder binding, and no proof repeated


def test_a_duplicated_proof_is_not_valid() -> None:
    presentation = present([signed_credential()])
    presentation["proof"] = [presentation["proof"], copy.deepcopy(presentation["proof"])]
    result = verify_vp(presentation)
    assert result.verdict is Verdict.NOT_VALID
    assert reason(result, "proof") == "The presentation carries the same proof more than once."


def test_two_proofs_with_one_signature_are_not_valid() -> None:
    presentation = present([signed_credential()])
    twin = {**presentation["proof"], "id": "urn:uuid:another-proof"}
    presentation["proof"] = [presentation["proof"], twin]
    result = verify_vp(presentation)
    assert result.verdict is Verdict.NOT_VALID
    assert outcome(result, "proof") is Outcome.FAILED


def test_a_credential_carrying_one_proof_twice_is_verified_once() -> None:
    """One key signing twice in one second makes the same proof (the W3C eddsa suite's proof set):
    a credential's proofs key no replay check, so the copy is harmless, and it names no second signer."""
    credential = signed_credential()
    once = Verifier(clock=lambda: T0).verify_credential(credential)
    credential["proof"] = [credential["proof"], copy.deepcopy(credential["proof"])]
    result = Verifier(clock=lambda: T0).verify_credential(credential)
    assert result.verdict is Verdict.VALID
    assert reason(result, "proof") == reason(once, "proof")


def test_a_credential_with_two_proofs_sharing_a_signature_is_not_valid() -> None:
    credential = signed_credential()
    twin = {**credential["proof"], "id": "urn:uuid:another-proof"}
    credential["proof"] = [credential["proof"], twin]
    result = Verifier(clock=lambda: T0).verify_credential(credential)
    assert result.verdict is Verdict.NOT_VALID
    assert reason(result, "proof") == "The credential carries the same proof more than once."


def test_a_credential_presented_with_its_proof_twice_is_still_one_credential() -> None:
    """The copy collapses inside the credential; the presentation's own proofs are still refused
    when repeated (test_a_duplicated_proof_is_not_valid)."""
    credential = signed_credential()
    credential["proof"] = [credential["proof"], copy.deepcopy(credential["proof"])]
    result = verify_vp(present([credential]))
    assert result.verdict is Verdict.VALID


def test_a_second_proof_by_another_key_is_not_valid(https: Server) -> None:
    """The stranger's key is a did:web: refused before it is resolved, so nothing is fetched."""
    stranger = web_signer(https)
    presentation = sign_presentation(present([signed_credential()]), stranger)
    result = verify_vp(presentation)
    assert result.verdict is Verdict.NOT_VALID
    assert outcome(result, "holder binding") is Outcome.FAILED
    assert reason(result, "holder binding") == "The presentation was signed by someone other than its holder."
    assert https.requests == []


def test_without_a_holder_every_signer_must_be_a_subject() -> None:
    unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[signed_credential()])
    del unsigned["holder"]
    both = sign_presentation(sign_presentation(unsigned, HOLDER), STRANGER)
    result = verify_vp(both)
    assert result.verdict is Verdict.NOT_VALID
    assert reason(result, "holder binding") == (
        "The presentation was signed by someone who is not the subject of any credential in it."
    )
    only_stranger = verify_vp(sign_presentation(unsigned, STRANGER))
    assert only_stranger.verdict is Verdict.NOT_VALID
    assert outcome(only_stranger, "holder binding") is Outcome.FAILED


def test_a_credential_presented_by_someone_not_its_subject_is_not_valid() -> None:
    result = verify_vp(present([signed_credential()], signer=STRANGER))
    assert result.verdict is Verdict.NOT_VALID
    assert reason(result, "holder binding") == "A credential was presented by someone who is not its subject."


# --------------------------------------------------------------------------------------------
# 3. DID documents no older than a bound


def test_an_old_did_document_cannot_confirm_a_proof(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    partner = web_signer(https)
    credential = signed_credential(signer=partner, issuer=partner)
    clock = Clock(T0)
    verifier = Verifier(resolver=web_resolver(tmp_path, client_tls, clock), clock=clock)
    assert verifier.verify_credential(credential).verdict is Verdict.VALID
    https.routes["/.well-known/did.json"] = Route(503)  # the partner's host fails

    clock.moment = T0 + timedelta(hours=20)  # within the default day: the copy still answers
    assert verifier.verify_credential(credential).verdict is Verdict.VALID

    clock.moment = T0 + timedelta(days=30)
    result = verifier.verify_credential(credential)
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert outcome(result, "proof") is Outcome.UNKNOWN
    assert reason(result, "proof") == (
        "The signature cannot be checked: the DID document's server failed (HTTP 503), "
        "and the copy held was fetched 30 days ago, too long ago to rely on."
    )


def test_no_did_document_to_be_had_cannot_confirm(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    partner = web_signer(https)
    credential = signed_credential(signer=partner, issuer=partner)
    https.stop()
    result = Verifier(resolver=web_resolver(tmp_path, client_tls)).verify_credential(credential)
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert outcome(result, "proof") is Outcome.UNKNOWN


def test_the_did_max_age_is_configurable(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NANSEN_DID_MAX_AGE_SECONDS", "3600")
    partner = web_signer(https)
    credential = signed_credential(signer=partner, issuer=partner)
    clock = Clock(T0)
    verifier = Verifier(resolver=web_resolver(tmp_path, client_tls, clock), clock=clock)
    assert verifier.verify_credential(credential).verdict is Verdict.VALID
    https.stop()
    clock.moment = T0 + timedelta(hours=2)
    result = verifier.verify_credential(credential)
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert "fetched 2 hours ago" in reason(result, "proof")


def test_a_did_max_age_below_the_cache_ttl_still_bounds_the_copy(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The resolver keeps documents an hour; a ten-minute bound makes it fetch again sooner."""
    monkeypatch.setenv("NANSEN_DID_MAX_AGE_SECONDS", "600")
    partner = web_signer(https)
    credential = signed_credential(signer=partner, issuer=partner)
    clock = Clock(T0)
    verifier = Verifier(resolver=web_resolver(tmp_path, client_tls, clock), clock=clock)
    assert verifier.verify_credential(credential).verdict is Verdict.VALID
    assert len(https.requests) == 1
    clock.moment = T0 + timedelta(minutes=20)
    assert verifier.verify_credential(credential).verdict is Verdict.VALID
    assert len(https.requests) == 2


@pytest.mark.parametrize("value", ["0", "-5", "a day", "1.5"])
def test_a_bad_did_max_age_is_refused(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NANSEN_DID_MAX_AGE_SECONDS", value)
    with pytest.raises(
        ConfigurationError, match="NANSEN_DID_MAX_AGE_SECONDS must be a whole number of seconds from 1"
    ):
        config.did_max_age()


def test_a_fresh_document_marking_the_key_compromised_is_not_valid(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    partner = web_signer(https)
    credential = signed_credential(signer=partner, issuer=partner)
    clock = Clock(T0)
    verifier = Verifier(resolver=web_resolver(tmp_path, client_tls, clock), clock=clock)
    assert verifier.verify_credential(credential).verdict is Verdict.VALID
    did = partner.controller
    compromised = mark_compromised(
        build_document(did, [PartnerKey("key-1", WEB_KEY.public_key)]), "#key-1", T0
    )
    publish_did(https, compromised)
    clock.moment = T0 + timedelta(hours=2)  # past the resolver's hour: the new document is fetched
    result = verifier.verify_credential(credential)
    assert result.verdict is Verdict.NOT_VALID
    assert reason(result, "proof") == "The signing key has been revoked as compromised (eddsa-rdfc-2022)."


# --------------------------------------------------------------------------------------------
# 4. Status lists no older than the TTL plus a grace


def test_a_status_list_past_its_ttl_and_grace_cannot_confirm(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    for purpose in PATHS:
        publish_list(https, PARTNER, purpose)
    credential = with_status(https)
    clock = Clock(T0)
    lists = status_lists(tmp_path, client_tls, clock, ttl=timedelta(minutes=5))
    verifier = Verifier(status_lists=lists, clock=clock)
    assert verifier.verify_credential(credential).verdict is Verdict.VALID
    # The partner revokes the credential, but its host can no longer be reached.
    publish_list(https, PARTNER, "revocation", revoked=True)
    https.stop()

    clock.moment = T0 + timedelta(minutes=9)  # TTL 5 min + the default grace of 5 min
    assert verifier.verify_credential(credential).verdict is Verdict.VALID

    clock.moment = T0 + timedelta(hours=1)
    result = verifier.verify_credential(credential)
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert reason(result, "status: revocation") == (
        "The status list could not be obtained: the copy held was last refreshed 1 hour ago, "
        "too long ago to rely on, so the status cannot be confirmed."
    )


def test_the_status_grace_is_configurable(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NANSEN_STATUS_GRACE_SECONDS", "0")
    for purpose in PATHS:
        publish_list(https, PARTNER, purpose)
    credential = with_status(https)
    clock = Clock(T0)
    lists = status_lists(tmp_path, client_tls, clock, ttl=timedelta(minutes=5))
    assert lists.max_age == timedelta(minutes=5)
    verifier = Verifier(status_lists=lists, clock=clock)
    assert verifier.verify_credential(credential).verdict is Verdict.VALID
    https.stop()
    clock.moment = T0 + timedelta(minutes=6)
    assert verifier.verify_credential(credential).verdict is Verdict.CANNOT_CONFIRM
    monkeypatch.setenv("NANSEN_STATUS_GRACE_SECONDS", "soon")
    config.core_settings.cache_clear()
    with pytest.raises(ConfigurationError, match="NANSEN_STATUS_GRACE_SECONDS"):
        config.status_grace()


def test_the_verifier_service_bounds_its_lists_by_its_ttl_and_the_grace(tmp_path: Path) -> None:
    """The verifier role passes its NANSEN_VERIFIER_STATUS_TTL_SECONDS; the bound follows."""
    from sqlalchemy import create_engine

    from verifier.services import build_services
    from verifier.settings import Settings

    settings = Settings.from_env(
        {"NANSEN_DATA_DIR": str(tmp_path), "NANSEN_VERIFIER_STATUS_TTL_SECONDS": "60"}
    )
    services = build_services(settings, create_engine("sqlite://"))
    assert isinstance(services.status_lists, CachedStatusLists)
    assert services.status_lists.max_age == timedelta(seconds=60 + 300)


# --------------------------------------------------------------------------------------------
# 5. Trust judged before anything is fetched


def test_an_untrusted_issuer_makes_the_verifier_fetch_nothing(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    attacker = web_signer(https)
    for purpose in PATHS:
        publish_list(https, attacker, purpose)
    credential = with_status(https, attacker)
    verifier = Verifier(
        resolver=web_resolver(tmp_path, client_tls),
        status_lists=status_lists(tmp_path, client_tls, Clock(T0)),
        trust=trust_policy(PARTNER.controller),
        clock=lambda: T0,
    )
    result = verifier.verify_credential(credential)
    assert result.verdict is Verdict.NOT_VALID
    assert reason(result, "trust") == "The issuer is not trusted: it is not on the trust list."
    assert outcome(result, "proof") is Outcome.NOT_CHECKED
    # Shown in a presentation, as a QR code would carry it.
    assert verify_vp(present([credential]), verifier).verdict is Verdict.NOT_VALID
    assert https.requests == []
    # The control: once trusted, the same credential is fetched for and verifies.
    trusting = Verifier(
        resolver=web_resolver(tmp_path, client_tls),
        status_lists=status_lists(tmp_path, client_tls, Clock(T0)),
        trust=trust_policy(attacker.controller),
        clock=lambda: T0,
    )
    assert trusting.verify_credential(credential).verdict is Verdict.VALID
    assert https.requests


def test_an_untrusted_credential_makes_the_verifier_fetch_no_holder_document(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    """The attacker names a did:web holder on their own host too: it is not fetched either."""
    holder = web_signer(https, HOLDER_WEB_KEY)
    credential = add_proof(
        identity_credential(issuer=STRANGER, holder=holder), STRANGER, ProofOptions(created=ISSUED)
    )
    verifier = Verifier(
        resolver=web_resolver(tmp_path, client_tls), trust=trust_policy(PARTNER.controller), clock=lambda: T0
    )
    result = verify_vp(present([credential], signer=holder), verifier)
    assert result.verdict is Verdict.NOT_VALID
    assert reason(result, "proof") == "Not checked: a credential's issuer is not trusted."
    assert https.requests == []


def test_a_trusted_issuer_named_with_a_strangers_key_fetches_nothing(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    """A credential naming a trusted partner, its proof's key on the attacker's host."""
    attacker = web_signer(https)
    credential = add_proof(identity_credential(issuer=PARTNER), attacker, ProofOptions(created=ISSUED))
    verifier = Verifier(
        resolver=web_resolver(tmp_path, client_tls), trust=trust_policy(PARTNER.controller), clock=lambda: T0
    )
    result = verifier.verify_credential(credential)
    assert result.verdict is Verdict.NOT_VALID
    assert outcome(result, "issuer key") is Outcome.FAILED
    assert https.requests == []


# --------------------------------------------------------------------------------------------
# 6. Nothing kept about holders


@pytest.fixture
def second_https(ca: trustme.CA) -> Iterator[Server]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    server = Server(context)
    yield server
    server.stop()


def test_a_holders_did_document_is_not_kept_on_disk(
    https: Server, second_https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    holder = web_signer(https, HOLDER_WEB_KEY)
    partner = web_signer(second_https)
    credential = add_proof(
        identity_credential(issuer=partner, holder=holder), partner, ProofOptions(created=ISSUED)
    )
    data = tmp_path / "data"
    verifier = Verifier(resolver=web_resolver(data, client_tls), clock=lambda: T0)
    result = verify_vp(present([credential], signer=holder), verifier)
    assert result.verdict is Verdict.VALID, result.to_json()
    assert https.requests  # the holder's document was fetched
    assert second_https.requests  # and the issuer's
    kept = [p.read_bytes() for p in data.rglob("*") if p.is_file()]
    names = [p.name.encode() for p in data.rglob("*")]
    assert any(partner.controller.encode() in k for k in kept)  # the issuer's may be cached
    for needle in (holder.controller, f"localhost%3A{https.port}", f"localhost:{https.port}"):
        assert not any(needle.encode() in k for k in [*kept, *names]), needle


# --------------------------------------------------------------------------------------------
# 7. URLs that are not valid international domain names


BAD_URLS = [
    "https://xn--a.example/status/1",
    "https://a..b/status",
    "https://" + "a" * 64 + ".example/status",
    "https://xn--zz-zzzzzzzzzz.example/",
    "https://\u200d.example/",
    "https://exa mple.org/",
    "https://[::1/",
    "https://%zz/",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_status_list_url_with_a_bad_host_gives_a_report(url: str, tmp_path: Path) -> None:
    credential = identity_credential(
        credential_status=[status.build_entry("https://x.invalid/", 1, "revocation")]
    )
    credential["credentialStatus"][0]["statusListCredential"] = url  # the issuer's builder would refuse it
    credential = add_proof(credential, PARTNER, ProofOptions(cryptosuite="eddsa-jcs-2022", created=ISSUED))
    lists = CachedStatusLists(tmp_path / "lists", timeout=1.0)
    result = Verifier(status_lists=lists, clock=lambda: T0).verify_credential(credential)
    assert result.verdict is Verdict.CANNOT_CONFIRM
    assert outcome(result, "status: revocation") is Outcome.UNKNOWN
    assert reason(result, "status: revocation") == (
        "The status list could not be obtained, so the status cannot be confirmed."
    )


_LABEL = st.text(min_size=0, max_size=70)
#: Hosts end in .invalid (RFC 6761 §6.4: never resolves), so no test reaches out of this machine.
_URLS = st.one_of(
    st.text(max_size=80),
    st.builds(lambda label: f"https://{label}.invalid/status", _LABEL),
    st.builds(lambda label: f"https://xn--{label}.invalid/", _LABEL),
    st.builds(lambda label: f"https://{label}", _LABEL),
)
_METHODS = st.one_of(
    _URLS,
    st.builds(lambda label: f"did:web:{label}.invalid#key-1", _LABEL),
    st.builds(lambda label: f"did:web:xn--{label}.invalid#key-1", _LABEL),
    st.builds(lambda label: f"did:key:{label}#{label}", _LABEL),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=_URLS)
def test_any_status_list_url_gives_a_report(url: str, tmp_path: Path) -> None:
    credential = identity_credential(
        credential_status=[status.build_entry("https://x.invalid/", 1, "revocation")]
    )
    credential["credentialStatus"][0]["statusListCredential"] = url
    try:
        document = add_proof(credential, PARTNER, ProofOptions(cryptosuite="eddsa-jcs-2022", created=ISSUED))
    except NansenError:
        document = {**credential, "proof": signed_credential()["proof"]}
    lists = CachedStatusLists(tmp_path / "lists", timeout=1.0)
    result = Verifier(status_lists=lists, clock=lambda: T0).verify_credential(document)
    assert result.verdict is not Verdict.VALID
    assert json.dumps(result.to_json())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=_METHODS)
def test_any_verification_method_gives_a_report(method: str, tmp_path: Path) -> None:
    verifier = Verifier(
        resolver=Resolver(web=WebResolver(tmp_path / "did-web", timeout=1.0)), clock=lambda: T0
    )
    credential = signed_credential()
    credential["proof"]["verificationMethod"] = method
    foreign = verifier.verify_credential(credential)  # refused before the method is resolved
    credential["issuer"] = method.split("#", 1)[0]  # resolved, when the issuer is well-formed
    own = verifier.verify_credential(credential)
    presentation = present([signed_credential()])
    presentation["proof"]["verificationMethod"] = presentation["holder"] = method
    for result in (foreign, own, verify_vp(presentation, verifier)):
        assert result.verdict is not Verdict.VALID
        assert json.dumps(result.to_json())


# --------------------------------------------------------------------------------------------
# 8. Over mutations of a genuine presentation: VALID only when every promise holds


def _mutations() -> st.SearchStrategy[list[str]]:
    return st.lists(
        st.sampled_from(
            [
                "drop proofs",
                "duplicate proof",
                "reverse proofs",
                "stranger proof",
                "empty credentials",
                "drop credentials",
                "swap holder",
                "drop holder",
                "duplicate credential",
                "stranger credential",
                "resign",
            ]
        ),
        max_size=4,
    )


def _mutate(presentation: dict[str, Any], steps: list[str]) -> dict[str, Any]:
    document = copy.deepcopy(presentation)

    def proofs() -> list[Any]:
        return list(vcdm.as_list(document.get("proof")))

    for step in steps:
        if step == "drop proofs":
            document.pop("proof", None)
        elif step == "duplicate proof" and "proof" in document:
            document["proof"] = [*proofs(), proofs()[0]]
        elif step == "reverse proofs" and "proof" in document:
            document["proof"] = list(reversed(proofs()))
        elif step == "stranger proof":
            document = sign_presentation(document, STRANGER, ISSUED + timedelta(minutes=len(steps)))
        elif step == "empty credentials":
            document["verifiableCredential"] = []
        elif step == "drop credentials":
            document.pop("verifiableCredential", None)
        elif step == "swap holder":
            document["holder"] = STRANGER.controller
        elif step == "drop holder":
            document.pop("holder", None)
        elif step == "duplicate credential":
            document["verifiableCredential"] = [
                *vcdm.as_list(document.get("verifiableCredential")),
                signed_credential(),
            ]
        elif step == "stranger credential":
            extra = signed_credential(holder=STRANGER)
            document["verifiableCredential"] = [*vcdm.as_list(document.get("verifiableCredential")), extra]
        elif step == "resign":  # the holder signs whatever the document has become
            unsigned = {k: v for k, v in document.items() if k != "proof"}
            document = sign_presentation(unsigned, HOLDER, ISSUED + timedelta(seconds=1))
    return document


def _promises_hold(document: dict[str, Any]) -> bool:
    """The promises, judged directly from the document (the keys here are all did:key)."""
    credentials = vcdm.as_list(document.get("verifiableCredential"))
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [] if proofs is None else [proofs]
    signers = {p["verificationMethod"].split("#")[0] for p in proofs}
    subjects = [{s["id"] for s in vcdm.subjects(c)} for c in credentials]
    holder = document.get("holder")
    values = [p["proofValue"] for p in proofs]
    return (
        bool(credentials)
        and bool(proofs)
        and len(set(values)) == len(values)
        and (signers == {holder} if holder else signers <= set().union(*subjects))
        and all(s & signers for s in subjects)
    )


GENUINE = present([signed_credential()])


@settings(max_examples=80, deadline=None)
@given(steps=_mutations())
def test_valid_only_when_every_promise_holds(steps: list[str]) -> None:
    document = _mutate(GENUINE, steps)
    result = verify_vp(document)
    if result.verdict is Verdict.VALID:
        assert _promises_hold(document), (steps, result.to_json())
    if not steps:
        assert result.verdict is Verdict.VALID
