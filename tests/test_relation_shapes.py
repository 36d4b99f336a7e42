"""shapes/domain-range.ttl is the relation table (osteokg.relations) written as SHACL."""

from __future__ import annotations

from pyoxigraph import RdfFormat, parse

from osteokg import relation_shapes
from osteokg.prefixes import expand
from osteokg.relations import KINDS, RELATIONS

SH = "http://www.w3.org/ns/shacl#"


def test_committed_shapes_match_the_relation_table() -> None:
    committed = relation_shapes.SHAPES_FILE.read_text(encoding="utf-8")
    assert committed == relation_shapes.render(), (
        "shapes/domain-range.ttl is out of date: run python -m osteokg.relation_shapes")
    assert relation_shapes.main(["--check"]) == 0


def test_every_restricted_relation_has_its_shape() -> None:
    triples = list(parse(relation_shapes.render().encode(), format=RdfFormat.TURTLE))
    selects = {t.object.value for t in triples if t.predicate.value == SH + "select"}
    targeted = {s.split("rdf:predicate <", 1)[1].split(">", 1)[0] for s in selects}
    unrestricted = {c for c, r in RELATIONS.items() if len(r.domain) == len(r.range) == len(KINDS)}
    assert targeted == {expand(c) for c in RELATIONS} - {expand(c) for c in unrestricted}
    assert expand("RO:0002213") in targeted and expand("RO:0002351") not in targeted
    # positively regulates: process to process, so only process categories are allowed
    assert _in_list(triples, "RO_0002213-subject") == {
        "BiologicalProcess", "Pathway", "Procedure"}
    assert _in_list(triples, "RO_0003000-object") == {
        "AnatomicalEntity", "Cell", "ChemicalEntity", "Device", "Gene", "GeneFamily",
        "MacromolecularComplex"}


def _in_list(triples, shape: str) -> set[str]:
    """The Biolink class names in a property shape's sh:in list."""
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    by = {(t.subject, t.predicate.value): t.object for t in triples}
    (node,) = [t.object for t in triples if t.subject.value.endswith("/" + shape)
               and t.predicate.value == SH + "in"]
    names = set()
    while node.value != rdf + "nil":
        names.add(by[(node, rdf + "first")].value.rsplit("/", 1)[1])
        node = by[(node, rdf + "rest")]
    return names
