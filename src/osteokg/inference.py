"""Materialise the edges that follow from the asserted ones, each with its justification.

Ubergraph-style direct edges ``S P O`` between named classes. Since MODEL.md section 5 an
edge is read the way the review's sentence is read:

* **existential** (the default): some S, in the stated context, stands in P to some O (the
  GO annotation / GO-CAM reading; in OWL a pair of individuals);
* **universal**: every S stands in P to some O (``S SubClassOf (P some O)``), for the few
  claims curated ``reading: universal`` and for the existential axioms of the ontology and its
  imports (GO's part-of links, the polarisations' outputs).

A small semi-naive fixpoint applies five rules, each sound for that reading:

=========================  ===========================================  =======  ==========
rule                       premises                                     adds     read as
=========================  ===========================================  =======  ==========
SubPropertyRule            ``a P b``, ``P rdfs:subPropertyOf Q``        a Q b    as premise
SuperClassObjectRule       ``S P O``, ``O rdfs:subClassOf O'``          S P O'   as premise
SuperClassSubjectRule      ``S P O``, ``S rdfs:subClassOf S'``          S' P O   existential
TransitivityRule           ``a P b``, ``b P c`` universal, P transitive  a P c    as 1st
PropertyChainRule          ``a P1 b``, ``b P2 c`` universal,            a R c    as 1st
                           ``P1 o P2 rdfs:subPropertyOf R``
=========================  ===========================================  =======  ==========

What the reading does *not* license, and so is never done:

* copying a claim down to a subclass of its subject: "macrophages promote osteoclast
  differentiation" says nothing about every kind of macrophage (M2 macrophages inhibit it);
* a chain through two existential claims ("macrophages produce TNF", "TNF promotes osteoclast
  differentiation"): the TNF some macrophage produces need not be the TNF that promotes
  differentiation. Such chains are candidate mechanisms, found by ``osteokg paths``;
* domains and ranges: under the existential reading "S P O" says that *some* S is in P's
  domain, not that every S is, so no class-level edge follows;
* edges to or from upper-level classes (:data:`UPPER_ROOTS` and their direct subclasses, and
  everything in BFO): "IL-1 positively regulates biological process" is true and useless, and
  such classes join unrelated claims of opposite sign;
* inverses and symmetry, and anything through ``RO:0002351 has member``: a family class such
  as "IL-1" is not a superclass of its members, so what the review says of "IL-1" is not copied
  to IL1A or IL1B.

**Signs.** No subject-object pair gets both a positive and a negative causal edge unless the
review itself states both (then ``conflicting-effects`` lists them). Generalising subjects and
objects upward can bring two claims of opposite sign onto one pair (IL-4 inhibits osteoclast
differentiation, IL-4 promotes M2 polarisation, both "cell differentiation" processes): such
signed inferred edges are withheld and the closure is recomputed without them, so the pair keeps
only the unsigned edges (regulates, acts upstream of or within) that both claims support.

Premises come in two kinds. *Asserted* edges are the factual claims of the review (the
``asserted`` graph; hypotheses and open questions never get there). *Ontology* edges are the
existential axioms ``S SubClassOf (P some O)`` that the TBox and import modules state between
named classes. The ontology edges are closed first on their own; only edges whose derivation
uses at least one assertion are then added to the ``inferred`` graph (their justifications to
the ``justifications`` graph), so every inferred edge is new knowledge from the review and
every justification tree reaches an evidence sentence. Edges already asserted are never
repeated. Only properties the assertions use, or marked ``okg:materialised`` in
ontology/axioms.ttl, get direct inferred edges (see :func:`materialise`).

Each derived edge records the first derivation found (rounds are processed in sorted order,
so the derivation, the justification IRI and the output are deterministic); premises are
always derived before their conclusions, so justification trees are finite. An edge first
derived existentially and later universally keeps the universal derivation.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from pyoxigraph import BlankNode, NamedNode

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OKG = "https://w3id.org/osteokg/vocab/"
OKGI = "https://w3id.org/osteokg/inference/"
HAS_MEMBER = "http://purl.obolibrary.org/obo/RO_0002351"

RULES = ("TransitivityRule", "SubPropertyRule", "SuperClassSubjectRule",
         "SuperClassObjectRule", "PropertyChainRule")  # fmt: skip
#: Certainties that are never premises (hypotheses and open questions).
HEDGED_CERTAINTIES = frozenset({OKG + "Hypothesis", OKG + "Unclear"})
SUBCLASS = RDFS + "subClassOf"
BFO = "http://purl.obolibrary.org/obo/BFO_"
_OBO = "http://purl.obolibrary.org/obo/"
#: The roots of the reference ontologies osteokg imports. They, their direct subclasses (the
#: first-level groupings: GO's "metabolic process" or "developmental process", CL's
#: "hematopoietic cell", ChEBI's "molecular entity", MONDO's "human disease", UBERON's
#: "material anatomical entity") and all of BFO are upper-level: an edge to or from them says
#: nothing a user asks for ("IL-1 positively regulates biological process") and would join
#: unrelated claims of opposite sign, so the materialiser never derives one.
UPPER_ROOTS = frozenset(_OBO + c for c in (
    "GO_0008150",  # biological_process
    "GO_0003674",  # molecular_function
    "GO_0005575",  # cellular_component
    "CL_0000000",  # cell
    "UBERON_0001062",  # anatomical entity
    "CHEBI_24431",  # chemical entity
    "CHEBI_50906",  # role
    "MONDO_0000001",  # disease
    "HP_0000001",  # All (HP)
    "HP_0000118",  # Phenotypic abnormality
))

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
    #: ("chain", R, P1, P2)
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
    """Semi-naive forward chaining over edges; keeps the first derivation of each edge and
    whether each edge is read universally."""

    def __init__(self, tbox: TBox, known: Mapping[Edge, Derivation | None] = (), *,
                 universal: Iterable[Edge] = (), upper: frozenset[str] = frozenset(),
                 blocked: frozenset[Edge] = frozenset()) -> None:
        self.tbox = tbox
        self.upper = upper
        self.blocked = blocked
        #: edge -> derivation (None for a premise given as a fact)
        self.edges: dict[Edge, Derivation | None] = dict(known)
        self.universal: set[Edge] = set(universal) & set(self.edges)
        self.out: dict[tuple[str, str], set[str]] = defaultdict(set)  # (P, s) -> {o}
        self.into: dict[tuple[str, str], set[str]] = defaultdict(set)  # (P, o) -> {s}
        for e in self.edges:
            self._index(e)
        self.chains_first: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.chains_second: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for (p1, p2), supers in sorted(tbox.chains.items()):
            for r in sorted(supers):
                self.chains_first[p1].append((p2, r))
                self.chains_second[p2].append((p1, r))

    def run(self, facts: Iterable[Edge], universal: Iterable[Edge] = ()
            ) -> dict[Edge, Derivation]:
        """Add ``facts`` (those in ``universal`` read universally) and close; return the
        derivations of the edges added by rules."""
        added: dict[Edge, Derivation] = {}
        universal = set(universal)
        delta: list[Edge] = []
        for e in sorted(set(facts)):
            if e not in self.edges:
                self._store(e, None, e in universal)
                delta.append(e)
        while delta:
            fresh: dict[Edge, tuple[Derivation, bool]] = {}
            for e in delta:
                for new, how, univ in self._consequences(e):
                    if not self._admissible(new):
                        continue
                    if new in self.edges:
                        # an existential edge found again universally is upgraded (once)
                        if univ and new not in self.universal and new not in fresh \
                                and self.edges[new] is not None:
                            fresh[new] = (how, True)
                        continue
                    if new not in fresh or (univ and not fresh[new][1]):
                        fresh[new] = (how, univ)
            delta = sorted(fresh)
            for e in delta:
                how, univ = fresh[e]
                self._store(e, how, univ)
                added[e] = how
        return added

    def _admissible(self, e: Edge) -> bool:
        s, _p, o = e
        return s != o and e not in self.blocked and not (s in self.upper or o in self.upper)

    def _index(self, e: Edge) -> None:
        s, p, o = e
        self.out[(p, s)].add(o)
        self.into[(p, o)].add(s)

    def _store(self, e: Edge, how: Derivation | None, universal: bool) -> None:
        self.edges[e] = how
        if universal:
            self.universal.add(e)
        self._index(e)

    def _consequences(self, e: Edge) -> Iterable[tuple[Edge, Derivation, bool]]:
        s, p, o = e
        tbox = self.tbox
        univ = e in self.universal
        if p in tbox.transitive:
            # e first: the second premise must be universal
            for c in sorted(self.out.get((p, o), ())):
                if (o, p, c) in self.universal:
                    yield (s, p, c), Derivation("TransitivityRule", (e, (o, p, c)),
                                                ("transitive", p)), univ
            # e second (universal): any first premise
            if univ:
                for z in sorted(self.into.get((p, s), ())):
                    yield (z, p, o), Derivation("TransitivityRule", ((z, p, s), e),
                                                ("transitive", p)), (z, p, s) in self.universal
        for q in sorted(tbox.subproperty.get(p, ())):
            yield (s, q, o), Derivation("SubPropertyRule", (e,), ("subproperty", p, q)), univ
        for sup in sorted(tbox.subclass.get(o, ())):
            yield (s, p, sup), Derivation("SuperClassObjectRule", (e,),
                                          ("subclass", o, sup)), univ
        for sup in sorted(tbox.subclass.get(s, ())):
            yield (sup, p, o), Derivation("SuperClassSubjectRule", (e,),
                                          ("subclass", s, sup)), False
        for p2, r in self.chains_first.get(p, ()):
            for c in sorted(self.out.get((p2, o), ())):
                if (o, p2, c) in self.universal:
                    yield (s, r, c), Derivation("PropertyChainRule", (e, (o, p2, c)),
                                                ("chain", r, p, p2)), univ
        if univ:
            for p1, r in self.chains_second.get(p, ()):
                for z in sorted(self.into.get((p1, s), ())):
                    yield (z, r, o), Derivation("PropertyChainRule", ((z, p1, s), e),
                                                ("chain", r, p1, p)), (z, p1, s) in self.universal


def upper_level_classes(tbox: TBox) -> frozenset[str]:
    """The classes no inferred edge may start or end at: :data:`UPPER_ROOTS`, their direct
    subclasses in the TBox (the ontologies' first-level groupings), and every BFO class."""
    out = set(UPPER_ROOTS) | _TOP_BOTTOM
    for sub, supers in tbox.subclass.items():
        # a first-level grouping of the root's own ontology (GO's "metabolic process"), not a
        # specific term placed directly under a root (a project term parented to "cell")
        if any(sub.rsplit("_", 1)[0] == root.rsplit("_", 1)[0] for root in supers & UPPER_ROOTS):
            out.add(sub)
    classes = set(tbox.subclass) | {c for v in tbox.subclass.values() for c in v}
    out |= {c for c in classes if c.startswith(BFO)}
    return frozenset(out)


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
    #: edges read universally (asserted universal claims, ontology axioms, and what follows
    #: from universal premises only)
    universal: frozenset[Edge] = frozenset()
    #: signed inferred edges withheld because the pair would carry both signs
    withheld: frozenset[Edge] = frozenset()
    #: classes no inferred edge may touch (see :func:`upper_level_classes`)
    upper: frozenset[str] = frozenset()

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


def materialise(tbox: TBox, asserted: Mapping[Edge, Iterable[str]], *,
                universal: Iterable[Edge] = (),
                signs: Mapping[str, int] | None = None) -> Materialisation:
    """Close the ontology's existential axioms, then add everything the assertions entail.

    ``asserted`` maps each factual edge to the assertion node IRIs that state it; edges whose
    subject or object is not a class (literals, data properties) must be left out by the
    caller (see :func:`asserted_edges`). ``universal`` lists the asserted edges read
    universally (all others are existential). ``signs`` maps each causal property IRI to +1,
    -1 or 0 (default: :data:`osteokg.relations.RELATIONS`); see the module docstring for how
    sign conflicts are withheld.

    The closure is complete over every property, but only edges whose property the
    assertions use, or which ontology/axioms.ttl marks ``okg:materialised true``, are written
    (as relation-graph's ``--property`` option does for Ubergraph): RO's upper properties
    ("temporally related to", "causally related to"...) would otherwise multiply the graph for
    edges nobody queries. Inferred premises of written edges are written too.
    """
    signs = default_signs() if signs is None else dict(signs)
    upper = upper_level_classes(tbox)
    background = _Closure(tbox, upper=upper)
    background_added = background.run(tbox.existentials, universal=tbox.existentials)
    ontology: dict[Edge, Derivation | None] = {e: None for e in tbox.existentials}
    ontology.update(background_added)
    ontology_universal = set(background.universal)
    asserted_map = {e: tuple(sorted(set(ids))) for e, ids in asserted.items()}
    new_asserted = [e for e in asserted_map if e not in ontology]
    universal = set(universal)
    blocked = _predicted_conflicts(tbox, ontology, ontology_universal, upper, asserted_map,
                                   new_asserted, universal, signs)
    while True:  # once, unless a chain brings a conflict the signed pre-pass did not see
        closure = _Closure(tbox, known=ontology, universal=ontology_universal, upper=upper,
                           blocked=blocked)
        inferred = closure.run(new_asserted, universal=universal)
        conflicts = _sign_conflicts(set(asserted_map) | set(inferred), set(asserted_map), signs)
        more = frozenset(e for e in inferred if (e[0], e[2]) in conflicts
                         and signs.get(e[1], 0) != 0)
        if not more - blocked:
            break
        blocked = blocked | more
    properties = frozenset({p for _s, p, _o in asserted_map} | tbox.materialised)
    return Materialisation(tbox, asserted_map, ontology, inferred, properties,
                           frozenset(closure.universal), blocked, upper)


def _predicted_conflicts(tbox: TBox, ontology, ontology_universal, upper, asserted_map,
                         new_asserted, universal, signs) -> frozenset[Edge]:
    """The signed edges to withhold, from a closure of the signed claims alone.

    Only signed edges can conflict, and they are derived from signed premises through
    signed super-properties and generalisation; closing those alone (a quarter of the full
    closure) finds the conflicting pairs before the full closure runs, so it runs once."""
    signed_view = replace(tbox, subproperty=defaultdict(set, {
        p: {q for q in qs if signs.get(q, 0)} for p, qs in tbox.subproperty.items()}))
    closure = _Closure(signed_view, known=ontology, universal=ontology_universal, upper=upper)
    facts = [e for e in new_asserted if signs.get(e[1], 0)]
    inferred = closure.run(facts, universal=universal)
    conflicts = _sign_conflicts(set(asserted_map) | set(inferred), set(asserted_map), signs)
    return frozenset(e for e in inferred if (e[0], e[2]) in conflicts and signs.get(e[1], 0))


def _sign_conflicts(edges: set[Edge], asserted: set[Edge],
                    signs: Mapping[str, int]) -> set[tuple[str, str]]:
    """(S, O) pairs with both a positive and a negative edge that the review does not itself
    give both signs for (asserted edges of both signs between exactly S and O)."""
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    stated: dict[tuple[str, str], set[int]] = defaultdict(set)
    for s, p, o in edges:
        if sign := signs.get(p, 0):
            seen[(s, o)].add(sign)
            if (s, p, o) in asserted:
                stated[(s, o)].add(sign)
    return {pair for pair, found in seen.items() if len(found) == 2 and len(stated[pair]) < 2}


def default_signs() -> dict[str, int]:
    """Property IRI -> sign, for every causal relation of :mod:`osteokg.relations`."""
    from .prefixes import expand
    from .relations import RELATIONS

    return {expand(curie): rel.sign for curie, rel in RELATIONS.items() if rel.sign}


def asserted_edges(asserted_triples: Iterable, assertion_triples: Iterable,
                   tbox: TBox) -> tuple[dict[Edge, tuple[str, ...]], set[Edge]]:
    """Class-level edges of the asserted graph, each with the factual assertions stating it,
    and the set of those edges read universally (an assertion with ``okg:reading
    okg:Universal`` states it).

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
    universal_nodes: set[str] = set()
    for t in assertion_triples:
        p = t.predicate.value
        if p in (RDF + "subject", RDF + "predicate", RDF + "object"):
            value = _value(t.object)
            if value is not None:
                parts[t.subject.value][p] = value
        elif p == OKG + "certainty" and t.object.value in HEDGED_CERTAINTIES:
            hedged.add(t.subject.value)
        elif p == OKG + "reading" and t.object.value == OKG + "Universal":
            universal_nodes.add(t.subject.value)
    universal: set[Edge] = set()
    for node, spo in parts.items():
        key = (spo.get(RDF + "subject"), spo.get(RDF + "predicate"), spo.get(RDF + "object"))
        if key in edges and node not in hedged:
            edges[key].add(node)  # type: ignore[index]
            if node in universal_nodes:
                universal.add(key)  # type: ignore[arg-type]
    return {e: tuple(sorted(ids)) for e, ids in edges.items()}, universal


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
    okg:viaChainFirst / okg:viaChainSecond) and prov:wasDerivedFrom its
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
