"""Inline @context objects: accepted within their bounds and rules (nansen.jsonld_inline), each
rule tested with the attack it stops; and proof chains, whose W3C test inputs use inline contexts."""

from __future__ import annotations

import copy
import socket
from typing import Any

import pytest

from nansen import facts, jsonld, rdf_templates
from nansen.canonical import canonical_nquads, canonical_nquads_uncached
from nansen.config import CoreSettings, Limits
from nansen.did import key as did_key
from nansen.errors import ContextError, UndefinedTermError
from nansen.keys import Ed25519KeyPair
from nansen.proofs import ProofOptions, add_proof
from nansen.verify import Outcome, Verdict, Verifier
from tests.helpers import HOLDER, ISSUED, PARTNER, STRANGER

V2 = jsonld.CREDENTIALS_V2
#: As the vc-di-eddsa suite's previousProof inputs write theirs: a context object wrapped in "@context".
ALUMNI_CONTEXT = {
    "@context": {
        "AlumniCredential": "https://www.example.org/AlumniCredential",
        "alumniOf": "https://www.example.org/alumniOf",
    }
}


def alumni(*contexts: Any) -> dict[str, Any]:
    return {
        "@context": [V2, *(contexts or (ALUMNI_CONTEXT,))],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "issuer": PARTNER.controller,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER.controller, "alumniOf": "The School of Examples"},
    }


def sign(document: dict[str, Any], suite: str = "eddsa-rdfc-2022", **options: Any) -> dict[str, Any]:
    return add_proof(document, PARTNER, ProofOptions(cryptosuite=suite, created=ISSUED, **options))


def refused(context: Any, match: str) -> None:
    with pytest.raises(ContextError, match=match):
        jsonld.check_contexts(alumni(context))
    result = Verifier().verify_credential(alumni(context))
    assert result.verdict is Verdict.NOT_VALID
    check = result.check("format")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert match.split("(")[0].split("\\")[0] in check.reason


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_credential_with_an_inline_context_verifies(suite: str) -> None:
    result = Verifier().verify_credential(sign(alumni(), suite))
    assert result.verdict is Verdict.VALID, result.to_json()


def test_an_inline_context_without_the_wrapper_verifies_too() -> None:
    result = Verifier().verify_credential(sign(alumni(ALUMNI_CONTEXT["@context"])))
    assert result.verdict is Verdict.VALID, result.to_json()


def test_a_term_the_inline_context_does_not_define_is_still_refused() -> None:
    document = alumni()
    document["credentialSubject"]["nickname"] = "x"
    with pytest.raises(UndefinedTermError, match="nickname"):
        jsonld.to_rdf(document)


def test_an_undefined_term_added_after_signing_is_refused() -> None:
    signed = sign(alumni())
    signed["credentialSubject"]["nickname"] = "x"
    result = Verifier().verify_credential(signed)
    assert result.verdict is Verdict.NOT_VALID
    assert "nickname" in result.check("proof").reason  # type: ignore[union-attr]


def test_import_is_refused() -> None:
    refused({"@import": "https://attacker.example/context.jsonld"}, "'@import' is not accepted")


def test_vocab_is_refused() -> None:
    """@vocab would give every undefined term a meaning: JSON-LD safe mode would be off."""
    refused({"@vocab": "https://attacker.example/#"}, "'@vocab' is not accepted")
    refused({"@context": {"@vocab": "https://attacker.example/#"}}, "'@vocab' is not accepted")


def test_base_is_refused() -> None:
    refused({"@base": "https://attacker.example/"}, "'@base' is not accepted")


def test_a_protected_term_redefinition_is_refused() -> None:
    refused({"name": "https://attacker.example/name"}, "gives the term 'name' of a bundled context")
    refused({"id": None}, "undefines the term 'id'")


def test_json_ld_protection_refuses_what_the_relabelling_rules_let_through() -> None:
    """Belt and braces: a protected term given the same IRI but another type coercion keeps its
    meaning by the relabelling rules, and JSON-LD's own protection refuses it."""
    same = alumni({"@context": {"digestSRI": "https://www.w3.org/2018/credentials#digestSRI"}})
    jsonld.check_contexts(same)
    coerced = alumni({"digestSRI": {"@id": "https://www.w3.org/2018/credentials#digestSRI", "@type": "@id"}})
    jsonld.check_contexts(coerced)
    with pytest.raises(ContextError, match="redefines a protected term"):
        jsonld.to_rdf(coerced)


def test_a_scoped_context_that_redefines_a_protected_term_is_refused() -> None:
    """JSON-LD 1.1 §4.1.11 lets a property-scoped context override protected terms: the rules do not."""
    scoped = {
        "alumniOf": {
            "@id": "https://www.example.org/alumniOf",
            "@context": {"type": "https://attacker.example/t"},
        }
    }
    refused(scoped, "gives the term 'type' of a bundled context another meaning")
    hidden = {"alumniOf": {"@id": "https://www.example.org/alumniOf", "@context": {"@context": {"id": None}}}}
    refused(hidden, "undefines the term 'id'")


def test_a_keyword_alias_is_refused() -> None:
    """An alias of @type would let the RDF types differ from the JSON "type" the trust list reads."""
    refused({"kind": "@type"}, "alias of the keyword @type")
    refused({"ident": "@id"}, "alias of the keyword @id")
    refused({"nested": "@nest"}, "alias of the keyword @nest")


def test_a_new_name_for_a_bundled_iri_is_refused() -> None:
    refused({"prenom": "https://schema.org/givenName"}, "gives another name \\('prenom'\\)")
    refused({"prenom": "givenName"}, "absolute or compact IRI")
    refused({"s": "https://schema.org/", "prenom": "s:givenName"}, "gives another name \\('prenom'\\)")
    refused({"Partner": "https://w3id.org/nansen/vocab#IdentityDocumentCredential"}, "another name")


def test_term_definitions_that_hide_statements_are_refused() -> None:
    refused({"parentOf": {"@reverse": "https://www.example.org/childOf"}}, "'@reverse'")
    refused({"items": {"@id": "https://www.example.org/items", "@container": "@index"}}, "container")
    refused({"graphs": {"@id": "https://www.example.org/g", "@container": "@graph"}}, "container")


def test_a_remote_context_inside_an_inline_one_is_refused_without_a_connection() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.3)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/context.jsonld"
    try:
        scoped = {"alumniOf": {"@id": "https://www.example.org/alumniOf", "@context": url}}
        refused(scoped, "not on the allow-list")
        refused({"@context": [url]}, "not on the allow-list")
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


def test_deep_nesting_is_refused() -> None:
    context: dict[str, Any] = {"leaf": "https://www.example.org/leaf"}
    for level in range(10):
        context = {f"t{level}": {"@id": f"https://www.example.org/t{level}", "@context": context}}
    refused(context, "nested more than 8 deep")
    shallow = {
        "t": {"@id": "https://www.example.org/t", "@context": {"leaf": "https://www.example.org/leaf"}}
    }
    jsonld.check_contexts(alumni(ALUMNI_CONTEXT, shallow))


def test_a_huge_context_is_refused() -> None:
    huge = {f"term{i}": f"https://www.example.org/term{i}" for i in range(500)}
    refused(huge, "inline contexts exceed 16384 bytes")
    # The budget is for the whole document: two contexts under it each, over it together.
    half = {f"term{i}": f"https://www.example.org/term{i}" for i in range(200)}
    other = {f"more{i}": f"https://www.example.org/more{i}" for i in range(200)}
    jsonld.check_contexts(alumni(half))
    with pytest.raises(ContextError, match="exceed"):
        jsonld.check_contexts(alumni(half, other))


def test_the_bounds_are_settings() -> None:
    settings = CoreSettings.from_env(
        {"NANSEN_MAX_INLINE_CONTEXT_BYTES": "100", "NANSEN_MAX_INLINE_CONTEXT_DEPTH": "2"}
    )
    assert settings.limits.max_inline_context_bytes == 100
    assert settings.limits.max_inline_context_depth == 2
    with pytest.raises(ContextError, match="exceed 100 bytes"):
        jsonld.check_contexts(
            alumni({f"t{i}": f"https://www.example.org/t{i}" for i in range(5)}), limits=settings.limits
        )
    with pytest.raises(ContextError, match="nested more than 1 deep"):
        jsonld.check_contexts(alumni(ALUMNI_CONTEXT | {}), limits=Limits(max_inline_context_depth=1))
    with pytest.raises(Exception, match="NANSEN_MAX_INLINE_CONTEXT_DEPTH"):
        CoreSettings.from_env({"NANSEN_MAX_INLINE_CONTEXT_DEPTH": "0"})


def test_inline_contexts_take_the_plain_path_never_the_shape_cache() -> None:
    """The shape cache models the bundled contexts' terms only; a document with its own must not hit it."""
    document = sign(alumni())
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    stats = rdf_templates.cache_for(jsonld.default_store()).stats
    before = (stats.hits, stats.misses)
    first = canonical_nquads(copy.deepcopy(unsigned))
    changed = copy.deepcopy(unsigned)
    changed["@context"][1] = {
        "@context": {**ALUMNI_CONTEXT["@context"], "alumniOf": "https://www.example.org/other"}
    }
    second = canonical_nquads(changed)
    assert first == canonical_nquads_uncached(unsigned)
    assert second == canonical_nquads_uncached(changed)
    assert "https://www.example.org/other" in second
    assert (stats.hits, stats.misses) == before


def test_a_relabelling_context_shows_no_fact() -> None:
    """Facts are read by IRI: a credential whose own terms look like the project's shows none of them,
    and the project's own terms cannot be pointed elsewhere."""
    fake = {
        "@context": {
            "IdentityDocumentHolderX": "https://attacker.example/Holder",
            "identityDocumentX": "https://attacker.example/document",
            "givenNameX": "https://attacker.example/givenName",
        }
    }
    document = {
        "@context": [V2, fake],
        "type": ["VerifiableCredential"],
        "issuer": PARTNER.controller,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER.controller, "identityDocumentX": {"givenNameX": "Amina"}},
    }
    signed = sign(document)
    assert Verifier().verify_credential(signed).verdict is Verdict.VALID
    shown = facts.read_facts(signed)
    assert shown.facts == ()
    assert shown.document_type is None
    relabelled = copy.deepcopy(document)
    relabelled["@context"] = [V2, jsonld.NANSEN_V1, {"givenName": "https://attacker.example/givenName"}]
    result = Verifier().verify_credential(relabelled)
    assert result.verdict is Verdict.NOT_VALID
    assert "givenName" in result.check("format").reason  # type: ignore[union-attr]


# Proof chains (Data Integrity 1.0 §2.1.2, §4.3, §4.5), the shape of vc-di-eddsa's previousProof inputs:
# a first proof by another key, the issuer's chained to it.

WITNESS = STRANGER


def chained(previous: Any, first_id: str = "urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544") -> dict[str, Any]:
    first = add_proof(alumni(), WITNESS, ProofOptions(created=ISSUED, proof_id=first_id))
    return sign(first, previous_proof=previous)


@pytest.mark.parametrize(
    "previous",
    ["urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544", ["urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544"]],
)
def test_a_proof_chain_with_another_signer_verifies(previous: Any) -> None:
    result = Verifier().verify_credential(chained(previous))
    assert result.verdict is Verdict.VALID, result.to_json()
    assert "1 more proof" in result.check("issuer key").reason  # type: ignore[union-attr]


def test_a_dangling_previous_proof_is_refused() -> None:
    signed = chained("urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544")
    signed["proof"][1]["previousProof"] = "urn:uuid:another"
    result = Verifier().verify_credential(signed)
    assert result.verdict is Verdict.NOT_VALID
    assert "previous proof that the document does not carry" in result.check("proof").reason  # type: ignore[union-attr]
    lone = chained("urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544")
    lone["proof"] = lone["proof"][1]
    assert Verifier().verify_credential(lone).verdict is Verdict.NOT_VALID


def test_a_previous_proof_that_is_not_a_string_is_refused() -> None:
    signed = chained("urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544")
    signed["proof"][1]["previousProof"] = 7
    result = Verifier().verify_credential(signed)
    assert result.verdict is Verdict.NOT_VALID
    assert "previousProof" in result.check("proof").reason  # type: ignore[union-attr]


def test_a_credential_signed_only_by_someone_else_is_still_refused() -> None:
    signed = add_proof(alumni(), WITNESS, ProofOptions(created=ISSUED))
    result = Verifier().verify_credential(signed)
    assert result.verdict is Verdict.NOT_VALID
    assert result.check("issuer key").outcome is Outcome.FAILED  # type: ignore[union-attr]


def test_a_co_signer_that_is_not_a_did_key_is_not_resolved() -> None:
    """A did:web co-signer would make the verifier fetch a document the credential names."""
    web = did_key.signing_key(Ed25519KeyPair.from_seed(b"\x09" * 32))
    forged = sign(alumni())
    forged["proof"] = [
        forged["proof"],
        {**forged["proof"], "verificationMethod": "did:web:attacker.example#key-1"},
    ]
    result = Verifier().verify_credential(forged)
    assert result.verdict is Verdict.NOT_VALID
    assert result.check("proof").outcome is Outcome.NOT_CHECKED  # type: ignore[union-attr]
    assert web.controller.startswith("did:key:")


def test_a_broken_co_signature_fails_the_whole_credential() -> None:
    signed = chained("urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544")
    value = signed["proof"][0]["proofValue"]
    signed["proof"][0]["proofValue"] = value[:-2] + ("22" if value[-2:] != "22" else "33")
    result = Verifier().verify_credential(signed)
    assert result.verdict is Verdict.NOT_VALID
    assert result.check("proof").outcome is Outcome.FAILED  # type: ignore[union-attr]
