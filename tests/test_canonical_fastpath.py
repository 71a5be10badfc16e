"""The canonicalisation fast path (nansen.rdf_templates) answers exactly as pyld does.

Every comparison is against the plain path, ``rdfc.canonicalize(jsonld.to_rdf(document))``,
called directly: same canonical N-Quads, or the same error, on the first call of a shape (a
miss), on the next (a hit), and for another document of the same shape with other values.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nansen import jsonld, rdf_templates, rdfc
from nansen.canonical import canonical_json, canonical_nquads, canonical_nquads_uncached
from nansen.config import Limits, schemas_dir
from nansen.errors import (
    CanonicalizationLimitExceeded,
    ContextError,
    InvalidInput,
    NansenError,
    UndefinedTermError,
)
from nansen.proofs.cryptosuites import suite_of_proof
from nansen.proofs.dataintegrity import _proof_config, _without_proof, proofs_of
from tests.conftest import VECTORS, load_json

V2 = jsonld.CREDENTIALS_V2
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
NANSEN = jsonld.NANSEN_V1
DI = jsonld.DATA_INTEGRITY_V2

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    rdf_templates.clear_caches()
    yield
    rdf_templates.clear_caches()


def plain(document: dict[str, Any], store: jsonld.ContextStore | None = None) -> str:
    return rdfc.canonicalize(jsonld.to_rdf(copy.deepcopy(document), store))


def outcome(function: Callable[[], str]) -> tuple[str, str]:
    try:
        return ("ok", function())
    except NansenError as error:
        return (type(error).__name__, str(error))


def assert_same_as_pyld(document: dict[str, Any], store: jsonld.ContextStore | None = None) -> str | None:
    """Fast path twice (miss, then hit) and pyld agree: same N-Quads or same error."""
    before = copy.deepcopy(document)
    expected = outcome(lambda: plain(document, store))
    first = outcome(lambda: canonical_nquads(document, store=store))
    second = outcome(lambda: canonical_nquads(document, store=store))
    assert document == before, "the fast path must not change the document"
    assert first == expected
    assert second == expected
    return expected[1] if expected[0] == "ok" else None


def stats(store: jsonld.ContextStore | None = None) -> rdf_templates.Stats:
    return rdf_templates.cache_for(store or jsonld.default_store()).stats


# ---------------------------------------------------------------------------------------------
# The W3C vectors: every document, every proof configuration.


def vector_documents() -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(VECTORS.rglob("*.json")):
        data = load_json(path)
        if not isinstance(data, dict) or "@context" not in data:
            continue
        name = str(path.relative_to(VECTORS))
        found.append((name, data))
        for number, proof in enumerate(proofs_of(data)):
            suite = suite_of_proof(proof)
            config, unsecured = _proof_config(suite, proof, _without_proof(data))
            found.append((f"{name}#config{number}", config))
            found.append((f"{name}#unsecured{number}", unsecured))
    return found


@pytest.mark.parametrize(
    ("name", "document"), vector_documents(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_w3c_vector_documents(vectors: Path, name: str, document: dict[str, Any]) -> None:
    assert assert_same_as_pyld(document) is not None, name
    assert stats().hits >= 1, "the second call should come from a recipe"


def test_vector_canonical_forms_come_from_the_cache(vectors: Path) -> None:
    directory = vectors / "eddsa-rdfc-2022"
    for document, expected in (
        (load_json(vectors / "unsigned.json"), directory / "canonDocDataInt.txt"),
        (load_json(directory / "proofConfigDataInt.json"), directory / "proofCanonDataInt.txt"),
    ):
        text = expected.read_text().rstrip("\n") + "\n"
        assert canonical_nquads(document) == text
        assert canonical_nquads(document) == text
    assert stats().hits == 2


# ---------------------------------------------------------------------------------------------
# Generated credentials.

IRIS = [
    "did:key:z6MkqGC3nWZhYieEVTVDKW5v588CiGfsDSmRVG9ZwwWTvLSK",
    "did:key:z6MktULudTtAsAhRegYPiZ6631RV3viv12qd4GQF8z1xB22S",
    "did:example:abc",
    "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "https://issuer.example/1",
    "https://issuer.example/a/../b?q=1#frag",
    "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
    "mailto:someone@example.org",
    "data:text/plain;base64,SGVsbG8=",
    "HTTP://EXAMPLE.COM/",
    "urn:ünïcode:ø",
]
AWKWARD = [
    "",
    " ",
    "name:Amina",  # the scheme is a term: a compact-IRI look-alike
    "type:x",
    "id:1",
    "_:b0",
    "_:x",
    "relative/path",
    "#fragment",
    "./here",
    "@context",
    "@id",
    "assertionMethod",
    "VerifiableCredential",
    "Passport",
    'quote " and \\ backslash',
    "line\nbreak\ttab\rreturn",
    "urn:x y",
    "https://a.example/<b>",
    'https://a.example/"q"',
    "https://a.example/{x}",
    "a:b\n",
    "1.5",
    "1E3",
    "true",
    "2026-01-05T09:30:00Z",
    "1990-04-01",
    "Ω≈ç√∫ 🙂 你好",
    "\u2028line separator",
    "\u00a0nbsp",
]
# No surrogates; the control characters that check_strings refuses are tested on their own.
TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8",
        blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
        "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f",
    ),
    max_size=12,
)
SCHEMES = st.sampled_from(["urn", "did", "x-a.b+c", "https", "Z"])
IRI_TAIL = st.text(alphabet=st.sampled_from("abcXYZ019-._~:/?#[]@!$&'()*+,;=%éø你🙂"), max_size=12)
IRI_LIKE = st.one_of(
    st.sampled_from(IRIS),
    st.builds(lambda scheme, rest: f"{scheme}:{rest}", SCHEMES, IRI_TAIL),
)
#: Scheme, colon, anything: spaces, quotes, angle brackets (not valid IRIs, or odd ones).
WEIRD_IRI = st.builds(lambda scheme, rest: f"{scheme}:{rest}", SCHEMES, TEXT)
DATES = st.sampled_from(["2026-01-05T09:30:00Z", "2020-02-29T23:59:59+01:00", "not a date", "1990-04-01", ""])

KINDS: dict[str, st.SearchStrategy[str]] = {
    "iri": IRI_LIKE,
    "text": TEXT,
    "awkward": st.sampled_from(AWKWARD),
    "date": DATES,
    "weird": WEIRD_IRI,
    "purpose": st.sampled_from(["assertionMethod", "authentication", "capabilityInvocation", "keyAgreement"]),
}


class Leaf:
    """A string leaf of a generated document: a kind, and a value per variant."""

    def __init__(self, kind: str) -> None:
        self.kind = kind


def fill(skeleton: Any, values: Iterator[str]) -> Any:
    if isinstance(skeleton, Leaf):
        return next(values)
    if isinstance(skeleton, dict):
        return {k: fill(v, values) for k, v in skeleton.items()}
    if isinstance(skeleton, list):
        return [fill(v, values) for v in skeleton]
    return skeleton


def leaves(skeleton: Any) -> list[Leaf]:
    if isinstance(skeleton, Leaf):
        return [skeleton]
    if isinstance(skeleton, dict):
        return [leaf for v in skeleton.values() for leaf in leaves(v)]
    if isinstance(skeleton, list):
        return [leaf for v in skeleton for leaf in leaves(v)]
    return []


LEAF_KINDS = st.sampled_from(["iri", "text", "awkward", "date", "weird"])
#: Identifiers: mostly valid, sometimes not (pyld's refusal must then be the fast path's too).
ID_KINDS = st.sampled_from(["iri"] * 10 + ["awkward", "weird"])


@st.composite
def id_leaf(draw: st.DrawFn) -> Leaf:
    return Leaf(draw(ID_KINDS))


@st.composite
def example_node(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    """A node under the examples context (@vocab: any plain key is a property)."""
    node: dict[str, Any] = {}
    if draw(st.booleans()):
        node["id"] = draw(id_leaf())
    if draw(st.booleans()):
        node["type"] = draw(st.sampled_from(["Thing", ["Thing", "Other"], "Person"]))
    keys = draw(
        st.lists(
            st.sampled_from(["name", "alumniOf", "knows", "score", "note", "p", "q"]), max_size=4, unique=True
        )
    )
    for key in keys:
        choice = draw(st.integers(0, 6 if depth < 2 else 3))
        if choice <= 1:
            node[key] = Leaf(draw(LEAF_KINDS))
        elif choice == 2:
            node[key] = draw(
                st.one_of(
                    st.integers(-(2**60), 2**60),
                    st.booleans(),
                    st.none(),
                    st.floats(allow_nan=False, allow_infinity=False),
                )
            )
        elif choice == 3:
            node[key] = [Leaf(draw(LEAF_KINDS)) for _ in range(draw(st.integers(0, 3)))]
        elif choice == 4:
            node[key] = draw(example_node(depth + 1))
        elif choice == 5:
            node[key] = [draw(example_node(depth + 1)) for _ in range(draw(st.integers(1, 3)))]
        else:
            node[key] = {"id": draw(id_leaf())}  # a bare node reference
    return node


@st.composite
def example_credential(draw: st.DrawFn) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": [V2, EXAMPLES],
        "type": ["VerifiableCredential", "ExampleCredential"],
    }
    if draw(st.booleans()):
        credential["id"] = draw(id_leaf())
    credential["issuer"] = draw(
        st.one_of(id_leaf(), st.builds(lambda leaf: {"id": leaf, "name": Leaf("text")}, id_leaf()))
    )
    if draw(st.booleans()):
        credential["name"] = Leaf(draw(LEAF_KINDS))
    credential["validFrom"] = Leaf("date")
    subject = draw(st.one_of(example_node(), st.lists(example_node(), min_size=1, max_size=2)))
    credential["credentialSubject"] = subject or {"name": Leaf("text")}
    return credential


@st.composite
def identity_credential(draw: st.DrawFn) -> dict[str, Any]:
    """An IdentityDocumentCredential (schemas/contexts/nansen-v1.jsonld)."""
    facts = draw(
        st.lists(
            st.sampled_from(
                [
                    "documentNumber",
                    "givenName",
                    "familyName",
                    "birthDate",
                    "birthPlace",
                    "issuingCountry",
                    "dateOfIssue",
                    "dateOfExpiry",
                    "nationality",
                    "gender",
                    "fatherName",
                    "motherName",
                ]
            ),
            unique=True,
            max_size=8,
        )
    )
    document: dict[str, Any] = {
        "type": ["IdentityDocument", draw(st.sampled_from(["Passport", "BirthCertificate"]))]
    }
    for fact in facts:
        document[fact] = Leaf(draw(LEAF_KINDS))
    subject: dict[str, Any] = {"type": "IdentityDocumentHolder", "identityDocument": document}
    if draw(st.booleans()):
        subject["id"] = draw(id_leaf())
    credential: dict[str, Any] = {
        "@context": [V2, NANSEN],
        "id": draw(id_leaf()),
        "type": ["VerifiableCredential", "IdentityDocumentCredential"],
        "issuer": draw(id_leaf()),
        "validFrom": Leaf("date"),
        "credentialSubject": subject,
    }
    evidence = [
        {
            "type": "DocumentCheck",
            "checkedBy": draw(id_leaf()),
            "checkedAt": Leaf("date"),
            "checkMethod": Leaf(draw(LEAF_KINDS)),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    if evidence:
        credential["evidence"] = evidence
    related = [
        {"id": draw(id_leaf()), "digestMultibase": Leaf(draw(LEAF_KINDS))}
        for _ in range(draw(st.integers(0, 2)))
    ]
    if related:
        credential["relatedResource"] = related
    status = [
        {
            "id": draw(id_leaf()),
            "type": "BitstringStatusListEntry",
            "statusPurpose": Leaf(draw(st.sampled_from(["text", "awkward"]))),
            "statusListIndex": Leaf("text"),
            "statusListCredential": draw(id_leaf()),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    if status:
        credential["credentialStatus"] = status
    return credential


@st.composite
def proof_config(draw: st.DrawFn) -> dict[str, Any]:
    config: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": Leaf(draw(st.sampled_from(["text", "awkward"]))),
        "created": Leaf("date"),
        "verificationMethod": draw(id_leaf()),
        "proofPurpose": Leaf(draw(st.sampled_from(["purpose"] * 6 + ["awkward", "text"]))),
        "@context": draw(st.sampled_from([[V2], [V2, EXAMPLES], [V2, NANSEN], [DI]])),
    }
    for optional in draw(st.lists(st.sampled_from(["challenge", "domain", "expires", "id"]), unique=True)):
        config[optional] = draw(id_leaf()) if optional == "id" else Leaf(draw(LEAF_KINDS))
    return config


def values_for(
    skeleton: Any, draw: Callable[[st.SearchStrategy[Any]], Any], pool: list[str] | None = None
) -> list[str]:
    """One value per leaf, of the leaf's kind; drawn from ``pool`` at times (equal values)."""
    drawn: list[str] = []
    for leaf in leaves(skeleton):
        if pool and draw(st.integers(0, 3)) == 0:
            drawn.append(draw(st.sampled_from(pool)))
        else:
            drawn.append(draw(KINDS[leaf.kind]))
    return drawn


def check_skeleton(data: st.DataObject, skeleton: dict[str, Any]) -> None:
    first_values = values_for(skeleton, data.draw)
    first = fill(skeleton, iter(first_values))
    assert_same_as_pyld(first)
    # Same shape, other values (often equal to one another or to the first document's).
    second = fill(skeleton, iter(values_for(skeleton, data.draw, pool=first_values)))
    assert_same_as_pyld(second)
    # Same values, another shape: one more property.
    third = copy.deepcopy(first)
    third["description"] = first_values[0] if first_values else "x"
    assert_same_as_pyld(third)


@SETTINGS
@given(data=st.data(), skeleton=example_credential())
def test_generated_example_credentials(data: st.DataObject, skeleton: dict[str, Any]) -> None:
    check_skeleton(data, skeleton)


@SETTINGS
@given(data=st.data(), skeleton=identity_credential())
def test_generated_identity_credentials(data: st.DataObject, skeleton: dict[str, Any]) -> None:
    check_skeleton(data, skeleton)


@SETTINGS
@given(data=st.data(), skeleton=proof_config())
def test_generated_proof_configurations(data: st.DataObject, skeleton: dict[str, Any]) -> None:
    check_skeleton(data, skeleton)


def test_recipes_are_used_for_a_typical_credential() -> None:
    skeleton: dict[str, Any] = {
        "@context": [V2, NANSEN],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "IdentityDocumentCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2026-01-05T09:30:00Z",
        "credentialSubject": {
            "id": "did:example:holder",
            "type": "IdentityDocumentHolder",
            "identityDocument": {"type": ["IdentityDocument", "Passport"], "givenName": "Amina"},
        },
        "evidence": [{"type": "DocumentCheck", "checkedBy": "did:example:issuer", "checkMethod": "seen"}],
    }
    assert_same_as_pyld(skeleton)
    for number in range(5):
        other = copy.deepcopy(skeleton)
        other["id"] = f"urn:uuid:{number + 2}"
        other["credentialSubject"]["identityDocument"]["givenName"] = f'Name "{number}"\n\\'
        other["evidence"][0]["checkMethod"] = "seen" if number % 2 else "urn:looks:like:an:iri"
        assert canonical_nquads(other) == plain(other)
    assert stats().hits >= 3


# ---------------------------------------------------------------------------------------------
# Equal values, node merging, duplicates.


def test_equal_identifiers_are_refused_on_both_paths() -> None:
    """pyld would merge two descriptions of one node: both paths refuse (jsonld.count_statements)."""

    def credential(a: str, b: str, name_a: str, name_b: str) -> dict[str, Any]:
        return {
            "@context": [V2, EXAMPLES],
            "type": ["VerifiableCredential"],
            "issuer": {"id": a, "name": name_a},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": [{"id": b, "name": name_b}, {"id": "did:example:z", "knows": {"id": b}}],
        }

    assert_same_as_pyld(credential("did:example:a", "did:example:b", "A", "B"))
    for values, merged in (
        (("did:example:a", "did:example:a", "A", "A"), True),  # one node, one name
        (("did:example:a", "did:example:a", "A", "B"), True),  # one node, two names
        (("did:example:c", "did:example:d", "same", "same"), False),
    ):
        document = credential(*values)
        expected = outcome(lambda document=document: plain(document))  # type: ignore[misc]
        assert outcome(lambda document=document: canonical_nquads(document)) == expected  # type: ignore[misc]
        assert (expected[0] == "InvalidInput") is merged


def test_equal_literals_in_one_property_are_refused_on_both_paths() -> None:
    def credential(names: list[str]) -> dict[str, Any]:
        return {
            "@context": [V2, EXAMPLES],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:a",
            "credentialSubject": {"name": names, "evidence": [{"note": n} for n in names]},
        }

    assert_same_as_pyld(credential(["a", "b", "c"]))
    for names, merged in ((["x", "x", "y"], True), (["z", "z", "z"], True), (["p", "q", "r"], False)):
        document = credential(names)
        expected = outcome(lambda document=document: plain(document))  # type: ignore[misc]
        assert outcome(lambda document=document: canonical_nquads(document)) == expected  # type: ignore[misc]
        assert (expected[0] == "InvalidInput") is merged


# ---------------------------------------------------------------------------------------------
# Errors, on the first call and every later one.


def alumni(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [V2, EXAMPLES],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:1", "alumniOf": "Example University"},
    }
    document.update(changes)
    return document


def identity(**subject_changes: Any) -> dict[str, Any]:
    document = {
        "@context": [V2, NANSEN],
        "type": ["VerifiableCredential", "IdentityDocumentCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {
            "id": "did:example:holder",
            "type": "IdentityDocumentHolder",
            "identityDocument": {"type": ["IdentityDocument", "Passport"], "givenName": "Amina"},
        },
    }
    document["credentialSubject"].update(subject_changes)  # type: ignore[attr-defined]
    return document


def test_undefined_term_is_an_error_every_time() -> None:
    document = identity(favouriteColour="blue")
    for _ in range(3):
        with pytest.raises(UndefinedTermError):
            canonical_nquads(document)
    good = identity()
    assert canonical_nquads(good) == canonical_nquads(good) == plain(good)
    with pytest.raises(UndefinedTermError):
        canonical_nquads(document)


def test_relative_identifier_is_refused_even_when_the_shape_is_cached() -> None:
    good = identity()
    canonical_nquads(good)
    canonical_nquads(good)
    for _ in range(2):
        with pytest.raises(UndefinedTermError, match="absolute"):
            canonical_nquads(identity(id="relative/path"))
    compact = identity(id="name:compact")  # a term as scheme: class B, never from this recipe
    assert outcome(lambda: canonical_nquads(compact)) == outcome(lambda: plain(compact))


def test_disallowed_context_is_an_error_every_time() -> None:
    document = alumni()
    document["@context"] = [V2, "https://attacker.example/context"]
    for _ in range(2):
        with pytest.raises(ContextError, match="not on the allow-list"):
            canonical_nquads(document)
    nested = alumni()
    nested["credentialSubject"]["@context"] = "https://attacker.example/scoped"
    for _ in range(2):
        with pytest.raises(ContextError):
            canonical_nquads(nested)
    inline = alumni()
    inline["@context"] = [V2, {"@import": "https://attacker.example/context"}]
    for _ in range(2):
        with pytest.raises(ContextError, match="'@import' is not accepted"):
            canonical_nquads(inline)


def test_a_store_with_a_narrower_allow_list_refuses_what_another_store_cached() -> None:
    document = alumni()
    assert canonical_nquads(document) == canonical_nquads(document) == plain(document)
    narrow = jsonld.ContextStore(schemas_dir() / "contexts", allowed=[V2])
    for _ in range(2):
        with pytest.raises(ContextError, match="not on the allow-list"):
            canonical_nquads(document, store=narrow)


def test_control_characters_are_refused_every_time() -> None:
    for document in (
        alumni(name="bell\x07"),
        alumni(credentialSubject={"id": "did:example:1", "alumniOf": "a\x01b"}),
        alumni(**{"na\x0cme": "x"}),
        alumni(type=["VerifiableCredential", "Odd\x7f"]),
    ):
        for _ in range(2):
            with pytest.raises(InvalidInput, match="control character"):
                canonical_nquads(document)
        with pytest.raises(InvalidInput, match="control character"):
            canonical_nquads_uncached(document)
    cached = alumni(name="fine")
    canonical_nquads(cached)
    canonical_nquads(cached)
    with pytest.raises(InvalidInput):
        canonical_nquads(alumni(name="not\x1ffine"))


def test_proof_purposes_come_apart_from_the_cache() -> None:
    def config(purpose: str, created: str) -> dict[str, Any]:
        return {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": created,
            "verificationMethod": "did:key:z6MkqGC3nWZhYieEVTVDKW5v588CiGfsDSmRVG9ZwwWTvLSK#z6MkqGC3nWZhYieEVTVDKW5v588CiGfsDSmRVG9ZwwWTvLSK",
            "proofPurpose": purpose,
            "@context": [V2, NANSEN],
        }

    results: dict[str, set[str]] = {}
    for round_ in range(3):
        for purpose in ("assertionMethod", "authentication"):
            document = config(purpose, f"2026-01-0{round_ + 1}T00:00:00Z")
            got = canonical_nquads(document)
            assert got == plain(document)
            results.setdefault(purpose, set()).add(got)
    assert "security#assertionMethod" in next(iter(results["assertionMethod"]))
    assert "security#authenticationMethod" in next(iter(results["authentication"]))
    assert not results["assertionMethod"] & results["authentication"]
    assert stats().hits >= 4


def test_poison_graph_is_still_refused() -> None:
    """A 7-clique of indistinguishable blank nodes (RDFC-1.0 poison graph), twice."""
    nodes = [f"_:n{i}" for i in range(7)]
    document = {
        "@context": [V2, EXAMPLES],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {
            "id": "did:example:subject",
            "knows": [{"id": n, "knows": [{"id": m} for m in nodes if m != n]} for n in nodes],
        },
    }
    for _ in range(2):
        with pytest.raises(CanonicalizationLimitExceeded):
            canonical_nquads(document, Limits(max_canonicalization_work=2000))
    with pytest.raises(CanonicalizationLimitExceeded):
        plain(document)


def test_symmetric_blank_nodes_within_the_bound_agree_with_pyld() -> None:
    """Two indistinguishable evidence entries: the recipe hands the dataset to rdfc."""
    document = alumni(evidence=[{"note": "same"}, {"note": "same"}, {"note": "other"}])
    assert_same_as_pyld(document)
    for notes in (("a", "a", "a"), ("a", "b", "a"), ("c", "d", "e")):
        variant = alumni(evidence=[{"note": n} for n in notes])
        assert canonical_nquads(variant) == plain(variant)


# ---------------------------------------------------------------------------------------------
# A context of our own, with every kind of term definition the analysis has to read.

CUSTOM = "https://example.test/fastpath-terms/v1"
CUSTOM_CONTEXT = {
    "@context": {
        "@version": 1.1,
        "ex": "https://example.test/vocab#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "id": "@id",
        "type": "@type",
        "kindOf": "@type",
        "Thing": "ex:Thing",
        "label": "ex:label",
        "english": {"@id": "ex:english", "@language": "en"},
        "amount": {"@id": "ex:amount", "@type": "xsd:double"},
        "count": {"@id": "ex:count", "@type": "xsd:integer"},
        "when": {"@id": "ex:when", "@type": "xsd:dateTime"},
        "ref": {"@id": "ex:ref", "@type": "@id"},
        "vocabRef": {"@id": "ex:vocabRef", "@type": "@vocab"},
        "blob": {"@id": "ex:blob", "@type": "@json"},
        "items": {"@id": "ex:items", "@container": "@list"},
        "child": {"@id": "ex:child"},
    }
}


@pytest.fixture(scope="module")
def custom_store(tmp_path_factory: pytest.TempPathFactory) -> jsonld.ContextStore:
    directory = tmp_path_factory.mktemp("fastpath") / "contexts"
    shutil.copytree(schemas_dir() / "contexts", directory)
    raw = json.dumps(CUSTOM_CONTEXT).encode()
    (directory / "fastpath.jsonld").write_bytes(raw)
    index = json.loads((directory / "index.json").read_text())
    index[CUSTOM] = {"file": "fastpath.jsonld", "sha256": hashlib.sha256(raw).hexdigest()}
    (directory / "index.json").write_text(json.dumps(index))
    return jsonld.ContextStore(directory)


CUSTOM_KINDS = st.sampled_from(["iri", "text", "awkward", "weird"])
NUMBERISH = st.sampled_from(["1.5", "1", "-0", "1e3", "abc", "", "NaN", "2.50", "0.1"])


@st.composite
def custom_document(draw: st.DrawFn) -> dict[str, Any]:
    def node(depth: int) -> dict[str, Any]:
        item: dict[str, Any] = {}
        if draw(st.booleans()):
            item["id"] = Leaf(draw(ID_KINDS))
        if draw(st.booleans()):
            item[draw(st.sampled_from(["type", "kindOf"]))] = "Thing"
        for key in draw(
            st.lists(
                st.sampled_from(
                    ["label", "english", "amount", "count", "when", "ref", "vocabRef", "blob", "items"]
                ),
                unique=True,
                max_size=5,
            )
        ):
            if key == "blob":
                item[key] = {"s": Leaf(draw(CUSTOM_KINDS)), "n": 1}
            elif key == "items":
                item[key] = [Leaf(draw(CUSTOM_KINDS)) for _ in range(draw(st.integers(0, 3)))]
            elif key == "amount":
                item[key] = draw(st.one_of(st.just(Leaf("number")), st.floats(-1e6, 1e6), st.integers(-5, 5)))
            else:
                item[key] = Leaf(draw(CUSTOM_KINDS))
        if depth < 2 and draw(st.booleans()):
            item["child"] = [node(depth + 1) for _ in range(draw(st.integers(1, 2)))]
        return item

    return {"@context": CUSTOM, **node(0)}


@SETTINGS
@given(data=st.data(), skeleton=custom_document())
def test_generated_documents_with_every_kind_of_term(
    custom_store: jsonld.ContextStore, data: st.DataObject, skeleton: dict[str, Any]
) -> None:
    kinds = {**KINDS, "number": NUMBERISH}

    def values(pool: list[str] | None = None) -> list[str]:
        drawn = []
        for leaf in leaves(skeleton):
            if pool and data.draw(st.integers(0, 3)) == 0:
                drawn.append(data.draw(st.sampled_from(pool)))
            else:
                drawn.append(data.draw(kinds[leaf.kind]))
        return drawn

    first_values = values()
    assert_same_as_pyld(fill(skeleton, iter(first_values)), custom_store)
    assert_same_as_pyld(fill(skeleton, iter(values(first_values))), custom_store)


def test_double_typed_strings_are_keyed_by_value(custom_store: jsonld.ContextStore) -> None:
    for amount in ("1.5", "abc", "2.50", "1.5"):
        document = {"@context": CUSTOM, "id": "urn:x:1", "amount": amount, "label": amount}
        assert canonical_nquads(document, store=custom_store) == plain(document, custom_store)


def test_compact_iris_and_vocabulary_values(custom_store: jsonld.ContextStore) -> None:
    for ref, vocab in (
        ("urn:x:2", "urn:x:3"),
        ("ex:local", "Thing"),
        ("urn:x:4", "ex:other"),
        ("https://example.test/vocab#z", "label"),
    ):
        document = {"@context": CUSTOM, "id": "urn:x:1", "ref": ref, "vocabRef": vocab}
        expected = outcome(lambda: plain(document, custom_store))  # noqa: B023
        assert outcome(lambda: canonical_nquads(document, store=custom_store)) == expected  # noqa: B023


def test_the_cache_is_bounded() -> None:
    limit = rdf_templates.MAX_SHAPES
    for number in range(limit + 20):
        document = alumni(**{f"p{number}": "x"})
        canonical_nquads(document)
    assert len(rdf_templates.cache_for(jsonld.default_store())) == limit


def test_changing_a_stores_allow_list_starts_a_new_cache() -> None:
    store = jsonld.ContextStore(schemas_dir() / "contexts")
    document = alumni()
    assert canonical_nquads(document, store=store) == canonical_nquads(document, store=store)
    first = rdf_templates.cache_for(store)
    store.allowed = frozenset([V2])
    with pytest.raises(ContextError):
        canonical_nquads(document, store=store)
    assert rdf_templates.cache_for(store) is not first


# ---------------------------------------------------------------------------------------------
# JCS: canonical_json is rfc8785.dumps.

JSON_KEYS = st.one_of(st.text(max_size=6), st.sampled_from(["a", "B", "é", "\ue000", "\U0001f600", "~", ""]))
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**54), 2**54),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=8),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(JSON_KEYS, children, max_size=4)
    ),
    max_leaves=20,
)


def jcs_outcome(function: Callable[[], bytes]) -> tuple[str, bytes]:
    try:
        return ("ok", function())
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        return (type(error).__name__, str(error).encode())


@SETTINGS
@given(value=JSON_VALUES)
def test_canonical_json_is_rfc8785(value: Any) -> None:
    assert jcs_outcome(lambda: canonical_json(value)) == jcs_outcome(lambda: bytes(rfc8785.dumps(value)))


@pytest.mark.parametrize(
    "value",
    [
        {"\ue000": 1, "\U0001f600": 2},  # UTF-16 order differs from code point order
        {"a": "\ud800"},  # a lone surrogate
        {"big": 2**53},
        {"big": -(2**53) + 1},
        {"f": 1.0, "g": 1e21, "h": -0.0},
        {1: "non-string key"},
        {"t": (1, 2)},
        '\x00\x1f\x7f\u2028"\\\b\f\n\r\t',
    ],
)
def test_canonical_json_edge_cases(value: Any) -> None:
    assert jcs_outcome(lambda: canonical_json(value)) == jcs_outcome(lambda: bytes(rfc8785.dumps(value)))


def test_threads_share_the_cache_safely() -> None:
    documents = [
        alumni(
            id=f"urn:uuid:{n}",
            name=f"credential {n % 3}",
            credentialSubject={"id": f"did:example:{n % 4}", "alumniOf": ["A", "B"][n % 2]},
        )
        for n in range(24)
    ]
    documents += [identity(id=f"did:example:h{n}") for n in range(8)]
    expected = [plain(d) for d in documents]

    def work(offset: int) -> list[bool]:
        return [
            canonical_nquads(documents[(offset + i) % len(documents)])
            == expected[(offset + i) % len(documents)]
            for i in range(3 * len(documents))
        ]

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(work, range(4)))
    assert all(all(o) for o in outcomes)
    assert stats().hits > 0
