"""OWL reasoning over the built graph: HermiT checks and classifies, osteokg materialises.

``reason_dataset`` (called by ``build`` after compiling) does three things:

1. renders the OWL view (graphs ``ontology`` + ``imports`` + ``axioms``) as RDF/XML and runs
   HermiT on it through owlready2: consistency, unsatisfiable classes and the inferred class
   hierarchy. An inconsistent ontology or an unsatisfiable class stops the build with
   :class:`~osteokg.errors.InconsistentOntologyError` naming the curated assertions (ID and
   ``file:line``) whose axioms cause it, so nothing is written;
2. materialises the inferred edges (:mod:`osteokg.inference`) into the ``inferred`` graph of
   the dataset and the store, and their justification nodes into the ``justifications``
   graph (each names its edge by rdf:subject/predicate/object);
3. records whether the release is DL-checked: only when HermiT ran and found the ontology
   consistent and every class satisfiable. Without Java, step 1 is skipped, the release is
   marked not DL-checked and the build says so.

:func:`explain` turns an edge back into its justification tree, down to the assertions and
their evidence sentences; :func:`agreement` checks each materialised edge against HermiT
through its witness (:func:`edge_witness`). :func:`run_hermit`, :func:`run_rustdl` (for the
release beside the full RO, where HermiT does not finish), :func:`merge_owl` and
:func:`materialise_dataset` are the reusable entry points for tests and benchmarks.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .compile import FACTUAL, Dataset, graph_iri, iri, model_individuals
from .constants import PREFIXES
from .errors import InconsistentOntologyError, OsteoKGError, QueryError
from .inference import (
    OKG,
    OKGI,
    RDF,
    SUBCLASS,
    Edge,
    Materialisation,
    TBox,
    asserted_edges,
    edge_hash,
    inference_triples,
    materialise,
    read_tbox,
)
from .prefixes import compress

JAVA_MISSING_NOTE = ("Java not found: HermiT not run, release marked not DL-checked; install a "
                     "JRE (apt-get install default-jre-headless)")
NO_JAVA_NOTE = "HermiT not run (--no-java): release marked not DL-checked"
#: Graphs that make up the OWL ontology (as in the OWL release file).
OWL_VIEW_GRAPHS = ("ontology", "imports", "axioms")
#: Graphs whose axioms the materialiser uses as TBox (assertion axioms come as edges).
TBOX_GRAPHS = ("ontology", "imports")
PROBE_NS = "https://w3id.org/osteokg/probe/"
OWL_NOTHING = "http://www.w3.org/2002/07/owl#Nothing"
OWL_THING = "http://www.w3.org/2002/07/owl#Thing"


# --- HermiT ------------------------------------------------------------------------------


def find_java() -> str | None:
    """The ``java`` executable on PATH, or None."""
    return shutil.which("java")


def write_owl(triples: Iterable, path: Path) -> Path:
    """Serialise triples as RDF/XML (sorted, deterministic) for owlready2 and HermiT."""
    from . import rdfxml

    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = {p: ns for p, ns in PREFIXES.items() if ns.endswith(("/", "#", "_"))}
    path = Path(path)
    path.write_bytes(rdfxml.serialize(ordered, prefixes))
    return path


def owl_view(dataset: Dataset) -> list:
    """The triples of the OWL view of the dataset (ontology, imports, assertion axioms)."""
    return [t for key in OWL_VIEW_GRAPHS for t in dataset.graphs.get(key, [])]


@dataclass(frozen=True)
class TestClass:
    """An extra class added before classification: ``name SubClassOf parents and (P some O)...``.

    Used to find which axioms make a class unsatisfiable (a copy of the class without one of
    them is satisfiable exactly when that axiom is needed for the clash).
    """

    name: str
    parents: tuple[str, ...]
    existentials: tuple[tuple[str, str], ...]


@dataclass
class HermitResult:
    """What HermiT concluded about one OWL file."""

    consistent: bool
    #: named classes equivalent to owl:Nothing (probe and test classes excluded)
    unsatisfiable: list[str]
    #: direct inferred subClassOf edges between named classes that were not told
    new_subclass_edges: list[tuple[str, str]]
    #: (P, O) probe -> named classes S with S SubClassOf (P some O)
    entailed: dict[tuple[str, str], set[str]]
    #: test classes (by name) that are unsatisfiable
    unsatisfiable_tests: set[str]
    seconds: float
    #: with ``realise``: each named individual's entailed named classes (direct types and
    #: all their superclasses, probe classes included)
    types: dict[str, set[str]] = field(default_factory=dict)
    #: (P, O) -> IRI of its probe class ``P some O`` (pairs whose P or O the ontology lacks
    #: get none)
    probe_classes: dict[tuple[str, str], str] = field(default_factory=dict)
    #: the taxonomy: direct named superclasses, and equivalence sets
    parents: dict[str, set[str]] = field(default_factory=dict, repr=False)
    equivalents: dict[str, set[str]] = field(default_factory=dict, repr=False)


def run_hermit(owl_path: Path, *, probes: Iterable[tuple[str, str]] = (),
               tests: Iterable[TestClass] = (), java: str | None = None,
               java_memory_mb: int | None = None, realise: bool = False) -> HermitResult:
    """Run HermiT on an OWL file: consistency, unsatisfiable classes, classification.

    The file is loaded with owlready2 (so a release that does not load there fails here),
    probe and test classes are added through its API, and owlready2's bundled HermiT
    classifies the saved world. HermiT's taxonomy is read here rather than applied by
    ``owlready2.sync_reasoner``: owlready2 mishandles punned entities (a family class that
    is also the subject of ``RO:0002351 has member`` assertions loses its inferred
    superclasses) and applying thousands of probe subsumptions through its API is slow.

    ``probes`` are (property, class) IRI pairs: for each, a class defined as ``P some O`` is
    added and the named classes it subsumes are returned in ``entailed``. ``tests`` are
    extra classes whose satisfiability is reported. ``realise`` also has HermiT compute
    every named individual's types (its ``-I`` option: each individual's most specific
    classes, probe classes among them), returned with their superclasses in ``types``.
    ``java_memory_mb`` is HermiT's Java heap (``-Xmx``); by default owlready2's
    ``JAVA_MEMORY`` (2000 MB). The time includes starting the JVM.
    """
    import subprocess
    import types

    import owlready2
    from owlready2.reasoning import _HERMIT_CLASSPATH

    java = java or find_java()
    if not java:
        raise OsteoKGError("Java not found: HermiT cannot run - install a JRE "
                           "(apt-get install default-jre-headless) or pass --no-java")
    memory = java_memory_mb or owlready2.JAVA_MEMORY
    t0 = time.perf_counter()
    world = owlready2.World()
    world.get_ontology(Path(owl_path).resolve().as_uri()).load()
    told = _told_superclasses(world)
    probe_ns = world.get_ontology(PROBE_NS)
    probe_iris: dict[tuple[str, str], str] = {}
    test_iris: dict[str, str] = {}
    with probe_ns:
        for i, (p, o) in enumerate(sorted(set(probes))):
            prop, cls = world[p], world[o]
            if prop is None or cls is None:
                continue
            probe = types.new_class(f"probe{i}", (owlready2.Thing,))
            probe.equivalent_to.append(prop.some(cls))
            probe_iris[(p, o)] = probe.iri
        for j, test in enumerate(tests):
            klass = types.new_class(f"test{j}", (owlready2.Thing,))
            for parent in test.parents:
                if (found := world[parent]) is not None:
                    klass.is_a.append(found)
            for p, o in test.existentials:
                prop, cls = world[p], world[o]
                if prop is not None and cls is not None:
                    klass.is_a.append(prop.some(cls))
            test_iris[test.name] = klass.iri
    with tempfile.TemporaryDirectory(prefix="osteokg-hermit-") as tmp:
        saved = Path(tmp) / "world.nt"
        world.save(str(saved), format="ntriples")
        world.close()
        command = [java, f"-Xmx{memory}M", "-cp", _HERMIT_CLASSPATH,
                   "org.semanticweb.HermiT.cli.CommandLine", "-c",
                   *(["-I"] if realise else []), saved.resolve().as_uri()]
        proc = subprocess.run(command, capture_output=True, check=False)
    seconds = time.perf_counter() - t0
    output = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        message = output + proc.stderr.decode("utf-8", "replace")
        if "Inconsistent ontology" in message or "InconsistentOntology" in message:
            return HermitResult(False, [], [], {}, set(), seconds)
        if "OutOfMemoryError" in message:
            raise OsteoKGError(
                f"HermiT ran out of memory on {owl_path} with a {memory} MB Java heap - "
                "give it more (osteokg reason --java-memory MB) or check fewer (P, O) probes "
                "per run (--batch N)")
        raise InconsistentOntologyError(
            f"HermiT rejected the OWL view ({owl_path}): {_java_message(message)} - the "
            "ontology is probably outside OWL 2 DL (e.g. an irregular property chain in "
            "ontology/axioms.ttl)")
    parents, equivalents, direct_types = _parse_taxonomy(output)
    nothing = equivalents.get(OWL_NOTHING, set())
    internal = (PROBE_NS, OWL_NOTHING, OWL_THING)
    unsat = sorted(c for c in nothing if not c.startswith(internal))
    new_edges = sorted(
        (c, sup) for c, sups in parents.items() if not c.startswith(internal)
        for sup in sups - told.get(c, set())
        if not sup.startswith(internal) and c not in nothing
    )
    below = _descendants_index(parents, equivalents)
    entailed = {key: {s for s in below(probe) if not s.startswith(internal) and s not in nothing}
                for key, probe in probe_iris.items()}
    unsat_tests = {name for name, klass in test_iris.items() if klass in nothing}
    above = _ancestors_index(parents, equivalents)
    types = {x: set().union(*({c} | above(c) for c in classes))
             for x, classes in direct_types.items()}
    return HermitResult(True, unsat, new_edges, entailed, unsat_tests, seconds, types,
                        probe_iris, parents, equivalents)


_TAXONOMY_LINE = re.compile(r"^(SubClassOf|EquivalentClasses|Type)\( ((?:<[^>]+>\s*)+)\)$")


def _parse_taxonomy(output: str) -> tuple[dict[str, set[str]], dict[str, set[str]],
                                          dict[str, set[str]]]:
    """HermiT's printed taxonomy: direct parents, each class's equivalence set, and (after
    ``-I``) each individual's direct types."""
    parents: dict[str, set[str]] = {}
    equivalents: dict[str, set[str]] = {}
    types: dict[str, set[str]] = {}
    for line in output.splitlines():
        m = _TAXONOMY_LINE.match(line.strip())
        if not m:
            continue
        iris = re.findall(r"<([^>]+)>", m.group(2))
        if m.group(1) == "SubClassOf" and len(iris) == 2:
            parents.setdefault(iris[0], set()).add(iris[1])
        elif m.group(1) == "Type" and len(iris) == 2:
            types.setdefault(iris[0], set()).add(iris[1])
        elif m.group(1) == "EquivalentClasses":
            group = set(iris)
            for c in iris:
                equivalents.setdefault(c, set()).update(group - {c})
    return parents, equivalents, types


def _descendants_index(parents: Mapping[str, set[str]], equivalents: Mapping[str, set[str]]):
    """A function giving every class below (or equivalent to) a class in the taxonomy."""
    children: dict[str, set[str]] = {}
    for c, sups in parents.items():
        for sup in sups:
            children.setdefault(sup, set()).add(c)
    return _reach_index(children, equivalents)


def _ancestors_index(parents: Mapping[str, set[str]], equivalents: Mapping[str, set[str]]):
    """A function giving every class above (or equivalent to) a class in the taxonomy."""
    return _reach_index(parents, equivalents)


def _reach_index(step: Mapping[str, set[str]], equivalents: Mapping[str, set[str]]):
    """A function giving every class reached from a class by ``step`` and equivalence
    (itself excluded), remembered per class."""
    memo: dict[str, frozenset[str]] = {}

    def reach(cls: str) -> frozenset[str]:
        if cls not in memo:
            seen = {cls}
            todo = [cls]
            while todo:
                c = todo.pop()
                for nxt in step.get(c, set()) | equivalents.get(c, set()):
                    if nxt not in seen:
                        seen.add(nxt)
                        todo.append(nxt)
            memo[cls] = frozenset(seen - {cls})
        return memo[cls]

    return reach


def _told_superclasses(world) -> dict[str, set[str]]:
    """Every named class's told named ancestors (before reasoning)."""
    return {c.iri: {a.iri for a in c.ancestors(include_self=False)} for c in world.classes()}


def _java_message(text: str) -> str:
    """The Java exception line(s) of HermiT's output, without the stack trace."""
    lines = [ln.strip() for ln in text.splitlines()]
    keep = [ln for ln in lines if ln and not ln.startswith("at ") and "Java error" not in ln]
    return " ".join(keep)[:600]


# --- beside the reference ontologies -------------------------------------------------------

#: rustdl's role-hierarchy matching is off when the closure of RO's property hierarchy is
#: larger than its default limit, and classification may then miss entailments that need
#: sub-properties; this limit keeps it on for the full RO (measured: closure well below it).
RUSTDL_ROLE_CLOSURE = "10000000"


def merge_owl(sources: Iterable[Path], out: Path) -> Path:
    """One RDF/XML file holding every triple of ``sources`` (RDF/XML ``.owl``/``.rdf``,
    Turtle ``.ttl`` or N-Triples ``.nt``, each possibly gzipped), for a reasoner that reads
    one file. Blank nodes stay apart per source."""
    import gzip

    from pyoxigraph import RdfFormat, parse

    formats = {".owl": RdfFormat.RDF_XML, ".rdf": RdfFormat.RDF_XML,
               ".ttl": RdfFormat.TURTLE, ".nt": RdfFormat.N_TRIPLES}
    triples: list = []
    for source in sources:
        source = Path(source)
        name = source.name.removesuffix(".gz")
        fmt = formats.get(Path(name).suffix)
        if fmt is None:
            raise OsteoKGError(f"{source}: not an RDF file this can merge (.owl, .rdf, .ttl, "
                               ".nt, optionally .gz)")
        data = gzip.decompress(source.read_bytes()) if source.suffix == ".gz" \
            else source.read_bytes()
        base = source.resolve().as_uri()
        triples.extend(q.triple for q in parse(data, format=fmt, base_iri=base))
    return write_owl(triples, out)


@dataclass
class OwlCheck:
    """A reasoner's verdict on one OWL file: consistency and unsatisfiable named classes."""

    reasoner: str
    consistent: bool
    #: named classes equivalent to owl:Nothing
    unsatisfiable: list[str]
    seconds: float
    #: classes unsatisfiable only because another one is (rustdl's derived ones), if known
    derived: dict[str, list[str]] = field(default_factory=dict)


def run_rustdl(owl_path: Path) -> OwlCheck:
    """Consistency and unsatisfiable classes by rustdl (an OWL 2 DL reasoner in Rust, on
    PyPI: ``pip install rustdl``), in-process and without Java.

    Used where HermiT does not finish in reasonable time: the release beside the full RO
    release (RO's property chains over the claims' model individuals; see the README). Raises
    OsteoKGError when rustdl is not installed.
    """
    import os

    os.environ.setdefault("RUSTDL_CLASSIFY_ROLE_HIERARCHY_MAX_CLOSURE", RUSTDL_ROLE_CLOSURE)
    try:
        import rustdl
    except ImportError as exc:
        raise OsteoKGError("rustdl is not installed: pip install 'osteokg[owlcheck]'") from exc
    t0 = time.perf_counter()
    consistent, roots, derived = rustdl.diagnose(str(owl_path))
    seconds = time.perf_counter() - t0
    unsat = sorted((set(roots) | {d for d, _r in derived}) - {OWL_NOTHING})
    return OwlCheck("rustdl", bool(consistent), unsat, seconds,
                    {d: sorted(r) for d, r in derived})


def hermit_check(owl_path: Path, *, java: str | None = None) -> OwlCheck:
    """:func:`run_hermit` as an :class:`OwlCheck` (consistency and unsatisfiable classes)."""
    result = run_hermit(owl_path, java=java)
    return OwlCheck("HermiT", result.consistent, result.unsatisfiable, result.seconds)


# --- the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class Offender:
    """A curated record whose axiom takes part in a clash."""

    kind: str  # "assertion" | "concept"
    id: str  # assertion ID or concept CURIE
    where: str  # file:line
    text: str  # the axiom in CURIEs


@dataclass
class UnsatisfiableClass:
    iri: str
    label: str | None
    #: True when it is unsatisfiable only because a superclass or a related class is
    root: bool
    offenders: list[Offender] = field(default_factory=list)
    #: assertions whose axioms mention the class as object
    mentions: list[Offender] = field(default_factory=list)


@dataclass
class ReasoningReport:
    """What reasoning did: HermiT's verdict (if it ran) and the materialised edges."""

    hermit_ran: bool = False
    consistent: bool | None = None
    unsatisfiable: list[UnsatisfiableClass] = field(default_factory=list)
    new_subclass_edges: list[tuple[str, str]] = field(default_factory=list)
    rule_counts: dict[str, int] = field(default_factory=dict)
    #: inferred edges written to the graph, and all edges derived (any property)
    inferred_edges: int = 0
    derived_edges: int = 0
    justifications: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    note: str | None = None
    materialisation: Materialisation | None = None

    @property
    def dl_checked(self) -> bool:
        return self.hermit_ran and bool(self.consistent) and not self.unsatisfiable

    def summary(self) -> str:
        if not self.hermit_ran:
            verdict = "HermiT not run (not DL-checked)"
        elif not self.consistent:
            verdict = "INCONSISTENT"
        elif self.unsatisfiable:
            verdict = f"{len(self.unsatisfiable)} unsatisfiable class(es)"
        else:
            verdict = (f"consistent, all classes satisfiable, "
                       f"{len(self.new_subclass_edges)} inferred subClassOf edge(s)")
        rules = ", ".join(f"{k.removesuffix('Rule')} {v}" for k, v in self.rule_counts.items()
                          if v)
        times = ", ".join(f"{k} {v:.2f} s" for k, v in self.timings.items())
        return (f"{verdict}; {self.inferred_edges} inferred edges written ({rules or 'none'}) "
                f"of {self.derived_edges} derived; {times}")


# --- reasoning over a build --------------------------------------------------------------


def _triples(dataset: Dataset, keys: Iterable[str]) -> list:
    return [t for k in keys for t in dataset.graphs.get(k, [])]


def materialise_dataset(dataset: Dataset) -> Materialisation:
    """Materialise the inferred edges of a compiled dataset (no HermiT)."""
    tbox = read_tbox(_triples(dataset, TBOX_GRAPHS))
    edges, universal = asserted_edges(dataset.graphs.get("asserted", []),
                                      dataset.graphs.get("assertions", []), tbox)
    return materialise(tbox, edges, universal=universal)


def reason_dataset(result, *, use_java: bool = True) -> ReasoningReport:
    """Check with HermiT (when Java is there), then add the ``inferred`` and
    ``justifications`` graphs to the build.

    Raises :class:`InconsistentOntologyError` (nothing is added) when the ontology is
    inconsistent or a class is unsatisfiable.
    """
    from pyoxigraph import NamedNode, Quad

    report = ReasoningReport()
    java = find_java() if use_java else None
    if java:
        with tempfile.TemporaryDirectory(prefix="osteokg-owl-") as tmp:
            owl = write_owl(owl_view(result.dataset), Path(tmp) / "osteokg.owl")
            hermit = run_hermit(owl, java=java)
            report.hermit_ran = True
            report.timings["hermit"] = hermit.seconds
            report.consistent = hermit.consistent
            report.new_subclass_edges = hermit.new_subclass_edges
            if not hermit.consistent or hermit.unsatisfiable:
                report.unsatisfiable = _explain_unsatisfiable(result, hermit, owl, java)
                raise _inconsistency_error(report)
    else:
        report.note = NO_JAVA_NOTE if not use_java else JAVA_MISSING_NOTE
        result.notes.append(report.note)
    t0 = time.perf_counter()
    m = materialise_dataset(result.dataset)
    imports_tbox = read_tbox(result.dataset.graphs.get("imports", []))
    triples = inference_triples(
        m, ontology_source=lambda e: graph_iri("imports" if e in imports_tbox.existentials
                                                else "ontology"))
    for key, part in (("inferred", triples.edges), ("justifications", triples.justifications)):
        result.dataset.extend(key, part)
        g = NamedNode(graph_iri(key))
        result.store.bulk_extend([Quad(t.subject, t.predicate, t.object, g) for t in part])
    report.timings["materialise"] = time.perf_counter() - t0
    report.materialisation = m
    report.rule_counts = m.rule_counts()
    report.inferred_edges = len(m.emitted)
    report.derived_edges = len(m.inferred)
    report.justifications = sum(1 for t in triples.justifications
                                if t.predicate.value == RDF + "type"
                                and t.object.value == OKG + "Justification")
    result.dl_checked = report.dl_checked
    return report


def _label(result, iri_: str) -> str | None:
    from .prefixes import compress as _c

    concept = result.curation.concepts.get(_c(iri_))
    return concept.label if concept else None


def _explain_unsatisfiable(result, hermit: HermitResult, owl: Path,
                           java: str) -> list[UnsatisfiableClass]:
    """Which curated records make each unsatisfiable class unsatisfiable.

    Roots are the unsatisfiable classes that are not so merely because a superclass or a
    class they are related to (``S SubClassOf P some O``) is. For each root, one more HermiT
    run tests copies of the class, each without one of its assertion axioms (or without the
    curated parent): an axiom whose removal makes the copy satisfiable takes part in every
    clash and is named as the offender; when none does alone, all are named.
    """
    tbox = read_tbox(_triples(result.dataset, TBOX_GRAPHS))
    curation = result.curation
    by_subject: dict[str, list] = {}
    by_object: dict[str, list] = {}
    for a in curation.assertions:
        if a.certainty in FACTUAL and a.object:
            by_subject.setdefault(iri(a.subject).value, []).append(a)
            by_object.setdefault(iri(a.object).value, []).append(a)
    unsat = set(hermit.unsatisfiable)
    if not hermit.consistent:
        # Everything is unsatisfiable in an inconsistent ontology; the ABox (family member
        # links) is the only source of individuals, so name nothing in particular.
        return []
    derived = set()
    for c in unsat:
        related = {o for s, _p, o in tbox.existentials if s == c}
        related |= {iri(a.object).value for a in by_subject.get(c, ())}
        if (tbox.subclass.get(c, set()) | related) & unsat:
            derived.add(c)
    roots = sorted(unsat - derived) or sorted(unsat)
    tests: list[TestClass] = []
    candidates: dict[str, list[tuple[str, Offender]]] = {}
    for c in roots:
        axioms = [(a, (iri(a.predicate).value, iri(a.object).value))
                  for a in by_subject.get(c, ())]
        background = tuple((p, o) for s, p, o in sorted(tbox.existentials) if s == c)
        parents = tuple(sorted(tbox.subclass.get(c, set())))
        concept = curation.concepts.get(compress(c))
        options: list[tuple[str, Offender]] = []
        for i, (a, _ax) in enumerate(axioms):
            name = f"{edge_hash((c, 'assertion', a.id))}"
            rest = tuple(ax for j, (_b, ax) in enumerate(axioms) if j != i)
            tests.append(TestClass(name, parents, rest + background))
            options.append((name, Offender("assertion", a.id, str(a.where),
                                           f"{a.subject} {a.predicate} {a.object}")))
        if concept is not None and concept.parent:
            name = edge_hash((c, "parent", concept.parent))
            others = tuple(p for p in parents if p != iri(concept.parent).value)
            tests.append(TestClass(name, others, tuple(ax for _a, ax in axioms) + background))
            options.append((name, Offender("concept", concept.id, str(concept.where),
                                           f"{concept.id} SubClassOf {concept.parent}")))
        candidates[c] = options
    check = run_hermit(owl, tests=tests, java=java) if tests else None
    out = []
    for c in sorted(unsat):
        entry = UnsatisfiableClass(c, _label(result, c), root=c in roots)
        if c in candidates and check is not None:
            options = candidates[c]
            needed = [o for name, o in options if name not in check.unsatisfiable_tests]
            entry.offenders = needed or [o for _n, o in options]
        entry.mentions = [Offender("assertion", a.id, str(a.where),
                                   f"{a.subject} {a.predicate} {a.object}")
                          for a in by_object.get(c, ())]
        out.append(entry)
    return out


def _inconsistency_error(report: ReasoningReport) -> InconsistentOntologyError:
    if not report.consistent:
        exc = InconsistentOntologyError(
            "HermiT found the OWL view inconsistent; nothing was written - check the "
            "disjointness axioms in ontology/axioms.ttl against the family member links "
            "(RO:0002351) of seeds/concepts")
        exc.report = report  # type: ignore[attr-defined]
        return exc
    roots = [u for u in report.unsatisfiable if u.root]
    head = f"HermiT found {len(report.unsatisfiable)} unsatisfiable class(es); nothing was written:"
    lines = [head]
    for u in roots:
        name = f"{compress(u.iri)}" + (f" ({u.label})" if u.label else "")
        lines.append(f"  - {name} is unsatisfiable because of:")
        for o in u.offenders:
            what = "assertion" if o.kind == "assertion" else "concept"
            lines.append(f"      {what} {o.id} at {o.where}: {o.text}")
        if not u.offenders:
            lines.append("      (no curated axiom on it: check ontology/axioms.ttl)")
    others = [compress(u.iri) for u in report.unsatisfiable if not u.root]
    if others:
        lines.append(f"  - unsatisfiable as a consequence: {', '.join(others)}")
    lines.append("  fix: correct the predicate or object of the named assertions (or the "
                 "concept's parent); a disjointness or domain/range axiom in "
                 "ontology/axioms.ttl forbids them")
    exc = InconsistentOntologyError("\n".join(lines))
    exc.report = report  # type: ignore[attr-defined]
    return exc


# --- agreement with HermiT ---------------------------------------------------------------


@dataclass(frozen=True)
class Witness:
    """What makes a materialised edge ``S P O`` true in the OWL view.

    ``kind`` is "class" when the edge descends (through the first premise of each
    derivation) from a universal edge ``C SubClassOf (P' some O')``: the witness is the class
    C, and HermiT must entail ``C SubClassOf S and (P some O)``. It is "individual" when it
    descends from an existential claim: the witnesses are the subject individuals
    (``okgm:Annnn-s``) of that claim's models, and HermiT must entail that each is an
    instance of ``S and (P some O)``. ``iris`` is empty when the derivation reaches neither
    (cannot happen for a well-formed materialisation; reported, never passed).
    """

    kind: str  # "class" | "individual" | "none"
    iris: tuple[str, ...]
    #: the edge the first premises lead down to (the claim or axiom the edge rests on)
    root: Edge


def edge_witness(m: Materialisation, edge: Edge) -> Witness:
    """The witness of a materialised edge (see :class:`Witness`)."""
    e, seen = edge, set()
    while e not in seen:
        seen.add(e)
        if e in m.universal:
            return Witness("class", (e[0],), e)
        if e in m.asserted:
            ids = (node.rsplit("/", 1)[-1] for node in m.asserted[e])
            return Witness("individual",
                           tuple(model_individuals(aid)[0].value for aid in ids), e)
        how = m.inferred.get(e) or m.ontology.get(e)
        if how is None:
            break
        e = how.premises[0]
    return Witness("none", (), e)


@dataclass
class Agreement:
    """Materialised edges compared with what HermiT entails of their witnesses."""

    probes: int
    checked_edges: int
    #: materialised edges whose witness HermiT does not put in ``S and (P some O)``
    #: (should be empty: soundness)
    unjustified: list[Edge]
    #: edges HermiT entails that the materialiser lacks (completeness, over the probed (P, O)
    #: pairs): ``C P O`` for a named class C below ``P some O``, and ``S P O`` for the
    #: subject S of an existential claim whose model individual is in ``P some O``, less
    #: those left out by design (``left_out``)
    missing: list[Edge]
    seconds: float
    #: edges checked through a class witness / through model individuals
    by_class: int = 0
    by_individual: int = 0
    #: model individuals whose types HermiT computed
    individuals: int = 0
    #: for each unjustified edge, what HermiT did not entail
    why: dict[Edge, str] = field(default_factory=dict)
    #: entailed edges the materialiser leaves out by design, by reason (:data:`UPPER_LEVEL`,
    #: :data:`INHERITED`, :data:`WITHHELD`, :data:`REFLEXIVE`); not in ``missing``
    left_out: dict[str, list[Edge]] = field(default_factory=dict)


def default_java_memory_mb() -> int:
    """HermiT's heap for the agreement check: a quarter of this machine's memory, between
    2000 MB (owlready2's default) and 8000 MB."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 20
    except (ValueError, OSError, AttributeError):
        return 2000
    return max(2000, min(8000, total // 4))


def agreement(dataset: Dataset, m: Materialisation | None = None, *,
              java: str | None = None, complete: bool = False,
              objects: Iterable[str] | None = None,
              edges: Iterable[Edge] | None = None, java_memory_mb: int | None = None,
              batch: int | None = None, progress=None) -> Agreement:
    """Check the materialised edges against HermiT, each through its :class:`Witness`.

    HermiT classifies the OWL view with one probe class ``P some O`` per (P, O) pair and
    realises the model individuals (``-I``: each one's entailed classes, probes among them).
    An edge ``S P O`` is justified when its class witness C is below both S and the probe,
    or each of its individual witnesses is an instance of both; otherwise it is
    ``unjustified`` (``why`` says what failed). Probes are the (P, O) pairs of the checked
    edges (with ``objects``: every property of those edges against each of ``objects``,
    checking only the edges whose object is among them); ``complete`` probes every property
    with every object instead (much slower), so that an entailment whose (P, O) pair the
    rules never produce shows up in ``missing`` too. ``edges`` checks those edges (e.g. one
    made up, to see it refused) instead of the materialised ones.

    HermiT runs once per ``batch`` probes (default: all in one run), each time with a
    ``java_memory_mb`` heap (default :func:`default_java_memory_mb`); ``progress(done,
    total)`` is called after each run. Batches need less memory; the result is the same
    (tests/test_hermit_batches.py compares them).
    """
    m = m or materialise_dataset(dataset)
    known = {e for e in m.all_edges() if e[1] != SUBCLASS}
    checked = set(known if edges is None else edges)
    pairs = {(p, o) for _s, p, o in checked}
    props = {p for p, _o in pairs}
    if complete:
        pairs = {(p, o) for p in props for o in {o for _p, o in pairs}}
    if objects is not None:
        wanted = set(objects)
        pairs = {(p, o) for p in props for o in wanted}
        checked = {e for e in checked if e[2] in wanted}
    if batch is not None and batch < 1:
        raise OsteoKGError(f"batch must be at least 1 probe per HermiT run, got {batch}")
    with tempfile.TemporaryDirectory(prefix="osteokg-agree-") as tmp:
        owl = write_owl(owl_view(dataset), Path(tmp) / "osteokg.owl")
        hermit = _hermit_batches(owl, sorted(pairs), java=java, batch=batch, progress=progress,
                                 java_memory_mb=java_memory_mb or default_java_memory_mb())
    below = hermit.entailed  # (P, O) -> named classes below the probe
    supers = _ancestors_index(hermit.parents, hermit.equivalents)
    result = Agreement(len(pairs), len(checked), [], [], hermit.seconds,
                       individuals=sum(1 for x in hermit.types if x.startswith(PREFIXES["okgm"])))
    for e in sorted(checked):
        s, p, o = e
        w = edge_witness(m, e)
        if w.kind == "class":
            result.by_class += 1
            c = w.iris[0]
            fails = [] if c == s or s in supers(c) else [f"{compress(c)} not below {compress(s)}"]
            if c not in below.get((p, o), ()):
                fails.append(f"{compress(c)} not below {compress(p)} some {compress(o)}")
        elif w.kind == "individual":
            result.by_individual += 1
            fails = []
            for x in w.iris:
                types = hermit.types.get(x, set())
                if s not in types:
                    fails.append(f"{compress(x)} not a {compress(s)}")
                if hermit.probe_classes.get((p, o)) not in types:
                    fails.append(f"{compress(x)} not in {compress(p)} some {compress(o)}")
        else:
            fails = [f"no witness: the derivation ends at {' '.join(map(compress, w.root))}"]
        if fails:
            result.unjustified.append(e)
            result.why[e] = "; ".join(fails)
    if edges is None:
        result.missing, result.left_out = _missing(m, known, hermit)
    return result



def _hermit_batches(owl: Path, pairs: list[tuple[str, str]], *, java: str | None,
                    java_memory_mb: int, batch: int | None, progress) -> HermitResult:
    """HermiT with realisation on ``owl``, ``batch`` probes per run, as one result.

    Each run names its probe classes afresh (``probe0``...), so a run's probe class IRIs are
    suffixed with the run's number before the results are joined; the taxonomy of named
    classes is the same in every run and is taken from the first.
    """
    size = batch or max(1, len(pairs))
    chunks = [pairs[i:i + size] for i in range(0, len(pairs), size)] or [[]]
    joined: HermitResult | None = None
    for done, chunk in enumerate(chunks, 1):
        run = run_hermit(owl, probes=chunk, java=java, java_memory_mb=java_memory_mb,
                         realise=True)
        if not run.consistent:
            raise InconsistentOntologyError("the OWL view is inconsistent; agreement not checked")
        rename = {iri: f"{iri}-run{done}" for iri in run.probe_classes.values()}
        run.probe_classes = {key: rename[iri] for key, iri in run.probe_classes.items()}
        run.types = {x: {rename.get(c, c) for c in cs} for x, cs in run.types.items()}
        if joined is None:
            joined = run
        else:
            joined.entailed.update(run.entailed)
            joined.probe_classes.update(run.probe_classes)
            for x, cs in run.types.items():
                joined.types.setdefault(x, set()).update(cs)
            joined.seconds += run.seconds
        if progress is not None:
            progress(done, len(chunks))
    assert joined is not None
    return joined

def _missing(m: Materialisation, known: set[Edge],
             hermit: HermitResult) -> tuple[list[Edge], dict[str, list[Edge]]]:
    """Entailed edges over the probed pairs that the materialiser lacks: those it leaves out
    by design (by reason), and the rest (see :attr:`Agreement.missing`)."""
    classes = set(m.tbox.subclass) | {c for v in m.tbox.subclass.values() for c in v}
    classes |= {s for s, _p, _o in known} | {o for _s, _p, o in known}
    entailed = {(c, p, o) for (p, o), subs in hermit.entailed.items() for c in subs
                if c in classes}
    for e, ids in m.asserted.items():
        if e in m.universal:
            continue
        for node in ids:
            x = model_individuals(node.rsplit("/", 1)[-1])[0].value
            types = hermit.types.get(x, set())
            entailed |= {(e[0], p, o) for (p, o), probe in hermit.probe_classes.items()
                         if probe in types}
    above = _ancestors_index(hermit.parents, hermit.equivalents)

    def supers(c: str) -> set[str]:
        return set(above(c)) | m.tbox.ancestors(c)

    withheld_from: dict[str, list[Edge]] = {}
    for w in m.withheld:
        withheld_from.setdefault(w[0], []).append(w)

    def reason(e: Edge) -> str | None:
        s, p, o = e
        if s in m.upper or o in m.upper:
            return UPPER_LEVEL
        if o == s or o in supers(s):
            return REFLEXIVE
        if any((c, p, o) in m.universal for c in supers(s)):
            return INHERITED
        for w in withheld_from.get(s, ()):
            if p in {w[1]} | m.tbox.superproperties(w[1]) and o in {w[2]} | supers(w[2]):
                return WITHHELD
        return None

    missing: list[Edge] = []
    left_out: dict[str, list[Edge]] = {}
    for e in sorted(entailed - known):
        why = reason(e)
        if why is None:
            missing.append(e)
        else:
            left_out.setdefault(why, []).append(e)
    return missing, left_out


#: Why an entailed edge is not materialised, by design (:attr:`Agreement.left_out`).
UPPER_LEVEL = "to or from an upper-level class"
INHERITED = "a universal edge's subject's subclass (sound, but the inferred graph only generalises)"
WITHHELD = "rests on a signed edge withheld for a sign conflict"
REFLEXIVE = ("from a class to itself or to its own superclass (the rules draw no S P S edge, "
             "e.g. fracture contributes to fracture from fracture contributes to non-union, a "
             "kind of fracture, nor what generalises one)")


# --- explanations -------------------------------------------------------------------------


@dataclass
class EvidenceItem:
    sentence: str  # sentence ID
    text: str  # the sentence (normalised, Chinese)
    quote: str
    english: str
    references: list[int]
    eco: str | None


@dataclass
class AssertionInfo:
    id: str
    certainty: str
    curated_in: str | None
    evidence: list[EvidenceItem]


@dataclass
class Explanation:
    """One edge and why it holds; ``premises`` are the edges it follows from."""

    edge: Edge
    kind: str  # "asserted" | "inferred" | "ontology"
    rule: str | None = None
    axiom: dict[str, str] = field(default_factory=dict)
    assertions: list[AssertionInfo] = field(default_factory=list)
    premises: list[Explanation] = field(default_factory=list)
    source: str | None = None  # for stated ontology axioms: the graph they are in

    def leaves(self) -> list[AssertionInfo]:
        out = list(self.assertions)
        for p in self.premises:
            out.extend(p.leaves())
        return out

    def to_dict(self) -> dict:
        return {
            "subject": compress(self.edge[0]), "predicate": compress(self.edge[1]),
            "object": compress(self.edge[2]), "kind": self.kind, "rule": self.rule,
            "axiom": {k: compress(v) for k, v in self.axiom.items()},
            "source": self.source,
            "assertions": [
                {"id": a.id, "certainty": a.certainty, "curated_in": a.curated_in,
                 "evidence": [vars(e) for e in a.evidence]} for a in self.assertions],
            "premises": [p.to_dict() for p in self.premises],
        }


_CERTAINTY_NAMES = {
    "Established": "established", "Reported": "reported",
    "ReportedInVitro": "reported_in_vitro", "ReportedInVivo": "reported_in_vivo",
    "ReportedInVitroAndInVivo": "reported_in_vitro_and_in_vivo", "Hypothesis": "hypothesis",
    "Unclear": "unclear",
}


class _Graph:
    """Small helpers over a pyoxigraph Store restricted to one named graph at a time."""

    def __init__(self, store) -> None:
        from pyoxigraph import NamedNode

        self.store = store
        self.N = NamedNode

    def objects(self, s: str, p: str, graph: str | None = None) -> list:
        g = self.N(graph_iri(graph)) if graph else None
        return [q.object for q in self.store.quads_for_pattern(self.N(s), self.N(p), None, g)]

    def value(self, s: str, p: str, graph: str | None = None):
        found = self.objects(s, p, graph)
        return found[0] if found else None

    def has(self, s: str, p: str, o: str, graph: str) -> bool:
        return any(True for _ in self.store.quads_for_pattern(
            self.N(s), self.N(p), self.N(o), self.N(graph_iri(graph))))

    def subjects(self, p: str, o: str, graph: str | None = None) -> list[str]:
        g = self.N(graph_iri(graph)) if graph else None
        return sorted({q.subject.value for q in self.store.quads_for_pattern(
            None, self.N(p), self.N(o), g)})


def assertion_info(store, node: str) -> AssertionInfo:
    """An assertion node's certainty, file:line and evidence (sentence, quote, English...)."""
    g = _Graph(store)
    certainty = g.value(node, OKG + "certainty", "assertions")
    curated = g.value(node, OKG + "curatedIn", "assertions")
    items = []
    for e in sorted(g.objects(node, OKG + "hasEvidence", "assertions"), key=lambda t: t.value):
        sentence = g.value(e.value, OKG + "sentence", "assertions")
        text = g.value(sentence.value, OKG + "text", "source") if sentence else None
        quote = None
        for sel in g.objects(e.value, "http://www.w3.org/ns/oa#hasSelector", "assertions"):
            q = g.value(sel.value, "http://www.w3.org/ns/oa#exact", "assertions")
            if q is not None:
                quote = q.value
        refs = sorted(int(r.value.rsplit("/", 1)[-1]) for r in
                      g.objects(e.value, "http://purl.org/dc/terms/references", "assertions"))
        eco = g.value(e.value, OKG + "evidenceType", "assertions")
        english = g.value(e.value, OKG + "englishRendering", "assertions")
        items.append(EvidenceItem(
            sentence.value.rsplit("/", 1)[-1] if sentence else "?",
            text.value if text else "", quote or "", english.value if english else "",
            refs, compress(eco.value) if eco else None))
    return AssertionInfo(node.rsplit("/", 1)[-1],
                         _CERTAINTY_NAMES.get(certainty.value.rsplit("/", 1)[-1], "?")
                         if certainty else "?",
                         curated.value if curated else None, items)


def _assertion_nodes(g: _Graph, edge: Edge) -> list[str]:
    s, p, o = edge
    nodes = set(g.subjects(RDF + "subject", s, "assertions"))
    nodes &= set(g.subjects(RDF + "predicate", p, "assertions"))
    nodes &= set(g.subjects(RDF + "object", o, "assertions"))
    return sorted(nodes)


def explain(store_or_result, s: str, p: str, o: str) -> Explanation:
    """Why ``s p o`` holds (IRIs): asserted with evidence, or inferred with its premises.

    The tree goes down to assertion nodes and their evidence (Chinese sentence, quote,
    English rendering, cited references, certainty). Raises QueryError when the edge is
    neither asserted nor inferred.
    """
    store = getattr(store_or_result, "store", store_or_result)
    g = _Graph(store)
    return _explain(g, (s, p, o), set())


def _explain(g: _Graph, edge: Edge, seen: set[Edge]) -> Explanation:
    s, p, o = edge
    if g.has(s, p, o, "asserted"):
        nodes = [n for n in _assertion_nodes(g, edge)
                 if g.value(n, OKG + "certainty", "assertions") is not None]
        infos = [assertion_info(g.store, n) for n in nodes]
        infos = [a for a in infos if a.certainty not in ("hypothesis", "unclear")]
        return Explanation(edge, "asserted", assertions=infos)
    node = OKGI + edge_hash(edge)
    kind = "inferred"
    if g.value(node, OKG + "rule", "justifications") is None:
        node = OKGI + "ontology-" + edge_hash(edge)
        kind = "ontology"
        if not g.objects(node, RDF + "type", "justifications"):
            raise _not_found(g, edge)
    if edge in seen:  # cannot happen with well-founded justifications; guard anyway
        return Explanation(edge, kind)
    seen = seen | {edge}
    rule = g.value(node, OKG + "rule", "justifications")
    axiom = {}
    for key in ("viaAxiom", "viaSubClass", "viaSuperClass", "viaSubProperty",
                "viaSuperProperty", "viaChainFirst", "viaChainSecond"):
        v = g.value(node, OKG + key, "justifications")
        if v is not None:
            axiom[key] = v.value
    out = Explanation(edge, kind, rule.value.rsplit("/", 1)[-1] if rule else None, axiom)
    sources = sorted(t.value for t in g.objects(node, "http://www.w3.org/ns/prov#wasDerivedFrom",
                                                  "justifications"))
    by_premise: dict[Edge, list[str]] = {}
    for target in sources:
        if target.startswith(OKGI):
            ps = g.value(target, RDF + "subject", "justifications")
            pp = g.value(target, RDF + "predicate", "justifications")
            po = g.value(target, RDF + "object", "justifications")
            out.premises.append(_explain(g, (ps.value, pp.value, po.value), seen))
        elif "/assertion/" in target:
            ps = g.value(target, RDF + "subject", "assertions")
            pp = g.value(target, RDF + "predicate", "assertions")
            po = g.value(target, RDF + "object", "assertions")
            by_premise.setdefault((ps.value, pp.value, po.value), []).append(target)
        else:
            out.source = target
    for premise, nodes in sorted(by_premise.items()):
        out.premises.append(Explanation(premise, "asserted",
                                        assertions=[assertion_info(g.store, n) for n in nodes]))
    # premises in reading order: the one starting at the conclusion's subject first
    out.premises.sort(key=lambda e: (e.edge[0] != edge[0], e.edge))
    return out


def _not_found(g: _Graph, edge: Edge) -> QueryError:
    shown = " ".join(compress(x) for x in edge)
    nodes = _assertion_nodes(g, edge)
    if nodes:
        certainty = sorted(_CERTAINTY_NAMES.get(c.value.rsplit("/", 1)[-1], "?") for n in nodes
                           if (c := g.value(n, OKG + "certainty", "assertions")) is not None)
        ids = ", ".join(n.rsplit("/", 1)[-1] for n in nodes)
        return QueryError(f"{shown} is only a {'/'.join(sorted(set(certainty)))} in the review "
                          f"({ids}): hypotheses and open questions are not reasoned over - "
                          f"'osteokg evidence' shows them")
    return QueryError(f"{shown} is neither asserted nor inferred - check the terms, or list "
                      "what is known with 'osteokg query'")


def format_explanation(expl: Explanation, label, *, indent: str = "") -> list[str]:
    """Lines of an indented justification tree; ``label(iri)`` gives a display label."""

    def term(x: str) -> str:
        name = label(x)
        return f"{compress(x)} ({name})" if name else compress(x)

    head = f"{term(expl.edge[0])} {term(expl.edge[1])} {term(expl.edge[2])}"
    if expl.kind == "asserted":
        ids = ", ".join(f"{a.id} [{a.certainty}]" for a in expl.assertions)
        lines = [f"{indent}{head}", f"{indent}  asserted by {ids}"]
        for a in expl.assertions:
            for ev in a.evidence:
                refs = f" refs {', '.join(map(str, ev.references))}" if ev.references else ""
                lines.append(f"{indent}    {a.id} {ev.sentence}: {ev.text}")
                lines.append(f"{indent}      quote: {ev.quote}")
                lines.append(f"{indent}      English: {ev.english}{refs} ({ev.eco})")
        return lines
    how = expl.rule or "stated"
    via = ", ".join(f"{k} {term(v)}" for k, v in expl.axiom.items())
    what = "inferred" if expl.kind == "inferred" else "from the ontology"
    lines = [f"{indent}{head}", f"{indent}  {what}: {how}" + (f" ({via})" if via else "")]
    if expl.source:
        lines.append(f"{indent}  stated in <{expl.source}>")
    for premise in expl.premises:
        lines.extend(format_explanation(premise, label, indent=indent + "    "))
    return lines


def labels(store, lang: str = "en"):
    """A label function over the store: ``lang`` label, else English, else None."""
    from pyoxigraph import NamedNode

    cache: dict[str, str | None] = {}
    label_p = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

    def label(x: str) -> str | None:
        if x not in cache:
            found = {getattr(q.object, "language", None): q.object.value
                     for q in store.quads_for_pattern(NamedNode(x), label_p, None, None)}
            cache[x] = found.get(lang) or found.get("en") or found.get(None) or (
                next(iter(found.values())) if found else None)
        return cache[x]

    return label


def subclass_pairs(m: Materialisation) -> Mapping[str, set[str]]:
    """The told named class hierarchy the materialiser used (sub -> direct supers)."""
    return m.tbox.subclass


__all__ = [
    "Agreement", "Explanation", "HermitResult", "OwlCheck", "ReasoningReport", "TBox",
    "TestClass", "Witness", "agreement", "edge_witness", "explain", "find_java",
    "format_explanation", "hermit_check", "materialise_dataset", "merge_owl", "owl_view",
    "reason_dataset", "run_hermit", "run_rustdl", "write_owl",
]
