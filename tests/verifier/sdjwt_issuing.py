"""The issuing side of the SD-JWT scan tests, made with the core: an identity SD-JWT VC signed by
PARTNER (the partner the trust list of `tests.verifier.issuing` names) or by a stranger, bound to
HOLDER's did:key key, its Token Status List served by a loopback HTTPS server, and HOLDER's
presentations (SD-JWT+KB) at the verifier's clock."""

from __future__ import annotations

import ssl
from datetime import datetime, timedelta

from nansen.did import key as did_key
from nansen.keys import SigningKey
from nansen.sdjwt import IssuerKey, ed25519_jwk, issue_identity_document, jose, present
from nansen.sdjwt.presentation import ONE_WAY_AUDIENCE
from nansen.sdjwt.status_list import encode
from nansen.status_token_source import FetchedStatusTokens
from tests.helpers import HOLDER, PARTNER, STRANGER
from tests.httpsserver import Route, Server
from tests.verifier.issuing import GOOD_INDEX, REVOKED_INDEX
from tests.verifier.support import FakeClock

FACTS = {
    "givenName": "Amina",
    "familyName": "Haddad",
    "birthDate": "1994-03-12",
    "birthPlace": "Aleppo",
    "nationality": "SY",
    "documentNumber": "N0123456",
    "issuingCountry": "SY",
}
#: What the holder shows in these tests; the rest stays hidden.
SHOWN = ("givenName", "familyName", "birthDate")
HIDDEN = ("birthPlace", "nationality", "documentNumber", "issuingCountry")
TOKEN_PATH = "/status/token"


def issuer_key(signer: SigningKey) -> IssuerKey:
    return IssuerKey(
        ed25519_jwk(signer.key_pair), signer.controller, did_key.signing_method(signer.controller)
    )


PARTNER_KEY = issuer_key(PARTNER)
STRANGER_KEY = issuer_key(STRANGER)


def serve_status_token(server: Server, moment: datetime, signer: IssuerKey = PARTNER_KEY) -> str:
    """Serve the signer's Token Status List (REVOKED_INDEX revoked) on ``server``; its URI."""
    uri = server.url(TOKEN_PATH)
    statuses = bytearray(GOOD_INDEX // 8 + 64)
    statuses[REVOKED_INDEX // 8] |= 1 << (REVOKED_INDEX % 8)
    claims = {
        "sub": uri,
        "iat": int((moment - timedelta(minutes=1)).timestamp()),
        "exp": int((moment + timedelta(days=30)).timestamp()),
        "status_list": {"bits": 1, "lst": encode(bytes(statuses))},
    }
    token = jose.sign({"typ": "statuslist+jwt", "kid": signer.kid}, claims, signer.key)
    server.routes[TOKEN_PATH] = Route(
        body=token.encode(), headers={"Content-Type": "application/statuslist+jwt"}
    )
    return uri


def status_tokens_of(tls: ssl.SSLContext, clock: FakeClock) -> FetchedStatusTokens:
    """The verifier's cache of Status List Tokens, fetching from the test server on the test's clock."""
    return FetchedStatusTokens(verify=tls, allow_private_addresses=True, clock=clock)


def sd_jwt(
    moment: datetime,
    status_uri: str | None,
    *,
    signer: IssuerKey = PARTNER_KEY,
    revoked: bool = False,
) -> str:
    """HOLDER's identity SD-JWT VC, as the wallet keeps it (every disclosure, no key binding)."""
    index = REVOKED_INDEX if revoked else GOOD_INDEX
    return issue_identity_document(
        signer=signer,
        holder_did=HOLDER.controller,
        document_type="Passport",
        facts=FACTS,
        issued_at=moment - timedelta(days=1),
        expires_at=moment + timedelta(days=365),
        status=None if status_uri is None else {"status_list": {"idx": index, "uri": status_uri}},
    )


def presented(
    token: str,
    moment: datetime,
    *,
    nonce: str = "one-way-nonce-made-by-the-wallet",
    audience: str = ONE_WAY_AUDIENCE,
    holder: SigningKey = HOLDER,
    disclose: tuple[str, ...] = SHOWN,
) -> str:
    """HOLDER's SD-JWT+KB at ``moment``: one way unless a nonce and audience are given."""
    return present(
        token,
        [(name,) for name in disclose],
        ed25519_jwk(holder.key_pair),
        nonce=nonce,
        audience=audience,
        issued_at=moment,
    )
