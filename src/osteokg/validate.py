"""Validate graphs against the SHACL shapes in ``shapes/``: the graph's contract.

``osteokg build`` calls :func:`validate_build` on every build (violations stop the build,
warnings do not); ``osteokg validate FILE...`` calls :func:`validate_files` on a user's graph.

The engine is pySHACL (the reference SHACL implementation for Python) with SHACL-SPARQL and
SHACL-AF SPARQL targets. The data graph is a pyoxigraph store holding the named graphs of the
dataset; pySHACL sees it with the default graph as the union of the named graphs, so core
constraints hold across graphs (an external term's label is in ``imports``, its category in
``ontology``), and the SPARQL constraints that are about one named graph (the asserted edges,
the inferred edges) say so with ``GRAPH`` clauses. Running pySHACL on the pyoxigraph store
rather than on an rdflib copy lets SPARQL constraints be parsed and evaluated by Oxigraph,
which is what makes validation fast (numbers in ``benchmarks/``). While pySHACL runs, its
evaluation of property shapes is batched and simple property paths are followed directly in
the store (:func:`_batched_property_shapes`); the report is the same as pySHACL's own code
gives (a test compares them).

Example::

    >>> from osteokg.build import compile_all
    >>> report = validate_build(compile_all())          # doctest: +SKIP
    >>> print(report.summary())                          # doctest: +SKIP
    conforms (93 shapes, 0 violations, 0 warnings)
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .constants import PREFIXES, SHAPES_DIR
from .errors import DataFileError, ShapesError, ValidationFailed
from .prefixes import compress

if TYPE_CHECKING:  # pragma: no cover
    import rdflib
    from pyoxigraph import Store

SHAPES_NS = "https://w3id.org/osteokg/shapes/"
SH = "http://www.w3.org/ns/shacl#"
SEVERITY_ORDER = ("Violation", "Warning", "Info")
_SAFE_IRI = re.compile(r'^[^\s<>"{}|\\^`]+$')
_IRI_IN_TEXT = re.compile(r"https?://[^\s,;()<>\"']+[^\s,;()<>\"'.]")


# --- results and the report ------------------------------------------------------------


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL validation result, with identifiers shown as CURIEs."""

    severity: str  #: "Violation", "Warning" or "Info"
    focus: str  #: the focus node's IRI (or ``_:id``)
    focus_curie: str
    focus_label: str | None
    path: str | None  #: the result path as a SHACL property path in CURIEs
    value: str | None  #: the value node: a CURIE or a quoted literal
    message: str
    shape: str  #: the named node shape the result belongs to (CURIE)
    source_shape: str  #: sh:sourceShape (CURIE, or the path of an anonymous property shape)
    component: str  #: the constraint component, e.g. "MinCountConstraintComponent"
    source_constraint: str | None = None  #: the SPARQL constraint, for SPARQL results
    #: the curation record (file:line) behind the focus node or, for a graph-wide check
    #: whose focus is a named graph, behind the value
    where: str | None = None
    value_label: str | None = None

    def value_text(self) -> str | None:
        if self.value is None:
            return None
        return f"{self.value} ({self.value_label})" if self.value_label else self.value

    def focus_text(self) -> str:
        return f"{self.focus_curie} ({self.focus_label})" if self.focus_label else self.focus_curie


@dataclass
class ValidationReport:
    """The outcome of one validation: results, the SHACL results graph, and counts."""

    results: list[ValidationResult]
    shapes: int
    graph: rdflib.Graph | None = None
    seconds: float = 0.0
    shape_labels: dict[str, str] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings and infos do not fail)."""
        return not self.violations

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]

    def summary(self) -> str:
        """One line, e.g. ``conforms (93 shapes, 0 violations, 2 warnings)``."""
        head = "conforms" if self.conforms else "does not conform"
        nv, nw = len(self.violations), len(self.warnings)
        return (f"{head} ({self.shapes} shapes, {nv} violation{'s' if nv != 1 else ''}, "
                f"{nw} warning{'s' if nw != 1 else ''})")

    def text(self) -> str:
        """Results grouped by shape: focus node (CURIE and label), curation record, path,
        value and message."""
        lines = [f"validation: {self.summary()}"]
        by_shape: dict[str, list[ValidationResult]] = {}
        for r in self.results:
            by_shape.setdefault(r.shape, []).append(r)
        for shape in sorted(by_shape):
            label = self.shape_labels.get(shape)
            lines += ["", f"{shape}" + (f" ({label})" if label else "")]
            for r in by_shape[shape]:
                where = f"  [{r.where}]" if r.where else ""
                lines.append(f"  {r.severity}: {r.focus_text()}{where}")
                if r.path:
                    lines.append(f"    path: {r.path}")
                if r.value is not None:
                    lines.append(f"    value: {r.value_text()}")
                lines.append(f"    {r.message}")
                if r.source_shape != r.shape:
                    lines.append(f"    shape: {r.source_shape}")
        return "\n".join(lines) + "\n"

    def turtle(self) -> str:
        """The SHACL validation report graph (``sh:ValidationReport``) as Turtle."""
        if self.graph is None:
            return ""
        return self.graph.serialize(format="turtle")

    def json(self) -> str:
        data = {
            "conforms": self.conforms,
            "summary": self.summary(),
            "shapes": self.shapes,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [asdict(r) for r in self.results],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- shapes ------------------------------------------------------------------------------


@dataclass
class Shapes:
    """The parsed shapes files: one rdflib graph, and which file declared each subject."""

    graph: rdflib.Graph
    files: dict[str, Path]  # subject IRI -> file
    count: int
    labels: dict[str, str]


_SHAPES_CACHE: dict[tuple, Shapes] = {}


def load_shapes(shapes_dir: Path = SHAPES_DIR) -> Shapes:
    """Parse every ``*.ttl`` in ``shapes_dir``, or the one shapes file it names (cached while
    the files are unchanged).

    Relative IRIs resolve against each file's URI, and literals are kept as written (as
    pySHACL parses the files it is given: ``"1"^^xsd:boolean`` is not ``true``).
    """
    from pyshacl.monkey import rdflib_bool_patch, rdflib_bool_unpatch

    shapes_dir = Path(shapes_dir)
    if shapes_dir.is_file():
        files = [shapes_dir]
    else:
        files = sorted(shapes_dir.glob("*.ttl")) if shapes_dir.is_dir() else []
    if not files:
        raise ShapesError(f"{shapes_dir}: no shapes files (*.ttl) - point to the shapes/ folder "
                          "or to one Turtle shapes file")
    key = tuple((str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if key in _SHAPES_CACHE:
        return _SHAPES_CACHE[key]
    with _PYSHACL_LOCK:
        rdflib_bool_patch()
        try:
            shapes = _parse_shapes(files)
        finally:
            rdflib_bool_unpatch()
    _SHAPES_CACHE[key] = shapes
    return shapes


def _parse_shapes(files: list[Path]) -> Shapes:
    import rdflib
    from rdflib.namespace import RDF, RDFS

    graph = rdflib.Graph()
    owner: dict[str, Path] = {}
    for path in files:
        part = rdflib.Graph()
        try:
            part.parse(path, format="turtle", publicID=path.resolve().as_uri())
        except Exception as exc:  # rdflib raises many types for bad syntax
            detail = " ".join(str(exc).split())
            raise ShapesError(f"{path}: cannot parse as Turtle: {detail} - fix the syntax") from exc
        for prefix, ns in part.namespaces():
            graph.bind(prefix, ns, override=False)
        for s in set(part.subjects()):
            if isinstance(s, rdflib.URIRef):
                owner.setdefault(str(s), path)
        graph += part
    for prefix, ns in (("sh", SH), ("okgsh", SHAPES_NS), *PREFIXES.items()):
        graph.bind(prefix, ns, override=True)
    shape_types = (rdflib.URIRef(SH + "NodeShape"), rdflib.URIRef(SH + "PropertyShape"))
    named = {s for t in shape_types for s in graph.subjects(RDF.type, t)
             if isinstance(s, rdflib.URIRef)}
    labels = {_curie(str(s)): str(graph.value(s, RDFS.label)) for s in named
              if graph.value(s, RDFS.label) is not None}
    return Shapes(graph, owner, len(named), labels)


# --- running pySHACL ---------------------------------------------------------------------


# SPARQL text as tokens: comments and strings (skipped), IRIs, variables, words, brackets.
_SPARQL_TOKEN = re.compile(r'''#[^\n]*|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"'''
                           r'''|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|[?$]\w+|[{}()]|[A-Za-z_]\w*''')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}


def _sparql_term(term) -> str | None:
    """A pyoxigraph IRI or literal written as SPARQL (None for a blank node, which a query
    cannot name)."""
    from pyoxigraph import Literal as OxLiteral
    from pyoxigraph import NamedNode

    if isinstance(term, NamedNode):
        return f"<{term.value}>" if _SAFE_IRI.match(term.value) else None
    if isinstance(term, OxLiteral):
        text = '"' + "".join(_ESCAPES.get(c, c) for c in term.value) + '"'
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^<{term.datatype.value}>"
    return None


def prebind(query: str, bindings: dict) -> tuple[str, dict]:
    """Pre-bind variables of a SPARQL query as SHACL defines it (5.2.1: every occurrence of
    the variable is replaced by the value): ``query`` with each IRI or literal of
    ``bindings`` (variable name -> pyoxigraph term) written in, and the bindings left over
    for pySHACL's own binding (blank nodes, which a query cannot name; or all of them where
    SHACL forbids pre-binding: ``AS $this``, ``VALUES``).

    Where SPARQL wants a variable the value is written so the query stays valid: in a
    projection as ``(<value> AS ?this)``, in ``GROUP BY``/``ORDER BY`` as ``(<value>)``, and
    ``bound($this)`` is ``true``. pySHACL hands pre-bound variables to pyoxigraph's
    ``substitutions`` instead, which binds them after the whole pattern is evaluated: each
    query then reads the whole store, ``bound($this)`` is false, a filter in a nested group
    does not see the value, and a variable the SELECT does not project is an error ("not in
    SELECT projection"). Written in, the value lets Oxigraph plan the query from the focus
    node.
    """
    inline = {}
    for name, value in bindings.items():
        text = _sparql_term(value)
        if text is not None:
            inline[name] = text
    rest = {name: value for name, value in bindings.items() if name not in inline}
    if not inline:
        return query, rest
    plan = _prebind_plan(query, frozenset(inline))
    if plan is None:
        return query, bindings  # SHACL forbids pre-binding here: pySHACL's own way
    out, at = [], 0
    for start, end, form, name in plan:
        out += [query[at:start], form.format(inline[name])]
        at = end
    return "".join(out) + query[at:], rest


@functools.lru_cache(maxsize=512)
def _prebind_plan(query: str, names: frozenset) -> tuple | None:
    """Where :func:`prebind` writes each variable of ``names`` into ``query``: (start, end,
    format, name) in order; None where SHACL forbids pre-binding (``AS $this``, VALUES).
    pySHACL sends the same text for every focus node: it is read once."""
    tokens = [m for m in _SPARQL_TOKEN.finditer(query) if m.group(0)[0] not in "#\"'"]
    words = [m.group(0).upper() for m in tokens]
    edits: list[tuple[int, int, str, str, int]] = []  # start, end, format, name, SELECT no.
    clause = None  # "select" (a projection), "by" (GROUP/ORDER BY), "values"
    depth = 0  # brackets open since the clause began
    selects = -1  # SELECTs seen: 0 is the query's own, more are sub-selects
    for i, word in enumerate(words):
        if word in ("SELECT", "VALUES"):
            clause, depth = word.lower(), 0
            selects += word == "SELECT"
        elif word == "BY" and i and words[i - 1] in ("GROUP", "ORDER"):
            clause, depth = "by", 0
        elif word in ("WHERE", "{", "}", "HAVING", "LIMIT", "OFFSET"):
            clause = None
        elif word == "(":
            depth += 1
        elif word == ")":
            depth -= 1
        name = tokens[i].group(0)[1:]
        if word[0] not in "?$" or name not in names:
            continue
        if clause == "values" or (i and words[i - 1] == "AS"):
            return None
        start, end = tokens[i].span()
        if i >= 2 and words[i - 2] == "BOUND" and words[i - 1] == "(" and \
                i + 1 < len(words) and words[i + 1] == ")":
            edits.append((tokens[i - 2].start(), tokens[i + 1].end(), "(true)", name, -1))
        elif clause == "select" and depth == 0:
            edits.append((start, end, f"({{}} AS ?{name})", name, selects))
        elif clause == "by" and depth == 0:
            edits.append((start, end, "({})", name, -1))
        else:
            edits.append((start, end, "{}", name, -1))
    # A sub-select projecting the variable binds it for the query around it, which must
    # not bind it again ("SELECT (<v> AS ?this)" over a group binding ?this is an error).
    inner = {name for *_, name, select in edits if select > 0}
    return tuple((start, end, form, name) for start, end, form, name, select in edits
                 if not (select == 0 and name in inner))


def _shacl_store(store: Store):
    """pySHACL's data graph over a pyoxigraph store, with the fixes that keep SHACL's
    semantics and make validation fast (each has a test in tests/test_validate.py).

    - pySHACL evaluates ``datagraph or shapes_graph`` for every result it builds (also for
      the discarded results of nested shapes), and the truth value of its Oxigraph graph is
      a SPARQL COUNT over the whole store: on the review graph that made validation take
      minutes. Emptiness is looked up (is there a first quad?) and the size, when pySHACL asks
      for it, counted, each once: the store is not changed while pySHACL runs (shapes with
      rules get a copy: :func:`validate_store`).
    - pySHACL follows a property path out of a literal value by asking the store for the
      literal's outgoing triples, which pyoxigraph rejects (a literal cannot be a subject).
      A literal has no outgoing triples: the answer is "none".
    - Pre-bound variables of SPARQL queries are bound by :func:`prebind`.
    """
    from pyshacl.graph_abstraction import OxigraphDataGraph
    from rdflib import Literal

    class _DataGraph(OxigraphDataGraph):
        _size: int | None = None
        _nonempty: bool | None = None

        def __bool__(self) -> bool:
            if self._nonempty is None:  # one quad is enough (len() counts them all)
                self._nonempty = next(iter(self.impl.quads_for_pattern(None, None, None)),
                                      None) is not None
            return self._nonempty

        def __len__(self, context=None) -> int:
            if context is not None:
                return super().__len__(context)
            if self._size is None:
                self._size = super().__len__()
            return self._size

        def objects(self, subject=None, predicate=None, unique=False):
            if isinstance(subject, Literal):
                return iter(())
            return super().objects(subject, predicate, unique=unique)

        def triples(self, triple, context=None):
            # rdflib's Graph methods pass a context; pySHACL's Oxigraph graph takes none
            # (it reads its own: the locked context or the union of the graphs).
            if isinstance(triple[0], Literal):
                return iter(())
            return super().triples(triple)

        def predicate_objects(self, subject=None, unique=False):
            if isinstance(subject, Literal):
                return iter(())
            return super().predicate_objects(subject, unique=unique)

        def query_oxigraph(self, query_object, initNs=None, initBindings=None, **kwargs):
            if initBindings:
                query_object, initBindings = prebind(query_object, dict(initBindings))
            return super().query_oxigraph(query_object, initNs=initNs,
                                          initBindings=initBindings or None, **kwargs)

    return _DataGraph(store)


_PYSHACL_LOCK = threading.RLock()


def _evaluate_property_shape_batched(self, executor, prop_shape, target_graph, focus_value_nodes,
                                     potentially_recursive, _evaluation_path):
    """pySHACL's ``PropertyConstraintComponent._evaluate_property_shape``, validating the
    property shape once for all value nodes instead of once per value node.

    pySHACL 0.40 calls ``Shape.validate`` with one focus node at a time, and every call looks
    up the shape's parameters in the shapes graph and builds each constraint component
    (lists of ``sh:in``, patterns, ...) again: thousands of calls for the assertions,
    evidence, selectors and concepts, most of the validation time. A shape validates each
    of its focus nodes independently (SHACL 3.4), so validating the list gives the same
    results; a value node reached from several focus nodes is validated as often as before
    (one batch per repetition), so even the number of results is unchanged.
    """
    from pyshacl.errors import ReportableRuntimeError, ShapeRecursionWarning

    found = self.shape.get_other_shape(prop_shape)
    if potentially_recursive and found in potentially_recursive:
        warnings.warn(ShapeRecursionWarning(_evaluation_path))
        return False, []
    if not found:
        raise ReportableRuntimeError(
            f"SHACL PropertyShape not found: The shape referenced by sh:property does not "
            f"exist. Please check if the shape '{prop_shape}' is defined.")
    if not found.is_property_shape:
        raise ReportableRuntimeError(
            f"'{prop_shape}' exists but is not a well-formed SHACL PropertyShape. Ensure it "
            f"has the correct type (sh:PropertyShape) and all required properties.")
    pending = Counter(v for values in focus_value_nodes.values() for v in values)
    non_conformant, reports = False, []
    while pending:
        is_conform, found_reports = found.validate(
            executor, target_graph, focus=list(pending), _evaluation_path=_evaluation_path[:])
        non_conformant = non_conformant or not is_conform
        reports.extend(found_reports)
        pending = Counter({v: n - 1 for v, n in pending.items() if n > 1})
    return non_conformant, reports


def _path_steps(shape) -> tuple[tuple[tuple[object, bool], ...], ...] | None:
    """A property shape's path as a sequence of steps, each step the alternatives
    (predicate, inverse) it may follow, when the path is made of IRIs, inverse IRIs,
    alternatives of those and sequences of those (the paths of the osteokg shapes); None for
    any other path, which pySHACL then follows itself."""
    from rdflib import BNode, URIRef
    from rdflib.namespace import RDF

    sg = shape.sg.graph
    inverse_path, alternative_path = URIRef(SH + "inversePath"), URIRef(SH + "alternativePath")

    def items(node) -> list | None:
        """The members of a well-formed RDF list, else None."""
        out, seen = [], set()
        while node != RDF.nil:
            firsts, rests = list(sg.objects(node, RDF.first)), list(sg.objects(node, RDF.rest))
            if node in seen or not isinstance(node, BNode) or len(firsts) != 1 or len(rests) != 1:
                return None
            seen.add(node)
            out.append(firsts[0])
            node = rests[0]
        return out

    def one(node):  # an IRI or an inverse IRI
        if isinstance(node, URIRef):
            return (node, False)
        if isinstance(node, BNode) and set(sg.predicates(node)) == {inverse_path}:
            inner = list(sg.objects(node, inverse_path))
            if len(inner) == 1 and isinstance(inner[0], URIRef):
                return (inner[0], True)
        return None

    def step(node):  # one of those, or alternatives of them
        found = one(node)
        if found is not None:
            return (found,)
        if isinstance(node, BNode) and set(sg.predicates(node)) == {alternative_path}:
            lists = list(sg.objects(node, alternative_path))
            members = items(lists[0]) if len(lists) == 1 else None
            if members and len(members) >= 2:
                alternatives = tuple(one(m) for m in members)
                if None not in alternatives:
                    return alternatives
        return None

    path = shape.path()
    single = step(path)
    if single is not None:
        return (single,)
    if not isinstance(path, BNode) or set(sg.predicates(path)) != {RDF.first, RDF.rest}:
        return None
    members = items(path)
    if not members or len(members) < 2:
        return None  # pySHACL reports the malformed path
    steps = tuple(step(m) for m in members)
    return None if None in steps else steps


def _fast_value_nodes(original):
    """``Shape.value_nodes`` that follows simple paths (see :func:`_path_steps`) straight in
    the Oxigraph store: the same triples pySHACL would ask for (union of the graphs), without
    re-reading the path from the shapes graph and converting every node on the way for each
    focus node. Anything else goes to pySHACL's own ``value_nodes``."""
    from pyoxigraph import DefaultGraph
    from pyoxigraph import Literal as OxLiteral
    from pyshacl.graph_abstraction import OxigraphDataGraph, to_ox, to_rdf

    steps_of: dict[int, tuple | None] = {}
    to_rdf_cache: dict = {}

    def rdf(term):
        out = to_rdf_cache.get(term)
        if out is None:
            out = to_rdf_cache[term] = to_rdf(term)
        return out

    def value_nodes(self, target_graph, focus, sparql_mode: bool = False, debug: bool = False):
        if (sparql_mode or debug or not self.is_property_shape
                or not isinstance(target_graph, OxigraphDataGraph)):
            return original(self, target_graph, focus, sparql_mode=sparql_mode, debug=debug)
        key = id(self)
        if key not in steps_of:
            steps_of[key] = (self, _path_steps(self))  # keep the shape: its id stays unique
        steps = steps_of[key][1]
        if steps is None:
            return original(self, target_graph, focus, sparql_mode=sparql_mode, debug=debug)
        if not isinstance(focus, (tuple, list, set)):
            focus = [focus]
        if target_graph.locked_context is not None:
            graph = target_graph.locked_context
        elif target_graph._default_union:
            graph = None
        else:
            graph = DefaultGraph()
        store = target_graph.impl
        ox_steps = [[(to_ox(p), inverse) for p, inverse in alternatives]
                    for alternatives in steps]
        out = {}
        for f in focus:
            nodes = {to_ox(f)}
            for alternatives in ox_steps:
                found = set()
                for n in nodes:
                    for p, inverse in alternatives:
                        if inverse:
                            found.update(q.subject
                                         for q in store.quads_for_pattern(None, p, n, graph))
                        elif not isinstance(n, OxLiteral):  # a literal has no outgoing triples
                            found.update(q.object
                                         for q in store.quads_for_pattern(n, p, None, graph))
                nodes = found
            out[f] = {rdf(n) for n in nodes}
        return out

    return value_nodes


#: Use :func:`_evaluate_property_shape_batched` and :func:`_fast_value_nodes` (a test turns
#: them off to check that pySHACL's own code gives the same report).
_SPEEDUPS = True


@contextmanager
def _batched_property_shapes():
    """Run pySHACL with :func:`_evaluate_property_shape_batched` and
    :func:`_fast_value_nodes` (both restored afterwards)."""
    from pyshacl.constraints.core.shape_based_constraints import PropertyConstraintComponent
    from pyshacl.shape import Shape

    if not _SPEEDUPS:
        yield
        return
    with _PYSHACL_LOCK:
        original = PropertyConstraintComponent.__dict__["_evaluate_property_shape"]
        original_value_nodes = Shape.__dict__["value_nodes"]
        PropertyConstraintComponent._evaluate_property_shape = _evaluate_property_shape_batched
        Shape.value_nodes = _fast_value_nodes(original_value_nodes)
        try:
            yield
        finally:
            PropertyConstraintComponent._evaluate_property_shape = original
            Shape.value_nodes = original_value_nodes


@contextmanager
def _pyshacl_fixes():
    """While pySHACL runs: the fixes to its Oxigraph graph that change results, each
    upstream-shaped and tested (tests/test_validate.py, the suites in
    tests/test_shacl_suite.py), restored afterwards.

    - A literal read from the store as ``xsd:string`` becomes rdflib's plain literal: RDF 1.1
      makes ``"a"`` and ``"a"^^xsd:string`` one term, rdflib keeps them apart, and Oxigraph
      reports every simple literal with its datatype - so ``sh:in ("a")`` and
      ``sh:hasValue "a"`` never matched a value in the store.
    - Literals are not normalised and only ``"true"`` is a true ``xsd:boolean``, as pySHACL
      sets rdflib up when it parses files itself (:func:`pyshacl.monkey.rdflib_bool_patch`):
      a value is reported as written, and ``"1"^^xsd:boolean`` is not ``true``.
    - The prefixes of a SPARQL query are those of ``sh:prefixes/owl:imports*/sh:declare``
      (SHACL 5.2.1); pySHACL reads ``sh:declare`` of the ``sh:prefixes`` values only. A
      prefix the query uses and nothing declares is taken from the shapes files' own
      ``@prefix`` lines, as pySHACL on rdflib does (rdflib resolves it from the graph) and
      as TopBraid's DASH cases expect.
    """
    from pyoxigraph import Literal as OxLiteral
    from pyshacl import graph_abstraction
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
    from pyshacl.monkey import rdflib_bool_patch, rdflib_bool_unpatch
    from rdflib import Literal, URIRef
    from rdflib.namespace import OWL, XSD

    original_to_rdf = graph_abstraction.to_rdf
    original_quad = graph_abstraction.convert_quad_to_rdflib
    xsd_string = XSD.string.toPython()

    def to_rdf(term):
        if (isinstance(term, OxLiteral) and term.language is None
                and term.datatype.value == xsd_string):
            return Literal(term.value)
        return original_to_rdf(term)

    def convert_quad_to_rdflib(quad):
        s, p, o, g = original_quad(quad)
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        return s, p, o, g

    original_prefixes = SPARQLQueryHelper.__dict__["collect_prefixes"]
    bound: dict[int, tuple] = {}  # shapes graph -> (the graph, its @prefix bindings)

    def collect_prefixes(self):
        original_prefixes(self)
        sg = self.shape.sg.graph
        todo, seen = list(sg.objects(self.node, URIRef(SH + "prefixes"))), set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            todo += sg.objects(node, OWL.imports)
            for declared in sg.objects(node, URIRef(SH + "declare")):
                prefix = sg.value(declared, URIRef(SH + "prefix"))
                namespace = sg.value(declared, URIRef(SH + "namespace"))
                if isinstance(prefix, Literal) and isinstance(namespace, Literal):
                    self.prefixes.setdefault(str(prefix), URIRef(str(namespace)))
        text = self.select_text or ""
        if id(sg) not in bound:
            bound[id(sg)] = (sg, [(p, ns) for p, ns in sg.namespaces() if p])
        for prefix, namespace in bound[id(sg)][1]:
            if prefix not in self.prefixes and f"{prefix}:" in text and \
                    re.search(rf"(?<![\w.-]){re.escape(prefix)}:", text):
                self.prefixes[prefix] = namespace

    with _PYSHACL_LOCK:
        graph_abstraction.to_rdf = to_rdf
        graph_abstraction.convert_quad_to_rdflib = convert_quad_to_rdflib
        SPARQLQueryHelper.collect_prefixes = collect_prefixes
        rdflib_bool_patch()
        try:
            yield
        finally:
            rdflib_bool_unpatch()
            SPARQLQueryHelper.collect_prefixes = original_prefixes
            graph_abstraction.to_rdf = original_to_rdf
            graph_abstraction.convert_quad_to_rdflib = original_quad


def validate_store(store: Store, shapes_dir: Path = SHAPES_DIR) -> ValidationReport:
    """Validate the named graphs in a pyoxigraph store (not modified) against the shapes.

    ``shapes_dir``: a folder of ``*.ttl`` shapes files, or one shapes file. Shapes with SHACL
    rules (``sh:rule``, which pySHACL applies before validating) validate a copy of the
    store, so the rules' triples never reach the caller's store.
    """
    import pyshacl
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError
    from rdflib import URIRef

    shapes = load_shapes(shapes_dir)
    t0 = time.perf_counter()
    data = store
    if next(iter(shapes.graph.triples((None, URIRef(SH + "rule"), None))), None) is not None:
        from .store import new_store

        data = new_store(store)
    try:
        with _pyshacl_fixes(), _batched_property_shapes():
            _conforms, results_graph, _text = pyshacl.validate(
                _shacl_store(data), shacl_graph=shapes.graph, inference="none",
                advanced=True, inplace=True, allow_warnings=True, allow_infos=True)
    except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError) as exc:
        raise ShapesError(f"{Path(shapes_dir)}: {_shape_error_text(exc, shapes)}") from exc
    except NotImplementedError as exc:  # e.g. $shapesGraph in a SPARQL constraint
        raise ShapesError(f"{Path(shapes_dir)}: pySHACL does not support this: "
                          f"{_shape_error_text(exc, shapes)}") from exc
    seconds = time.perf_counter() - t0
    if isinstance(results_graph, Exception):  # pySHACL returns, not raises, a failure
        raise ShapesError(f"{Path(shapes_dir)}: {_shape_error_text(results_graph, shapes)}")
    _conform_as_shacl_says(results_graph)
    results = _read_results(results_graph, shapes, data)
    for prefix, ns in (("sh", SH), ("okgsh", SHAPES_NS), *PREFIXES.items()):
        results_graph.bind(prefix, ns, override=True)
    return ValidationReport(results, shapes.count, results_graph, seconds, shapes.labels)


def _conform_as_shacl_says(results_graph) -> None:
    """``sh:conforms false`` on a report with any result (SHACL 3.6.1): pySHACL, told to
    allow warnings and infos, says true when they are all there is. osteokg's own verdict
    (:attr:`ValidationReport.conforms`, the exit code) still lets warnings pass."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF

    conforms = URIRef(SH + "conforms")
    for report in results_graph.subjects(RDF.type, URIRef(SH + "ValidationReport")):
        if next(iter(results_graph.objects(report, URIRef(SH + "result"))), None) is not None:
            results_graph.set((report, conforms, Literal(False)))


def _shape_error_text(exc: Exception, shapes: Shapes) -> str:
    text = " ".join(str(getattr(exc, "message", None) or exc).split())
    for iri, path in shapes.files.items():
        if iri in text:
            return f"{path}: {text} - fix the shape {_curie(iri)}"
    return f"{text} - fix the shapes"


def validate_build(result, *, store=None) -> ValidationReport:
    """Validate a :class:`~osteokg.build.BuildResult` (every named graph of its dataset,
    including ``inferred`` and ``justifications`` when reasoning ran).

    ``store``: a pyoxigraph store known to hold exactly the dataset's quads (osteokg.build
    passes the one it keeps in step with the dataset, saving a copy); by default the dataset
    is copied into a fresh store, so a dataset changed after its store was made is validated
    as it is. The store is only read.

    Raises :class:`~osteokg.errors.ValidationFailed` with the readable report when there
    are violations; warnings do not fail the build.
    """
    from .store import new_store

    if store is None:
        store = new_store(result.dataset.iter_quads())
    report = validate_store(store)
    if not report.conforms:
        raise ValidationFailed("the graph does not conform to the SHACL shapes in "
                               f"{SHAPES_DIR}:\n{report.text()}")
    return report


def validate_files(paths: Iterable[Path], shapes_dir: Path = SHAPES_DIR) -> ValidationReport:
    """Validate RDF files (N-Quads, TriG, Turtle, N-Triples, RDF/XML, JSON-LD), loaded
    together into one dataset; triples of a plain-triples file go to the default graph.

    Shapes see the union of all graphs, so an extension in Turtle is checked like any other
    graph; only the checks about one named graph need it by name: direct edges belong in
    ``okgg:asserted``, inferred edges in ``okgg:inferred`` and nothing else there (their
    justifications may be in any graph; a release keeps them in ``okgg:justifications``):
    write those as TriG/N-Quads.

    Raises :class:`~osteokg.errors.DataFileError` for a missing or unreadable file or an
    unknown format, :class:`~osteokg.errors.ShapesError` for malformed shapes.
    """
    from .store import load_files, refuse_merged_release

    paths = [Path(p) for p in paths]
    if not paths:
        raise DataFileError("no data files given - name at least one RDF file")
    for path in paths:
        refuse_merged_release(path)
    load_shapes(shapes_dir)  # report malformed shapes before reading large data files
    return validate_store(load_files(paths), shapes_dir)


# --- reading pySHACL's results graph -----------------------------------------------------


def _curie(iri: str) -> str:
    if iri.startswith(SHAPES_NS):
        return "okgsh:" + iri[len(SHAPES_NS):]
    return compress(iri)


def _term_text(term) -> str:
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        if term.language:
            return f'"{term}"@{term.language}'
        if term.datatype is not None and str(term.datatype) != PREFIXES["xsd"] + "string":
            return f'"{term}"^^{_curie(str(term.datatype))}'
        return f'"{term}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    return _curie(str(term))


def _path_text(graph, node) -> str:
    """A SHACL property path as text: ``rdf:subject/biolink:category``, ``^okg:hasEvidence``."""
    from rdflib import BNode, URIRef
    from rdflib.collection import Collection

    if isinstance(node, URIRef):
        return _curie(str(node))
    if not isinstance(node, BNode):
        return str(node)
    if graph.value(node, URIRef(PREFIXES["rdf"] + "first")) is not None:
        return "/".join(_path_text(graph, n) for n in Collection(graph, node))
    for kind, fmt in (("inversePath", "^{}"), ("zeroOrMorePath", "{}*"),
                      ("oneOrMorePath", "{}+"), ("zeroOrOnePath", "{}?")):
        inner = graph.value(node, URIRef(SH + kind))
        if inner is not None:
            return fmt.format(_path_text(graph, inner))
    alt = graph.value(node, URIRef(SH + "alternativePath"))
    if alt is not None:
        return "(" + "|".join(_path_text(graph, n) for n in Collection(graph, alt)) + ")"
    return f"_:{node}"


def _message_text(text: str) -> str:
    return _IRI_IN_TEXT.sub(lambda m: _curie(m.group(0)), " ".join(text.split()))


def _owning_shape(shapes: Shapes, node) -> str:
    """The named node shape a (property) shape belongs to."""
    from rdflib import URIRef

    sg = shapes.graph
    seen = set()
    current = node
    while current not in seen:
        seen.add(current)
        parent = next(iter(sg.subjects(URIRef(SH + "property"), current)), None)
        if parent is None:
            break
        current = parent
    return _curie(str(current)) if isinstance(current, URIRef) else f"_:{current}"


def _read_results(results_graph, shapes: Shapes, store: Store) -> list[ValidationResult]:
    from rdflib import URIRef
    from rdflib.namespace import RDF

    g = results_graph
    sg = shapes.graph
    raw = []
    top_level = (r for report in g.subjects(RDF.type, URIRef(SH + "ValidationReport"))
                 for r in g.objects(report, URIRef(SH + "result")))  # not nested sh:detail
    for r in top_level:
        raw.append({name: g.value(r, URIRef(SH + name)) for name in (
            "focusNode", "resultPath", "value", "sourceShape", "resultSeverity",
            "sourceConstraintComponent", "sourceConstraint")}
            | {"messages": sorted(str(m) for m in g.objects(r, URIRef(SH + "resultMessage")))})
    described = _describe(store, {str(x[k]) for x in raw for k in ("focusNode", "value")
                                  if isinstance(x[k], URIRef)})
    out = []
    for x in raw:
        focus, source_shape, constraint = x["focusNode"], x["sourceShape"], x["sourceConstraint"]
        shape = _owning_shape(shapes, source_shape)
        if isinstance(source_shape, URIRef):
            source = _curie(str(source_shape))
        else:
            path = sg.value(source_shape, URIRef(SH + "path"))
            source = f"{shape} property {_path_text(sg, path)}" if path is not None else shape
        label, where = described.get(str(focus), (None, None))
        value_label, value_where = described.get(str(x["value"]), (None, None))
        out.append(ValidationResult(
            severity=str(x["resultSeverity"]).rsplit("#", 1)[-1],
            focus=str(focus) if isinstance(focus, URIRef) else f"_:{focus}",
            focus_curie=_term_text(focus),
            focus_label=label,
            path=_path_text(g, x["resultPath"]) if x["resultPath"] is not None else None,
            value=_term_text(x["value"]) if x["value"] is not None else None,
            message=_message_text(x["messages"][0]) if x["messages"] else "",
            shape=shape,
            source_shape=source,
            component=str(x["sourceConstraintComponent"]).rsplit("#", 1)[-1],
            source_constraint=_curie(str(constraint)) if isinstance(constraint, URIRef) else None,
            where=where or value_where,
            value_label=value_label,
        ))
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    out.sort(key=lambda r: (r.shape, rank.get(r.severity, 9), r.focus, r.path or "",
                            r.value or "", r.message))
    return out


# Labels of focus nodes: a node's English label (or untagged label); for an assertion, its
# triple in words; for assertion, evidence and selector nodes, the curation record.
_DESCRIBE = """
SELECT ?node ?label ?s ?p ?o ?where WHERE {
  VALUES ?node { %s }
  OPTIONAL { ?node rdfs:label ?label FILTER(LANG(?label) = "en" || LANG(?label) = "") }
  OPTIONAL { ?node a okg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
  OPTIONAL {
    { ?node okg:curatedIn ?where }
    UNION { ?a okg:hasEvidence ?node ; okg:curatedIn ?where }
    UNION { ?a okg:hasEvidence ?e ; okg:curatedIn ?where . ?e oa:hasSelector ?node }
  }
}"""
_LABEL = "SELECT ?node ?label WHERE { VALUES ?node { %s } ?node rdfs:label ?label " \
    "FILTER(LANG(?label) = \"en\" || LANG(?label) = \"\") }"


def _describe(store: Store, iris: set[str]) -> dict[str, tuple[str | None, str | None]]:
    """IRI -> (label, curation record) for the focus nodes, in a few batched queries."""
    from pyoxigraph import NamedNode

    prefixes = {k: PREFIXES[k] for k in ("okg", "oa", "rdf", "rdfs")}

    def run(template: str, nodes: list[str]):
        for start in range(0, len(nodes), 200):
            values = " ".join(f"<{i}>" for i in nodes[start:start + 200])
            yield from store.query(template % values, prefixes=prefixes,
                                   use_default_graph_as_union=True)

    safe = sorted(i for i in iris if _SAFE_IRI.match(i))
    labels: dict[str, str] = {}
    triples: dict[str, tuple] = {}
    wheres: dict[str, str] = {}
    for row in run(_DESCRIBE, safe):
        node = row["node"].value
        if row["label"] is not None:
            labels.setdefault(node, row["label"].value)
        if row["s"] is not None:
            triples.setdefault(node, (row["s"], row["p"], row["o"]))
        if row["where"] is not None:
            wheres[node] = min(wheres.get(node, row["where"].value), row["where"].value)
    words_needed = sorted({t.value for spo in triples.values() for t in spo
                           if isinstance(t, NamedNode) and _SAFE_IRI.match(t.value)})
    words: dict[str, str] = {}
    for row in run(_LABEL, words_needed):
        words.setdefault(row["node"].value, row["label"].value)
    out = {}
    for node in safe:
        label = labels.get(node)
        if label is None and node in triples:
            label = " ".join(words.get(t.value, _curie(t.value)) if isinstance(t, NamedNode)
                             else str(t.value) for t in triples[node])
        out[node] = (label, wheres.get(node))
    return out


def shape_iris(shapes_dir: Path = SHAPES_DIR) -> Sequence[str]:
    """The named shapes (node and property shapes), as CURIEs, sorted."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    g = load_shapes(shapes_dir).graph
    out = {_curie(str(s)) for t in ("NodeShape", "PropertyShape")
           for s in g.subjects(RDF.type, URIRef(SH + t)) if isinstance(s, URIRef)}
    return sorted(out)
