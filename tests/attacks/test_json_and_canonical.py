"""JSON that two readers could read differently, and values a signature would not cover.

- Duplicate keys, integers past Python's 4,300-digit limit and NaN/Infinity are refused with a 400
  problem by the running verifier (``/credentials/verify``, ``/presentations/verify``,
  ``/verify-page``) and issuer (``/credentials/issue``, ``/documents`` facts); an
  ``options.cryptosuite`` that is not a string is a 400 too.
- A document in which JSON-LD processing would merge or drop a value (text that differs only in
  its ``@direction``; ``@json`` ``true`` beside ``1``, ``false`` beside ``0``; one node described
  in two places; a value stated twice) is never VALID, and gets the same verdict whatever the
  process state: shape cache off or on, cold or warm, in this process or a fresh one.
- A differential fuzz: the shape cache and plain pyld give the same canonical N-Quads, or both refuse.
"""

from __future__ import annotations

import copy
import json
import os
import ssl
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issuer.settings import Settings
from nansen import canonical, jsonld, rdf_templates, rdfc
from nansen.config import Limits
from nansen.errors import InvalidInput, NansenError
from nansen.ipfs import EmbeddedStore
from nansen.proofs import ProofOptions, add_proof
from nansen.verify import Verifier
from tests.did.test_web_resolver import partner_document, refusal, resolver, server_did
from tests.helpers import HOLDER, ISSUED, PARTNER, presentation, signed_credential
from tests.httpsserver import Route, Server
from tests.issuer.conftest import _migrated, add_partner, app_with_store
from tests.issuer.payloads import document_fields, png
from tests.issuer.payloads import identity_credential as issuable_credential
from tests.servers import loopback_socket, serving
from tests.verifier.support import Service, service, sqlite_url

pytest_plugins = ["tests.httpsserver"]

V2 = jsonld.CREDENTIALS_V2
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------------
# JSON that is refused before anything reads it.

#: (name, raw JSON with {} where a JSON value goes, what the refusal says)
BAD_JSON = [
    ("duplicate-key", '{"a": 1, "a": 2, "v": {}}', 'has the key "a" twice'),
    ("huge-integer", '{"v": {}, "n": ' + "7" * 4301 + "}", "too many digits"),
    ("nan", '{"v": {}, "n": NaN}', "NaN"),
    ("infinity", '{"v": {}, "n": -Infinity}', "Infinity"),
    ("overflowing-float", '{"v": {}, "n": 1e999}', "too large"),
]


def body_with(template: str, member: str, value: Any) -> bytes:
    """The raw body: ``{member: value, ...}`` with the template's bad JSON beside it."""
    return template.replace('"v": {}', f'"{member}": {json.dumps(value)}').encode()


def assert_problem(response: httpx.Response, says: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert says in response.json()["detail"]


@pytest.fixture
def verifier_service(tmp_path: Path) -> Iterator[Service]:
    with service(sqlite_url(tmp_path), tmp_path) as running:
        yield running


@pytest.mark.parametrize(("name", "template", "says"), BAD_JSON, ids=[b[0] for b in BAD_JSON])
def test_verifier_endpoints_refuse_ambiguous_json(
    verifier_service: Service, name: str, template: str, says: str
) -> None:
    credential = signed_credential()
    genuine = verifier_service.post("/credentials/verify", {"verifiableCredential": credential})
    assert genuine.status_code == 200, genuine.text  # the same credential, well-formed, verifies
    for path, member, document in (
        ("/credentials/verify", "verifiableCredential", credential),
        ("/presentations/verify", "verifiablePresentation", presentation(credential)),
    ):
        response = verifier_service.client.post(
            verifier_service.url + path,
            content=body_with(template, member, document),
            headers={"Content-Type": "application/json"},
        )
        assert_problem(response, says)


@pytest.mark.parametrize(("name", "template", "says"), BAD_JSON, ids=[b[0] for b in BAD_JSON])
def test_verify_page_refuses_ambiguous_json(
    verifier_service: Service, name: str, template: str, says: str
) -> None:
    credential = presentation(signed_credential())
    text = body_with(template, "verifiableCredential", credential).decode()
    response = verifier_service.client.post(verifier_service.url + "/verify-page", data={"text": text})
    assert response.status_code == 400, response.status_code
    assert "Every check passed" not in response.text
    assert "Amina" not in response.text


def test_verify_page_refuses_a_credential_with_a_duplicate_key(verifier_service: Service) -> None:
    genuine = json.dumps(presentation(signed_credential()))
    # The same presentation, its holder named twice: the last would have won.
    doubled = genuine.replace('"holder": ', '"holder": "did:example:other", "holder": ', 1)
    assert doubled != genuine
    response = verifier_service.client.post(verifier_service.url + "/verify-page", data={"text": doubled})
    assert response.status_code == 400
    assert "Every check passed" not in response.text


@pytest.fixture
def issuer_service(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """The issuer on a real uvicorn server (SQLite), and a partner's authorization header."""
    master_key = os.urandom(32)
    url = next(_migrated(f"sqlite:///{tmp_path / 'issuer.db'}", master_key))
    sock, port = loopback_socket()
    settings = Settings(
        database_url=url,
        public_host=f"localhost%3A{port}",
        data_dir=tmp_path / "data",
        master_key=master_key,
        rate_per_second=1000.0,
        rate_burst=1000,
    )
    partner = add_partner(settings)
    with serving(app_with_store(settings, EmbeddedStore(tmp_path / "ipfs")), sock):
        yield f"http://127.0.0.1:{port}", partner.headers


@pytest.mark.parametrize(("name", "template", "says"), BAD_JSON, ids=[b[0] for b in BAD_JSON])
def test_issuer_refuses_ambiguous_json(
    issuer_service: tuple[str, dict[str, str]], name: str, template: str, says: str
) -> None:
    url, headers = issuer_service
    with httpx.Client(timeout=60) as http:
        issued = http.post(
            url + "/credentials/issue", json={"credential": issuable_credential()}, headers=headers
        )
        assert issued.status_code == 201, issued.text
        response = http.post(
            url + "/credentials/issue",
            content=body_with(template, "credential", issuable_credential()),
            headers={**headers, "Content-Type": "application/json"},
        )
        assert_problem(response, says)
        facts = template.replace('"v": {}', '"givenName": "Amina"')
        form = http.post(
            url + "/documents",
            data=document_fields(facts=facts),
            files={"scan": ("passport.png", png(), "image/png")},
            headers=headers,
        )
        assert form.status_code == 400, form.text
        assert form.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("suite", [{}, [], 7, None, True])
def test_issuer_refuses_a_cryptosuite_that_is_not_a_name(
    issuer_service: tuple[str, dict[str, str]], suite: Any
) -> None:
    url, headers = issuer_service
    body = {"credential": issuable_credential(), "options": {"cryptosuite": suite}}
    response = httpx.post(url + "/credentials/issue", json=body, headers=headers, timeout=60)
    assert_problem(response, "cryptosuite")


def test_a_fetched_did_document_with_a_duplicate_key_is_refused(
    https: Server, client_tls: ssl.SSLContext, tmp_path: Path
) -> None:
    did = server_did(https)
    genuine = json.dumps(partner_document(did))
    https.routes["/.well-known/did.json"] = Route(body=genuine.encode())
    assert resolver(tmp_path / "first", client_tls).resolve(did).id == did
    # The same document with a second verification method list after the first: the last won.
    doubled = genuine[:-1] + ', "assertionMethod": []}'
    https.routes["/.well-known/did.json"] = Route(body=doubled.encode())
    assert "not valid JSON" in refusal(resolver(tmp_path / "second", client_tls), did)


# ---------------------------------------------------------------------------------------------
# Values JSON-LD processing would merge or drop.


def credential(subject: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": [V2, EXAMPLES],
        "type": ["VerifiableCredential"],
        "issuer": PARTNER.controller,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER.controller, **subject},
    }


def sign(document: dict[str, Any]) -> dict[str, Any]:
    return add_proof(document, PARTNER, ProofOptions(created=ISSUED))


def json_value(value: Any) -> dict[str, Any]:
    return {"@value": value, "@type": "@json"}


#: name: (what the issuer signed, what is added after; a warm-up of the same shape as the result)
MERGES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    "direction": (
        {"note": [{"@value": "x", "@direction": "rtl"}]},
        {"note": [{"@value": "x", "@direction": "rtl"}, {"@value": "x", "@direction": "ltr"}]},
        {"note": [{"@value": "y", "@direction": "rtl"}, {"@value": "z", "@direction": "ltr"}]},
    ),
    "json-true-1": (
        {"data": [json_value({"k": True})]},
        {"data": [json_value({"k": True}), json_value({"k": 1})]},
        {"data": [json_value({"k": True}), json_value({"k": 2})]},
    ),
    "json-false-0": (
        {"data": [json_value([False])]},
        {"data": [json_value([False]), json_value([0])]},
        {"data": [json_value([False]), json_value([3])]},
    ),
    "node-merge": (
        {"knows": [{"id": "urn:example:1", "data": json_value({"k": True})}]},
        {
            "knows": [
                {"id": "urn:example:1", "data": json_value({"k": True})},
                {"id": "urn:example:1", "data": json_value({"k": 1})},
            ]
        },
        {
            "knows": [
                {"id": "urn:example:1", "data": json_value({"k": True})},
                {"id": "urn:example:2", "data": json_value({"k": 1})},
            ]
        },
    ),
    "node-merge-names": (
        {"knows": [{"id": "urn:example:1", "name": "A"}, {"id": "urn:example:2", "name": "B"}]},
        {"knows": [{"id": "urn:example:1", "name": "A"}, {"id": "urn:example:1", "name": "B"}]},
        {"knows": [{"id": "urn:example:3", "name": "A"}, {"id": "urn:example:4", "name": "B"}]},
    ),
    "repeated": (
        {"note": ["x"]},
        {"note": ["x", "x"]},
        {"note": ["x", "y"]},
    ),
}


def without_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign as a forger would with a processor that merges silently (the code before this fix)."""
    monkeypatch.setattr(jsonld, "check_nothing_merged", lambda statements, dataset: None)
    monkeypatch.setattr(jsonld, "count_statements", lambda expanded: 0)


def attacks(name: str, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Two forgeries: a genuine signature with the merged value added after, and a signature
    made over the merging document itself by a processor that does not refuse it."""
    signed_part, merged, _ = MERGES[name]
    appended = sign(credential(signed_part))
    proof = appended.pop("proof")
    appended["credentialSubject"].update(copy.deepcopy(merged))
    appended["proof"] = proof
    with monkeypatch.context() as patch:
        without_checks(patch)
        patch.setattr(canonical, "shape_cache", lambda: False)
        forged = sign(credential(merged))
    return [appended, forged]


def verdict(result: Any) -> tuple[bool, tuple[tuple[str, str], ...]]:
    return result.verified, tuple((c.name, c.outcome.name) for c in result.checks)


def in_process(document: dict[str, Any], cache: bool, warm: dict[str, Any] | None) -> Any:
    rdf_templates.clear_caches()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(canonical, "shape_cache", lambda: cache)
            if warm is not None:
                for _ in range(2):  # a miss that builds the recipe, then a hit
                    assert Verifier().verify_credential(copy.deepcopy(warm)).verified
            return verdict(Verifier().verify_credential(copy.deepcopy(document)))
    finally:
        rdf_templates.clear_caches()


#: Run in a fresh interpreter: verify the warm-up (if any) then the document, print the verdict.
_FRESH = """
import json, sys
from nansen.verify import Verifier
documents = json.load(sys.stdin)
for document in documents[:-1]:
    assert Verifier().verify_credential(document).verified
result = Verifier().verify_credential(documents[-1])
print(json.dumps([result.verified, [[c.name, c.outcome.name] for c in result.checks]]))
"""


def fresh_process(document: dict[str, Any], cache: bool, warm: dict[str, Any] | None) -> Any:
    documents = ([warm, warm] if warm is not None else []) + [document]
    process = subprocess.run(
        [sys.executable, "-c", _FRESH],
        input=json.dumps(documents),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "NANSEN_SHAPE_CACHE": "1" if cache else "0"},
        check=True,
    )
    verified, checks = json.loads(process.stdout)
    return verified, tuple((name, outcome) for name, outcome in checks)


@pytest.mark.parametrize("name", list(MERGES))
def test_a_merged_value_is_never_valid_in_any_process_state(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    warm = sign(credential(MERGES[name][2]))
    assert Verifier().verify_credential(copy.deepcopy(warm)).verified  # the shape itself is fine
    for document in attacks(name, monkeypatch):
        verdicts = {
            (where.__name__, cache, warmed): where(document, cache, warm if warmed else None)
            for where in (in_process, fresh_process)
            for cache in (False, True)
            for warmed in (False, True)
        }
        assert len(set(verdicts.values())) == 1, verdicts
        verified, checks = next(iter(verdicts.values()))
        assert verified is False
        assert ("proof", "FAILED") in checks or ("format", "FAILED") in checks


@pytest.mark.parametrize("name", list(MERGES))
def test_signing_a_merging_document_is_refused(name: str) -> None:
    with pytest.raises(InvalidInput, match="would merge"):
        sign(credential(MERGES[name][1]))


# ---------------------------------------------------------------------------------------------
# Differential fuzz: the shape cache against plain pyld.


class Slot:
    """Where the template takes a string: an identifier or text."""

    def __init__(self, kind: str) -> None:
        self.kind = kind


IDS = ["urn:example:1", "urn:example:2", "did:example:3"]
TEXTS = ["x", "y", "Amina", "urn:example:1"]
PROPERTIES = ["note", "data", "knows", "name", "age"]

scalars = st.sampled_from([0, 1, 2, -1, 1.0, 1.5, 4e-7, True, False, None])
json_literals = st.sampled_from([True, False, 0, 1, 1.0, "x", {"k": True}, {"k": 1}, [False], [0], None, {}])
text = st.builds(Slot, st.just("text"))
language_value = st.fixed_dictionaries(
    {"@value": text, "@language": st.sampled_from(["en", "EN", "ar"])},
    optional={"@direction": st.sampled_from(["rtl", "ltr"])},
)
direction_value = st.fixed_dictionaries({"@value": text, "@direction": st.sampled_from(["rtl", "ltr"])})
json_value_strategy = st.builds(json_value, json_literals)
leaf = st.one_of(text, scalars, language_value, direction_value, json_value_strategy)


def node(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties = st.dictionaries(st.sampled_from(PROPERTIES), children, min_size=1, max_size=3)
    return st.builds(
        lambda identifier, props: ({"id": identifier} if identifier else {}) | props,
        st.one_of(st.none(), st.builds(Slot, st.just("id"))),
        properties,
    )


values = st.recursive(
    leaf, lambda children: st.one_of(st.lists(children, min_size=1, max_size=3), node(children)), max_leaves=8
)
templates = st.dictionaries(st.sampled_from(PROPERTIES), values, min_size=1, max_size=4)


def fill(template: Any, choose: Callable[[str], str]) -> Any:
    if isinstance(template, Slot):
        return choose(template.kind)
    if isinstance(template, dict):
        return {key: fill(value, choose) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(item, choose) for item in template]
    return template


def outcome(function: Callable[[], str]) -> tuple[str, str]:
    try:
        return ("ok", function())
    except NansenError as error:
        return (type(error).__name__, str(error))


def plain(document: dict[str, Any]) -> tuple[str, str]:
    return outcome(lambda: rdfc.canonicalize(jsonld.to_rdf(copy.deepcopy(document))))


def cached(document: dict[str, Any]) -> tuple[str, str]:
    """The shape cache's answer, whatever ``NANSEN_SHAPE_CACHE`` says."""
    return outcome(
        lambda: rdf_templates.canonical_nquads(copy.deepcopy(document), Limits(), jsonld.default_store())
    )


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(template=templates, data=st.data())
def test_the_shape_cache_answers_as_plain_pyld(template: dict[str, Any], data: st.DataObject) -> None:
    rdf_templates.clear_caches()
    picks = {"id": st.sampled_from(IDS), "text": st.sampled_from(TEXTS)}
    documents = [credential(fill(template, lambda kind: data.draw(picks[kind]))) for _ in range(3)]
    # Three fillings of one shape, twice over: a miss, then hits with the same and other values.
    for document in documents + documents:
        expected = plain(document)
        assert cached(document) == expected
        uncached = outcome(partial(canonical.canonical_nquads_uncached, copy.deepcopy(document)))
        assert uncached == expected
