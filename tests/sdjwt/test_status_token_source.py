"""Status List Tokens fetched over HTTPS (`nansen.status_token_source`) from a real server on
127.0.0.1 (tests/httpsserver.py), through the pipeline: cached within the TTL, a copy used while
refreshing fails up to its bound, unknown past it, forgotten on a refusal."""

from __future__ import annotations

import ssl
from datetime import datetime, timedelta
from typing import Any

from nansen.sdjwt import jose, present
from nansen.sdjwt.status_list import encode
from nansen.status_token_source import FetchedStatusTokens
from nansen.verify import Outcome, Verdict, Verifier
from tests.httpsserver import Route, Server
from tests.sdjwt.support import AUDIENCE, HOLDER, ISSUER, NONCE, NOW, THREE, identity_sd_jwt

pytest_plugins = ["tests.httpsserver"]

PATH = "/status/1/token"
INDEX = 5
TTL = timedelta(minutes=5)
MAX_AGE = timedelta(minutes=10)


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def publish(server: Server, revoked: bool, status: int = 200) -> None:
    claims = {
        "sub": server.url(PATH),
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + timedelta(days=1)).timestamp()),
        "status_list": {"bits": 1, "lst": encode(bytes([1 << INDEX if revoked else 0]))},
    }
    token = jose.sign({"typ": "statuslist+jwt", "kid": ISSUER.signer.kid}, claims, ISSUER.jwk)
    server.routes[PATH] = Route(status, token.encode(), {"Content-Type": "application/statuslist+jwt"})


def check(server: Server, tokens: FetchedStatusTokens) -> Any:
    """A presentation judged at NOW (its KB-JWT's time); the source keeps its own clock for freshness."""
    token = identity_sd_jwt(status={"status_list": {"idx": INDEX, "uri": server.url(PATH)}})
    shown = present(token, THREE, HOLDER.jwk, nonce=NONCE, audience=AUDIENCE, issued_at=NOW)
    return Verifier(status_tokens=tokens, clock=lambda: NOW).verify_sd_jwt(
        shown, nonce=NONCE, audience=AUDIENCE
    )


def source(tls: ssl.SSLContext, clock: Clock) -> FetchedStatusTokens:
    return FetchedStatusTokens(
        ttl=TTL, max_age=MAX_AGE, verify=tls, allow_private_addresses=True, clock=clock
    )


def test_fetched_cached_then_refetched_after_the_ttl(https: Server, client_tls: ssl.SSLContext) -> None:
    publish(https, revoked=False)
    clock = Clock(NOW)
    tokens = source(client_tls, clock)
    assert check(https, tokens).verdict is Verdict.VALID
    assert https.requests == [PATH]
    assert https.request_headers[0]["Accept"] == "application/statuslist+jwt"
    publish(https, revoked=True)
    clock.moment = NOW + TTL - timedelta(seconds=1)
    assert check(https, tokens).verdict is Verdict.VALID  # the copy, within the TTL
    assert https.requests == [PATH]
    clock.moment = NOW + TTL
    revoked = check(https, tokens)
    assert revoked.verdict is Verdict.NOT_VALID
    assert revoked.credentials[0].check("status").reason == "The credential has been revoked."
    assert tokens.refreshed_at(https.url(PATH)) == NOW + TTL


def test_a_copy_answers_while_the_host_is_down_then_nothing(
    https: Server, client_tls: ssl.SSLContext
) -> None:
    publish(https, revoked=False)
    clock = Clock(NOW)
    tokens = source(client_tls, clock)
    assert check(https, tokens).verdict is Verdict.VALID
    https.stop()
    clock.moment = NOW + MAX_AGE
    assert check(https, tokens).verdict is Verdict.VALID
    clock.moment = NOW + MAX_AGE + timedelta(seconds=1)
    unknown = check(https, tokens)
    assert unknown.verdict is Verdict.CANNOT_CONFIRM
    assert unknown.credentials[0].check("status").outcome is Outcome.UNKNOWN


def test_a_refusal_forgets_the_copy_and_garbage_never_replaces_it(
    https: Server, client_tls: ssl.SSLContext
) -> None:
    publish(https, revoked=False)
    clock = Clock(NOW)
    tokens = source(client_tls, clock)
    assert check(https, tokens).verdict is Verdict.VALID
    https.routes[PATH] = Route(200, b"<html>maintenance</html>")
    clock.moment = NOW + TTL
    assert check(https, tokens).verdict is Verdict.VALID  # the good copy, not the garbage
    https.routes[PATH] = Route(404, b"gone")
    clock.moment = NOW + 2 * TTL
    assert check(https, tokens).verdict is Verdict.CANNOT_CONFIRM
    assert tokens.refreshed_at(https.url(PATH)) is None
