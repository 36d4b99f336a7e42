"""Materialise the edges that follow from the asserted ones, each with its justification.

Ubergraph-style direct edges ``S P O`` between named classes, read as the OWL axiom
``S SubClassOf (P some O)``. A small semi-naive fixpoint applies six rules, each sound for
that reading:

=========================  ==========================================================  =====
rule                       premises                                                    adds
=========================  ==========================================================  =====
TransitivityRule           ``a P b``, ``b P c``, P an owl:TransitiveProperty            a P c
SubPropertyRule            ``a P b``, ``P rdfs:subPropertyOf Q``                        a Q b
SubClassInheritanceRule    ``S P O``, ``S' rdfs:subClassOf S``                          S' P O
SuperClassObjectRule       ``S P O``, ``O rdfs:subClassOf O'``                          S P O'
PropertyChainRule          ``a P1 b``, ``b P2 c``, ``P1 o P2 rdfs:subPropertyOf R``     a R c
RangeRule                  ``S P O``, ``P rdfs:range C``                                S P C
DomainRule                 ``S P O``, ``P rdfs:domain D``                               S ⊑ D
=========================  ==========================================================  =====

Domains and ranges count for a property when declared on it, on a super-property, or (swapped)
on its inverse. The domain rule adds a class-hierarchy edge ``S rdfs:subClassOf D``, which
the two inheritance rules then use like a told one (with the derived edge as a premise).

What is deliberately *not* done, because OWL does not license it for class-level edges:
inverses (``S SubClassOf P some O`` says nothing about every O), symmetry (same reason), and
anything through ``RO:0002351 has member``: a family class such as "IL-1" is not a superclass
of its members, so a claim the review makes about "IL-1" is not copied to IL1A or IL1B. The
review's vague claims stay vague; a member inherits nothing from its family.

Premises come in two kinds. *Asserted* edges are the factual claims of the review (the
``asserted`` graph; hypotheses and open questions never get there). *Ontology* edges are the
existential axioms ``S SubClassOf (P some O)`` that the TBox and import modules state between
named classes (e.g. GO ``part of`` links). The ontology edges are closed first on their own;
only edges whose derivation uses at least one assertion are then added to the ``inferred``
graph (their justifications to the ``justifications`` graph), so every inferred edge is new
knowledge from the review and every justification tree reaches an evidence sentence. Edges
already asserted are never repeated. Only properties the assertions use, or marked
``okg:materialised`` in ontology/axioms.ttl, get direct inferred edges (see
:func:`materialise`).

Each derived edge records the first derivation found (rounds are processed in sorted order,
so the derivation, the justification IRI and the output are deterministic); premises are
always derived before their conclusions, so justification trees are finite.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, NamedNode

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OKG = "https://w3id.org/osteokg/vocab/"
OKGI = "https://w3id.org/osteokg/inference/"
HAS_MEMBER = "http://purl.obolibrary.org/obo/RO_0002351"

RULES = ("TransitivityRule", "SubPropertyRule", "SubClassInheritanceRule",
         "SuperClassObjectRule", "PropertyChainRule", "RangeRule", "DomainRule")  # fmt: skip
#: Certainties that are never premises (hypotheses and open questions).
HEDGED_CERTAINTIES = frozenset({OKG + "Hypothesis", OKG + "Unclear"})
#: The predicate of derived class-hierarchy edges (from the domain rule).
SUBCLASS = RDFS + "subClassOf"

#: Never used as a class in an edge: OWL's top and bottom classes.
_TOP_BOTTOM = frozenset({OWL + "Thing", OWL + "Nothing"})

Edge = tuple[str, str, str]


@dataclass(frozen=True)
class Derivation:
    """How one edge follows: the rule, the axiom it uses and the premise edges."""

    rule: str
    premises: tuple[Edge, ...]
    #: the TBox axiom used, as (kind, terms...):
    #: ("transitive", P) | ("subproperty", P, Q) | ("subclass", sub, super) |
    #: ("chain", R, P1, P2) | ("range", P, C)
    axiom: tuple[str, ...]


@dataclass
class TBox:
    """The parts of the ontology the rules use, as IRIs."""

    subclass: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    subproperty: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    transitive: set[str] = field(default_factory=set)
    #: (P1, P2) -> {R} for ``P1 o P2 SubPropertyOf R``
    chains: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    domains: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: existential axioms S SubClassOf (P some O) between named classes
    existentials: set[Edge] = field(default_factory=set)
    #: classes that have members (``RO:0002351``): families, never propagated to members
    families: set[str] = field(default_factory=set)
    #: properties annotated ``okg:materialised true``: their inferred edges are written even
    #: when no assertion uses them (e.g. regulates, causally upstream of)
    materialised: set[str] = field(default_factory=set)
    object_properties: set[str] = field(default_factory=set)
    datatype_properties: set[str] = field(default_factory=set)

    @property
    def subclasses(self) -> dict[str, set[str]]:
        """super -> direct named subclasses."""
        out: dict[str, set[str]] = defaultdict(set)
        for sub, supers in self.subclass.items():
            for sup in supers:
                out[sup].add(sub)
        return out

    def ancestors(self, cls: str) -> set[str]:
        """Every named superclass of ``cls`` by told subClassOf (not including itself)."""
        seen: set[str] = set()
        todo = list(self.subclass.get(cls, ()))
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(self.subclass.get(c, ()))
        return seen

    def effective(self, prop: str, kind: str) -> list[tuple[str, str]]:
        """(carrier, class) for each domain or range (``kind``) that holds for ``prop``: declared
        on it or a super-property, or the range/domain of its inverse."""
        own, swapped = (self.domains, self.ranges) if kind == "domain" else \
            (self.ranges, self.domains)
        out = set()
        for q in {prop} | self.superproperties(prop):
            out.update((q, c) for c in own.get(q, ()))
            for inv in self.inverses.get(q, ()):
                for r in {inv} | self.superproperties(inv):
                    out.update((r, c) for c in swapped.get(r, ()))
        return sorted(out)

    def superproperties(self, prop: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self.subproperty.get(prop, ()))
        while todo:
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(self.subproperty.get(p, ()))
        return seen


def _value(term) -> str | None:
    """IRI of a NamedNode, ``_:label`` of a blank node, None for a literal."""
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return "_:" + term.value
    return None


def _rdf_list(first: Mapping[str, str], rest: Mapping[str, str], head: str) -> list[str]:
    out, node, seen = [], head, set()
    while node != RDF + "nil" and node not in seen:
        seen.add(node)
        if node not in first:
            return []
        out.append(first[node])
        node = rest.get(node, RDF + "nil")
    return out


def read_tbox(triples: Iterable) -> TBox:
    """Extract what the rules need from OWL triples (pyoxigraph Triples of the TBox graphs)."""
    tbox = TBox()
    rows = []
    for t in triples:
        if t.predicate.value == OKG + "materialised" and t.object.value == "true":
            tbox.materialised.add(t.subject.value)
            continue
        s, p, o = _value(t.subject), t.predicate.value, _value(t.object)
        if s is None or o is None:
            continue
        rows.append((s, p, o))
    on_property, some_values, first, rest = {}, {}, {}, {}
    for s, p, o in rows:
        if p == OWL + "onProperty":
            on_property[s] = o
        elif p == OWL + "someValuesFrom":
            some_values[s] = o
        elif p == RDF + "first":
            first[s] = o
        elif p == RDF + "rest":
            rest[s] = o

    def named(x: str) -> bool:
        return not x.startswith("_:") and x not in _TOP_BOTTOM

    def restriction(x: str) -> tuple[str, str] | None:
        prop, filler = on_property.get(x), some_values.get(x)
        if prop and filler and named(prop) and named(filler):
            return prop, filler
        return None

    for s, p, o in rows:
        if p == RDFS + "subClassOf" or p == OWL + "equivalentClass":
            if named(s) and named(o) and s != o:
                tbox.subclass[s].add(o)
                if p == OWL + "equivalentClass":
                    tbox.subclass[o].add(s)
            elif named(s) and o.startswith("_:") and (r := restriction(o)):
                tbox.existentials.add((s, r[0], r[1]))
        elif p == RDFS + "subPropertyOf" and named(s) and named(o) and s != o:
            tbox.subproperty[s].add(o)
        elif p == RDF + "type":
            if o == OWL + "TransitiveProperty":
                tbox.transitive.add(s)
            elif o == OWL + "ObjectProperty":
                tbox.object_properties.add(s)
            elif o == OWL + "DatatypeProperty":
                tbox.datatype_properties.add(s)
        elif p == OWL + "propertyChainAxiom" and named(s):
            chain = _rdf_list(first, rest, o)
            if len(chain) == 2 and all(named(c) for c in chain):
                tbox.chains[(chain[0], chain[1])].add(s)
        elif p == RDFS + "range" and named(s) and named(o):
            tbox.ranges[s].add(o)
        elif p == RDFS + "domain" and named(s) and named(o):
            tbox.domains[s].add(o)
        elif p == OWL + "inverseOf" and named(s) and named(o):
            tbox.inverses[s].add(o)
            tbox.inverses[o].add(s)
        elif p == HAS_MEMBER and named(s):
            tbox.families.add(s)
    tbox.subclass.pop(OWL + "Thing", None)
    return tbox


class _Closure:
    """Semi-naive forward chaining over edges; keeps the first derivation of each edge."""

    def __init__(self, tbox: TBox, known: Mapping[Edge, Derivation | None] = ()) -> None:
        self.tbox = tbox
        self.subclasses = tbox.subclasses
        #: edge -> derivation (None for a premise given as a fact)
        self.edges: dict[Edge, Derivation | None] = dict(known)
        self.out: dict[tuple[str, str], set[str]] = defaultdict(set)  # (P, s) -> {o}
        self.into: dict[tuple[str, str], set[str]] = defaultdict(set)  # (P, o) -> {s}
        self.by_subject: dict[str, set[tuple[str, str]]] = defaultdict(set)  # s -> {(P, o)}
        self.by_object: dict[str, set[tuple[str, str]]] = defaultdict(set)  # o -> {(s, P)}
        for e in self.edges:
            self._index(e)
        self.ranges = {p: tbox.effective(p, "range") for p in self._properties()}
        self.domains = {p: tbox.effective(p, "domain") for p in self._properties()}
        self._ancestors: dict[str, set[str]] = {}
        self.chains_first: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.chains_second: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for (p1, p2), supers in sorted(tbox.chains.items()):
            for r in sorted(supers):
                self.chains_first[p1].append((p2, r))
                self.chains_second[p2].append((p1, r))

    def run(self, facts: Iterable[Edge]) -> dict[Edge, Derivation]:
        """Add ``facts`` and close; return the derivations of the edges added by rules."""
        added: dict[Edge, Derivation] = {}
        delta: list[Edge] = []
        for e in sorted(set(facts)):
            if e not in self.edges:
                self._store(e, None)
                delta.append(e)
        while delta:
            fresh: dict[Edge, Derivation] = {}
            for e in delta:
                for new, how in self._consequences(e):
                    if new not in self.edges and new not in fresh:
                        fresh[new] = how
            delta = sorted(fresh)
            for e in delta:
                self._store(e, fresh[e])
                added[e] = fresh[e]
        return added

    def _properties(self) -> set[str]:
        t = self.tbox
        props = set(t.object_properties) | set(t.subproperty) | set(t.ranges) | set(t.domains)
        props |= {q for qs in t.subproperty.values() for q in qs} | set(t.inverses)
        return props

    def _index(self, e: Edge) -> None:
        s, p, o = e
        self.out[(p, s)].add(o)
        self.into[(p, o)].add(s)
        self.by_subject[s].add((p, o))
        self.by_object[o].add((s, p))

    def _store(self, e: Edge, how: Derivation | None) -> None:
        self.edges[e] = how
        self._index(e)

    def _told_ancestors(self, cls: str) -> set[str]:
        if cls not in self._ancestors:
            self._ancestors[cls] = self.tbox.ancestors(cls)
        return self._ancestors[cls]

    def _consequences(self, e: Edge) -> Iterable[tuple[Edge, Derivation]]:
        s, p, o = e
        tbox = self.tbox
        if p == SUBCLASS:
            yield from self._subclass_consequences(e)
            return
        if p in tbox.transitive:
            for c in sorted(self.out.get((p, o), ())):
                yield (s, p, c), Derivation("TransitivityRule", (e, (o, p, c)), ("transitive", p))
            for z in sorted(self.into.get((p, s), ())):
                yield (z, p, o), Derivation("TransitivityRule", ((z, p, s), e), ("transitive", p))
        for q in sorted(tbox.subproperty.get(p, ())):
            yield (s, q, o), Derivation("SubPropertyRule", (e,), ("subproperty", p, q))
        for sub in sorted(self.subclasses.get(s, ())):
            if sub not in _TOP_BOTTOM:
                yield (sub, p, o), Derivation("SubClassInheritanceRule", (e,),
                                              ("subclass", sub, s))
        for sub in sorted(self.into.get((SUBCLASS, s), ())):
            yield (sub, p, o), Derivation("SubClassInheritanceRule", (e, (sub, SUBCLASS, s)),
                                          ("subclass", sub, s))
        for sup in sorted(tbox.subclass.get(o, ())):
            yield (s, p, sup), Derivation("SuperClassObjectRule", (e,), ("subclass", o, sup))
        for sup in sorted(self.out.get((SUBCLASS, o), ())):
            yield (s, p, sup), Derivation("SuperClassObjectRule", (e, (o, SUBCLASS, sup)),
                                          ("subclass", o, sup))
        for p2, r in self.chains_first.get(p, ()):
            for c in sorted(self.out.get((p2, o), ())):
                yield (s, r, c), Derivation("PropertyChainRule", (e, (o, p2, c)),
                                            ("chain", r, p, p2))
        for p1, r in self.chains_second.get(p, ()):
            for z in sorted(self.into.get((p1, s), ())):
                yield (z, r, o), Derivation("PropertyChainRule", ((z, p1, s), e),
                                            ("chain", r, p1, p))
        for carrier, c in self.ranges.get(p, ()):
            if c != o and c not in _TOP_BOTTOM:
                yield (s, p, c), Derivation("RangeRule", (e,), ("range", carrier, c))
        for carrier, d in self.domains.get(p, ()):
            if d != s and d not in _TOP_BOTTOM and d not in self._told_ancestors(s):
                yield (s, SUBCLASS, d), Derivation("DomainRule", (e,), ("domain", carrier, d))

    def _subclass_consequences(self, e: Edge) -> Iterable[tuple[Edge, Derivation]]:
        """A derived ``a SubClassOf b``: a inherits b's edges, edges to a also go to b."""
        a, _p, b = e
        for p, o in sorted(self.by_subject.get(b, ())):
            if p != SUBCLASS:
                yield (a, p, o), Derivation("SubClassInheritanceRule", ((b, p, o), e),
                                            ("subclass", a, b))
        for s, p in sorted(self.by_object.get(a, ())):
            if p != SUBCLASS:
                yield (s, p, b), Derivation("SuperClassObjectRule", ((s, p, a), e),
                                            ("subclass", a, b))


@dataclass
class Materialisation:
    """The result: inferred edges with derivations, and what their premises were."""

    tbox: TBox
    #: asserted edge -> assertion node IRIs (the premises from the review)
    asserted: dict[Edge, tuple[str, ...]]
    #: closure of the ontology's own existential axioms: edge -> derivation (None: stated)
    ontology: dict[Edge, Derivation | None]
    #: every new edge that follows from the assertions (never asserted, never ontology-only)
    inferred: dict[Edge, Derivation]
    #: the properties whose inferred edges are written: those the assertions use and those
    #: annotated okg:materialised (see :func:`materialise`)
    properties: frozenset[str] = frozenset()

    @property
    def emitted(self) -> dict[Edge, Derivation]:
        """The inferred edges written to the ``inferred`` graph: those whose property is in
        :attr:`properties`, and every inferred premise of theirs (so each justification node
        explains an edge that is in the graph)."""
        out = {e: how for e, how in self.inferred.items() if e[1] in self.properties}
        todo = list(out.values())
        while todo:
            for premise in todo.pop().premises:
                if premise in self.inferred and premise not in out:
                    out[premise] = self.inferred[premise]
                    todo.append(out[premise])
        return out

    def rule_counts(self) -> dict[str, int]:
        """Written inferred edges per rule."""
        counts = dict.fromkeys(RULES, 0)
        for how in self.emitted.values():
            counts[how.rule] += 1
        return counts

    def all_edges(self) -> set[Edge]:
        return set(self.asserted) | set(self.ontology) | set(self.inferred)


def materialise(tbox: TBox, asserted: Mapping[Edge, Iterable[str]]) -> Materialisation:
    """Close the ontology's existential axioms, then add everything the assertions entail.

    ``asserted`` maps each factual edge to the assertion node IRIs that state it; edges whose
    subject or object is not a class (literals, data properties) must be left out by the
    caller (see :func:`asserted_edges`).

    The closure is complete over every property (that is what the agreement with HermiT is
    checked on), but only edges whose property the assertions use, or which ontology/axioms.ttl
    marks ``okg:materialised true``, are written (as relation-graph's ``--property`` option
    does for Ubergraph): RO's upper properties ("temporally related to", "developmentally
    related to", "causally related to"...) would otherwise multiply the graph several times
    over for edges nobody queries. Inferred premises of written edges are written too.
    """
    background = _Closure(tbox)
    background_added = background.run(tbox.existentials)
    ontology: dict[Edge, Derivation | None] = {e: None for e in tbox.existentials}
    ontology.update(background_added)
    closure = _Closure(tbox, known=ontology)
    asserted_map = {e: tuple(sorted(set(ids))) for e, ids in asserted.items()}
    new_asserted = [e for e in asserted_map if e not in ontology]
    inferred = closure.run(new_asserted)
    properties = frozenset({p for _s, p, _o in asserted_map} | tbox.materialised | {SUBCLASS})
    return Materialisation(tbox, asserted_map, ontology, inferred, properties)


def asserted_edges(asserted_triples: Iterable, assertion_triples: Iterable,
                   tbox: TBox) -> dict[Edge, tuple[str, ...]]:
    """Class-level edges of the asserted graph, each with the factual assertions stating it.

    Edges to literals and through datatype or annotation properties are left out: they are
    facts about a class, not relations between classes. An edge the review states both as a
    fact and as a hypothesis rests on the factual assertions only.
    """
    edges: dict[Edge, set[str]] = {}
    for t in asserted_triples:
        if not isinstance(t.object, NamedNode) or not isinstance(t.subject, NamedNode):
            continue
        p = t.predicate.value
        if p in tbox.datatype_properties:
            continue
        edges[(t.subject.value, p, t.object.value)] = set()
    parts: dict[str, dict[str, str]] = defaultdict(dict)
    hedged: set[str] = set()
    for t in assertion_triples:
        p = t.predicate.value
        if p in (RDF + "subject", RDF + "predicate", RDF + "object"):
            value = _value(t.object)
            if value is not None:
                parts[t.subject.value][p] = value
        elif p == OKG + "certainty" and t.object.value in HEDGED_CERTAINTIES:
            hedged.add(t.subject.value)
    for node, spo in parts.items():
        key = (spo.get(RDF + "subject"), spo.get(RDF + "predicate"), spo.get(RDF + "object"))
        if key in edges and node not in hedged:
            edges[key].add(node)  # type: ignore[index]
    return {e: tuple(sorted(ids)) for e, ids in edges.items()}


# --- justification triples ---------------------------------------------------------------


def edge_hash(edge: Edge) -> str:
    """A stable short hash of an edge (the local name of its justification node)."""
    return hashlib.sha256("\n".join(edge).encode("utf-8")).hexdigest()[:20]


def justification_iri(edge: Edge) -> str:
    return OKGI + edge_hash(edge)


def ontology_premise_iri(edge: Edge) -> str:
    return OKGI + "ontology-" + edge_hash(edge)


_AXIOM_PROPERTIES = {
    "transitive": ("viaAxiom",),
    "subproperty": ("viaSubProperty", "viaSuperProperty"),
    "subclass": ("viaSubClass", "viaSuperClass"),
    "chain": ("viaAxiom", "viaChainFirst", "viaChainSecond"),
    "range": ("viaAxiom", "viaRange"),
    "domain": ("viaAxiom", "viaDomain"),
}


@dataclass
class InferenceTriples:
    """What reasoning writes, as two named graphs: ``edges`` (the ``inferred`` graph: only
    the direct inferred edges ``S P O``) and ``justifications`` (the ``justifications``
    graph: every okg:Justification and okg:OntologyPremise node with its triples)."""

    edges: list
    justifications: list


def inference_triples(m: Materialisation, *,
                      ontology_source: str | Callable[[Edge], str]) -> InferenceTriples:
    """The written edges (:attr:`Materialisation.emitted`) as direct triples (the
    ``inferred`` graph) and their justification nodes (the ``justifications`` graph).

    An inferred edge ``S P O`` names its justification by value: the node ``okgi:<hash>``
    (:func:`justification_iri`, a hash of the edge), typed okg:Justification, carries the
    same S P O as rdf:subject/predicate/object, okg:rule, the axiom used (okg:viaAxiom,
    okg:viaSubClass / okg:viaSuperClass, okg:viaSubProperty / okg:viaSuperProperty,
    okg:viaChainFirst / okg:viaChainSecond, okg:viaRange) and prov:wasDerivedFrom its
    premises: assertion nodes for asserted premises, justification nodes for inferred ones,
    and ``okgi:ontology-<hash>`` nodes (okg:OntologyPremise) for existential axioms of the
    TBox or imports, with their own derivation when they follow from other ontology axioms.
    ``ontology_source`` is the IRI (or a function of the edge giving the IRI) such stated
    axioms are credited to: the graph they are stated in.
    """
    from pyoxigraph import Triple

    n = NamedNode
    rdf_type, subj, pred, obj = n(RDF + "type"), n(RDF + "subject"), n(RDF + "predicate"), \
        n(RDF + "object")
    derived_from = n("http://www.w3.org/ns/prov#wasDerivedFrom")
    edges: list[Triple] = []
    out: list[Triple] = []  # the justification nodes
    needed_ontology: set[Edge] = set()
    needed_inferred: set[Edge] = set()

    def premise_node(e: Edge) -> list[str]:
        if e in m.asserted:
            return list(m.asserted[e])
        if e in m.inferred:
            needed_inferred.add(e)
            return [justification_iri(e)]
        needed_ontology.add(e)
        return [ontology_premise_iri(e)]

    def describe(node: str, e: Edge, how: Derivation | None, kind: str) -> None:
        node_n = n(node)
        out.append(Triple(node_n, rdf_type, n(OKG + kind)))
        out.extend([Triple(node_n, subj, n(e[0])), Triple(node_n, pred, n(e[1])),
                    Triple(node_n, obj, n(e[2]))])
        if how is None:
            source = ontology_source(e) if callable(ontology_source) else ontology_source
            out.append(Triple(node_n, derived_from, n(source)))
            return
        out.append(Triple(node_n, n(OKG + "rule"), n(OKG + how.rule)))
        kind_, *terms = how.axiom
        for prop, term in zip(_AXIOM_PROPERTIES[kind_], terms):
            out.append(Triple(node_n, n(OKG + prop), n(term)))
        for premise in how.premises:
            for target in premise_node(premise):
                out.append(Triple(node_n, derived_from, n(target)))

    emitted = m.emitted
    for e, how in sorted(emitted.items()):
        edges.append(Triple(n(e[0]), n(e[1]), n(e[2])))
        describe(justification_iri(e), e, how, "Justification")
    assert needed_inferred <= set(emitted)  # emitted is closed under premises
    done: set[Edge] = set()
    while needed_ontology - done:
        for e in sorted(needed_ontology - done):
            done.add(e)
            describe(ontology_premise_iri(e), e, m.ontology.get(e), "OntologyPremise")
    return InferenceTriples(edges, out)
