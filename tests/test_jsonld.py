"""The offline JSON-LD loader and its refusals (DESIGN.md §4, first rule)."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest

from nansen import jsonld
from nansen.config import Limits, schemas_dir
from nansen.errors import ContextError, UndefinedTermError
from nansen.proofs import ProofOptions, add_proof
from nansen.verify import Outcome, Verdict, Verifier
from tests.helpers import ISSUED, PARTNER, identity_credential

EXAMPLES = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]


def alumni(context: list[Any]) -> dict[str, Any]:
    return {
        "@context": context,
        "type": ["VerifiableCredential"],
        "issuer": PARTNER.controller,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:1", "alumniOf": "Example University"},
    }


def test_remote_context_is_refused_without_a_connection() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.3)
    port = listener.getsockname()[1]
    try:
        document = alumni([*EXAMPLES, f"http://127.0.0.1:{port}/context.jsonld"])
        with pytest.raises(ContextError, match="not on the allow-list"):
            jsonld.to_rdf(document)
        result = Verifier().verify_credential(
            add_proof(alumni(EXAMPLES), PARTNER) | {"@context": document["@context"]}
        )
        assert result.verdict is Verdict.NOT_VALID
        assert result.check("format").outcome is Outcome.FAILED  # type: ignore[union-attr]
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


def test_inline_context_is_refused_when_the_limit_is_zero() -> None:
    """NANSEN_MAX_INLINE_CONTEXT_BYTES=0 turns inline contexts off (tests/test_inline_contexts.py
    has the rules they keep when they are on)."""
    document = alumni([EXAMPLES[0], {"alumniOf": "https://attacker.example/alumniOf"}])
    with pytest.raises(ContextError, match="Inline contexts are not accepted"):
        jsonld.check_contexts(document, limits=Limits(max_inline_context_bytes=0))


def test_scoped_remote_context_deep_inside_is_refused() -> None:
    document = alumni(EXAMPLES)
    document["credentialSubject"]["nested"] = {"@context": "https://attacker.example/ctx", "x": 1}
    with pytest.raises(ContextError):
        jsonld.check_contexts(document)


def test_context_off_the_configured_allow_list_is_refused() -> None:
    store = jsonld.ContextStore(schemas_dir() / "contexts", allowed=[jsonld.CREDENTIALS_V2])
    with pytest.raises(ContextError, match="not on the allow-list"):
        jsonld.to_rdf(alumni(EXAMPLES), store)


def _store_with(tmp_path: Path, extra_url: str, extra: dict[str, Any]) -> jsonld.ContextStore:
    directory = tmp_path / "contexts"
    shutil.copytree(schemas_dir() / "contexts", directory)
    raw = json.dumps(extra).encode()
    (directory / "extra.jsonld").write_bytes(raw)
    index = json.loads((directory / "index.json").read_text())
    index[extra_url] = {"file": "extra.jsonld", "sha256": hashlib.sha256(raw).hexdigest()}
    (directory / "index.json").write_text(json.dumps(index))
    return jsonld.ContextStore(directory)


def test_redefined_protected_term_is_refused(tmp_path: Path) -> None:
    url = "https://example.test/redefines-name/v1"
    store = _store_with(tmp_path, url, {"@context": {"name": "https://attacker.example/name"}})
    document = alumni([EXAMPLES[0], url])
    document["name"] = "A credential"
    with pytest.raises(ContextError, match="protected term"):
        jsonld.to_rdf(document, store)


def test_bundled_context_that_does_not_match_its_pin_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "contexts"
    shutil.copytree(schemas_dir() / "contexts", directory)
    path = directory / "credentials-examples-v2.jsonld"
    path.write_text(path.read_text().replace("examples#", "evil#"))
    store = jsonld.ContextStore(directory)
    with pytest.raises(ContextError, match="pinned hash"):
        store.get(EXAMPLES[1])


def test_undefined_property_is_an_error_not_dropped() -> None:
    credential = identity_credential()
    credential["credentialSubject"]["favouriteColour"] = "blue"
    with pytest.raises(UndefinedTermError):
        jsonld.to_rdf(credential)


def test_relative_identifier_is_refused() -> None:
    credential = identity_credential()
    credential["credentialSubject"]["id"] = "relative/path"
    with pytest.raises(UndefinedTermError, match="absolute"):
        jsonld.to_rdf(credential)


def test_examples_context_vocab_is_accepted() -> None:
    """W3C test suites use the examples context: its @vocab defines every term."""
    signed = add_proof(alumni(EXAMPLES), PARTNER, ProofOptions(created=ISSUED))
    assert Verifier().verify_credential(signed).verdict is Verdict.VALID


def test_first_context_must_be_credentials_v2() -> None:
    document = alumni(list(reversed(EXAMPLES)))
    result = Verifier().verify_credential(document)
    assert result.check("format").outcome is Outcome.FAILED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "proof_context",
    [
        pytest.param(list(reversed(EXAMPLES)), id="reordered"),
        pytest.param([EXAMPLES[0], "https://w3id.org/citizenship/v4rc1"], id="other"),
    ],
)
def test_jcs_proof_context_must_match_the_document(proof_context: list[str]) -> None:
    signed = add_proof(alumni(EXAMPLES), PARTNER, ProofOptions(cryptosuite="eddsa-jcs-2022", created=ISSUED))
    signed["proof"]["@context"] = proof_context
    result = Verifier().verify_credential(signed)
    assert result.check("proof").outcome is Outcome.FAILED  # type: ignore[union-attr]
    assert "@context" in result.check("proof").reason  # type: ignore[union-attr]


def test_jcs_proof_context_shorter_than_the_document_no_longer_covers_it() -> None:
    """A prefix is allowed by the spec, but then the signature covers other bytes: refused."""
    signed = add_proof(alumni(EXAMPLES), PARTNER, ProofOptions(cryptosuite="eddsa-jcs-2022", created=ISSUED))
    signed["proof"]["@context"] = EXAMPLES[:1]
    assert Verifier().verify_credential(signed).verdict is Verdict.NOT_VALID


def test_pyld_default_loader_never_reaches_the_network() -> None:
    """Even a pyld call made without our loader is refused (no listener sees a connection)."""
    from pyld import jsonld as pyld

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.3)
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/context.jsonld"
        with pytest.raises(pyld.JsonLdError):
            pyld.expand({"@context": url, "a": 1})
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


def test_base_direction_is_covered_by_the_signature() -> None:
    """Found by the interop tests: without rdfDirection pyld dropped @direction from the RDF."""
    document = alumni(EXAMPLES)
    document["credentialSubject"]["alumniOf"] = {"@value": "أمينة", "@language": "ar", "@direction": "rtl"}
    signed = add_proof(document, PARTNER, ProofOptions(created=ISSUED))
    assert Verifier().verify_credential(signed).verdict is Verdict.VALID
    signed["credentialSubject"]["alumniOf"]["@direction"] = "ltr"
    assert Verifier().verify_credential(signed).verdict is Verdict.NOT_VALID


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("a\bb", id="control-character"),
        pytest.param(2**53, id="integer-beyond-2^53"),
        pytest.param({"id": "https://example.org/x?q=<b>"}, id="not-an-iri"),
    ],
)
def test_values_other_implementations_canonicalise_differently_are_refused(value: Any) -> None:
    from nansen.errors import NansenError

    document = alumni(EXAMPLES)
    document["credentialSubject"]["alumniOf"] = value
    with pytest.raises(NansenError):
        add_proof(document, PARTNER, ProofOptions(created=ISSUED))
