"""Inline ``@context`` objects, accepted within bounds.

VC Data Model 2.0 §4.3 ("Contexts") lets the entries after the first be URLs or objects, and the
W3C suites send objects (the vc-di-eddsa ``previousProof`` inputs, for one). An object is accepted
when all of this holds, else `ContextError` says which rule it breaks:

- **Bounded.** All inline objects of a document together are at most
  ``NANSEN_MAX_INLINE_CONTEXT_BYTES`` of compact JSON, each at most
  ``NANSEN_MAX_INLINE_CONTEXT_DEPTH`` deep (`nansen.config.Limits`).
- **No network, still.** ``@import`` is refused (JSON-LD 1.1 §4.1.10 would load its URL); a URL
  anywhere a context is expected, inside an object too (a scoped context), must be a bundled context
  on the allow-list (`nansen.jsonld.ContextStore`).
- **Safe mode kept.** ``@vocab`` and ``@base`` are refused: either would give every undefined term
  or relative IRI a meaning, where `nansen.jsonld` refuses them (JSON-LD 1.1 §4.1.2, §4.1.3).
- **Protected terms stay protected.** pyld refuses a redefinition of a protected term
  (JSON-LD 1.1 §4.1.11, ``protected term redefinition``) outside property-scoped contexts; those
  may override a protected term (same section), so the next rule closes that door too.
- **No relabelling.** A term that a bundled context defines keeps the meaning (IRI) it has there,
  at any depth (a scoped context included); no term may alias a keyword other than as the bundled
  contexts do (``id``, ``type``); and no new term may name an IRI that a bundled context already
  names with another term. So the JSON a person or a check reads by name (``type`` for the trust
  list, ``credentialStatus``, ``validFrom``…) means what the bundled contexts say, and facts read by
  expanded IRI (`nansen.facts`) cannot be given another name: a context that maps ``givenName`` to
  another IRI is refused, and one that maps a new term to a known IRI is refused too.
- **Plain term definitions.** A term definition may use ``@id``, ``@type``, ``@container`` (``@set``,
  ``@list``, ``@language``), ``@context``, ``@language``, ``@direction``, ``@protected`` and
  ``@prefix``; ``@reverse``, ``@nest`` and index, id, type or graph maps are refused (they put
  statements where the JSON does not show them).
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nansen.config import Limits
from nansen.errors import ContextError

if TYPE_CHECKING:
    from nansen.jsonld import ContextStore

_CONTEXT_KEYWORDS = frozenset({"@version", "@protected", "@propagate", "@language", "@direction"})
_REFUSED_CONTEXT_KEYWORDS = {
    "@import": "'@import' is not accepted in an inline context (it would load another document).",
    "@vocab": "'@vocab' is not accepted in an inline context (it would define every undefined term).",
    "@base": "'@base' is not accepted in an inline context (it would give relative IRIs a meaning).",
}
_TERM_KEYS = frozenset(
    {"@id", "@type", "@container", "@context", "@language", "@direction", "@protected", "@prefix"}
)
_CONTAINERS = frozenset({"@set", "@list", "@language"})
#: The keywords a term may alias; the bundled contexts alias only these (``id``, ``type``).
_ALIASED_KEYWORDS = frozenset({"@id", "@type"})


@dataclass
class Vocabulary:
    """The terms the bundled contexts define (type- and property-scoped ones too), with their IRIs."""

    iris_of: dict[str, set[str]] = field(default_factory=dict)
    terms_of: dict[str, set[str]] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)

    def add(self, term: str, iri: str) -> None:
        self.iris_of.setdefault(term, set()).add(iri)
        self.terms_of.setdefault(iri, set()).add(term)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _contexts_within(context: Any) -> Iterable[dict[str, Any]]:
    """Every context object in a context value, scoped ones included, unwrapping ``{"@context": …}``."""
    stack = list(_as_list(context))
    while stack:
        item = stack.pop()
        if not isinstance(item, dict):
            continue
        if "@context" in item:
            stack.extend(_as_list(item["@context"]))
            continue
        yield item
        for definition in item.values():
            if isinstance(definition, dict) and "@context" in definition:
                stack.extend(_as_list(definition["@context"]))


def _raw_iri(term: str, definition: Any) -> str | None:
    if isinstance(definition, str):
        return definition
    if isinstance(definition, dict):
        target = definition.get("@id", term if ":" in term else None)
        return target if isinstance(target, str) else None
    return None


def _is_prefix(iri: str) -> bool:
    """Can a term of this IRI serve as a prefix (JSON-LD 1.1 §4.4: it ends with a gen-delim)?"""
    return ":" in iri and not iri.startswith("@") and iri.endswith((":", "/", "?", "#", "[", "]", "@"))


def _expand(value: str, prefixes: dict[str, str]) -> str:
    """A compact IRI (``prefix:suffix``) with its prefix expanded; anything else as it is."""
    if value.startswith("@") or ":" not in value:
        return value
    prefix, suffix = value.split(":", 1)
    if suffix.startswith("//") or prefix not in prefixes:
        return value
    return prefixes[prefix] + suffix


_vocabularies: weakref.WeakKeyDictionary[ContextStore, tuple[frozenset[str], Vocabulary]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def bundled_vocabulary(store: ContextStore) -> Vocabulary:
    """The vocabulary of the store's allowed contexts (cached per store and allow-list)."""
    with _lock:
        cached = _vocabularies.get(store)
        if cached is not None and cached[0] is store.allowed:
            return cached[1]
    vocabulary = Vocabulary()
    objects = [o for url in sorted(store.allowed) for o in _contexts_within(store.get(url).document)]
    for context in objects:
        for term, definition in context.items():
            iri = _raw_iri(term, definition)
            if not term.startswith("@") and iri is not None and _is_prefix(iri):
                vocabulary.prefixes.setdefault(term, iri)
    for context in objects:
        for term, definition in context.items():
            iri = _raw_iri(term, definition)
            if not term.startswith("@") and iri is not None:
                vocabulary.add(term, _expand(iri, vocabulary.prefixes))
    with _lock:
        _vocabularies[store] = (store.allowed, vocabulary)
    return vocabulary


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


class InlineBudget:
    """What the inline contexts of one document may still use (`Limits`)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.remaining = limits.max_inline_context_bytes

    def spend(self, context: dict[str, Any]) -> None:
        if self.limits.max_inline_context_bytes == 0:
            raise ContextError("Inline contexts are not accepted here; only bundled context URLs are.")
        if _depth(context) > self.limits.max_inline_context_depth:
            raise ContextError(
                f"An inline context is nested more than {self.limits.max_inline_context_depth} deep."
            )
        size = len(json.dumps(context, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        self.remaining -= size
        if self.remaining < 0:
            raise ContextError(
                f"The document's inline contexts exceed {self.limits.max_inline_context_bytes} bytes."
            )


def check_inline(context: dict[str, Any], store: ContextStore, budget: InlineBudget) -> None:
    """Raise `ContextError` unless an inline context object keeps every rule of the module."""
    budget.spend(context)
    vocabulary = bundled_vocabulary(store)
    _check_object(context, store, vocabulary, dict(vocabulary.prefixes))


def _check_value(value: Any, store: ContextStore, vocabulary: Vocabulary, prefixes: dict[str, str]) -> None:
    """A context value inside an inline one: bundled URLs and context objects, nothing else."""
    for item in _as_list(value):
        if isinstance(item, str):
            store.get(item)
        elif isinstance(item, dict):
            _check_object(item, store, vocabulary, prefixes)
        else:
            raise ContextError("A context must be a bundled context URL or a context object.")


def _check_object(
    context: dict[str, Any], store: ContextStore, vocabulary: Vocabulary, prefixes: dict[str, str]
) -> None:
    if "@context" in context:
        if set(context) != {"@context"}:
            raise ContextError("A context object with '@context' may hold nothing else.")
        _check_value(context["@context"], store, vocabulary, prefixes)
        return
    local = dict(prefixes)
    for term, definition in context.items():
        iri = _raw_iri(term, definition)
        if not term.startswith("@") and iri is not None and _is_prefix(iri):
            local[term] = _expand(iri, prefixes)
    for term, definition in context.items():
        if term.startswith("@"):
            if term in _REFUSED_CONTEXT_KEYWORDS:
                raise ContextError(_REFUSED_CONTEXT_KEYWORDS[term])
            if term not in _CONTEXT_KEYWORDS:
                raise ContextError(f"The keyword {term!r} is not accepted in an inline context.")
            continue
        _check_term(term, definition, vocabulary, local)
        if isinstance(definition, dict) and "@context" in definition:
            _check_value(definition["@context"], store, vocabulary, local)


def _check_term(term: str, definition: Any, vocabulary: Vocabulary, prefixes: dict[str, str]) -> None:
    if definition is None:
        if term in vocabulary.iris_of:
            raise ContextError(f"An inline context undefines the term {term!r} of a bundled context.")
        return
    if isinstance(definition, dict):
        unknown = set(definition) - _TERM_KEYS
        if unknown:
            raise ContextError(
                f"The term definition of {term!r} uses {sorted(unknown)[0]!r}, not accepted inline."
            )
        containers = _as_list(definition.get("@container", []))
        if not all(c in _CONTAINERS for c in containers):
            raise ContextError(f"The term {term!r} uses a container this service does not accept.")
    elif not isinstance(definition, str):
        raise ContextError(f"The term definition of {term!r} is neither a string nor an object.")
    raw = _raw_iri(term, definition)
    if raw is None:
        raise ContextError(f"The term {term!r} is defined without an IRI.")
    if ":" not in raw and not raw.startswith("@"):
        raise ContextError(f"An inline context must give the term {term!r} an absolute or compact IRI.")
    iri = _expand(raw, prefixes)
    bundled = vocabulary.iris_of.get(term)
    if bundled is not None and iri not in bundled:
        raise ContextError(f"An inline context gives the term {term!r} of a bundled context another meaning.")
    if iri.startswith("@") and (iri not in _ALIASED_KEYWORDS or bundled is None):
        raise ContextError(f"An inline context makes {term!r} an alias of the keyword {iri}.")
    names = vocabulary.terms_of.get(iri)
    if names is not None and term not in names and not iri.endswith(("/", "#")):
        raise ContextError(f"An inline context gives another name ({term!r}) to a term of a bundled context.")
