"""Canonical N-Quads without re-running JSON-LD: recipes cached by document shape.

pyld spends 80-90% of eddsa-rdfc-2022's time expanding JSON-LD and converting it to RDF
(NOTES.md), yet the credentials a service signs and verifies come in a few shapes that differ
only in their values. This module remembers, per shape, where each value lands in the RDF
dataset, and afterwards builds the dataset by substitution. The result is byte for byte what
``rdfc.canonicalize(jsonld.to_rdf(document))`` returns; whenever that cannot be guaranteed it
*is* that call.

A document with an inline ``@context`` object is never cached (its terms are not the store's):
it always takes the plain path.

Shape. A walk of the JSON gives a key: every object key in order, array lengths, numbers,
booleans and nulls, and verbatim every string under a key that starts with ``@`` or aliases a
keyword other than ``@id`` (``type``, ``@context``, ``@language``...): everything that selects a
context, a term definition or a keyword. Every other string is a *slot*, of class A when it is
an absolute IRI that pyld passes through verbatim wherever it lands (``_IRI`` below, and its
scheme is no term of any context of the store) and class B otherwise. The classes are part of
the key. With the contexts fixed (allow-listed, hash-pinned, one cache per context store),
the key decides every term definition, and so whether each slot is read as an IRI or a literal.

Why substitution is exact. pyld copies a literal's string unread into the RDF unless its
datatype is xsd:double (it then reformats the number), and it copies a class-A string unread
into an IRI position (``_expand_iri``: no term, no prefix term, absolute: returned as is; then
kept by ``to_rdf``'s absolute-IRI test). So, on a miss, the document is converted with each
slot replaced by a placeholder of its class (``<marker>:a<i>`` or ``<marker>b<i>``, where the
marker is random per process), and every place a placeholder lands *whole*, as an IRI (class A
only) or as the lexical value of a non-double literal, becomes a hole. A slot whose
placeholder lands anywhere else (inside a longer string: ``@vocab`` expansion, a JSON literal;
as a class-B IRI; in a predicate, a datatype or a language; nowhere at all) is *sensitive*: its
real value joins the cache key and the template is rebuilt with that value in place. A
template that pyld refuses (a class-B placeholder as a node identifier, for instance) is
rebuilt with real values for the class-B slots whose placeholder expanded into an ``@id`` or
``@type``; failing that, for those that contain ``:``; failing that, for all class-B slots.
These assumptions are about pyld 3.3.0's code (``_expand_iri``, ``_create_node_map``,
``_graph_to_rdf``, ``_object_to_rdf``), which is why ``pyproject.toml`` pins ``pyld==3.3.0``:
re-read them and re-run tests/test_canonical_fastpath.py and tests/attacks before moving it.

Equal values. Two slots with the same value can make two nodes one (same ``id``) or two values
one: pyld merges node objects and drops a value it judges equal to one already there, by a test
coarser than RDF's (``compare_values`` ignores ``@direction`` and compares ``@json`` values with
Python's ``==``, for which ``true`` is ``1``). The plain path refuses every such document
(``jsonld.check_nothing_merged``: fewer quads than statements, two equal quads, or one node
described twice), so a recipe is only ever built from a document with nothing merged. A later
document of its shape differs only in non-sensitive slots, so pyld could merge something in it
only where substitution makes two things equal that the template kept apart: two nodes with
statements (identifiers from slots), or two literals of one node's property with the same text
(the only part pyld compares that a slot fills). ``_Recipe.canonical`` declines then, as it does
when two lines come out equal, and the plain path answers (and refuses). Documents with
``@index`` (which pyld compares when merging) are never cached.

Canonicalisation. When every blank node has its own first-degree hash (RDFC-1.0 §4.6), pyld's
URDNA2015 issues ``_:c14n0``, ``_:c14n1``... in the order of those hashes and never runs Hash
N-Degree Quads; the recipe does the same, rendering each line from a precomputed N-Quads
template exactly as pyld serialises it. Otherwise the dataset is built and handed to the
bounded ``rdfc.canonicalize``, so the poison-graph bound still applies.

Every recipe is checked once, when built, against pyld's own answer for the document that
caused it; a recipe that does not reproduce it is never used. The first document of a shape is
always answered by pyld, so its errors are raised exactly as before; a later document can only
hit a recipe if its structure, classes and sensitive values match one that pyld accepted.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pyld import jsonld as pyld
from pyld.nquads import escape as _nquads_escape

from nansen import jsonld, rdfc
from nansen.config import Limits
from nansen.errors import ContextError, InvalidInput, NansenError
from nansen.jsonld import ContextStore, Dataset
from nansen.jsonutil import check_strings

#: Shapes remembered per context store, and recipes per shape (one per set of sensitive values).
MAX_SHAPES = 256
MAX_RECIPES_PER_SHAPE = 16
#: After this many recipe builds for one shape, its new variants go to pyld without a build.
MAX_BUILDS_PER_SHAPE = 32
#: Strings whose class (A or B) is remembered per store.
_MEMO_SIZE = 4096

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Class A: an absolute IRI with nothing N-Quads or pyld would treat specially (no whitespace,
#: no ``<>"{}|^`\``). pyld's own test (``^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$``) accepts it.
_IRI = re.compile(r"([A-Za-z][A-Za-z0-9+\-.]*):[^\s<>\"{}|^`\\]*")
_IRI_FULLMATCH = _IRI.fullmatch
#: The control characters that ``nansen.jsonutil.check_strings`` refuses.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_MARKER = "nslot" + secrets.token_hex(8)
_MARKED = re.compile(_MARKER + r"(?::a|b)(\d+)")
_MARKED_B = re.compile(_MARKER + r"b(\d+)")

_CLASS_A = "A"
_CLASS_B = "B"
_SEPARATOR = "\x00"
#: The characters ``pyld.nquads.escape`` replaces.
_NEEDS_ESCAPE = re.compile(r'[\\\t\n\r"]').search


def _placeholder(index: int, klass: str) -> str:
    return f"{_MARKER}:a{index}" if klass == _CLASS_A else f"{_MARKER}b{index}"


class _Unsupported(Exception):
    """The document holds something the walk does not model (a non-JSON type): use pyld."""


# --------------------------------------------------------------------------------------------
# Per-store facts: terms, keyword aliases.


@dataclass
class Stats:
    """Counters, for tests and diagnostics (never for timing)."""

    hits: int = 0
    misses: int = 0
    builds: int = 0
    uncacheable: int = 0
    fallbacks: int = 0


@dataclass
class _Shape:
    sensitive: tuple[int, ...] | None  # None: this shape is never cached
    recipes: OrderedDict[tuple[str, ...], _Recipe | None] = field(default_factory=OrderedDict)
    builds: int = 0


class ShapeCache:
    """The recipes of one context store. Thread-safe; bounded (LRU)."""

    def __init__(self, store: ContextStore) -> None:
        self.allowed = store.allowed
        self.enabled = True
        self.terms: frozenset[str] = frozenset()
        self.verbatim_keys: frozenset[str] = frozenset({"type"})
        self._shapes: OrderedDict[tuple[Any, ...], _Shape] = OrderedDict()
        self.memo: dict[str, str] = {}
        self._lock = threading.Lock()
        self.stats = Stats()
        try:
            documents = [store.get(url).document for url in sorted(store.allowed)]
        except ContextError:
            self.enabled = False  # a broken bundle: let pyld report it, document by document
            return
        terms: set[str] = set()
        aliases: set[str] = {"type"}
        for document in documents:
            if "@index" in repr(document):
                self.enabled = False  # pyld compares @index when merging nodes: not modelled
            _collect_terms(document.get("@context"), terms, aliases)
        self.terms = frozenset(terms)
        self.verbatim_keys = frozenset(aliases)
        if _MARKER.split(":")[0] in terms:  # pragma: no cover - the marker is random
            self.enabled = False

    def clear(self) -> None:
        with self._lock:
            self._shapes.clear()

    def __len__(self) -> int:
        return len(self._shapes)

    def get(self, key: tuple[Any, ...]) -> _Shape | None:
        with self._lock:
            shape = self._shapes.get(key)
            if shape is not None:
                self._shapes.move_to_end(key)
            return shape

    def put(self, key: tuple[Any, ...], shape: _Shape) -> _Shape:
        with self._lock:
            existing = self._shapes.get(key)
            if existing is not None:
                return existing
            self._shapes[key] = shape
            while len(self._shapes) > MAX_SHAPES:
                self._shapes.popitem(last=False)
            return shape

    def get_recipe(self, shape: _Shape, values: tuple[str, ...]) -> tuple[bool, _Recipe | None]:
        with self._lock:
            if values in shape.recipes:
                shape.recipes.move_to_end(values)
                return True, shape.recipes[values]
            return False, None

    def put_recipe(self, shape: _Shape, values: tuple[str, ...], recipe: _Recipe | None) -> None:
        with self._lock:
            shape.recipes[values] = recipe
            while len(shape.recipes) > MAX_RECIPES_PER_SHAPE:
                shape.recipes.popitem(last=False)


def _collect_terms(context: Any, terms: set[str], aliases: set[str]) -> None:
    """Every term any (scoped) context defines, and the terms that alias a keyword but ``@id``."""
    stack = [context]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for term, definition in item.items():
                if term.startswith("@"):
                    continue
                terms.add(term)
                target = definition.get("@id") if isinstance(definition, dict) else definition
                if isinstance(target, str) and target.startswith("@") and target != "@id":
                    aliases.add(term)
                if isinstance(definition, dict) and "@context" in definition:
                    stack.append(definition["@context"])


_caches: weakref.WeakKeyDictionary[ContextStore, ShapeCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def cache_for(store: ContextStore) -> ShapeCache:
    """The cache of this store and its current allow-list (a new one if the list changed)."""
    with _caches_lock:
        cache = _caches.get(store)
        if cache is None or cache.allowed is not store.allowed:
            cache = _caches[store] = ShapeCache(store)
        return cache


def clear_caches() -> None:
    with _caches_lock:
        _caches.clear()


# --------------------------------------------------------------------------------------------
# The walk: structure key and slots.


class _Walk:
    """The structure key (``sig``) and slots of a document.

    Token kinds in ``sig``: int >= 0 an object of that many keys (each key, then its value),
    int < 0 an array of ``-1 - n`` items, ``"A"``/``"B"`` a slot of that class, and strings
    tagged by their first letter (``s`` a verbatim string, ``n`` a number) or ``T``/``F``/``N``.
    Unambiguous by position: a key is always read where a key is due.
    """

    __slots__ = ("classes", "contexts", "has_index", "memo", "sig", "slots", "terms", "verbatim_keys")

    def __init__(self, terms: frozenset[str], verbatim_keys: frozenset[str], memo: dict[str, str]) -> None:
        self.sig: list[Any] = []
        self.slots: list[str] = []
        self.classes: list[str] = []
        self.contexts: list[Any] = []
        self.has_index = False
        self.terms = terms
        self.verbatim_keys = verbatim_keys
        self.memo = memo

    def klass(self, value: str) -> str:
        if ":" not in value:
            return _CLASS_B
        klass = self.memo.get(value)
        if klass is None:
            match = _IRI_FULLMATCH(value)
            if match is None or match.group(1) in self.terms or value in self.terms:
                klass = _CLASS_B
            else:
                klass = _CLASS_A
            if len(self.memo) >= _MEMO_SIZE:
                self.memo.clear()  # a crude bound; the memo only saves a regular expression
            self.memo[value] = klass
        return klass

    def walk(self, node: Any, verbatim: bool) -> None:
        kind = type(node)
        if kind is dict:
            self._dict(node)
        elif kind is list:
            self._list(node, verbatim)
        elif kind is str:
            self._string(node, verbatim)
        else:
            self._scalar(node)

    def _string(self, node: str, verbatim: bool) -> None:
        if verbatim:
            self.sig.append("s" + node)
        else:
            klass = self.klass(node)
            self.slots.append(node)
            self.classes.append(klass)
            self.sig.append(klass)

    def _scalar(self, node: Any) -> None:
        kind = type(node)
        if node is None:
            self.sig.append("N")
        elif node is True:
            self.sig.append("T")
        elif node is False:
            self.sig.append("F")
        elif kind is int or kind is float:
            self.sig.append("n" + repr(node))
        else:
            raise _Unsupported

    def _list(self, node: list[Any], verbatim: bool) -> None:
        self.sig.append(-1 - len(node))
        for item in node:
            kind = type(item)
            if kind is str:
                self._string(item, verbatim)
            elif kind is dict:
                self._dict(item)
            elif kind is list:
                self._list(item, verbatim)
            else:
                self._scalar(item)

    def _dict(self, node: dict[Any, Any]) -> None:
        sig = self.sig
        append = sig.append
        verbatim_keys = self.verbatim_keys
        sig.append(len(node))
        for key, value in node.items():
            if type(key) is not str:
                raise _Unsupported
            append(key)
            verbatim = key in verbatim_keys
            if not verbatim and key[:1] == "@":
                verbatim = True
                if key == "@context":
                    self.contexts.append(value)
                elif key == "@index":
                    self.has_index = True
            kind = type(value)
            if kind is str:
                if verbatim:
                    append("s" + value)
                else:
                    klass = self.klass(value)
                    self.slots.append(value)
                    self.classes.append(klass)
                    append(klass)
            elif kind is dict:
                self._dict(value)
            elif kind is list:
                self._list(value, verbatim)
            else:
                self._scalar(value)


def _substitute(node: Any, verbatim: bool, values: Iterator[str], verbatim_keys: frozenset[str]) -> Any:
    """A copy of the document with its slots, in walk order, replaced by ``values``."""
    kind = type(node)
    if kind is str:
        return node if verbatim else next(values)
    if kind is dict:
        return {
            key: _substitute(
                value,
                verbatim=key[:1] == "@" or key in verbatim_keys,
                values=values,
                verbatim_keys=verbatim_keys,
            )
            for key, value in node.items()
        }
    if kind is list:
        return [_substitute(item, verbatim, values, verbatim_keys) for item in node]
    return node


# --------------------------------------------------------------------------------------------
# Recipes.

# A component of a recipe quad: ("c", rendered) a constant already in N-Quads form with its raw
# dict; ("b", n) blank node n; ("i", slot) an IRI slot; ("l", slot, datatype, language) a literal
# slot.
_Component = tuple[Any, ...]


def _render_literal_suffix(datatype: str, language: str | None) -> str:
    """What pyld's ``serialize_nquad`` writes after a literal's quoted value."""
    if datatype == RDF_LANGSTRING:
        return "@" + language if language else ""
    if datatype != XSD_STRING:
        return "^^<" + datatype + ">"
    return ""


def _escape(value: str) -> str:
    """pyld's N-Quads escaping of a literal's value (``pyld.nquads.escape``)."""
    if _NEEDS_ESCAPE(value) is None:
        return value
    escaped: str = _nquads_escape(value)
    return escaped


def _render_constant(component: dict[str, Any]) -> str:
    value: str = component["value"]
    if component["type"] == "IRI":
        return "<" + value + ">"
    return (
        '"' + _escape(value) + '"' + _render_literal_suffix(component["datatype"], component.get("language"))
    )


def _brace(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


class _Recipe:
    """A shape's dataset with holes, compiled to one ``str.format`` template per N-Quads line."""

    def __init__(self, quads: list[tuple[_Component, _Component, _Component, _Component | None]]) -> None:
        self.quads = quads
        fields: dict[tuple[str, int], int] = {}  # (form, slot) -> position in the value list
        blank: dict[str, int] = {}
        for quad in quads:
            for component in quad:
                if component is None:
                    continue
                if component[0] == "b":
                    blank.setdefault(component[1], len(blank))
                elif component[0] == "i":
                    fields.setdefault(("i", component[1]), len(fields))
                elif component[0] == "l":
                    fields.setdefault(("l", component[1]), len(fields))
        self.fields = list(fields)
        self.blank_labels = list(blank)
        n_fields = len(fields)
        self.n_blank = len(blank)
        self.templates: list[str] = []
        self.quads_of_blank: list[list[int]] = [[] for _ in blank]
        for number, (subject, predicate, object_, graph) in enumerate(quads):
            parts = []
            for position, component in enumerate((subject, predicate, object_, graph)):
                if component is None:
                    continue
                if position:
                    parts.append(" ")
                tag = component[0]
                if tag == "c":
                    parts.append(_brace(component[1]))
                elif tag == "b":
                    index = blank[component[1]]
                    parts.append("{" + str(n_fields + index) + "}")
                    self.quads_of_blank[index].append(number)  # once per occurrence, as pyld
                elif tag == "i":
                    parts.append("{" + str(fields["i", component[1]]) + "}")
                else:
                    suffix = _render_literal_suffix(component[2], component[3])
                    parts.append("{" + str(fields["l", component[1]]) + "}" + _brace(suffix))
            parts.append(" .\n")
            self.templates.append("".join(parts))
        self.z_labels = ["_:z"] * self.n_blank
        # One format call per dataset (and per blank node's quads), lines split on a character
        # no value can hold: check_strings refuses NUL in every string of the document.
        self.joined = _SEPARATOR.join(self.templates)
        self.joined_of_blank = [
            _SEPARATOR.join(self.templates[q] for q in quads) for quads in self.quads_of_blank
        ]
        self.usable = not any(_SEPARATOR in template for template in self.templates)
        self._prepare_merge_checks()

    def _prepare_merge_checks(self) -> None:
        """What ``_would_merge`` compares: the nodes that have statements (graph and subject),
        when one of them is a slot, and the literals stated by one node for one property, when
        two or more are and one is a slot."""
        nodes: dict[tuple[Any, ...], None] = {}
        literals: dict[tuple[Any, ...], list[_Component]] = {}
        for subject, predicate, object_, graph in self.quads:
            node = (_identity(graph), _identity(subject))
            nodes[node] = None
            if object_[0] in ("l", "c") and (object_[0] == "l" or object_[2]["type"] == "literal"):
                literals.setdefault((*node, predicate[1]), []).append(object_)
        slot_nodes = [node for node in nodes if any(part[0] == "i" for part in node if part)]
        self.merge_nodes = list(nodes) if slot_nodes else []
        self.merge_literals = [
            group for group in literals.values() if len(group) > 1 and any(c[0] == "l" for c in group)
        ]

    def _would_merge(self, slots: list[str]) -> bool:
        """Whether pyld could merge two nodes, or two values of one node's property, for these
        slots where it merged nothing for the document that built the recipe: two nodes whose
        identifiers became equal, or two literals with the same text (pyld ignores
        ``@direction``). Then pyld answers, and refuses (``jsonld.check_nothing_merged``)."""
        if self.merge_nodes:
            resolved = {tuple(_resolve(part, slots) for part in node) for node in self.merge_nodes}
            if len(resolved) != len(self.merge_nodes):
                return True
        for group in self.merge_literals:
            texts = {slots[c[1]] if c[0] == "l" else c[2]["value"] for c in group}
            if len(texts) != len(group):
                return True
        return False

    def _values(self, slots: list[str]) -> list[str]:
        return [
            "<" + slots[slot] + ">" if form == "i" else '"' + _escape(slots[slot]) + '"'
            for form, slot in self.fields
        ]

    def canonical(self, slots: list[str], limits: Limits) -> str | None:
        """The canonical N-Quads, or None when pyld must answer (two quads became equal, or
        pyld could merge two values)."""
        if self._would_merge(slots):
            return None
        values = self._values(slots)
        if self.n_blank:
            hashes = []
            n_fields = len(values)
            for index, joined in enumerate(self.joined_of_blank):
                labels = values + self.z_labels
                labels[n_fields + index] = "_:a"
                lines = joined.format(*labels).split(_SEPARATOR)
                lines.sort()
                hashes.append(hashlib.sha256("".join(lines).encode("utf-8")).hexdigest())
            if len(set(hashes)) != self.n_blank:
                dataset = self.dataset(slots)
                if dataset is None:
                    return None
                return rdfc.canonicalize(dataset, limits)
            canonical = [""] * self.n_blank
            for rank, index in enumerate(sorted(range(self.n_blank), key=hashes.__getitem__)):
                canonical[index] = "_:c14n" + str(rank)
            values += canonical
        lines = self.joined.format(*values).split(_SEPARATOR)
        if len(lines) != len(self.templates) or len(set(lines)) != len(lines):
            return None
        lines.sort()
        return "".join(lines)

    def dataset(self, slots: list[str]) -> Dataset | None:
        """The RDF dataset, as pyld's ``to_rdf`` returns it (blank node labels aside), or None
        when two of its quads are equal."""
        dataset: Dataset = {}
        seen: set[tuple[Any, ...]] = set()
        for subject, predicate, object_, graph in self.quads:
            triple = {
                "subject": _component_dict(subject, slots),
                "predicate": _component_dict(predicate, slots),
                "object": _component_dict(object_, slots),
            }
            name = "@default" if graph is None else _component_dict(graph, slots)["value"]
            identity = (
                name,
                *(tuple(sorted(triple[k].items())) for k in ("subject", "predicate", "object")),
            )
            if identity in seen:
                return None
            seen.add(identity)
            dataset.setdefault(name, []).append(triple)
        return dataset


def _identity(component: _Component | None) -> tuple[Any, ...] | None:
    """A node component without its raw dict: what tells two nodes apart."""
    return None if component is None else component[:2]


def _resolve(part: tuple[Any, ...] | None, slots: list[str]) -> Any:
    if part is None or part[0] != "i":
        return part
    return ("c", "<" + slots[part[1]] + ">")


def _component_dict(component: _Component, slots: list[str]) -> dict[str, Any]:
    tag = component[0]
    if tag == "c":
        return dict(component[2])
    if tag == "b":
        return {"type": "blank node", "value": component[1]}
    if tag == "i":
        return {"type": "IRI", "value": slots[component[1]]}
    literal = {"type": "literal", "value": slots[component[1]], "datatype": component[2]}
    if component[3] is not None:
        literal["language"] = component[3]
    return literal


def _analyse(
    dataset: Dataset, n_slots: int, fixed: set[int]
) -> tuple[list[tuple[_Component, _Component, _Component, _Component | None]], set[int]] | None:
    """Read a template's dataset: its recipe quads, and the slots found sensitive."""
    sensitive: set[int] = set()
    seen: set[int] = set()

    def marked(text: str) -> bool:
        found = [int(m) for m in _MARKED.findall(text)]
        sensitive.update(found)
        return bool(found) or _MARKER in text

    def node(component: dict[str, Any]) -> _Component | None:
        value = component["value"]
        if component["type"] == "blank node":
            return None if marked(value) else ("b", value)
        if component["type"] != "IRI":
            return None
        if _MARKER in value:
            match = _MARKED.fullmatch(value)
            if match and value.startswith(_MARKER + ":a"):
                seen.add(int(match.group(1)))
                return ("i", int(match.group(1)))
            marked(value)
            return None
        return ("c", "<" + value + ">", component)

    quads: list[tuple[_Component, _Component, _Component, _Component | None]] = []
    unusable = False
    for graph_name, triples in dataset.items():
        graph: _Component | None = None
        if graph_name != "@default":
            kind = "blank node" if graph_name.startswith("_:") else "IRI"
            graph = node({"type": kind, "value": graph_name})
        for triple in triples:
            subject = node(triple["subject"])
            predicate_dict = triple["predicate"]
            predicate: _Component | None = None
            if predicate_dict["type"] == "IRI" and not marked(predicate_dict["value"]):
                predicate = ("c", "<" + predicate_dict["value"] + ">", predicate_dict)
            object_dict = triple["object"]
            object_: _Component | None
            if object_dict["type"] == "literal":
                value = object_dict["value"]
                datatype = object_dict["datatype"]
                language = object_dict.get("language")
                match = _MARKED.fullmatch(value) if _MARKER in value else None
                if marked(datatype) or (language is not None and marked(language)):
                    object_ = None
                elif match is not None and datatype != XSD_DOUBLE:
                    seen.add(int(match.group(1)))
                    object_ = ("l", int(match.group(1)), datatype, language)
                elif _MARKER in value:
                    marked(value)
                    object_ = None
                else:
                    object_ = ("c", _render_constant(object_dict), object_dict)
            else:
                object_ = node(object_dict)
            if subject is None or predicate is None or object_ is None:
                unusable = True
                continue
            if graph_name != "@default" and graph is None:
                unusable = True
                continue
            quads.append((subject, predicate, object_, graph))
    sensitive |= {i for i in range(n_slots) if i not in seen and i not in fixed}
    sensitive -= fixed
    if unusable and not sensitive:
        return None  # something unmodelled that no slot explains
    return quads, sensitive


class _Unverified(Exception):
    """The recipe could not be checked against this document (two of its quads are equal)."""

    def __init__(self, fixed: set[int]) -> None:
        super().__init__()
        self.fixed = fixed


def _build(
    document: dict[str, Any],
    slots: list[str],
    classes: list[str],
    sensitive: set[int],
    cache: ShapeCache,
    store: ContextStore,
    expected: str,
    limits: Limits,
) -> tuple[_Recipe, set[int]] | None:
    """A recipe for this document's shape with ``sensitive`` (grown as needed) real, or None
    when the shape cannot be cached; raises _Unverified when this document cannot check it."""
    fixed = set(sensitive)
    class_b = {i for i in range(len(slots)) if classes[i] == _CLASS_B}
    retried_colon = retried_all = False
    for _attempt in range(8):
        replacements = [slots[i] if i in fixed else _placeholder(i, classes[i]) for i in range(len(slots))]
        try:
            template = _substitute(document, False, iter(replacements), cache.verbatim_keys)
        except RecursionError:
            return None
        try:
            dataset = jsonld.to_rdf(template, store)
        except NansenError:
            # A class-B placeholder where pyld wants an IRI (a node id, most likely).
            culprits = _placeholders_in_identifiers(template, store) - fixed
            if culprits:
                fixed |= culprits
                continue
            if not retried_colon:
                retried_colon = True
                fixed |= {i for i in class_b if ":" in slots[i]}
                continue
            if not retried_all and not class_b <= fixed:
                retried_all = True
                fixed |= class_b
                continue
            return None
        except RecursionError:
            return None
        analysed = _analyse(dataset, len(slots), fixed)
        if analysed is None:
            return None
        quads, found = analysed
        if found:
            fixed |= found
            continue
        recipe = _Recipe(quads)
        if not recipe.usable:
            return None
        try:
            answer = recipe.canonical(slots, limits)
        except NansenError:
            answer = None
        if answer is None:
            raise _Unverified(fixed)
        return (recipe, fixed) if answer == expected else None
    return None


def _placeholders_in_identifiers(template: dict[str, Any], store: ContextStore) -> set[int]:
    """The class-B slots whose placeholder expands into an ``@id`` or ``@type`` (where pyld
    refuses relative IRIs), found by expanding the template as ``jsonld.to_rdf`` does."""
    processor = pyld.JsonLdProcessor()
    try:
        with jsonld.PYLD_LOCK:
            expanded = processor.expand(template, {"documentLoader": store.document_loader, "base": None})
    except (pyld.JsonLdError, NansenError, RecursionError):
        return set()
    found: set[int] = set()
    stack = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key in ("@id", "@type"):
                    for text in value if isinstance(value, list) else [value]:
                        if isinstance(text, str):
                            found.update(int(m) for m in _MARKED_B.findall(text))
                else:
                    stack.append(value)
    return found


# --------------------------------------------------------------------------------------------
# The entry point.


def _plain(document: dict[str, Any], store: ContextStore, limits: Limits) -> str:
    return rdfc.canonicalize(jsonld.to_rdf(document, store), limits)


def _refuse_control(strings: list[str]) -> None:
    if _CONTROL.search("\n".join(strings)):
        raise InvalidInput("A string contains a control character, which is not accepted.")


def canonical_nquads(document: dict[str, Any], limits: Limits, store: ContextStore) -> str:
    """``rdfc.canonicalize(jsonld.to_rdf(document, store), limits)``, from a recipe when one fits.

    Control characters (in keys or strings) are refused with InvalidInput, on every path: pyld
    writes them raw where RDFC-1.0 escapes them (NOTES.md).
    """
    cache = cache_for(store)
    walk = _Walk(cache.terms, cache.verbatim_keys, cache.memo)
    try:
        walk.walk(document, False)
    except (_Unsupported, RecursionError):
        jsonld.check_contexts(document, store)
        check_strings(document)
        return _plain(document, store, limits)
    if walk.contexts:
        try:
            for value in walk.contexts:
                for entry in jsonld.context_entries(value):
                    if not isinstance(entry, str):
                        # An inline context defines terms of its own, which the shapes (keyed by the
                        # bundled contexts' terms) do not model: always the plain path.
                        jsonld.check_contexts(document, store, limits)
                        check_strings(document)
                        return _plain(document, store, limits)
                    store.get(entry)
        except ContextError:
            jsonld.check_contexts(document, store, limits)  # raises the error it always raised
            raise
    slots = walk.slots
    _refuse_control(slots)
    key = tuple(walk.sig)
    shape = cache.get(key) if cache.enabled else None
    if shape is None:
        # Keys and verbatim strings of a shape in the cache were checked when it was first seen.
        _refuse_control([t for t in walk.sig if type(t) is str])
        if not cache.enabled:
            return _plain(document, store, limits)
    elif shape.sensitive is None:
        cache.stats.fallbacks += 1
        return _plain(document, store, limits)
    else:
        found, recipe = cache.get_recipe(shape, tuple(slots[i] for i in shape.sensitive))
        if recipe is not None:
            result = recipe.canonical(slots, limits)
            if result is not None:
                cache.stats.hits += 1
                return result
        if found or shape.builds >= MAX_BUILDS_PER_SHAPE:
            cache.stats.fallbacks += 1
            return _plain(document, store, limits)

    # A miss: pyld answers (raising what it always raised), then a recipe is built.
    cache.stats.misses += 1
    result = _plain(document, store, limits)
    if (
        walk.has_index
        or any(type(t) is str and _MARKER in t for t in walk.sig)
        or any(_MARKER in s for s in slots)
    ):
        return result
    if shape is None:
        shape = _Shape(None)
        wanted: set[int] = set()
    else:
        assert shape.sensitive is not None
        wanted = set(shape.sensitive)
    shape.builds += 1
    cache.stats.builds += 1
    try:
        built = _build(document, slots, walk.classes, wanted, cache, store, result, limits)
    except _Unverified as unverified:
        # Nothing to store for these values; the next document of the shape will try again.
        if shape.sensitive is None:
            shape.sensitive = tuple(sorted(unverified.fixed))
            cache.put(key, shape)
        return result
    if shape.sensitive is None:  # a new shape: its key is what the first recipe needed
        if built is None:
            cache.stats.uncacheable += 1
        else:
            shape.sensitive = tuple(sorted(built[1]))
        shape = cache.put(key, shape)
        if shape.sensitive is None or built is None or set(shape.sensitive) != built[1]:
            return result
    # A recipe that needed more real values than the shape's key holds cannot be keyed by it.
    assert shape.sensitive is not None
    usable = built is not None and built[1] == set(shape.sensitive)
    cache.put_recipe(shape, tuple(slots[i] for i in shape.sensitive), built[0] if built and usable else None)
    return result
