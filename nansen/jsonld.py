"""JSON-LD 1.1 processing that never touches the network.

One document loader serves bundled, hash-pinned contexts (``schemas/contexts/index.json``) on an
allow-list; any other URL is an error. Every ``@context`` entry in a document is such a URL or an
inline context object within the bounds and rules of `nansen.jsonld_inline` (no ``@import``, no
``@vocab``, no relabelling of a bundled term, bounded in size and depth). A property or type that no context defines is an error, not silently dropped,
so a signature always covers everything the document says (DESIGN.md §4).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld as pyld
from pyld.context_resolver import ContextResolver

from nansen.config import Limits, allowed_contexts, configured_limits, schemas_dir
from nansen.errors import ContextError, InvalidInput, UndefinedTermError
from nansen.jsonld_inline import InlineBudget, check_inline
from nansen.jsonutil import check_strings

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
#: VC Data Model 1.1's context (bundled from npm @digitalbazaar/credentials-context 3.2.0).
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
NANSEN_V1 = "https://w3id.org/nansen/v1"

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*:[^\s]*$")
#: Characters RFC 3987 does not allow anywhere in an IRI (pyld writes them raw into N-Quads).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')

Dataset = dict[str, list[dict[str, Any]]]


#: Held while pyld expands or converts a document. pyld keeps processed contexts in caches shared by
#: every thread (``cachetools.LRUCache`` in its context resolver and in each resolved context), and
#: those caches are not thread-safe: two threads evicting at once raise ``KeyError`` (seen as a 500
#: when twelve presentations reached a fresh verifier worker at once). pyld's work holds the GIL
#: anyway, so one thread at a time costs the services almost nothing.
PYLD_LOCK = threading.RLock()


def _refuse_network(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    raise pyld.JsonLdError(
        "Nansen never loads JSON-LD documents over the network.", "jsonld.LoadDocumentError"
    )


# pyld's own default loader fetches over HTTP with no timeout (NOTES.md): replace it process-wide,
# so that even a call that forgets to pass our loader cannot reach the network.
pyld.set_document_loader(_refuse_network)


def is_absolute_iri(value: str) -> bool:
    return bool(_ABSOLUTE_IRI.match(value)) and not _NOT_IN_IRI.search(value)


@dataclass(frozen=True)
class BundledContext:
    url: str
    document: dict[str, Any]


class ContextStore:
    """The bundled contexts, each checked against its pinned SHA-256 when first loaded.

    An index entry may list ``earlier`` versions of its URL (``version``, ``file``, ``sha256``):
    bytes W3C published at that URL before, kept so that a ``relatedResource`` digest of one can be
    recognised (`nansen.related_resources`). They are never served, except by a store made with
    `with_version`, whose pyld context cache is its own (`context_resolver`).
    """

    def __init__(
        self, directory: Path, allowed: Iterable[str] | None = None, versions: dict[str, str] | None = None
    ) -> None:
        index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
        self._directory = directory
        self._index: dict[str, dict[str, Any]] = index
        self.allowed = frozenset(allowed) if allowed is not None else frozenset(index)
        unknown = self.allowed - set(index)
        if unknown:
            raise ContextError(f"The allow-list names {len(unknown)} context(s) that are not bundled.")
        self._versions = dict(versions or {})
        self._loaded: dict[str, BundledContext] = {}

    def _entry(self, url: str, version: str | None) -> dict[str, Any]:
        entry = self._index[url]
        if version is None:
            return entry
        earlier = [e for e in entry.get("earlier", []) if e.get("version") == version]
        if not earlier:
            raise ContextError(f"No earlier version {version!r} of {url!r} is bundled.")
        return dict(earlier[0])

    def _read(self, url: str, entry: dict[str, Any]) -> bytes:
        raw = (self._directory / str(entry["file"])).read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise ContextError(f"The bundled context for {url!r} does not match its pinned hash.")
        return raw

    def get(self, url: str) -> BundledContext:
        if url not in self.allowed:
            raise ContextError(f"The JSON-LD context {url!r} is not on the allow-list.")
        if url not in self._loaded:
            raw = self._read(url, self._entry(url, self._versions.get(url)))
            self._loaded[url] = BundledContext(url, json.loads(raw))
        return self._loaded[url]

    def versions(self, url: str) -> list[tuple[str | None, bytes]]:
        """The bytes of an allowed context: the copy served (version None) first, then earlier ones."""
        self.get(url)
        earlier = [e.get("version") for e in self._index[url].get("earlier", [])]
        return [(None, self._read(url, self._entry(url, None)))] + [
            (str(v), self._read(url, self._entry(url, str(v)))) for v in earlier if isinstance(v, str)
        ]

    def with_version(self, url: str, version: str) -> ContextStore:
        """A store like this one that serves an earlier version of ``url`` (see the class)."""
        self._entry(url, version)
        return ContextStore(self._directory, self.allowed, {**self._versions, url: version})

    def context_resolver(self) -> Any:
        """pyld's context resolver for this store: None (pyld's process-wide cache, keyed by URL) for a
        store serving the usual copies; a private cache for one serving an earlier version, which
        must neither read nor fill the shared one."""
        if not self._versions:
            return None
        return ContextResolver({}, self.document_loader)  # a dict serves as its cache; dropped after use

    def document_loader(self, url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        """A pyld document loader: bundled contexts only, never the network."""
        try:
            context = self.get(url)
        except ContextError as cause:
            raise pyld.JsonLdError(
                str(cause), "jsonld.LoadDocumentError", code="loading document failed"
            ) from cause
        # 'static' lets pyld cache the processed context by URL (NOTES.md): safe because every
        # document's contexts are checked against this store's allow-list before pyld sees them.
        result = {"contextUrl": None, "documentUrl": url, "document": context.document}
        return result if self._versions else {**result, "tag": "static"}


@cache
def default_store() -> ContextStore:
    return ContextStore(schemas_dir() / "contexts", allowed_contexts())


def context_entries(value: Any) -> list[str | dict[str, Any]]:
    """The entries of a ``@context`` value: URLs and inline context objects, nothing else."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ContextError("'@context' is empty.")
    for item in items:
        if not isinstance(item, str | dict):
            raise ContextError("A '@context' entry must be a context URL or a context object.")
    return list(items)


def context_urls(value: Any) -> list[str]:
    """The URLs of a ``@context`` value (its inline objects left out; see `context_entries`)."""
    return [item for item in context_entries(value) if isinstance(item, str)]


def has_inline_context(document: Any) -> bool:
    """Does any ``@context`` of the document hold an inline object?"""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "@context" and any(isinstance(v, dict) for v in _as_list(value)):
                    return True
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return False


def check_contexts(document: Any, store: ContextStore | None = None, limits: Limits | None = None) -> None:
    """Every ``@context`` anywhere in the document: allow-listed URLs, and inline objects that keep
    the rules and bounds of `nansen.jsonld_inline`."""
    store = store or default_store()
    budget = InlineBudget(limits or configured_limits())
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "@context":
                    for entry in context_entries(value):
                        if isinstance(entry, str):
                            store.get(entry)
                        else:
                            check_inline(entry, store, budget)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def _raise_dropped(term: str | None) -> None:
    raise UndefinedTermError(f"The term {term!r} is not defined by any context of the document.")


def _check_expanded(expanded: Any) -> None:
    """Refuse relative IRIs in ``@id`` and ``@type``: pyld would drop them from the RDF silently."""
    stack = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            node_id = item.get("@id")
            if isinstance(node_id, str) and not (node_id.startswith("_:") or is_absolute_iri(node_id)):
                raise UndefinedTermError("An identifier is not an absolute IRI.")
            types = item.get("@type", [])
            if "@value" in item:
                if item.get("@type") == "@json":
                    continue
                types = [types] if isinstance(types, str) else []
            for type_ in types:
                if not (isinstance(type_, str) and (is_absolute_iri(type_) or type_.startswith("_:"))):
                    raise UndefinedTermError(f"The type {type_!r} is not defined by any context.")
            stack.extend(v for k, v in item.items() if k not in ("@id", "@type", "@value"))


def to_rdf(document: dict[str, Any], store: ContextStore | None = None) -> Dataset:
    """The RDF dataset of a JSON-LD document, strictly: every term defined, no network."""
    store = store or default_store()
    check_contexts(document, store)
    check_strings(document)
    # 'i18n-datatype' keeps a string's base direction in the RDF (JSON-LD 1.1 §8.5.1), as other
    # implementations do; without it pyld drops @direction and a signature would not cover it.
    options: dict[str, Any] = {
        "documentLoader": store.document_loader,
        "base": None,
        "rdfDirection": "i18n-datatype",
    }
    resolver = store.context_resolver()
    if resolver is not None:
        options["contextResolver"] = resolver
    processor = pyld.JsonLdProcessor(on_property_dropped=_raise_dropped)
    try:
        with PYLD_LOCK:
            expanded = processor.expand(document, options)
            _check_expanded(expanded)
            statements = count_statements(expanded)
            dataset: Dataset = processor.to_rdf(expanded, options)
    except pyld.JsonLdError as cause:
        raise _explain(cause) from cause
    check_nothing_merged(statements, dataset)
    return dataset


def check_nothing_merged(statements: int, dataset: Dataset) -> None:
    """Refuse a document whose RDF has fewer quads than it makes statements, or two equal quads.

    pyld merges the values of a node it judges equal (JSON-LD 1.1 API §7.2, Node Map Generation,
    step 4.2.3 and 6.5), and its test is coarser than RDF's: it ignores ``@direction``, and inside
    ``@json`` it takes ``true`` for ``1``. The dropped value is then covered by no signature and
    could be changed freely; a value stated twice could be removed. Either way the document would
    mean less than it says, so it is refused (on every path: ``nansen.rdf_templates`` answers only
    what this function accepted).
    """
    quads = 0
    distinct: set[tuple[Any, ...]] = set()
    for name, triples in dataset.items():
        quads += len(triples)
        for triple in triples:
            object_ = triple["object"]
            distinct.add(
                (
                    name,
                    triple["subject"]["value"],
                    triple["predicate"]["value"],
                    object_["type"],
                    object_["value"],
                    object_.get("datatype"),
                    object_.get("language"),
                )
            )
    if quads != statements or len(distinct) != quads:
        raise InvalidInput(_MERGED)


_MERGED = (
    "The document states a value twice, or two values that JSON-LD processing would merge "
    "(such as text that differs only in its direction, or a node described in two places)."
)


def count_statements(expanded: Any) -> int:
    """The quads that expanded JSON-LD states, before any merging (JSON-LD 1.1 API §8.2, Deserialize
    JSON-LD to RDF): one per type and per property value, a list one more plus two per item.

    A node (same ``@id`` in the same graph) described in two places is refused here: pyld would merge
    the two into one, whose values no longer say which place they came from.
    """
    described: set[tuple[object, str]] = set()
    total = 0
    # Node objects to visit, each with its graph: the default graph, a named graph's @id, or
    # for a graph without one, its graph object (never equal to another).
    stack: list[tuple[Any, object]] = [(item, "@default") for item in _as_list(expanded)]
    while stack:
        node, graph = stack.pop()
        if not isinstance(node, dict):
            continue
        node_id = node.get("@id")
        own = len(_as_list(node.get("@type", [])))
        for key, values in node.items():
            if key == "@graph":
                inner = node_id if isinstance(node_id, str) else object()
                stack.extend((item, inner) for item in _as_list(values))
            elif key == "@included":
                stack.extend((item, graph) for item in _as_list(values))
            elif key == "@reverse":
                for items in values.values():
                    for item in _as_list(items):
                        own += 1
                        stack.append((item, graph))
            elif not key.startswith("@"):
                for value in _as_list(values):
                    own += 1 + _value_statements(value, graph, stack)
        if isinstance(node_id, str) and own:
            if (graph, node_id) in described:
                raise InvalidInput(_MERGED)
            described.add((graph, node_id))
        total += own
    return total


def _value_statements(value: Any, graph: object, stack: list[tuple[Any, object]]) -> int:
    """The quads a property value adds beyond the one that states it: a list's links and items;
    a node object's own statements are counted when ``stack`` is visited."""
    if isinstance(value, dict) and "@list" in value:
        extra = 0
        for item in value["@list"]:
            extra += 2 + _value_statements(item, graph, stack)
        return extra
    if isinstance(value, dict) and "@value" not in value:
        stack.append((value, graph))
    return 0


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _explain(error: pyld.JsonLdError) -> Exception:
    """Turn pyld's nested errors into one sentence; keep our own errors as they are."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, (ContextError, UndefinedTermError)):
            return cause
        if isinstance(cause, pyld.JsonLdError) and cause.code == "protected term redefinition":
            return ContextError("The document redefines a protected term.")
        cause = cause.__cause__ or getattr(cause, "cause", None)
    code = getattr(error, "code", None) or getattr(error, "type", "")
    return InvalidInput(f"The document is not valid JSON-LD ({code}).")
