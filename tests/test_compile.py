"""The three views of an assertion, compiled from the mini curation: exact triples."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from osteokg.compile import iri


def T(s, p, o) -> Triple:
    return Triple(s if not isinstance(s, str) else iri(s), iri(p), o if not isinstance(o, str)
                  else iri(o))


def graph(build, key) -> set[Triple]:
    return set(build.dataset.graphs.get(key, []))


def test_direct_edges(mini_build):
    assert graph(mini_build, "asserted") == {
        T("CL:0000092", "RO:0002202", "CL:0000037"),
        T("CL:0000092", "RO:0002202", "CL:0000235"),
        T("CL:0000092", "RO:0002215", "GO:0045453"),
        T("MONDO:0005298", "OSTEOKG:0900011",
          Literal("200000000", datatype=iri("xsd:integer"))),
    }


def test_assertion_node_with_evidence(mini_build):
    g = graph(mini_build, "assertions")
    a = iri("okga:A0002")
    e = iri("okge:A0002-1")
    expected = {
        T(a, "rdf:type", "okg:Assertion"),
        T(a, "rdf:subject", "CL:0000092"),
        T(a, "rdf:predicate", "RO:0002202"),
        T(a, "rdf:object", "CL:0000235"),
        T(a, "okg:certainty", "okg:Reported"),
        T(a, "okg:diseaseContext", "MONDO:0005298"),
        T(a, "okg:hasEvidence", e),
        T(e, "okg:sentence", "okgs:intro-03"),
        T(e, "okg:evidenceType", "ECO:0000304"),
        T(e, "dcterms:references", "okgr:2"),
        T(e, "okg:englishRendering",
          Literal("Osteoclasts can also differentiate from macrophages.", language="en")),
        T(NamedNode(e.value + "-quote"), "oa:exact", Literal("也可以从巨噬细胞分化而来", language="zh")),
    }
    assert expected <= g
    curated = [t.object.value for t in g if t.subject == a and t.predicate == iri("okg:curatedIn")]
    assert len(curated) == 1 and curated[0].endswith("mini-seeds/assertions/mini.yaml:12")


def test_position_selector_points_at_the_quote(mini_build):
    g = graph(mini_build, "assertions")
    pos = iri("okge:A0002-1-position")
    start = int(next(t.object.value for t in g if t.subject == pos and t.predicate == iri("oa:start")))
    end = int(next(t.object.value for t in g if t.subject == pos and t.predicate == iri("oa:end")))
    assert mini_build.source.normalised[start:end] == "也可以从巨噬细胞分化而来"


def test_universal_claim_is_a_class_axiom_annotated_with_its_assertion(mini_build):
    """A0003 (reading: universal, the osteoclast's defining function) is S SubClassOf P some O."""
    g = graph(mini_build, "axioms")
    r, x = BlankNode("rA0003"), BlankNode("xA0003")
    assert {
        T("CL:0000092", "rdfs:subClassOf", r),
        T(r, "rdf:type", "owl:Restriction"),
        T(r, "owl:onProperty", "RO:0002215"),
        T(r, "owl:someValuesFrom", "GO:0045453"),
        T(x, "owl:annotatedSource", "CL:0000092"),
        T(x, "owl:annotatedTarget", r),
        T(x, "okg:assertion", "okga:A0003"),
    } <= g


def test_existential_claim_is_a_model_of_two_individuals(mini_build):
    """A0002 (existential, the default) is a GO-CAM-style model: x a osteoclast, y a
    macrophage, x develops from y; no class axiom says every osteoclast develops from one."""
    g = graph(mini_build, "axioms")
    x, y = iri("okgm:A0002-s"), iri("okgm:A0002-o")
    assert {
        T(x, "rdf:type", "owl:NamedIndividual"), T(x, "rdf:type", "CL:0000092"),
        T(y, "rdf:type", "owl:NamedIndividual"), T(y, "rdf:type", "CL:0000235"),
        T(x, "RO:0002202", y),
        T(x, "okg:assertion", "okga:A0002"), T(y, "okg:assertion", "okga:A0002"),
    } <= g
    assert not any(t.subject in (BlankNode("rA0002"), BlankNode("xA0002")) for t in g)
    readings = {t.subject: t.object for t in graph(mini_build, "assertions")
                if t.predicate == iri("okg:reading")}
    assert readings[iri("okga:A0002")] == iri("okg:Existential")
    assert readings[iri("okga:A0003")] == iri("okg:Universal")


def test_unclear_claim_is_not_a_fact(mini_build):
    """A0004 (certainty unclear) exists only as an assertion node."""
    node = iri("okga:A0004")
    assert T(node, "okg:certainty", "okg:Unclear") in graph(mini_build, "assertions")
    assert not any(t.subject in (BlankNode("rA0004"), BlankNode("xA0004"))
                   for t in graph(mini_build, "axioms"))


def test_literal_fact_has_unit_and_date(mini_build):
    g = graph(mini_build, "assertions")
    a = iri("okga:A0005")
    assert T(a, "qudt:unit", "unit:NUM") in g
    assert T(a, "okg:asOf", Literal("2020", datatype=iri("xsd:gYear"))) in g


def test_concepts_bilingual_and_families(mini_build):
    g = graph(mini_build, "ontology")
    assert T("CL:0000092", "rdfs:label", Literal("破骨细胞", language="zh")) in g
    assert T("CL:0000092", "biolink:category", "biolink:Cell") in g
    assert T("HGNC:11926", "oboInOwl:hasExactSynonym", Literal("RANKL", language="en")) in g
    assert T("HGNC:11926", "skos:exactMatch", "NCBIGene:8600") in g
    fam = iri("OSTEOKG:0000001")
    assert T(fam, "RO:0002351", "HGNC:11926") in g
    assert T(fam, "rdfs:subClassOf", "CHEBI:36080") in g
    # The family's members are not made subclasses: vague claims stay at the family level.
    assert T("HGNC:11926", "rdfs:subClassOf", fam) not in g


def test_source_graph_has_sentences_and_references(mini_build):
    g = graph(mini_build, "source")
    s = iri("okgs:sec4.3-01")
    assert T(s, "dcterms:references", "okgr:27") in g
    assert T(s, "dcterms:isPartOf", NamedNode("https://w3id.org/osteokg/section/sec4.3")) in g
    assert T("okgr:42", "okg:referenceNumber", Literal("42", datatype=iri("xsd:integer"))) in g


def test_compiled_quads_are_sorted_and_unique(mini_build):
    quads = mini_build.dataset.quads()
    keys = [str(q) for q in quads]
    assert keys == sorted(set(keys))
