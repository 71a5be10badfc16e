# ruff: noqa: F811  (the issuer's fixtures are imported, and named as parameters)
"""W3C conformance rules the issuer must hold (issue 11), sent to the running issuer: credentials whose
relatedResource (VC Data Model 2.0 §5.3) or typed entries (§4.10, §4.11, §5.4 to §5.6) break the data
model are refused before anything is signed; what the rules allow is issued and verifies."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from issuer.cli import app as issuer_cli
from nansen import multibase
from nansen.config import schemas_dir
from nansen.did.resolver import Resolver
from nansen.verify import Outcome, StaticStatusLists, Verdict, Verifier
from tests.issuer.conftest import (  # noqa: F401  (fixtures)
    LiveServer,
    PartnerInfo,
    add_partner,
    database_url,
    live_server,
    master_key,
    postgres_admin,
    settings,
    store,
)
from tests.issuer.payloads import generic_credential, issue_request
from tests.issuer.test_isolation import status_change

V2 = "https://www.w3.org/ns/credentials/v2"
SRI = "sha384-" + base64.b64encode(hashlib.sha384(b"a resource").digest()).decode()
#: The bundled v2 context is a resource this software holds: its digests are checked (nansen.related_resources).
V2_SRI = (
    "sha384-"
    + base64.b64encode(
        hashlib.sha384((schemas_dir() / "contexts" / "credentials-v2.jsonld").read_bytes()).digest()
    ).decode()
)
MULTIHASH = multibase.encode_base64url(b"\x12\x20" + hashlib.sha256(b"a resource").digest())
SCHEMA = {"id": "https://example.org/schemas/person.json", "type": "JsonSchema"}
runner = CliRunner()

#: (what is added to a generic credential, the reason the issuer gives)
REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"relatedResource": V2}, "Each relatedResource must be an object"),
    ({"relatedResource": [V2]}, "Each relatedResource must be an object"),
    ({"relatedResource": [{"digestSRI": SRI}]}, "Each relatedResource must have an id that is a URL."),
    (
        {"relatedResource": [{"id": V2, "digestSRI": SRI}, {"id": V2, "digestMultibase": MULTIHASH}]},
        "Two relatedResource entries have the same id.",
    ),
    ({"relatedResource": [{"id": V2}]}, "Each relatedResource must have a digestSRI or a digestMultibase."),
    ({"relatedResource": {"id": V2, "digestMultibase": "uAAAA"}}, "digestMultibase value"),
    ({"relatedResource": {"id": V2, "digestSRI": "sha384-AAAA"}}, "wrong length"),
    ({"relatedResource": {"id": V2, "digestSRI": SRI}}, "does not match the resource it names"),
    (
        {"credentialSchema": {"id": SCHEMA["id"]}},
        "Each credentialSchema entry must be an object with a type.",
    ),
    (
        {"credentialSchema": {"type": "JsonSchema"}},
        "Each credentialSchema entry must have an id that is a URL.",
    ),
    ({"credentialSchema": {**SCHEMA, "id": "schema"}}, "Each credentialSchema entry must have an id that"),
    ({"refreshService": {"id": "https://example.org/r"}}, "Each refreshService entry must be an object with"),
    (
        {"termsOfUse": [{"id": "https://example.org/t"}]},
        "Each termsOfUse entry must be an object with a type.",
    ),
    ({"evidence": [{"id": "https://example.org/e"}]}, "Each evidence entry must be an object with a type."),
    (
        {"evidence": [{"id": "evidence 1", "type": "Evidence"}]},
        "Each evidence entry must have an id that is a",
    ),
    # VC Data Model 2.0 §4.6: a language value object holds @value, @language and @direction only.
    ({"name": {"@value": "Dog", "@language": "en", "url": "did:example:x"}}, "schema at /name"),
    ({"description": [{"@value": "Dog", "@language": "en"}, {"@language": "fr"}]}, "schema at /description"),
]


@pytest.fixture
def partner(live_server: LiveServer) -> PartnerInfo:
    return add_partner(live_server.settings, "Shelter")


def _issue(live_server: LiveServer, partner: PartnerInfo, credential: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{live_server.url}/credentials/issue",
        json=issue_request(credential),
        headers=partner.headers,
        timeout=60,
    )


def test_the_issuer_refuses_to_sign_what_breaks_the_data_model(
    live_server: LiveServer, partner: PartnerInfo
) -> None:
    for extra, reason in REFUSED:
        response = _issue(live_server, partner, {**generic_credential(), **extra})
        assert response.status_code == 422, (extra, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert reason in response.json()["detail"], (extra, response.json())
        assert "proof" not in response.text


def test_the_issuer_signs_what_the_rules_allow(live_server: LiveServer, partner: PartnerInfo) -> None:
    related = {"id": V2, "mediaType": "application/ld+json", "digestSRI": V2_SRI}
    for extra in (
        {"relatedResource": related},  # one object (the issuer's schema took only a list before)
        {"relatedResource": [related, {"id": "https://example.org/r", "digestMultibase": MULTIHASH}]},
        {"credentialSchema": SCHEMA},
        # §4.6: one name per language (the issuer's schema took a single language value only).
        {"name": [{"@value": "Dog", "@language": "en"}, {"@value": "Chien", "@language": "fr"}]},
        {"description": {"@value": "كلب", "@language": "ar", "@direction": "rtl"}},
    ):
        response = _issue(live_server, partner, {**generic_credential(), **extra})
        assert response.status_code == 201, (extra, response.text)
        credential = response.json()
        did_document = httpx.get(f"{live_server.url}/partners/{partner.id}/did.json").json()
        result = Verifier(resolver=Resolver(documents=[did_document])).verify_credential(
            credential, check_status=False
        )
        assert result.verified, result.to_json()
        assert {key: credential[key] for key in extra} == extra


# -- status lists and DID documents honour Accept ----------------------------------------------------


def test_status_lists_and_did_documents_honour_accept(live_server: LiveServer, partner: PartnerInfo) -> None:
    issued = _issue(live_server, partner, generic_credential()).json()
    status_url = live_server.local(issued["credentialStatus"][0]["statusListCredential"])
    did_url = f"{live_server.url}/partners/{partner.id}/did.json"
    for url, default, asked in (
        (status_url, "application/vc", ("application/ld+json", "application/json")),
        (
            did_url,
            "application/did+json",
            ("application/did+ld+json", "application/ld+json", "application/json"),
        ),
    ):
        plain = httpx.get(url, headers={"Accept": ""})
        assert plain.headers["content-type"] == default
        assert plain.headers["vary"] == "Accept"
        assert httpx.get(url, headers={"Accept": "text/html"}).headers["content-type"] == default
        for media_type in asked:
            answer = httpx.get(url, headers={"Accept": f"{media_type}, */*;q=0.1"})
            assert answer.status_code == 200
            assert answer.headers["content-type"] == media_type
            assert answer.headers["vary"] == "Accept"
            assert answer.content == plain.content
            # A cache holding one representation must not answer for another (RFC 9110 §8.8.3).
            assert answer.headers["etag"] != plain.headers["etag"]
            revalidated = httpx.get(
                url, headers={"Accept": media_type, "If-None-Match": plain.headers["etag"]}
            )
            assert revalidated.status_code == 200
            same = httpx.get(url, headers={"Accept": media_type, "If-None-Match": answer.headers["etag"]})
            assert same.status_code == 304
    # The Accept header the W3C Bitstring Status List suite's client (@digitalbazaar/http-client)
    # always sends; it parses the body only under a JSON media type.
    answer = httpx.get(status_url, headers={"Accept": "application/ld+json, application/json"})
    assert answer.headers["content-type"] == "application/ld+json"
    assert answer.json()["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]


# -- a partner without a web domain: did:key ----------------------------------------------------------


def _cli(live_server: LiveServer, *args: str) -> tuple[int, str, str]:
    settings = live_server.settings
    env = {
        "NANSEN_DATA_DIR": str(settings.data_dir),
        "NANSEN_ISSUER_MASTER_KEY": settings.master_key.hex(),
        "NANSEN_ISSUER_DATABASE_URL": settings.database_url,
        "NANSEN_ISSUER_PUBLIC_HOST": settings.public_host,
    }
    result = runner.invoke(issuer_cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_a_did_key_partner_issues_credentials_that_verify_offline(live_server: LiveServer) -> None:
    code, out, _ = _cli(live_server, "partner", "add", "Harbour", "--did-key")
    assert code == 0, out
    fields = dict(line.split(":", 1) for line in out.splitlines())
    partner = PartnerInfo(fields["Partner"].strip(), fields["DID"].strip(), fields["API key"].strip())
    assert partner.did.startswith("did:key:z6Mk")

    issued = _issue(live_server, partner, generic_credential())
    assert issued.status_code == 201, issued.text
    credential = issued.json()
    assert credential["issuer"] == partner.did
    fingerprint = partner.did.removeprefix("did:key:")
    assert credential["proof"]["verificationMethod"] == f"{partner.did}#{fingerprint}"
    status_lists = [
        httpx.get(live_server.local(entry["statusListCredential"])).json()
        for entry in credential["credentialStatus"]
    ]
    assert all(listed["issuer"] == partner.did for listed in status_lists)
    # A resolver that knows no document and has no network: did:key resolves from the DID itself.
    verifier = Verifier(resolver=Resolver(), status_lists=StaticStatusLists(status_lists))
    result = verifier.verify_credential(credential)
    assert result.verdict is Verdict.VALID, result.to_json()

    # Revocation still works: through the status list, re-signed with the same key.
    revoked = httpx.post(
        f"{live_server.url}/credentials/status",
        json=status_change(credential["id"]),
        headers=partner.headers,
    )
    assert revoked.status_code == 200, revoked.text
    lists = [
        httpx.get(live_server.local(e["statusListCredential"])).json() for e in credential["credentialStatus"]
    ]
    after = Verifier(resolver=Resolver(), status_lists=StaticStatusLists(lists)).verify_credential(credential)
    assert after.verdict is Verdict.NOT_VALID
    status = after.check("status: revocation")
    assert status is not None
    assert status.outcome is Outcome.FAILED

    # No did:web document is served for it, and its key cannot be rotated or marked compromised.
    assert httpx.get(f"{live_server.url}/partners/{partner.id}/did.json").status_code == 404
    for command in (("rotate-key", partner.id), ("compromised", partner.id, fingerprint)):
        code, out, err = _cli(live_server, "partner", *command)
        assert code == 1
        assert "did:key partner's key is its DID and cannot be rotated" in err
        assert "Traceback" not in out + err
    assert _issue(live_server, partner, generic_credential()).status_code == 201


def test_did_web_stays_the_default_and_excludes_did_key(live_server: LiveServer) -> None:
    code, out, _ = _cli(live_server, "partner", "add", "Shelter")
    assert code == 0
    assert f"did:web:{live_server.settings.public_host}:partners:" in out
    code, out, err = _cli(live_server, "partner", "add", "Both", "--did-key", "--did-web", "both.example")
    assert code == 1
    assert "did:web domain or a did:key, not both" in err
    assert "Traceback" not in out + err
