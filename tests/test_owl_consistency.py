"""The OWL release file (osteokg.owl) is consistent, with no unsatisfiable class that osteokg
uses: alone, beside the full RO release, and beside CL, GO and UBERON (MODEL.md section 5,
issue 11).

Which reasoner checks what (README, "Reasoning checks"): HermiT the release alone; rustdl (an OWL 2
DL reasoner on PyPI) the release beside RO, where HermiT runs out of time; HermiT again the
release beside CL + GO + UBERON. The reference files are in ../shared/reference, which users
do not have: those tests skip without it. Each check is shown able to fail on a made-up
clash of the kind issue 11 removed (a cell type "regulating" a process, against RO's domain).
"""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Triple

from osteokg.prefixes import compress, expand

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # benchmarks/ (the OBO converter) is a folder, not a package
    sys.path.insert(0, str(REPO))

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
INDIVIDUAL = NamedNode("http://www.w3.org/2002/07/owl#NamedIndividual")
MODEL = "https://w3id.org/osteokg/model/"


@pytest.fixture(scope="module")
def release_owl(tmp_path_factory) -> Path:
    """The release's osteokg.owl, as ``osteokg build`` writes it (no Java, no validation)."""
    from osteokg.build import build

    out = tmp_path_factory.mktemp("release")
    build(out, validate=False, use_java=False)
    return out / "osteokg.owl"


@pytest.fixture(scope="module")
def used(release_owl) -> set[str]:
    """Every class osteokg uses: those osteokg.owl declares (its concepts, the imported terms
    and their ancestors) and those typing its model individuals."""
    from pyoxigraph import RdfFormat, parse

    owl_class = "http://www.w3.org/2002/07/owl#Class"
    used: set[str] = set()
    for q in parse(path=str(release_owl), format=RdfFormat.RDF_XML):
        if q.predicate != RDF_TYPE or not isinstance(q.subject, NamedNode):
            continue
        if q.object.value == owl_class:
            used.add(q.subject.value)
        elif q.subject.value.startswith(MODEL) and q.object != INDIVIDUAL:
            used.add(q.object.value)
    assert expand("CL:0000092") in used and expand("GO:0030316") in used
    return used


def bad_model() -> list[Triple]:
    """A claim of the kind issue 11 removed: a macrophage model individual that "positively
    regulates" an osteoclast differentiation individual (RO gives the regulates family the
    domain process, disjoint from the material entity a cell is), with the two subclass
    axioms of osteokg.owl that make a macrophage a material entity."""
    x, y = NamedNode(MODEL + "BAD-s"), NamedNode(MODEL + "BAD-o")
    subclass = NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    return [Triple(x, RDF_TYPE, INDIVIDUAL), Triple(y, RDF_TYPE, INDIVIDUAL),
            Triple(x, RDF_TYPE, NamedNode(expand("CL:0000235"))),
            Triple(y, RDF_TYPE, NamedNode(expand("GO:0030316"))),
            Triple(x, NamedNode(expand("RO:0002213")), y),
            Triple(NamedNode(expand("CL:0000235")), subclass, NamedNode(expand("CL:0000000"))),
            Triple(NamedNode(expand("CL:0000000")), subclass, NamedNode(expand("BFO:0000040")))]


# --- alone: HermiT ----------------------------------------------------------------------------


def test_release_owl_is_well_formed_rdf_xml(release_owl) -> None:
    """Regression: model individuals typed by an HGNC class (identifiers.org IRIs end in
    digits) were written as ``<oxprefix:`` elements, which no XML parser reads."""
    import xml.dom.minidom

    from pyoxigraph import RdfFormat, parse

    xml.dom.minidom.parse(str(release_owl))  # raises on malformed XML
    typed = {t.subject.value for t in parse(path=str(release_owl), format=RdfFormat.RDF_XML)
             if t.predicate == RDF_TYPE and t.object.value.startswith("http://identifiers.org/")
             and t.subject.value.startswith(MODEL)}
    assert len(typed) > 10


def test_rdf_xml_writes_types_without_qname_as_properties() -> None:
    """A model individual typed by a gene (``identifiers.org/hgnc/124``, an IRI that ends in
    digits and so has no QName) is written with its class as an ``rdf:type`` property, with
    or without another type to name its element."""
    import xml.dom.minidom

    from pyoxigraph import RdfFormat, parse

    from osteokg import rdfxml

    x = NamedNode(MODEL + "A0051-o")
    gene = NamedNode("http://identifiers.org/hgnc/124")
    for triples in ([Triple(x, RDF_TYPE, gene), Triple(x, RDF_TYPE, INDIVIDUAL)],
                    [Triple(x, RDF_TYPE, gene)]):
        data = rdfxml.serialize(triples, {})
        xml.dom.minidom.parseString(data)  # well-formed XML
        assert b'rdf:type rdf:resource="http://identifiers.org/hgnc/124"' in data
        assert {q.triple for q in parse(data, format=RdfFormat.RDF_XML)} == set(triples)


@pytest.mark.java
def test_release_owl_alone_is_consistent_hermit(release_owl, java) -> None:
    from osteokg.reason import hermit_check

    found = hermit_check(release_owl, java=java)
    assert found.consistent and found.unsatisfiable == []


# --- beside RO: rustdl --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rustdl():
    import importlib.util

    if importlib.util.find_spec("rustdl") is None and os.environ.get("CI"):
        pytest.fail("CI is set but rustdl is not installed (it is in the dev extra)")
    return pytest.importorskip("rustdl", reason="rustdl not installed: pip install "
                               "'osteokg[owlcheck]'")


@pytest.mark.slow
def test_release_owl_beside_ro_is_consistent_rustdl(release_owl, reference_dir, rustdl,
                                                    tmp_path) -> None:
    from osteokg.reason import merge_owl, run_rustdl

    merged = merge_owl([release_owl, reference_dir / "ro.owl.gz"], tmp_path / "with-ro.owl")
    found = run_rustdl(merged)
    assert found.consistent
    # No class at all, of osteokg or of RO. Regression: UBERON:0007617 (synovial cavity of
    # joint), an immaterial entity, was a subclass of synovial joint, a material one, until the
    # UBERON import wrote that parent (a part_of parent the reduced release writes as is_a) as
    # a part_of restriction (osteokg.imports._split_parents).
    assert found.unsatisfiable == [], sorted(map(compress, found.unsatisfiable))


def test_rustdl_finds_the_issue_11_clash_beside_ro(reference_dir, rustdl, tmp_path) -> None:
    """The same bad model beside RO: rustdl says inconsistent too (the check can fail)."""
    from osteokg.reason import merge_owl, run_rustdl

    bad = tmp_path / "bad.nt"
    bad.write_text("".join(f"{t} .\n" for t in bad_model()))
    merged = merge_owl([reference_dir / "ro.owl.gz", bad], tmp_path / "ro-bad.owl")
    assert not run_rustdl(merged).consistent
    good = merge_owl([reference_dir / "ro.owl.gz"], tmp_path / "ro.owl")
    assert run_rustdl(good).consistent


# --- beside CL, GO and UBERON ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.java
def test_release_owl_beside_cl_go_uberon_is_consistent(release_owl, reference_dir, java,
                                                       used, tmp_path) -> None:
    from benchmarks.obo2rdf import cached_turtle

    from osteokg.reason import hermit_check, merge_owl

    sources = [cached_turtle(reference_dir / f"{name}.obo.gz")
               for name in ("cl", "go", "uberon")]
    merged = merge_owl([release_owl, *sources], tmp_path / "with-obo.owl")
    found = hermit_check(merged, java=java)
    assert found.consistent
    assert set(found.unsatisfiable) & used == set()


def test_merge_owl_reads_every_format(tmp_path) -> None:
    from pyoxigraph import RdfFormat, parse

    from osteokg.reason import merge_owl

    nt = tmp_path / "a.nt"
    nt.write_text("".join(f"{t} .\n" for t in bad_model()[:2]))
    ttl = tmp_path / "b.ttl.gz"
    ttl.write_bytes(gzip.compress(b"<http://ex.org/c> a <http://ex.org/C> .\n"))
    merged = merge_owl([nt, ttl], tmp_path / "m.owl")
    triples = {q.triple for q in parse(path=str(merged), format=RdfFormat.RDF_XML)}
    assert set(bad_model()[:2]) <= triples and len(triples) == 3
    with pytest.raises(Exception, match="not an RDF file"):
        merge_owl([tmp_path / "x.json"], tmp_path / "n.owl")
