"""Release files: they parse in rdflib and pyoxigraph, the OWL file loads in owlready2, and
two builds give identical bytes."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
import rdflib

from osteokg.build import build
from osteokg.release import RELEASE_FILES


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    result = build(out, reason=False, validate=False)
    return out, result


def test_release_files_written(release):
    out, result = release
    assert sorted(p.name for p in out.iterdir()) == sorted(RELEASE_FILES.values())
    assert not list(out.glob(".*")), "staging files left behind"


@pytest.mark.parametrize(("name", "fmt"), [("osteokg.nq", "nquads"), ("osteokg.trig", "trig"),
                                           ("osteokg.jsonld", "json-ld")])
def test_dataset_files_parse_in_rdflib(release, name, fmt):
    out, result = release
    ds = rdflib.Dataset()
    ds.parse(out / name, format=fmt)
    named = [g for g in ds.graphs()
             if str(g.identifier).startswith("https://w3id.org/osteokg/graph/")]
    assert {str(g.identifier).rsplit("/", 1)[1] for g in named} == set(result.dataset.graphs)
    assert sum(len(g) for g in named) == sum(result.dataset.counts().values())


@pytest.mark.parametrize(("name", "fmt"), [
    ("osteokg.nq", pyoxigraph.RdfFormat.N_QUADS), ("osteokg.trig", pyoxigraph.RdfFormat.TRIG),
    ("osteokg.jsonld", pyoxigraph.RdfFormat.JSON_LD),
])
def test_dataset_files_parse_in_pyoxigraph(release, name, fmt):
    out, result = release
    quads = list(pyoxigraph.parse(path=str(out / name), format=fmt))
    assert len(set(quads)) == sum(result.dataset.counts().values())


def test_merged_turtle_and_owl_parse(release):
    out, result = release
    merged = rdflib.Graph().parse(out / "osteokg.ttl", format="turtle")
    all_triples = {t for ts in result.dataset.graphs.values() for t in ts}
    assert len(merged) == len(all_triples)
    owl = rdflib.Graph().parse(out / "osteokg.owl", format="xml")
    assert (rdflib.URIRef("https://w3id.org/osteokg/osteokg.owl"), rdflib.RDF.type,
            rdflib.OWL.Ontology) in owl


def test_owl_file_loads_in_owlready2(release, tmp_path):
    import owlready2

    out, _ = release
    world = owlready2.World()
    onto = world.get_ontology(f"file://{out / 'osteokg.owl'}").load()
    osteoclast = world.search_one(iri="http://purl.obolibrary.org/obo/CL_0000092")
    assert osteoclast is not None
    assert onto.base_iri.startswith("https://w3id.org/osteokg/")


def test_manifest(release):
    out, _ = release
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["versionIRI"] == "https://w3id.org/osteokg/releases/0.1.0/osteokg.owl"
    assert manifest["dl_checked"] is False
    assert set(manifest["graphs"]) >= {"ontology", "imports", "source", "asserted", "assertions"}
    import hashlib

    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


def test_two_builds_are_byte_identical(release, tmp_path):
    out, _ = release
    again = tmp_path / "again"
    build(again, reason=False, validate=False)
    for name in RELEASE_FILES.values():
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
