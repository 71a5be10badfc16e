"""The facts of an identity credential as its issuer signed them, for a person to read.

They are read from the credential's RDF graph (JSON-LD 1.1 §8 "RDF Serialization/Deserialization",
through `nansen.jsonld`'s offline processor), by IRI, not from the JSON's shape: the graph is what
an ``eddsa-rdfc-2022`` signature covers, so a fact is found whatever JSON carries it (a string, a
one-element array, a value object). The terms and their IRIs are the project's vocabulary
(``schemas/contexts/nansen-v1.jsonld``; the identity document of
``schemas/credentials/IdentityDocumentCredential.json``).

What cannot be shown faithfully is reported as a problem, never silently left out: a fact with
several values, a value with a language, a direction or a datatype other than a string or a date,
a node where text belongs, a claim about the holder or the document that is not a known fact, more
than one document, or a graph beside the default one. A caller must not call such a credential
valid on a page that shows its facts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from nansen import jsonld, vcdm
from nansen.errors import NansenError

RDF_TYPE: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_CREDENTIAL: Final = "https://www.w3.org/2018/credentials#VerifiableCredential"
_SUBJECT: Final = "https://www.w3.org/2018/credentials#credentialSubject"
_XSD: Final = "http://www.w3.org/2001/XMLSchema#"
#: The datatypes whose value is shown as it is: text, and dates written as text.
_SHOWN_AS_TEXT: Final = frozenset({_XSD + "string", _XSD + "date"})

#: The identity document's facts, in the order a page shows them.
FACT_TERMS: Final = (
    "documentTitle",
    "givenName",
    "familyName",
    "birthDate",
    "birthPlace",
    "gender",
    "nationality",
    "fatherName",
    "motherName",
    "documentNumber",
    "issuingCountry",
    "issuingAuthority",
    "dateOfIssue",
    "dateOfExpiry",
)


@dataclass(frozen=True)
class IdentityFacts:
    """What a page may show of a credential's identity document, and why anything cannot be shown."""

    #: The kind of document (``Passport``, …), if the credential describes one of a known kind.
    document_type: str | None = None
    #: (term, value) pairs, in `FACT_TERMS` order.
    facts: tuple[tuple[str, str], ...] = ()
    #: Sentences saying what the issuer signed that a page cannot show faithfully.
    problems: tuple[str, ...] = ()


@cache
def _vocabulary() -> dict[str, str]:
    """Each term of the project's context (type-scoped ones too), by the IRI it stands for."""
    terms: dict[str, str] = {}
    contexts = [jsonld.default_store().get(jsonld.NANSEN_V1).document["@context"]]
    while contexts:
        for term, definition in contexts.pop().items():
            if isinstance(definition, dict):
                contexts.extend(c for c in [definition.get("@context")] if isinstance(c, dict))
                definition = definition.get("@id")
            if isinstance(definition, str) and not definition.startswith("@"):
                terms.setdefault(definition, term)
    return terms


@cache
def _iri(term: str) -> str:
    return next(iri for iri, name in _vocabulary().items() if name == term)


Triple = dict[str, dict[str, str]]


class _Graph:
    """The default graph's triples, by subject and predicate."""

    def __init__(self, triples: list[Triple]) -> None:
        self._by_subject: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
        for triple in triples:
            self._by_subject[triple["subject"]["value"]][triple["predicate"]["value"]].append(
                triple["object"]
            )

    def properties(self, node: str) -> dict[str, list[dict[str, str]]]:
        return self._by_subject.get(node, {})

    def objects(self, node: str, predicate: str) -> list[str]:
        return [o["value"] for o in self.properties(node).get(predicate, []) if o["type"] != "literal"]

    def typed(self, kind: str) -> list[str]:
        return [node for node in self._by_subject if kind in self.objects(node, RDF_TYPE)]


def read_facts(credential: dict[str, Any]) -> IdentityFacts:
    """The identity document's kind and facts, and what of it cannot be shown (see module doc)."""
    try:
        dataset = jsonld.to_rdf({k: v for k, v in credential.items() if k != "proof"})
    except NansenError:
        return IdentityFacts(problems=("The credential cannot be read as linked data.",))
    if set(dataset) - {"@default"}:
        return IdentityFacts(problems=("The credential holds a graph that this page cannot show.",))
    graph = _Graph(dataset.get("@default", []))
    problems: list[str] = []
    subjects = [s for c in graph.typed(_CREDENTIAL) for s in graph.objects(c, _SUBJECT)]
    documents: list[str] = []
    holder_terms = {RDF_TYPE, _iri("identityDocument")}
    for subject in subjects:
        if set(graph.properties(subject)) - holder_terms:
            problems.append("The credential says something of its holder that this page cannot show.")
        documents.extend(graph.objects(subject, _iri("identityDocument")))
    if not documents:
        return IdentityFacts(problems=tuple(problems))
    if len(documents) > 1:
        problems.append("The credential describes more than one identity document.")
    document_type, facts = _document(graph, documents[0], problems)
    return IdentityFacts(document_type, facts, tuple(dict.fromkeys(problems)))


def _document(
    graph: _Graph, document: str, problems: list[str]
) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    properties = graph.properties(document)
    known = {_iri(term): term for term in FACT_TERMS}
    if set(properties) - set(known) - {RDF_TYPE}:
        problems.append("The identity document carries a claim that this page cannot show.")
    kinds = [_vocabulary().get(iri) for iri in graph.objects(document, RDF_TYPE)]
    named = [k for k in kinds if k in vcdm.IDENTITY_DOCUMENT_TYPES]
    if len(named) != 1 or len(kinds) != 2 or "IdentityDocument" not in kinds:
        problems.append("The identity document is not of exactly one known kind.")
    facts: list[tuple[str, str]] = []
    for iri, term in known.items():
        values = properties.get(iri, [])
        if len(values) > 1:
            problems.append(f"The identity document gives several values for {term}.")
        elif values and (values[0]["type"] != "literal" or values[0].get("datatype") not in _SHOWN_AS_TEXT):
            problems.append(f"The identity document gives {term} in a form this page cannot show faithfully.")
        elif values:
            facts.append((term, values[0]["value"]))
    order = {term: position for position, term in enumerate(FACT_TERMS)}
    return (named[0] if len(named) == 1 else None), tuple(sorted(facts, key=lambda fact: order[fact[0]]))
