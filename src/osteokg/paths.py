"""Signed causal paths through the review's claims, and candidate therapeutic targets.

A path is a chain of *asserted* claims, each step with its own evidence sentence. Claims are
read existentially (MODEL.md section 5: some S stands in P to some O), so a chain of two of
them ("macrophages produce TNF", "TNF promotes osteoclast differentiation") does not follow
from them: it is a **candidate mechanism**, a hypothesis the review's claims make plausible.
That is why paths live here and never in the inferred graph, and every path is printed as
such. Each step has a sign, and signs compose by multiplication (+ x - = -):

* every causal relation with a sign (:data:`osteokg.relations.RELATIONS`: positively /
  negatively regulates, acts upstream of with a positive / negative effect, capable of
  positively / negatively regulating, directly positively / negatively regulates activity of,
  contributes to / ameliorates condition, is a cause of, is substance that treats) is walked
  from subject to object with its sign;
* ``RO:0003000 produces`` and ``RO:0002215 capable of`` count as +1: more of the producer
  means more product, more of a cell more of what it does;
* ``RO:0002202 develops from`` is walked from the progenitor to the cell it gives rise to
  (+1: a macrophage "leads to" the osteoclast that develops from it).

A process that "has output" a cell (``RO:0002234`` in an existential axiom of the ontology,
ontology/axioms.ttl: M2 polarisation has output M2 macrophage) leads to that cell: +1, so a
stimulus of the polarisation reaches what the polarised cells do.

A path may also step from a class up to a direct parent (``rdfs:subClassOf`` in the
ontology or imports graph; sign +1, shown as "is a": titanium particle is a wear particle, so
what the review says of wear particles may hold of titanium particles). That step is itself a
hypothesis (a claim about some wear particles need not hold of titanium ones), which is why
the inferred graph never copies a claim down and only paths take it. Such a step never ends a
path: being a kind of something is not an effect on it. Nor is it followed by a reversed
"develops from" step: that a macrophage is the progenitor of osteoclasts is not inherited by
every kind of macrophage.

Relations without a direction of effect (unsigned regulation, participates in, located in,
expresses, molecularly interacts with, the project's "proposed therapeutic target") are not
walked.

Paths are ranked shortest first, then by certainty (the weakest step counts), then by the
identifiers along the path. Hypotheses and open questions are used only when asked
(``include_hypotheses``), and such steps are marked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .prefixes import compress, expand
from .relations import NEGATIVE, POSITIVE, RELATIONS

RO = "http://purl.obolibrary.org/obo/RO_"
SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
HAS_OUTPUT = RO + "0002234"
#: predicate IRI -> (sign, walked forward?)
SIGNED_PREDICATES: dict[str, tuple[int, bool]] = {
    **{expand(curie): (rel.sign, True) for curie, rel in sorted(RELATIONS.items())
       if rel.sign in (POSITIVE, NEGATIVE)},
    RO + "0003000": (+1, True),
    RO + "0002215": (+1, True),
    RO + "0002202": (+1, False),
}
#: Certainty ranks, strongest first (a path is as strong as its weakest step).
CERTAINTY_RANK = {
    "established": 0,
    "reported_in_vitro_and_in_vivo": 1,
    "reported_in_vivo": 2,
    "reported_in_vitro": 3,
    "reported": 4,
    "hypothesis": 5,
    "unclear": 6,
}
HYPOTHETICAL = frozenset({"hypothesis", "unclear"})


@dataclass(frozen=True)
class StepEvidence:
    """Why a step holds: a claim of the review (``basis`` "review": its assertion ID,
    certainty, sentence ID and English rendering), or the ontology ("class hierarchy", a
    subclass axiom; "definition", an existential axiom of ontology/axioms.ttl) stated in the
    named ``graph``, with no assertion or sentence."""

    assertion: str
    certainty: str
    sentence: str
    english: str
    basis: str = "review"
    graph: str = "assertions"


@dataclass
class Step:
    """One walked edge: from ``source`` to ``target`` (as walked), through ``predicate``."""

    source: str
    target: str
    predicate: str
    sign: int
    forward: bool
    evidence: list[StepEvidence] = field(default_factory=list)

    @property
    def certainty(self) -> str:
        return min((e.certainty for e in self.evidence), key=CERTAINTY_RANK.__getitem__)

    @property
    def hypothetical(self) -> bool:
        return self.certainty in HYPOTHETICAL


def _may_follow(before: Step, step: Step) -> bool:
    """Whether ``step`` may come right after ``before``: not a reversed "develops from" step
    after an "is a" step (a progenitor role is not inherited by every subclass)."""
    return step.forward or before.predicate != SUBCLASS_OF


def _may_end(step: Step) -> bool:
    """Whether a path may end with ``step``: not with "is a" (not an effect on the parent)."""
    return step.predicate != SUBCLASS_OF


@dataclass
class CausalPath:
    steps: list[Step]

    @property
    def sign(self) -> int:
        out = 1
        for s in self.steps:
            out *= s.sign
        return out

    @property
    def certainty(self) -> str:
        return max((s.certainty for s in self.steps), key=CERTAINTY_RANK.__getitem__)

    @property
    def hypothetical(self) -> bool:
        return any(s.hypothetical for s in self.steps)

    @property
    def nodes(self) -> list[str]:
        return [self.steps[0].source, *(s.target for s in self.steps)] if self.steps else []

    def rank_key(self) -> tuple:
        return (len(self.steps), CERTAINTY_RANK[self.certainty],
                tuple((s.source, s.predicate, s.target) for s in self.steps))

    def to_dict(self, label=None) -> dict:
        def term(x: str) -> dict:
            return {"id": compress(x), "label": label(x) if label else None}

        return {
            "sign": "+" if self.sign > 0 else "-",
            "length": len(self.steps),
            "certainty": self.certainty,
            "hypothetical": self.hypothetical,
            "steps": [{
                "from": term(s.source), "to": term(s.target),
                "predicate": term(s.predicate), "sign": "+" if s.sign > 0 else "-",
                "direction": "forward" if s.forward else "reverse (develops into)",
                "certainty": s.certainty, "hypothetical": s.hypothetical,
                "evidence": [vars(e) for e in s.evidence],
            } for s in self.steps],
        }


class CausalGraph:
    """The signed, walkable edges of a build (or of a store holding the same graphs)."""

    def __init__(self, store, *, include_hypotheses: bool = False) -> None:
        self.store = store
        self.include_hypotheses = include_hypotheses
        self.out: dict[str, list[Step]] = defaultdict(list)
        self._load()

    def _load(self) -> None:
        from .query import run_query

        rows = run_query(self.store, _STEPS).rows
        steps: dict[tuple[str, str, str], Step] = {}
        for row in rows:
            values = {name: (v[1] if v else None) for name, v in zip(_STEP_VARS, row)}
            certainty = values["certainty"].rsplit("/", 1)[-1]
            certainty = _CERTAINTY_NAMES.get(certainty, certainty)
            if certainty in HYPOTHETICAL and not self.include_hypotheses:
                continue
            p = values["p"]
            sign, forward = SIGNED_PREDICATES[p]
            s, o = values["s"], values["o"]
            source, target = (s, o) if forward else (o, s)
            key = (source, p, target)
            step = steps.get(key)
            if step is None:
                step = steps[key] = Step(source, target, p, sign, forward)
            ev = StepEvidence(values["a"].rsplit("/", 1)[-1], certainty,
                              (values["sentence"] or "").rsplit("/", 1)[-1],
                              values["english"] or "")
            if ev not in step.evidence:
                step.evidence.append(ev)
        for s, o, graph in run_query(self.store, _PARENTS).rows:
            where = "ontology" if graph[1].endswith("/ontology") else "imports"
            steps.setdefault((s[1], SUBCLASS_OF, o[1]), Step(
                s[1], o[1], SUBCLASS_OF, +1, True,
                [StepEvidence("", "established", "", "", "class hierarchy", where)]))
        for s, o in run_query(self.store, _OUTPUTS).rows:
            steps.setdefault((s[1], HAS_OUTPUT, o[1]), Step(
                s[1], o[1], HAS_OUTPUT, +1, True,
                [StepEvidence("", "established", "", "", "definition", "ontology")]))
        for key in sorted(steps):
            step = steps[key]
            step.evidence.sort(key=lambda e: (CERTAINTY_RANK[e.certainty], e.assertion,
                                              e.sentence))
            self.out[step.source].append(step)

    def paths(self, start: str, end: str, max_len: int = 5) -> list[CausalPath]:
        """Every simple path from ``start`` to ``end`` with at most ``max_len`` steps."""
        found: list[CausalPath] = []
        trail: list[Step] = []
        visited = {start}

        def walk(node: str) -> None:
            if len(trail) >= max_len:
                return
            for step in self.out.get(node, ()):
                if trail and not _may_follow(trail[-1], step):
                    continue
                if step.target == end:
                    if _may_end(step):
                        found.append(CausalPath([*trail, step]))
                    continue
                if step.target in visited:
                    continue
                visited.add(step.target)
                trail.append(step)
                walk(step.target)
                trail.pop()
                visited.discard(step.target)

        if start != end:
            walk(start)
        return sorted(found, key=CausalPath.rank_key)

    def drivers_of(self, end: str, max_len: int) -> dict[str, CausalPath]:
        """For each node with a positive path to ``end``: its best such path."""
        into: dict[str, list[Step]] = defaultdict(list)
        for steps in self.out.values():
            for st in steps:
                into[st.target].append(st)
        best: dict[str, CausalPath] = {}
        # backward search over simple paths, bounded by max_len
        trail: list[Step] = []
        on_trail = {end}

        def back(node: str) -> None:
            if len(trail) >= max_len:
                return
            for step in into.get(node, ()):  # trail[-1] is the step after this one
                if step.source in on_trail or (node == end and not _may_end(step)):
                    continue
                if trail and not _may_follow(step, trail[-1]):
                    continue
                path = CausalPath([step, *reversed(trail)])
                if path.sign > 0:
                    old = best.get(step.source)
                    if old is None or path.rank_key() < old.rank_key():
                        best[step.source] = path
                on_trail.add(step.source)
                trail.append(step)
                back(step.source)
                trail.pop()
                on_trail.discard(step.source)

        back(end)
        return best


@dataclass
class TargetCandidate:
    """An agent that inhibits something that drives the mechanism (or the mechanism itself)."""

    agent: str
    target: str
    inhibition: Step
    #: positive path from ``target`` to the mechanism; None when the target is the mechanism
    drive: CausalPath | None

    @property
    def length(self) -> int:
        return 1 + (len(self.drive.steps) if self.drive else 0)

    @property
    def hypothetical(self) -> bool:
        return self.inhibition.hypothetical or bool(self.drive and self.drive.hypothetical)

    def rank_key(self) -> tuple:
        cert = max([self.inhibition.certainty, *([self.drive.certainty] if self.drive else [])],
                   key=CERTAINTY_RANK.__getitem__)
        return (self.length, CERTAINTY_RANK[cert], self.agent, self.target)


def paths(result_or_store, start: str, end: str, *, max_len: int = 5,
          include_hypotheses: bool = False) -> list[CausalPath]:
    """Signed causal paths from ``start`` to ``end`` (IRIs), ranked (see module doc)."""
    store = getattr(result_or_store, "store", result_or_store)
    return CausalGraph(store, include_hypotheses=include_hypotheses).paths(start, end, max_len)


def therapeutic_targets(result_or_store, mechanism: str, *, max_len: int = 5,
                        include_hypotheses: bool = False) -> list[TargetCandidate]:
    """Agents that inhibit (a negative step) something with a positive path to ``mechanism``.

    Inhibiting a driver lowers the mechanism, so each candidate's overall sign towards the
    mechanism is negative. Ranked by length, then certainty.
    """
    store = getattr(result_or_store, "store", result_or_store)
    graph = CausalGraph(store, include_hypotheses=include_hypotheses)
    drivers = graph.drivers_of(mechanism, max_len - 1)
    found = []
    for steps in graph.out.values():
        for step in steps:
            if step.sign > 0:
                continue
            if step.target == mechanism:
                found.append(TargetCandidate(step.source, step.target, step, None))
            elif step.target in drivers and step.source not in drivers[step.target].nodes:
                found.append(TargetCandidate(step.source, step.target, step,
                                             drivers[step.target]))
    return sorted(found, key=TargetCandidate.rank_key)


_CERTAINTY_NAMES = {
    "Established": "established", "Reported": "reported",
    "ReportedInVitro": "reported_in_vitro", "ReportedInVivo": "reported_in_vivo",
    "ReportedInVitroAndInVivo": "reported_in_vitro_and_in_vivo", "Hypothesis": "hypothesis",
    "Unclear": "unclear",
}
_STEP_VARS = ("a", "s", "p", "o", "certainty", "sentence", "english")
_STEPS = """
SELECT ?a ?s ?p ?o ?certainty ?sentence ?english WHERE {
  GRAPH okgg:assertions {
    ?a a okg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
       okg:certainty ?certainty .
    OPTIONAL { ?a okg:hasEvidence ?e . ?e okg:sentence ?sentence ;
                  okg:englishRendering ?english . }
  }
  FILTER(isIRI(?o))
  VALUES ?p { %s }
} ORDER BY ?a ?sentence
""".replace("%s", " ".join(f"<{p}>" for p in SIGNED_PREDICATES))
_OUTPUTS = """
SELECT ?s ?o WHERE {
  GRAPH okgg:ontology { ?s rdfs:subClassOf ?r . ?r owl:onProperty RO:0002234 ;
                        owl:someValuesFrom ?o }
  FILTER(isIRI(?s) && isIRI(?o))
}
"""
_PARENTS = """
SELECT ?s ?o ?g WHERE {
  VALUES ?g { okgg:ontology okgg:imports }
  GRAPH ?g { ?s rdfs:subClassOf ?o }
  FILTER(isIRI(?s) && isIRI(?o) && ?s != ?o)
}
"""


def format_path(path: CausalPath, label, *, number: int | None = None) -> list[str]:
    """Lines showing a path: the chain with signs, then each step's evidence."""

    def term(x: str) -> str:
        name = label(x)
        return f"{compress(x)} ({name})" if name else compress(x)

    sign = "+" if path.sign > 0 else "-"
    mark = " [includes hypothesis]" if path.hypothetical else ""
    head = f"{number}. " if number is not None else ""
    title = (f"{head}sign {sign}, {len(path.steps)} step(s), weakest certainty "
             f"{path.certainty}{mark}")
    lines = [title]
    for st in path.steps:
        arrow = "+" if st.sign > 0 else "-"
        if st.predicate == SUBCLASS_OF:
            verb = "is a"
        elif st.forward:
            verb = term(st.predicate)
        else:
            verb = f"develops into (inverse of {term(st.predicate)})"
        hyp = " [hypothesis]" if st.hypothetical else ""
        lines.append(f"   {term(st.source)} --{verb} [{arrow}]--> {term(st.target)}{hyp}")
        for ev in st.evidence:
            if ev.basis == "class hierarchy":
                lines.append(f"      class hierarchy ({ev.graph} graph): what holds for "
                             f"every {term(st.target)} holds for it")
            elif ev.basis == "definition":
                lines.append(f"      definition ({ev.graph} graph, ontology/axioms.ttl)")
            else:
                lines.append(f"      {ev.assertion} ({ev.certainty}, {ev.sentence}): "
                             f"{ev.english}")
    return lines
