"""Relations are used within the domains and ranges RO declares, on the real build.

RO's own release (``../shared/reference/ro.owl.gz``) gives each relation's domain and range,
declared on it or on a super-property; a triple whose subject or object is of another kind
would make that subject unsatisfiable for a user who loads osteokg beside RO (continuant and
occurrent are disjoint). The tests read RO itself (skipping cleanly when the reference folder
is absent) and check both the relation table the loader uses and every triple of the release
that uses an RO relation: asserted edges, inferred edges, the individuals of the OWL models
and the universal class axioms.
"""

from __future__ import annotations

import gzip
from collections import defaultdict

import pytest
from conftest import REFERENCE_DIR

from osteokg.curation import CurationError, load_curation
from osteokg.prefixes import compress, expand
from osteokg.relations import CATEGORY_KIND, KIND_CLASSES, RELATIONS, misuse

RO_OWL = REFERENCE_DIR / "ro.owl.gz"
OBO = "http://purl.obolibrary.org/obo/"


@pytest.fixture(scope="module")
def ro():
    """(domains, ranges) of every RO relation, each a list of alternatives: a set of class
    CURIEs of which one must hold (a union), one set per declaration on it or a super-property."""
    if not RO_OWL.exists():
        pytest.skip(f"RO release not found at {RO_OWL} (../shared/reference is not shipped)")
    import rdflib
    from rdflib import OWL, RDFS
    from rdflib.collection import Collection

    g = rdflib.Graph()
    with gzip.open(RO_OWL) as fh:
        g.parse(fh, format="xml")

    def alternatives(node) -> set[str] | None:
        if isinstance(node, rdflib.URIRef):
            return {_curie(str(node))}
        members = g.value(node, OWL.unionOf)
        if members is not None:
            return {_curie(str(m)) for m in Collection(g, members)
                    if isinstance(m, rdflib.URIRef)}
        return None  # an anonymous class expression other than a union: not checked

    def supers(prop) -> list:
        seen, todo = [prop], [prop]
        while todo:
            for sup in g.objects(todo.pop(), RDFS.subPropertyOf):
                if isinstance(sup, rdflib.URIRef) and sup not in seen:
                    seen.append(sup)
                    todo.append(sup)
        return seen

    out: dict[str, tuple[list, list]] = {}
    for prop in set(g.subjects(rdflib.RDF.type, OWL.ObjectProperty)):
        if not isinstance(prop, rdflib.URIRef) or not str(prop).startswith(OBO + "RO_"):
            continue
        doms, rngs = [], []
        for q in supers(prop):
            doms += [a for d in g.objects(q, RDFS.domain) if (a := alternatives(d))]
            rngs += [a for r in g.objects(q, RDFS.range) if (a := alternatives(r))]
        out[_curie(str(prop))] = (doms, rngs)
    return out


def _curie(iri: str) -> str:
    """OBO IRIs as PREFIX:LOCAL whether or not the prefix map knows the ontology."""
    if iri.startswith(OBO) and "_" in iri[len(OBO):]:
        return iri[len(OBO):].replace("_", ":", 1)
    return compress(iri)


def _fits(kind: str, required: list[set[str]]) -> bool:
    return all(alts & KIND_CLASSES[kind] for alts in required)


def test_relation_table_is_no_looser_than_ro(ro):
    """Every kind the loader allows as subject (object) of a relation fits RO's domain
    (range) of that relation and of all its super-properties."""
    problems = []
    for curie, rel in sorted(RELATIONS.items()):
        if not curie.startswith("RO:"):
            continue
        assert curie in ro, f"{curie} is not an object property of RO's release"
        domains, ranges = ro[curie]
        problems += [f"{curie} ({rel.label}) allows a {k} subject; RO's domain is {domains}"
                     for k in sorted(rel.domain) if not _fits(k, domains)]
        problems += [f"{curie} ({rel.label}) allows a {k} object; RO's range is {ranges}"
                     for k in sorted(rel.range) if not _fits(k, ranges)]
    assert not problems, "\n".join(problems)


def _kinds(store) -> dict[str, str]:
    """Kind of every class in the release: its curated category, or (for a class of the
    imports) the kind of the curated classes below it."""
    from osteokg.query import run_query

    rows = run_query(store, """
        SELECT ?c ?cat WHERE { GRAPH okgg:ontology { ?c biolink:category ?cat } }""").rows
    categories = {c[1]: cat[1].rsplit("/", 1)[-1] for c, cat in rows}
    by_biolink = {}
    from osteokg.curation import CATEGORIES
    for name, biolink in CATEGORIES.items():
        by_biolink[biolink] = name
    kind = {c: CATEGORY_KIND[by_biolink[b]] for c, b in categories.items() if b in by_biolink}
    parents = defaultdict(set)
    for s, o in run_query(store, """SELECT ?s ?o WHERE { ?s rdfs:subClassOf ?o
                                     FILTER(isIRI(?s) && isIRI(?o)) }""").rows:
        parents[s[1]].add(o[1])
    todo = list(kind)
    while todo:
        c = todo.pop()
        for p in parents.get(c, ()):
            if p not in kind:
                kind[p] = kind[c]
                todo.append(p)
    return kind


def test_every_ro_triple_of_the_release_is_within_ro_domains(ro, built):
    """No triple of the release (asserted, inferred, OWL model individuals, universal class
    axioms) uses an RO relation with a subject or object outside RO's domain or range."""
    from osteokg.query import run_query

    kinds = _kinds(built.store)
    uses = run_query(built.store, """
        SELECT DISTINCT ?g ?s ?p ?o WHERE {
          { GRAPH ?g { ?s ?p ?o } VALUES ?g { okgg:asserted okgg:inferred } }
          UNION
          { GRAPH okgg:axioms { ?x ?p ?y . ?x a ?s . ?y a ?o
                                FILTER(?s != owl:NamedIndividual && ?o != owl:NamedIndividual)}
            BIND(okgg:axioms AS ?g) }
          UNION
          { GRAPH okgg:axioms { ?s rdfs:subClassOf [ owl:onProperty ?p ; owl:someValuesFrom ?o ] }
            BIND(okgg:axioms AS ?g) }
          FILTER(STRSTARTS(STR(?p), "http://purl.obolibrary.org/obo/RO_") && isIRI(?o))
        }""").rows
    assert len(uses) > 1000
    misuses = []
    for g, s, p, o in uses:
        domains, ranges = ro[compress(p[1])]
        for term, required, role in ((s[1], domains, "subject"), (o[1], ranges, "object")):
            k = kinds.get(term)
            assert k is not None, f"no kind known for {compress(term)}"
            if not _fits(k, required):
                misuses.append(f"{compress(g[1])}: {compress(s[1])} {compress(p[1])} "
                               f"{compress(o[1])}: {role} is a {k}, RO requires {required}")
    assert not misuses, f"{len(misuses)} misuses:\n" + "\n".join(misuses[:20])


def test_loader_rejects_a_relation_outside_its_domain(tmp_path):
    """A cell that 'positively regulates' a process is a category error (regulates joins two
    processes): the loader names file:line and the relation to use instead."""
    import shutil

    from osteokg.constants import SEEDS_DIR

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds, ignore=shutil.ignore_patterns("*.txt"))
    path = seeds / "assertions" / "front.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  predicate: RO:0002598\n" in text  # macrophage capable of positively regulating
    lines = text.split("\n")
    where = lines.index("  predicate: RO:0002598") + 1
    path.write_text(text.replace("  predicate: RO:0002598\n", "  predicate: RO:0002213\n", 1),
                    encoding="utf-8")
    with pytest.raises(CurationError) as err:
        load_curation(seeds)
    message = str(err.value)
    assert f"seeds/assertions/front.yaml:{where}" in message.replace(str(tmp_path) + "/", "")
    assert "RO:0002213 (positively regulates) needs a subject that is a process" in message
    assert "use RO:0002598 (capable of positively regulating)" in message


def test_misuse_messages_suggest_a_relation_of_the_same_sign():
    assert misuse("RO:0002212", "gene", "biological_process").endswith(
        "the subject is a material (gene) - use RO:0002597 (capable of negatively regulating) "
        "or RO:0004035 (acts upstream of, negative effect)")  # never 'treats' for a sign
    assert "the subject is an anatomical (cell)" in misuse("RO:0002213", "cell", "pathway")
    assert misuse("RO:0004034", "gene", "biological_process") is None
    assert "needs an object that is a disease or phenotype" in misuse(
        "OSTEOKG:0900003", "cell", "biological_process")
    assert expand("RO:0002213").startswith(OBO)
