"""Reasoning: materialised inferred edges and their justifications, explanations, signed
causal paths, HermiT's verdict on the OWL view, and agreement between the two.

Tests that run HermiT are marked ``java``; they skip without a Java runtime, except in CI
(env ``CI`` set), where a missing Java is a failure.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, RdfFormat, serialize

from osteokg.compile import graph_iri
from osteokg.errors import InconsistentOntologyError, QueryError
from osteokg.inference import TBox, default_signs, inference_triples, justification_iri, materialise
from osteokg.prefixes import expand

RESOURCES = Path(__file__).parent / "resources" / "reason"
FIXTURE_SEEDS = RESOURCES / "seeds"
CONTRADICTION = RESOURCES / "contradiction"
OKG = "https://w3id.org/osteokg/vocab/"
OKGA = "https://w3id.org/osteokg/assertion/"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OKGI = "https://w3id.org/osteokg/inference/"


def I(curie: str) -> str:  # short on purpose: used in every edge below
    return expand(curie)


def edge(s: str, p: str, o: str) -> tuple[str, str, str]:
    return (I(s), I(p), I(o))


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_reasoned():
    """The reasoning fixture curation, compiled and materialised without HermiT."""
    from osteokg.build import compile_all
    from osteokg.reason import reason_dataset

    result = compile_all(seeds_dir=FIXTURE_SEEDS)
    report = reason_dataset(result, use_java=False)
    return result, report


@pytest.fixture(scope="module")
def real_reasoned(built):
    """The real curation, compiled and materialised without HermiT (the shared build), with
    its reasoning report."""
    return built, built.reasoning


def graph_triples(result, key: str) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, t.object.value)
            for t in result.dataset.graphs.get(key, [])}


def derived_from(store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    g = NamedNode(graph_iri("justifications"))
    for q in store.quads_for_pattern(None, NamedNode(PROV_DERIVED), None, g):
        out[q.subject.value].add(q.object.value)
    return out


def evidence_reached(store, node: str, links: dict[str, set[str]]) -> set[str]:
    """Assertion nodes reached from a justification node through prov:wasDerivedFrom."""
    seen, todo, found = {node}, [node], set()
    while todo:
        for target in links.get(todo.pop(), ()):
            if target.startswith(OKGA):
                found.add(target)
            elif target not in seen:
                seen.add(target)
                todo.append(target)
    return found


def assert_every_justification_reaches_a_sentence(result) -> int:
    """Each okg:Justification reaches assertion nodes whose evidence has a sentence text."""
    store = result.store
    links = derived_from(store)
    justifications = NamedNode(graph_iri("justifications"))
    nodes = [q.subject.value for q in store.quads_for_pattern(
        None, NamedNode(RDF_TYPE), NamedNode(OKG + "Justification"), justifications)]
    assert nodes
    sentence_text: dict[str, bool] = {}
    for node in nodes:
        reached = evidence_reached(store, node, links)
        assert reached, f"{node} reaches no assertion"
        for a in reached:
            if a not in sentence_text:
                has = False
                for ev in store.quads_for_pattern(NamedNode(a), NamedNode(OKG + "hasEvidence"),
                                                  None, None):
                    for s in store.quads_for_pattern(ev.object, NamedNode(OKG + "sentence"),
                                                     None, None):
                        has |= any(True for _ in store.quads_for_pattern(
                            s.object, NamedNode(OKG + "text"), None, None))
                sentence_text[a] = has
            assert sentence_text[a], f"{a} (reached from {node}) has no evidence sentence"
    return len(nodes)


# --- the engine on hand-made TBoxes ---------------------------------------------------------


def tbox(**kw) -> TBox:
    t = TBox()
    for sub, sup in kw.get("subclass", ()):
        t.subclass[sub].add(sup)
    for sub, sup in kw.get("subproperty", ()):
        t.subproperty[sub].add(sup)
    t.transitive.update(kw.get("transitive", ()))
    for p1, p2, r in kw.get("chains", ()):
        t.chains[(p1, p2)].add(r)
    for p, c in kw.get("ranges", ()):
        t.ranges[p].add(c)
    t.existentials.update(kw.get("existentials", ()))
    t.families.update(kw.get("families", ()))
    return t


def test_transitivity_needs_a_universal_second_premise() -> None:
    t = tbox(transitive={"dev"})
    facts = {("oc", "dev", "mac"): ("A1",), ("mac", "dev", "hsc"): ("A2",)}
    m = materialise(t, facts, universal={("mac", "dev", "hsc")})
    how = m.inferred[("oc", "dev", "hsc")]
    assert how.rule == "TransitivityRule"
    assert how.axiom == ("transitive", "dev")
    assert how.premises == (("oc", "dev", "mac"), ("mac", "dev", "hsc"))
    assert ("oc", "dev", "hsc") not in m.universal  # as the first premise is read
    # some macrophage develops from some HSC says nothing of the macrophage some osteoclast
    # develops from: two existential premises do not chain
    assert ("oc", "dev", "hsc") not in materialise(t, facts).inferred


def test_generalisation_goes_up_never_down() -> None:
    t = tbox(subproperty=[("posreg", "reg")], subclass=[("m1", "mac"), ("br", "bp")])
    m = materialise(t, {("m1", "posreg", "br"): ("A1",)})
    assert m.inferred[("m1", "reg", "br")].rule == "SubPropertyRule"
    assert m.inferred[("mac", "posreg", "br")].rule == "SuperClassSubjectRule"
    assert m.inferred[("mac", "posreg", "br")].axiom == ("subclass", "m1", "mac")
    assert m.inferred[("m1", "posreg", "bp")].rule == "SuperClassObjectRule"
    assert set(m.inferred) == {(s, p, o) for s in ("m1", "mac") for p in ("posreg", "reg")
                               for o in ("br", "bp")} - {("m1", "posreg", "br")}
    # a claim about macrophages is never copied down to M1 macrophages
    down = materialise(t, {("mac", "posreg", "br"): ("A1",)})
    assert not [e for e in down.inferred if e[0] == "m1"]
    # not even a universal one: the inferred graph holds no downward copy at all
    down = materialise(t, {("mac", "posreg", "br"): ("A1",)},
                       universal={("mac", "posreg", "br")})
    assert not [e for e in down.inferred if e[0] == "m1"]


def test_the_m2_example_gets_no_opposite_sign() -> None:
    """Issue 11: "macrophages promote osteoclast differentiation" must not become "M2
    macrophages promote it" beside "M2 macrophages inhibit it"."""
    t = tbox(subclass=[("m2", "mac")], subproperty=[("pos", "reg"), ("neg", "reg")])
    m = materialise(t, {("mac", "pos", "diff"): ("A0010",), ("m2", "neg", "diff"): ("A0454",)},
                    signs={"pos": 1, "neg": -1, "reg": 0})
    assert ("m2", "pos", "diff") not in m.inferred
    # M2's claim generalised up would give "macrophage inhibits" beside the asserted
    # "macrophage promotes": withheld, the unsigned edge stays
    assert ("mac", "neg", "diff") not in m.inferred and ("mac", "neg", "diff") in m.withheld
    assert ("mac", "reg", "diff") in m.inferred and ("m2", "reg", "diff") in m.inferred


def test_sign_conflicts_are_withheld_unless_the_review_states_both() -> None:
    t = tbox(subclass=[("diff_a", "diff"), ("diff_b", "diff")],
             subproperty=[("pos", "reg"), ("neg", "reg")])
    signs = {"pos": 1, "neg": -1, "reg": 0}
    m = materialise(t, {("il4", "pos", "diff_a"): ("A1",), ("il4", "neg", "diff_b"): ("A2",)},
                    signs=signs)
    assert ("il4", "pos", "diff") not in m.inferred and ("il4", "neg", "diff") not in m.inferred
    assert {("il4", "pos", "diff"), ("il4", "neg", "diff")} <= m.withheld
    assert m.inferred[("il4", "reg", "diff")].rule in ("SubPropertyRule", "SuperClassObjectRule")
    # stated both ways by the review (IL-7): both stay, and what follows from each
    both = materialise(t, {("il7", "pos", "diff"): ("A1",), ("il7", "neg", "diff"): ("A2",)},
                       signs=signs)
    assert not both.withheld and ("il7", "reg", "diff") in both.inferred


def test_property_chains_need_a_universal_second_premise() -> None:
    t = tbox(chains=[("produces", "posreg", "up+"), ("negreg", "negreg", "posreg")])
    facts = {("m1", "produces", "tnf"): ("A1",), ("tnf", "posreg", "br"): ("A2",),
             ("il10", "negreg", "nfatc1"): ("A3",), ("nfatc1", "negreg", "diff"): ("A4",)}
    m = materialise(t, facts, universal={("nfatc1", "negreg", "diff")})
    # some M1 macrophage produces some TNF, some TNF promotes resorption: a hypothesis
    assert ("m1", "up+", "br") not in m.inferred
    chain = m.inferred[("il10", "posreg", "diff")]
    assert chain.rule == "PropertyChainRule"
    assert chain.axiom == ("chain", "posreg", "negreg", "negreg")
    assert chain.premises == (("il10", "negreg", "nfatc1"), ("nfatc1", "negreg", "diff"))


def test_upper_level_classes_are_never_reached() -> None:
    from osteokg.inference import UPPER_ROOTS, upper_level_classes

    bp = "http://purl.obolibrary.org/obo/GO_0008150"
    assert bp in UPPER_ROOTS
    metabolic = "http://purl.obolibrary.org/obo/GO_0008152"
    project = "https://w3id.org/osteokg/OSTEOKG_0000901"
    t = tbox(subclass=[("br", "tissue_process"), ("tissue_process", metabolic),
                       (metabolic, bp), (project, bp),
                       ("bfo_x", "http://purl.obolibrary.org/obo/BFO_0000015")])
    upper = upper_level_classes(t)
    assert upper >= {bp, metabolic, "http://purl.obolibrary.org/obo/BFO_0000015"}
    assert project not in upper  # a specific term parented to a root is not a grouping
    m = materialise(t, {("il1", "posreg", "br"): ("A1",)})
    assert set(m.inferred) == {("il1", "posreg", "tissue_process")}


def test_domains_and_ranges_add_no_class_level_edge() -> None:
    t = tbox(ranges=[("capable", "process")])
    t.domains["capable"].add("material")
    m = materialise(t, {("oc", "capable", "br"): ("A1",)})
    assert not m.inferred


def test_family_claims_do_not_reach_members() -> None:
    # IL-1 (a family with members IL1A, IL1B) is not a superclass of its members
    t = tbox(families={"il1"}, subclass=[("il1", "protein")])
    m = materialise(t, {("il1", "posreg", "activation"): ("A1",),
                        ("m1", "produces", "il1"): ("A2",)})
    assert not any(s in ("il1a", "il1b") or o in ("il1a", "il1b") for s, _p, o in m.inferred)
    assert set(m.inferred) == {("m1", "produces", "protein"), ("protein", "posreg", "activation")}


def test_asserted_and_ontology_only_edges_are_not_inferred() -> None:
    ex = "https://example.org/".__add__
    a, x, y, z, part = ex("a"), ex("x"), ex("y"), ex("z"), ex("part")
    t = tbox(transitive={part}, existentials={(x, part, y), (y, part, z)})
    m = materialise(t, {(a, part, x): (ex("A1"),), (a, part, z): (ex("A2"),)})
    # x part z follows from the ontology alone: a premise, not a conclusion of the review
    assert (x, part, z) in m.ontology and (x, part, z) not in m.inferred
    # a part z is asserted: never repeated as inferred
    assert (a, part, z) not in m.inferred
    assert m.inferred[(a, part, y)].premises == ((a, part, x), (x, part, y))
    triples = inference_triples(m, ontology_source=ex("imports"))
    assert [(t.subject.value, t.predicate.value, t.object.value) for t in triples.edges] == \
        [(a, part, y)]
    by_subject: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for tr in triples.justifications:
        by_subject[tr.subject.value].setdefault(tr.predicate.value, set()).add(tr.object.value)
    premise_nodes = by_subject[justification_iri((a, part, y))][PROV_DERIVED]
    assert ex("A1") in premise_nodes
    (ontology_node,) = premise_nodes - {ex("A1")}
    assert OKG + "OntologyPremise" in by_subject[ontology_node][RDF_TYPE]
    assert by_subject[ontology_node][PROV_DERIVED] == {ex("imports")}


def test_materialisation_is_deterministic() -> None:
    ex = "https://example.org/".__add__
    t = tbox(transitive={ex("dev")}, subclass=[(ex("m1"), ex("mac")), (ex("m2"), ex("mac"))],
             subproperty=[(ex("dev"), ex("rel"))])
    facts = {(ex(s), ex("dev"), ex(o)): (ex(a),) for s, o, a in (
        ("oc", "mac", "A1"), ("mac", "mono", "A2"), ("mono", "hsc", "A3"), ("oc", "hsc", "A4"))}
    universal = {(ex("mac"), ex("dev"), ex("mono")), (ex("mono"), ex("dev"), ex("hsc"))}
    first = inference_triples(materialise(t, facts, universal=universal),
                              ontology_source=ex("o"))
    second = inference_triples(materialise(t, dict(reversed(facts.items())),
                                           universal=universal), ontology_source=ex("o"))
    assert len(first.justifications) > 12 and first.edges
    assert [str(x) for x in first.edges] == [str(x) for x in second.edges]
    assert [str(x) for x in first.justifications] == [str(x) for x in second.justifications]


def test_justification_iri_is_a_stable_hash_of_the_edge() -> None:
    e = edge("CL:0000092", "RO:0002202", "CL:0000037")
    digest = hashlib.sha256("\n".join(e).encode()).hexdigest()[:20]
    assert justification_iri(e) == "https://w3id.org/osteokg/inference/" + digest


# --- the reasoning fixture curation, without Java ------------------------------------------


def test_no_java_path_marks_the_release_not_dl_checked(fixture_reasoned) -> None:
    from osteokg.reason import NO_JAVA_NOTE

    result, report = fixture_reasoned
    assert not report.hermit_ran and not report.dl_checked and not result.dl_checked
    assert result.notes == [NO_JAVA_NOTE]
    assert "not DL-checked" in report.summary()
    inferred = NamedNode(graph_iri("inferred"))
    in_store = sum(1 for _ in result.store.quads_for_pattern(None, None, None, inferred))
    assert in_store == len(set(result.dataset.graphs["inferred"])) > 0


def test_missing_java_adds_the_install_note(monkeypatch) -> None:
    from osteokg import reason
    from osteokg.build import compile_all

    monkeypatch.setattr(reason, "find_java", lambda: None)
    result = compile_all(seeds_dir=FIXTURE_SEEDS)
    report = reason.reason_dataset(result, use_java=True)
    note = ("Java not found: HermiT not run, release marked not DL-checked; install a JRE "
            "(apt-get install default-jre-headless)")
    assert result.notes == [note]
    assert not result.dl_checked and report.inferred_edges > 0


def test_lineage_closes_to_haematopoietic_stem_cell(fixture_reasoned) -> None:
    result, report = fixture_reasoned
    m = report.materialisation
    inferred = graph_triples(result, "inferred")
    # some osteoclast develops from some macrophage (A0002), a macrophage is a leukocyte and
    # every leukocyte develops from an HSC (A0001, universal): that osteoclast develops from one
    for cell in ("CL:0000092", "CL:0000863"):
        how = m.inferred[edge(cell, "RO:0002202", "CL:0000037")]
        assert edge(cell, "RO:0002202", "CL:0000037") in inferred, cell
        assert how.rule == "TransitivityRule"
        assert how.premises[1] == edge("CL:0000738", "RO:0002202", "CL:0000037")
    # nothing the review says of a class is copied down to its subclasses: the project term
    # "osteal macrophage" (a macrophage) inherits no claim about macrophages
    assert not [e for e in m.inferred if e[0] == I("OSTEOKG:0000903")]


def test_chains_sub_properties_and_generalised_objects(fixture_reasoned) -> None:
    _result, report = fixture_reasoned
    m = report.materialisation
    # M1 macrophages produce TNF (A0004), TNF promotes bone resorption (A0005): two
    # existential claims, a candidate mechanism for osteokg paths, not an inferred edge
    assert not [e for e in m.inferred if e[0] == I("CL:0000863") and e[2] == I("GO:0045453")]
    sub = m.inferred[edge("HGNC:11892", "RO:0002263", "GO:0045453")]
    assert sub.axiom == ("subproperty", I("RO:0004034"), I("RO:0002263"))
    assert edge("HGNC:11892", "RO:0002264", "GO:0045453") in m.inferred
    # bone resorption is a biological process, but that is an upper-level class
    assert edge("CL:0000092", "RO:0002215", "GO:0008150") not in m.inferred
    assert not [e for e in m.inferred if e[0] in m.upper or e[2] in m.upper]
    counts = report.rule_counts
    assert all(counts[r] > 0 for r in ("TransitivityRule", "SubPropertyRule",
                                       "SuperClassSubjectRule", "SuperClassObjectRule"))


def test_only_used_and_marked_relations_are_written(fixture_reasoned) -> None:
    result, report = fixture_reasoned
    m = report.materialisation
    written = graph_triples(result, "inferred")
    # "precedes" (BFO:0000063) is entailed (causally upstream of is a sub-property) but is
    # neither used by an assertion nor marked okg:materialised: derived, not written
    precedes = edge("OSTEOKG:0000901", "BFO:0000063", "GO:0045453")
    assert precedes in m.inferred and precedes not in written
    assert edge("OSTEOKG:0000901", "RO:0002411", "GO:0045453") in written  # okg:materialised
    assert {e[1] for e in m.emitted} <= m.properties
    assert I("RO:0002211") in m.properties and I("BFO:0000063") not in m.properties
    justifications = graph_triples(result, "justifications")
    for e in m.emitted:
        assert (justification_iri(e), RDF_TYPE, OKG + "Justification") in justifications
    # every justification node explains an edge of the inferred graph
    nodes = {s for s, p, o in justifications if p == RDF_TYPE and o == OKG + "Justification"}
    assert nodes == {justification_iri(e) for e in m.emitted}
    assert set(m.emitted) == written


def test_family_and_hypotheses_stay_out(fixture_reasoned) -> None:
    result, report = fixture_reasoned
    edges = set(report.materialisation.inferred) | graph_triples(result, "asserted")
    members = {I("HGNC:5991"), I("HGNC:5992")}
    assert not [e for e in edges if e[0] in members or e[2] in members]
    # the family's own claim is used as such: IL-1 promotes activation, as a family
    assert edge("OSTEOKG:0000902", "RO:0004034", "OSTEOKG:0000901") in edges
    # A0012 (unclear) and A0013/A0014 (hypotheses) give no edge and premise nothing
    for e in (edge("CL:0000092", "RO:0002202", "CL:0000863"),
              edge("OSTEOKG:0000903", "RO:0002215", "GO:0043277"),
              edge("HGNC:5962", "RO:0004035", "GO:0045453")):
        assert e not in edges
    used = {t for targets in derived_from(result.store).values() for t in targets}
    assert OKGA + "A0001" in used
    assert not used & {OKGA + "A0012", OKGA + "A0013", OKGA + "A0014", OKGA + "A0015"}
    # A0015 states A0005's edge as a hypothesis: the edge rests on A0005 alone
    assert report.materialisation.asserted[edge("HGNC:11892", "RO:0004034", "GO:0045453")] \
        == (OKGA + "A0005",)


def test_no_inferred_edge_repeats_an_asserted_one(fixture_reasoned, real_reasoned) -> None:
    for result, _report in (fixture_reasoned, real_reasoned):
        direct = graph_triples(result, "inferred")
        assert direct and not direct & graph_triples(result, "asserted")


def test_inferred_graph_holds_only_edges_each_with_one_justification(
        fixture_reasoned, real_reasoned) -> None:
    """okgg:inferred is edges only (what a user gets from GRAPH okgg:inferred { ?s ?p ?o });
    every edge names exactly one okg:Justification in okgg:justifications, by its
    rdf:subject/predicate/object, and that node is the edge's hash IRI."""
    for result, report in (fixture_reasoned, real_reasoned):
        edges = graph_triples(result, "inferred")
        justifications = graph_triples(result, "justifications")
        assert len(edges) == report.inferred_edges > 0
        meta = {s for s, p, o in justifications if p == RDF_TYPE
                and o in (OKG + "Justification", OKG + "OntologyPremise")}
        assert meta and {s for s, _p, _o in justifications} == meta
        # no justification or ontology premise node in the inferred graph, as subject or type
        assert not {s for s, _p, _o in edges} & meta
        assert not [e for e in edges if e[1] == RDF_TYPE]
        assert not [e for e in edges if e[0].startswith(OKGI)]
        # each edge: exactly one justification naming it, at its hash IRI
        named: dict[str, dict[str, str]] = defaultdict(dict)
        for s, p, o in justifications:
            if s in meta and p in (RDF + "subject", RDF + "predicate", RDF + "object"):
                assert p not in named[s], f"{s} names two {p}"
                named[s][p] = o
        justified: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for s, spo in named.items():
            if (s, RDF_TYPE, OKG + "Justification") in justifications:
                justified[(spo[RDF + "subject"], spo[RDF + "predicate"],
                           spo[RDF + "object"])].append(s)
        for e in edges:
            assert justified.get(e) == [justification_iri(e)], e
        assert set(justified) == edges
        # the store holds the same split
        for key, triples in (("inferred", edges), ("justifications", justifications)):
            g = NamedNode(graph_iri(key))
            assert sum(1 for _ in result.store.quads_for_pattern(None, None, None, g)) \
                == len(triples)


def test_every_justification_reaches_an_evidence_sentence(fixture_reasoned) -> None:
    result, report = fixture_reasoned
    assert assert_every_justification_reaches_a_sentence(result) >= report.inferred_edges


def test_explain_goes_down_to_the_sentences(fixture_reasoned) -> None:
    from osteokg.reason import explain, format_explanation, labels

    result, _report = fixture_reasoned
    expl = explain(result, *edge("CL:0000092", "RO:0002202", "CL:0000037"))
    assert expl.kind == "inferred" and expl.rule == "TransitivityRule"
    assert [p.edge for p in expl.premises] == [
        edge("CL:0000092", "RO:0002202", "CL:0000738"),
        edge("CL:0000738", "RO:0002202", "CL:0000037")]
    leaves = {a.id: a for a in expl.leaves()}
    assert set(leaves) == {"A0001", "A0002"}
    assert leaves["A0002"].certainty == "reported"
    assert all(ev.text and ev.sentence for a in leaves.values() for ev in a.evidence)
    text = "\n".join(format_explanation(expl, labels(result.store, "en")))
    assert "CL:0000092 (osteoclast) RO:0002202 (develops from) CL:0000037" in text
    assert "inferred: TransitivityRule" in text
    assert "inferred: SuperClassObjectRule" in text  # the first premise: macrophage -> leukocyte
    zh = "\n".join(format_explanation(expl, labels(result.store, "zh")))
    assert "CL:0000092 (破骨细胞)" in zh


def test_explain_refuses_hypotheses_and_unknown_edges(fixture_reasoned) -> None:
    from osteokg.reason import explain

    result, _report = fixture_reasoned
    with pytest.raises(QueryError, match=r"only a unclear in the review \(A0012\)"):
        explain(result, *edge("CL:0000092", "RO:0002202", "CL:0000863"))
    with pytest.raises(QueryError, match="neither asserted nor inferred"):
        explain(result, *edge("CL:0000037", "RO:0002202", "CL:0000092"))


# --- signed causal paths ----------------------------------------------------------------------


def test_paths_compose_signs_and_rank_shorter_first(fixture_reasoned) -> None:
    from osteokg.paths import paths

    result, _report = fixture_reasoned
    found = paths(result, I("CL:0000863"), I("GO:0045453"))
    assert [len(p.steps) for p in found] == [2, 3]
    assert [p.sign for p in found] == [1, 1]
    assert found[0].nodes == [I("CL:0000863"), I("HGNC:11892"), I("GO:0045453")]
    assert [e.assertion for s in found[0].steps for e in s.evidence] == ["A0004", "A0005"]
    negative = paths(result, I("CL:0000890"), I("GO:0045453"))
    assert [(len(p.steps), p.sign) for p in negative] == [(3, -1)]
    assert negative[0].nodes[1:3] == [I("HGNC:5962"), I("OSTEOKG:0000901")]
    # develops from is walked from the progenitor to the cell it gives rise to
    lineage = paths(result, I("CL:0000235"), I("GO:0045453"))
    assert lineage[0].nodes == [I("CL:0000235"), I("CL:0000092"), I("GO:0045453")]
    assert not lineage[0].steps[0].forward and lineage[0].sign == 1


def test_hypotheses_only_when_asked_and_marked(fixture_reasoned) -> None:
    from osteokg.paths import format_path, paths
    from osteokg.reason import labels

    result, _report = fixture_reasoned
    strict = paths(result, I("HGNC:5962"), I("GO:0045453"))
    assert [p.hypothetical for p in strict] == [False]
    loose = paths(result, I("HGNC:5962"), I("GO:0045453"), include_hypotheses=True)
    assert [(len(p.steps), p.sign, p.hypothetical) for p in loose] == [(1, -1, True),
                                                                         (2, -1, False)]
    text = "\n".join(format_path(loose[0], labels(result.store)))
    assert "[includes hypothesis]" in text and "A0014 (hypothesis, sec2-05)" in text


def test_therapeutic_targets(fixture_reasoned) -> None:
    from osteokg.paths import therapeutic_targets

    result, _report = fixture_reasoned
    found = therapeutic_targets(result, I("GO:0045453"))
    assert [(c.agent, c.target) for c in found] == [(I("HGNC:5962"), I("OSTEOKG:0000901"))]
    assert found[0].drive.nodes == [I("OSTEOKG:0000901"), I("GO:0045453")]
    assert found[0].inhibition.evidence[0].assertion == "A0009"
    with_hyp = therapeutic_targets(result, I("GO:0045453"), include_hypotheses=True)
    assert (I("HGNC:5962"), I("GO:0045453"), True) in {
        (c.agent, c.target, c.hypothetical) for c in with_hyp}


# --- command line ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_release(fixture_reasoned, tmp_path_factory) -> Path:
    result, _report = fixture_reasoned
    path = tmp_path_factory.mktemp("reason") / "osteokg.nq"
    path.write_bytes(serialize(result.dataset.quads(), format=RdfFormat.N_QUADS))
    return path


def test_cli_explain_with_labels_in_chinese(fixture_release) -> None:
    from osteokg.cli import main

    out = CliRunner().invoke(main, ["explain", "破骨细胞", "develops from", "造血干细胞",
                                    "--data", str(fixture_release)])
    assert out.exit_code == 0, out.output
    assert "inferred: TransitivityRule" in out.output
    assert "A0001 " in out.output and "A0002 " in out.output
    bad = CliRunner().invoke(main, ["explain", "no such cell", "RO:0002202", "CL:0000037",
                                    "--data", str(fixture_release)])
    assert bad.exit_code == 2 and "is not a CURIE, an IRI, or a label" in bad.output


def test_cli_paths_table_json_and_targets(fixture_release) -> None:
    import json

    from osteokg.cli import main

    runner = CliRunner()
    table = runner.invoke(main, ["paths", "CL:0000890", "bone resorption",
                                 "--data", str(fixture_release)])
    assert table.exit_code == 0, table.output
    assert "1. sign -, 3 step(s), weakest certainty established" in table.output
    js = runner.invoke(main, ["paths", "IL10", "GO:0045453", "--include-hypotheses", "-f",
                              "json", "--data", str(fixture_release)])
    data = json.loads(js.output)
    assert [(p["sign"], p["hypothetical"]) for p in data] == [("-", True), ("-", False)]
    assert data[0]["steps"][0]["evidence"][0]["assertion"] == "A0014"
    targets = runner.invoke(main, ["paths", "--targets", "GO:0045453",
                                   "--data", str(fixture_release)])
    expected = "1. HGNC:5962 (IL10) inhibits OSTEOKG:0000901 (osteoclast activation)"
    assert expected in targets.output
    missing = runner.invoke(main, ["paths", "CL:0000890", "--data", str(fixture_release)])
    assert missing.exit_code == 2 and "give FROM and TO" in missing.output
    both = runner.invoke(main, ["paths", "IL10", "--targets", "GO:0045453",
                                "--data", str(fixture_release)])
    assert both.exit_code == 2 and "--targets MECHANISM takes no FROM/TO" in both.output


def test_cli_reason_without_java() -> None:
    from osteokg.cli import main

    out = CliRunner().invoke(main, ["reason", "--no-java"])
    assert out.exit_code == 0, out.output
    assert "HermiT: not run (--no-java)" in out.output
    assert "DL-checked: no" in out.output
    assert "PropertyChainRule" in out.output and "time materialise:" in out.output


# --- the real curation ------------------------------------------------------------------------


def test_real_graph_conclusions(real_reasoned) -> None:
    from osteokg.reason import explain

    result, report = real_reasoned
    m = report.materialisation
    asserted = graph_triples(result, "asserted")
    lineage = edge("CL:0000092", "RO:0002202", "CL:0000037")
    assert lineage in asserted or lineage in m.inferred
    leaves = explain(result, *lineage).leaves() if lineage in m.inferred else []
    assert all(ev.text for a in leaves for ev in a.evidence)
    # issue 11's example: what the review says of macrophages (A0010, they promote osteoclast
    # differentiation) is not copied to M2 macrophages, which the review says inhibit it
    m2, diff = I("CL:0000890"), I("GO:0030316")
    signed = {p for s, p, o in set(m.emitted) | asserted if s == m2 and o == diff}
    assert I("RO:0002597") in signed and not signed & {I("RO:0002598"), I("RO:0002213")}
    # the counts issue 11 reported, now 0: downward copies, upper-level edges, sign conflicts
    assert not [e for e, how in m.emitted.items() if how.rule == "SubClassInheritanceRule"]
    assert not [e for e in m.emitted if e[0] in m.upper or e[2] in m.upper]
    signs = default_signs()
    seen, stated = defaultdict(set), defaultdict(set)
    for s, p, o in set(m.emitted) | asserted:
        if signs.get(p):
            seen[(s, o)].add(signs[p])
            if (s, p, o) in asserted:
                stated[(s, o)].add(signs[p])
    assert not [k for k, v in seen.items() if len(v) == 2 and len(stated[k]) < 2]
    assert [k for k, v in stated.items() if len(v) == 2]  # IL-7: the review gives both
    counts = report.rule_counts
    assert all(counts[r] > 0 for r in ("SubPropertyRule", "SuperClassSubjectRule",
                                       "SuperClassObjectRule"))


def test_real_graph_justifications_reach_sentences(real_reasoned) -> None:
    result, report = real_reasoned
    assert assert_every_justification_reaches_a_sentence(result) >= report.inferred_edges


# --- HermiT ---------------------------------------------------------------------------------


@pytest.mark.java
def test_hermit_accepts_the_fixture_and_the_chains(java) -> None:
    from osteokg.build import compile_all
    from osteokg.reason import reason_dataset

    result = compile_all(seeds_dir=FIXTURE_SEEDS)
    report = reason_dataset(result, use_java=True)
    assert report.hermit_ran and report.consistent and report.unsatisfiable == []
    assert result.dl_checked and result.notes == []
    assert report.summary().startswith("consistent, all classes satisfiable")


@pytest.mark.java
def test_contradictory_curation_stops_the_build(java, tmp_path) -> None:
    from osteokg.build import build

    out = tmp_path / "release"
    with pytest.raises(InconsistentOntologyError) as info:
        build(out, seeds_dir=CONTRADICTION, validate=False)
    message = str(info.value)
    assert "nothing was written" in message
    assert ("assertion A0902 at tests/resources/reason/contradiction/assertions/"
            "contradiction.yaml:12: OSTEOKG:0000911 RO:0002202 CL:0000235") in message
    assert ("concept OSTEOKG:0000911 at tests/resources/reason/contradiction/concepts/"
            "contradiction.yaml:18: OSTEOKG:0000911 SubClassOf GO:0008150") in message
    # the innocent assertion A0901 is not blamed
    assert "A0901" not in message
    report = info.value.report
    roots = {u.iri: [o.id for o in u.offenders] for u in report.unsatisfiable if u.root}
    assert roots == {I("OSTEOKG:0000911"): ["A0902", "OSTEOKG:0000911"]}
    assert not out.exists()


@pytest.mark.java
def test_real_graph_is_consistent_and_dl_checked(java) -> None:
    from osteokg.build import compile_all
    from osteokg.reason import reason_dataset

    result = compile_all()
    report = reason_dataset(result, use_java=True)
    from osteokg.inference import SUBCLASS

    assert report.consistent and report.unsatisfiable == [] and result.dl_checked
    # HermiT's new subClassOf edges (direct ones only) are the materialiser's domain-rule
    # edges, which may also repeat them on subclasses
    m = report.materialisation
    mine = {(s, o) for s, p, o in m.inferred if p == SUBCLASS}
    assert set(report.new_subclass_edges) <= mine
    for sub, sup in mine:
        assert any((a, sup) in report.new_subclass_edges
                   for a in {sub} | m.tbox.ancestors(sub)), (sub, sup)


@pytest.mark.java
def test_materialised_edges_agree_with_hermit_on_the_fixture(java) -> None:
    """Every materialised edge of the fixture holds of its witness in HermiT, and HermiT
    entails nothing over the same (P, O) pairs that the rules lack (but by design)."""
    from osteokg.build import compile_all
    from osteokg.inference import SUBCLASS
    from osteokg.reason import agreement, materialise_dataset

    result = compile_all(seeds_dir=FIXTURE_SEEDS)
    m = materialise_dataset(result.dataset)
    found = agreement(result.dataset, m, java=java)
    assert found.checked_edges == len({e for e in m.all_edges() if e[1] != SUBCLASS})
    # both readings are exercised: universal edges through their class, existential ones
    # through the model individuals of the claims they descend from
    assert found.by_class > 0 and found.by_individual > 0 and found.individuals > 0
    assert found.by_class + found.by_individual == found.checked_edges
    assert found.unjustified == [], found.why
    assert found.missing == []


@pytest.mark.java
def test_agreement_on_the_real_graph_refuses_a_downward_copy_and_a_universal_misreading(
        java) -> None:
    """Soundness on the real graph, and the check can fail: two wrong edges slipped into the
    materialisation are each reported, with the reason; every real edge is justified."""
    from dataclasses import replace

    from osteokg.build import compile_all
    from osteokg.inference import Derivation
    from osteokg.reason import INHERITED, agreement, edge_witness, materialise_dataset

    result = compile_all()
    m = materialise_dataset(result.dataset)
    # A0010: macrophages promote osteoclast differentiation (existential). Copying it down
    # to M2 macrophages (which A0454 says inhibit it) is what issue 11 removed; reading it as
    # "every macrophage..." is the universal misreading.
    claim = edge("CL:0000235", "RO:0002598", "GO:0030316")
    copy = edge("CL:0000890", "RO:0002598", "GO:0030316")
    assert claim in m.asserted and claim not in m.universal and copy not in m.all_edges()
    assert edge_witness(m, claim).iris == (expand("okgm:A0010-s"),)
    wrong = replace(
        m, inferred={**m.inferred, copy: Derivation(
            "SuperClassSubjectRule", (claim,), ("subclass", claim[0], copy[0]))},
        universal=m.universal | {claim})
    assert edge_witness(wrong, copy).kind == "class"  # through the misread claim
    objects = [I(c) for c in ("CL:0000037", "GO:0045453", "GO:0030316", "GO:0006954")]
    found = agreement(result.dataset, wrong, java=java, objects=objects)
    assert found.probes >= 4 * 20 and found.by_individual > 100 and found.by_class > 10
    assert found.unjustified == [claim, copy]
    assert found.why[claim] == "CL:0000235 not below RO:0002598 some GO:0030316"
    assert found.why[copy] == ("CL:0000235 not below CL:0000890; "
                               "CL:0000235 not below RO:0002598 some GO:0030316")
    # read as it is curated, the copy is refused through the claim's model individual
    honest = replace(wrong, universal=m.universal)
    assert edge_witness(honest, copy).iris == (expand("okgm:A0010-s"),)
    again = agreement(result.dataset, honest, java=java, objects=[I("GO:0030316")],
                      edges=[copy, claim])
    assert again.unjustified == [copy]
    assert again.why[copy] == "okgm:A0010-s not a CL:0000890"
    # nothing HermiT entails is missing but what the rules leave out on purpose: here,
    # universal claims about osteoclasts hold of multinuclear osteoclasts too
    assert found.missing == []
    assert edge("CL:0000779", "RO:0002215", "GO:0045453") in found.left_out[INHERITED]


@pytest.mark.java
def test_every_materialised_edge_agrees_with_hermit_on_the_real_graph(java) -> None:
    """All edges, all their (P, O) probes: nothing unjustified, nothing entailed missing but
    what the rules leave out by design - among it the reflexive edges (A0594: fracture
    contributes to non-union, a kind of fracture, entails fracture contributes to fracture
    and to injury, which the rules do not draw)."""
    from osteokg.build import compile_all
    from osteokg.reason import REFLEXIVE, agreement, materialise_dataset

    result = compile_all()
    m = materialise_dataset(result.dataset)
    found = agreement(result.dataset, m, java=java)
    assert found.unjustified == [] and found.missing == []
    assert found.checked_edges > 20000 and found.by_individual > 1000
    fracture = I("MONDO:0005315")
    assert (fracture, I("OSTEOKG:0900003"), fracture) in found.left_out[REFLEXIVE]


@pytest.mark.java
def test_cli_reason_with_java(java) -> None:
    from osteokg.cli import main

    out = CliRunner().invoke(main, ["reason"])
    assert out.exit_code == 0, out.output
    assert "HermiT: consistent" in out.output and "DL-checked: yes" in out.output
    assert "unsatisfiable classes: 0" in out.output


def test_paths_climb_the_class_hierarchy_and_follow_process_outputs(real_reasoned) -> None:
    from osteokg.paths import HAS_OUTPUT, SUBCLASS_OF, CausalGraph, format_path, paths

    result, _report = real_reasoned
    # titanium particles are wear particles, which stimulate osteoclasts to dissolve bone
    titanium = paths(result, I("OSTEOKG:0000023"), I("GO:0045453"))
    assert titanium[0].nodes == [I("OSTEOKG:0000023"), I("OSTEOKG:0000022"), I("GO:0045453")]
    assert titanium[0].steps[0].predicate == SUBCLASS_OF and titanium[0].sign == 1
    assert [(e.basis, e.graph, e.assertion) for e in titanium[0].steps[0].evidence] == [
        ("class hierarchy", "ontology", "")]
    assert [e.assertion for e in titanium[0].steps[1].evidence] == ["A0590", "A0590"]
    # IL-4 drives M2 polarisation, whose output (M2 macrophages) inhibits osteoclast
    # differentiation: the composed sign is negative
    il4 = paths(result, I("HGNC:6014"), I("GO:0030316"))
    assert il4[0].nodes == [I("HGNC:6014"), I("OSTEOKG:0000037"), I("CL:0000890"),
                            I("GO:0030316")]
    assert il4[0].steps[1].predicate == HAS_OUTPUT and il4[0].sign == -1
    assert [(e.basis, e.graph) for e in il4[0].steps[1].evidence] == [("definition", "ontology")]
    assert il4[0].to_dict()["steps"][1]["evidence"] == [{
        "assertion": "", "certainty": "established", "sentence": "", "english": "",
        "basis": "definition", "graph": "ontology"}]
    assert il4[0].steps[0].evidence[0].basis == "review"
    shown = "\n".join(format_path(titanium[0], lambda x: x) + format_path(il4[0], lambda x: x))
    assert "--is a [+]-->" in shown and "class hierarchy (ontology graph): what holds" in shown
    assert "definition (ontology graph, ontology/axioms.ttl)" in shown
    # being a kind of something is not an effect on it, and a progenitor role is not inherited
    assert paths(result, I("OSTEOKG:0000023"), I("OSTEOKG:0000022")) == []
    graph = CausalGraph(result.store)
    # macrophages develop into osteoclasts, but an M2 macrophage (is a macrophage) does not
    # thereby lead to osteoclasts: no path takes that reversed step after an "is a" step
    assert any(not st.forward and st.target == I("CL:0000092")
               for st in graph.out[I("CL:0000235")])
    for start in (I("CL:0000890"), I("CL:0000863")):
        for path in graph.paths(start, I("GO:0045453"), 5):
            for before, after in zip(path.steps, path.steps[1:]):
                assert not (before.predicate == SUBCLASS_OF and not after.forward), path.nodes
    # the backward search for drivers (paths --targets) keeps the same two rules
    drivers = graph.drivers_of(I("GO:0045453"), 5)
    assert drivers[I("OSTEOKG:0000023")].nodes == titanium[0].nodes
    for path in drivers.values():
        assert path.steps[-1].predicate != SUBCLASS_OF, path.nodes
        for before, after in zip(path.steps, path.steps[1:]):
            assert not (before.predicate == SUBCLASS_OF and not after.forward), path.nodes
