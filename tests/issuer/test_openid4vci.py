"""OpenID4VCI 1.0 against the running issuer (uvicorn on loopback, SQLite and PostgreSQL): a partner
offers an uploaded credential, a wallet takes it with the code and the PIN in both formats, and every
attack on the way is refused with OAuth's error and a sentence saying why."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from jwcrypto import jwk
from sqlalchemy import Engine, update

from issuer.openid4vci.models import Offer
from nansen.did.resolver import Resolver
from nansen.did.web import did_to_url
from nansen.openid4vc import proof
from nansen.openid4vc.names import LDP_VC, LEGACY_LDP_VC, PRE_AUTHORIZED_GRANT, SD_JWT
from nansen.openid4vc.offer import CredentialOffer, parse_offer_uri
from nansen.sdjwt import ed25519_jwk, jose, present, read
from nansen.sdjwt.encoding import b64encode, json_bytes
from nansen.timeutil import now
from nansen.verify import Verdict, Verifier
from nansen.verify_sdjwt import StaticStatusTokens
from tests.helpers import HOLDER, STRANGER
from tests.issuer.conftest import LiveServer, PartnerInfo, add_partner, stored_text
from tests.issuer.payloads import PERSONAL, document_fields, png

HOLDER_KEY = ed25519_jwk(HOLDER.key_pair)


def upload(http: httpx.Client, live: LiveServer, partner: PartnerInfo) -> dict[str, Any]:
    response = http.post(
        f"{live.url}/documents",
        data=document_fields(),
        files={"scan": ("passport.png", png(), "image/png")},
        headers=partner.headers,
    )
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def make_offer(
    http: httpx.Client, live: LiveServer, partner: PartnerInfo, credential: dict[str, Any], **body: Any
) -> httpx.Response:
    return http.post(
        f"{live.url}/openid4vci/offers", json={"credential": credential, **body}, headers=partner.headers
    )


def offered(http: httpx.Client, live: LiveServer, partner: PartnerInfo) -> tuple[CredentialOffer, str]:
    response = make_offer(http, live, partner, upload(http, live, partner)["credential"])
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["txCode"].isdigit()
    assert len(answer["txCode"]) == 6
    return parse_offer_uri(answer["credentialOffer"]), answer["txCode"]


def token(http: httpx.Client, live: LiveServer, offer: CredentialOffer, pin: str | None) -> httpx.Response:
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": offer.pre_authorized_code}
    if pin is not None:
        form["tx_code"] = pin
    return http.post(live.local(offer.credential_issuer + "/token"), data=form)


def access(http: httpx.Client, live: LiveServer, offer: CredentialOffer, pin: str) -> str:
    response = token(http, live, offer, pin)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["token_type"] == "Bearer"
    value: str = response.json()["access_token"]
    return value


def nonce(http: httpx.Client, live: LiveServer, offer: CredentialOffer) -> str:
    response = http.post(live.local(offer.credential_issuer + "/nonce"))
    assert response.status_code == 200
    value: str = response.json()["c_nonce"]
    return value


def ask(
    http: httpx.Client, live: LiveServer, offer: CredentialOffer, bearer: str, configuration: str, jwt: str
) -> httpx.Response:
    return http.post(
        live.local(offer.credential_issuer + "/credential"),
        json={"credential_configuration_id": configuration, "proofs": {"jwt": [jwt]}},
        headers={"Authorization": f"Bearer {bearer}"},
    )


def holder_proof(offer: CredentialOffer, c_nonce: str, **changes: Any) -> str:
    options: dict[str, Any] = {
        "audience": offer.credential_issuer,
        "nonce": c_nonce,
        "issued_at": now(),
        "did": HOLDER.controller,
    }
    options.update(changes)
    key = options.pop("key", HOLDER_KEY)
    return proof.make(key, **options)


def refused(response: httpx.Response, status: int, error: str, says: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert says in body["error_description"]


def test_a_wallet_takes_the_offer_in_both_formats_and_the_token_then_is_spent(
    live_server: LiveServer, http: httpx.Client, engine: Engine
) -> None:
    partner = add_partner(live_server.settings, "Harbour Legal Aid")
    offer, pin = offered(http, live_server, partner)
    assert offer.configuration_ids == (LDP_VC, SD_JWT)
    assert offer.pin_length == 6
    issuer_path = urlsplit(offer.credential_issuer).path
    assert issuer_path == f"/openid4vci/{partner.id}"

    inserted = http.get(f"{live_server.url}/.well-known/openid-credential-issuer{issuer_path}").json()
    appended = http.get(f"{live_server.url}{issuer_path}/.well-known/openid-credential-issuer").json()
    assert inserted == appended
    assert inserted["credential_issuer"] == offer.credential_issuer
    assert inserted["display"][0]["name"] == "Harbour Legal Aid"
    assert set(inserted["credential_configurations_supported"]) == {LDP_VC, SD_JWT}
    oauth = http.get(f"{live_server.url}/.well-known/oauth-authorization-server{issuer_path}").json()
    assert oauth["token_endpoint"] == offer.credential_issuer + "/token"

    bearer = access(http, live_server, offer, pin)
    given = ask(
        http, live_server, offer, bearer, LDP_VC, holder_proof(offer, nonce(http, live_server, offer))
    )
    assert given.status_code == 200, given.text
    credential = given.json()["credentials"][0]["credential"]
    assert credential["credentialSubject"]["id"] == HOLDER.controller
    assert "proof" in credential

    # The SD-JWT VC goes to a key named by jwk, P-256 this time: cnf is that key.
    wallet_key = jwk.JWK.generate(kty="EC", crv="P-256")
    jwt = proof.make(
        wallet_key, audience=offer.credential_issuer, nonce=nonce(http, live_server, offer), issued_at=now()
    )
    given = ask(http, live_server, offer, bearer, SD_JWT, jwt)
    assert given.status_code == 200, given.text
    sd_jwt = given.json()["credentials"][0]["credential"]
    read_back = read(sd_jwt)
    assert read_back.payload["cnf"]["jwk"] == jose.public_members(wallet_key)
    assert read_back.claims["givenName"] == credential["credentialSubject"]["identityDocument"]["givenName"]

    document = http.get(live_server.local(did_to_url(read_back.issuer or ""))).json()
    uri = read_back.payload["status"]["status_list"]["uri"]
    listed = http.get(live_server.local(uri)).text
    verifier = Verifier(
        resolver=Resolver(documents=[document]), status_tokens=StaticStatusTokens({uri: listed})
    )
    shown = present(sd_jwt, [("givenName",)], wallet_key, nonce="n", audience="shelter", issued_at=now())
    assert verifier.verify_sd_jwt(shown, nonce="n", audience="shelter").verdict is Verdict.VALID

    again = ask(
        http, live_server, offer, bearer, SD_JWT, holder_proof(offer, nonce(http, live_server, offer))
    )
    refused(again, 401, "invalid_token", "was used")
    text = stored_text(engine)
    assert not [fact for fact in PERSONAL if fact in text]
    assert offer.pre_authorized_code not in text
    assert bearer not in text


def test_a_code_gives_one_token_only_even_to_racing_requests(
    live_server: LiveServer, http: httpx.Client
) -> None:
    partner = add_partner(live_server.settings)
    offer, pin = offered(http, live_server, partner)
    answers: list[int] = []
    start = threading.Barrier(4)

    def race() -> None:
        with httpx.Client(timeout=60) as own:
            start.wait()
            answers.append(token(own, live_server, offer, pin).status_code)

    threads = [threading.Thread(target=race) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 400, 400, 400]
    refused(token(http, live_server, offer, pin), 400, "invalid_grant", "has been used")


def test_wrong_pins_are_counted_and_the_fifth_closes_the_offer(
    live_server: LiveServer, http: httpx.Client
) -> None:
    partner = add_partner(live_server.settings)
    offer, pin = offered(http, live_server, partner)
    wrong = f"{(int(pin) + 1) % 10**6:06d}"
    refused(token(http, live_server, offer, None), 400, "invalid_grant", "4 attempts are left")
    for left in (3, 2, 1):
        refused(token(http, live_server, offer, wrong), 400, "invalid_grant", f"{left} attempts are left")
    refused(token(http, live_server, offer, wrong), 400, "invalid_grant", "this offer is closed")
    refused(token(http, live_server, offer, pin), 400, "invalid_grant", "not known here")


def test_an_expired_token_and_an_expired_offer_are_refused(
    live_server: LiveServer, http: httpx.Client, engine: Engine
) -> None:
    partner = add_partner(live_server.settings)
    offer, pin = offered(http, live_server, partner)
    bearer = access(http, live_server, offer, pin)
    past = datetime.now(UTC) - timedelta(seconds=1)
    with engine.begin() as connection:  # the clock moved on past the token's five minutes
        connection.execute(update(Offer).values(token_expires_at=past))
    jwt = holder_proof(offer, nonce(http, live_server, offer))
    refused(ask(http, live_server, offer, bearer, LDP_VC, jwt), 401, "invalid_token", "has expired")

    late, late_pin = offered(http, live_server, partner)
    with engine.begin() as connection:
        connection.execute(update(Offer).where(Offer.state == "offered").values(expires_at=past))
    refused(token(http, live_server, late, late_pin), 400, "invalid_grant", "has expired")


def _unsigned(offer: CredentialOffer, c_nonce: str) -> str:
    header = b64encode(
        json_bytes({"alg": "none", "typ": "openid4vci-proof+jwt", "kid": HOLDER.verification_method})
    )
    claims = b64encode(
        json_bytes({"aud": offer.credential_issuer, "nonce": c_nonce, "iat": int(now().timestamp())})
    )
    return f"{header}.{claims}.AA"


def test_bad_proofs_are_refused_and_a_refused_proof_does_not_spend_the_token(
    live_server: LiveServer, http: httpx.Client
) -> None:
    partner = add_partner(live_server.settings)
    offer, pin = offered(http, live_server, partner)
    bearer = access(http, live_server, offer, pin)

    def attempt(configuration: str, jwt: str) -> httpx.Response:
        return ask(http, live_server, offer, bearer, configuration, jwt)

    fresh = nonce(http, live_server, offer)
    refused(attempt(LDP_VC, holder_proof(offer, "made-up")), 400, "invalid_nonce", "not one this issuer gave")
    refused(
        attempt(LDP_VC, holder_proof(offer, fresh, audience="https://elsewhere.example")),
        400,
        "invalid_proof",
        "(aud)",
    )
    refused(attempt(LDP_VC, _unsigned(offer, fresh)), 400, "invalid_proof", "algorithm that is not accepted")
    old = now() - timedelta(hours=1)
    refused(attempt(LDP_VC, holder_proof(offer, fresh, issued_at=old)), 400, "invalid_proof", "(iat)")
    forged = holder_proof(
        offer, fresh, key=ed25519_jwk(STRANGER.key_pair)
    )  # names the holder, signed by another
    refused(attempt(LDP_VC, forged), 400, "invalid_proof", "signature does not verify")
    stranger = holder_proof(offer, fresh, key=ed25519_jwk(STRANGER.key_pair), did=STRANGER.controller)
    refused(attempt(LDP_VC, stranger), 400, "invalid_proof", "bound to the wallet key")
    wrong_typ = jose.sign(
        {"typ": "JWT", "kid": HOLDER.verification_method},
        {"aud": offer.credential_issuer, "nonce": fresh, "iat": int(now().timestamp())},
        HOLDER_KEY,
    )
    refused(attempt(LDP_VC, wrong_typ), 400, "invalid_proof", "typ must be")
    refused(
        attempt("Unknown", holder_proof(offer, fresh)), 400, "unknown_credential_configuration", "no such"
    )

    # None of these used the nonce or the token: the proper proof is still accepted, once.
    assert attempt(LDP_VC, holder_proof(offer, fresh)).status_code == 200
    refused(attempt(SD_JWT, holder_proof(offer, fresh)), 400, "invalid_nonce", "or was used")
    assert attempt(SD_JWT, holder_proof(offer, nonce(http, live_server, offer))).status_code == 200


def test_everything_is_bound_to_the_partner_who_made_the_offer(
    live_server: LiveServer, http: httpx.Client
) -> None:
    first = add_partner(live_server.settings, "Harbour Legal Aid")
    second = add_partner(live_server.settings, "Other Shelter")
    credential = upload(http, live_server, first)["credential"]
    response = make_offer(http, live_server, second, credential)
    assert response.status_code == 422
    assert "this partner issued" in response.json()["detail"]
    tampered = json.loads(json.dumps(credential))
    tampered["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    assert make_offer(http, live_server, first, tampered).status_code == 422
    assert (
        http.post(f"{live_server.url}/openid4vci/offers", json={"credential": credential}).status_code == 401
    )

    offer, pin = offered(http, live_server, first)
    elsewhere = CredentialOffer(
        offer.credential_issuer.replace(first.id, second.id),
        offer.configuration_ids,
        offer.pre_authorized_code,
        6,
    )
    refused(token(http, live_server, elsewhere, pin), 400, "invalid_grant", "not known here")
    bearer = access(http, live_server, offer, pin)
    jwt = holder_proof(elsewhere, nonce(http, live_server, elsewhere))
    refused(ask(http, live_server, elsewhere, bearer, LDP_VC, jwt), 401, "invalid_token", "not known here")
    # A proof addressed to the other partner's issuer is not one for this issuer.
    refused(ask(http, live_server, offer, bearer, LDP_VC, jwt), 400, "invalid_proof", "(aud)")


def test_offer_requests_that_cannot_be_served_are_refused(
    live_server: LiveServer, http: httpx.Client
) -> None:
    partner = add_partner(live_server.settings)
    credential = upload(http, live_server, partner)["credential"]
    bad = make_offer(http, live_server, partner, credential, configurations=["mso_mdoc"])
    assert bad.status_code == 422
    assert "configurations" in bad.json()["detail"]
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    assert make_offer(http, live_server, partner, unsigned).status_code == 422
    only_sd = make_offer(http, live_server, partner, credential, configurations=[SD_JWT])
    assert only_sd.status_code == 201
    assert parse_offer_uri(only_sd.json()["credentialOffer"]).configuration_ids == (SD_JWT,)
    unknown = http.get(f"{live_server.url}/.well-known/openid-credential-issuer/openid4vci/nobody")
    assert unknown.status_code == 404
    wrong_form = http.post(
        live_server.local(f"{live_server.settings.base_url}/openid4vci/{partner.id}/token"), json={}
    )
    assert wrong_form.status_code == 400
    assert wrong_form.json()["error"] == "invalid_request"


def test_wrong_pins_sent_at_once_are_each_counted(live_server: LiveServer, http: httpx.Client) -> None:
    partner = add_partner(live_server.settings)
    offer, pin = offered(http, live_server, partner)
    wrong = [f"{(int(pin) + n) % 10**6:06d}" for n in range(1, 9)]
    answers: list[str] = []
    start = threading.Barrier(len(wrong))

    def guess(value: str) -> None:
        with httpx.Client(timeout=60) as own:
            start.wait()
            answers.append(token(own, live_server, offer, value).json()["error_description"])

    threads = [threading.Thread(target=guess, args=(value,)) for value in wrong]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == len(wrong)
    assert any("this offer is closed" in answer for answer in answers)
    refused(token(http, live_server, offer, pin), 400, "invalid_grant", "not known here")


def test_a_forged_host_never_changes_the_credential_issuer(
    live_server: LiveServer, http: httpx.Client
) -> None:
    """The issuer's identifier and endpoints come from NANSEN_ISSUER_PUBLIC_HOST, never from the
    client's Host or X-Forwarded-* headers (a wallet's proof and token are addressed to them)."""
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}
    partner = add_partner(live_server.settings)
    credential = upload(http, live_server, partner)["credential"]
    made = http.post(
        f"{live_server.url}/openid4vci/offers",
        json={"credential": credential},
        headers={**partner.headers, **forged},
    )
    assert made.status_code == 201, made.text
    issuer = parse_offer_uri(made.json()["credentialOffer"]).credential_issuer
    assert issuer == f"{live_server.settings.base_url}/openid4vci/{partner.id}"
    path = urlsplit(issuer).path
    metadata = http.get(
        f"{live_server.url}/.well-known/openid-credential-issuer{path}", headers=forged
    ).json()
    oauth = http.get(f"{live_server.url}/.well-known/oauth-authorization-server{path}", headers=forged).json()
    assert metadata["credential_issuer"] == issuer
    assert oauth["token_endpoint"] == issuer + "/token"
    assert "evil.example" not in json.dumps([metadata, oauth])


def test_the_legacy_configuration_is_unknown_while_the_profile_is_off(
    live_server: LiveServer, http: httpx.Client
) -> None:
    """NANSEN_ISSUER_LEGACY_LDP_VC off (the default): a valid token and proof still get no VC 1.1
    credential, and the token is not spent by asking."""
    assert not live_server.settings.legacy_ldp_vc
    partner = add_partner(live_server.settings, "Harbour Legal Aid")
    offer, pin = offered(http, live_server, partner)
    bearer = access(http, live_server, offer, pin)
    asked = ask(
        http, live_server, offer, bearer, LEGACY_LDP_VC, holder_proof(offer, nonce(http, live_server, offer))
    )
    refused(asked, 400, "unknown_credential_configuration", "no such credential configuration")
    given = ask(
        http, live_server, offer, bearer, LDP_VC, holder_proof(offer, nonce(http, live_server, offer))
    )
    assert given.status_code == 200, given.text
