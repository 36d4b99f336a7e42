"""Release files: they parse in rdflib and pyoxigraph, the OWL file loads in owlready2, and
two builds give identical bytes."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
import rdflib

from osteokg.build import build
from osteokg.release import RELEASE_FILES, owl_triples


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    result = build(out, reason=False, validate=False)
    return out, result


def test_release_files_written(release):
    out, _ = release
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == sorted(RELEASE_FILES.values())
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


# --- rendering: same quads in every file, canonical order, JSON-LD compaction ------------

def _parsed(path, fmt):
    return set(pyoxigraph.parse(path=str(path), format=fmt))


def _jsonld_quads(data: bytes) -> set:
    """The quads a JSON-LD 1.1 processor (pyoxigraph) reads from our JSON-LD."""
    return set(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.JSON_LD))


def test_release_files_hold_exactly_the_dataset(release):
    """Every file parses (pyoxigraph keeps blank-node labels) to exactly the built quads."""
    from osteokg.compile import graph_iri

    out, result = release
    quads = set(result.dataset.quads())
    for name, fmt in [("osteokg.nq", pyoxigraph.RdfFormat.N_QUADS),
                      ("osteokg.trig", pyoxigraph.RdfFormat.TRIG)]:
        assert _parsed(out / name, fmt) == quads, name
    assert _jsonld_quads((out / "osteokg.jsonld").read_bytes()) == quads
    merged = {q.triple for q in quads}
    assert {q.triple for q in _parsed(out / "osteokg.ttl", pyoxigraph.RdfFormat.TURTLE)} == merged
    owl_iris = {graph_iri(k) for k in ("ontology", "imports", "axioms")}
    # the OWL file: those graphs, with Chinese names as skos:altLabel (one rdfs:label a term)
    owl = set(owl_triples(sorted((q for q in quads if q.graph_name.value in owl_iris), key=str)))
    assert {q.triple for q in _parsed(out / "osteokg.owl", pyoxigraph.RdfFormat.RDF_XML)} == owl


def test_release_files_are_sorted_and_grouped_by_graph(release):
    out, result = release
    lines = (out / "osteokg.nq").read_bytes().splitlines()
    assert lines == sorted(set(lines))
    trig = (out / "osteokg.trig").read_text(encoding="utf-8")
    opened = [line for line in trig.splitlines() if line.endswith("{")]
    assert len(opened) == len(result.dataset.graphs), "each graph is written once"
    doc = json.loads((out / "osteokg.jsonld").read_text(encoding="utf-8"))
    assert [g["@id"] for g in doc["@graph"]] == sorted(
        f"okgg:{k}" for k in result.dataset.graphs)
    assert "\n{\"@id\":\"CL:0000092\"," in (out / "osteokg.jsonld").read_text(encoding="utf-8")


def test_build_quads_take_the_fast_path(release, monkeypatch):
    """Dataset.quads() is already in canonical order: rendering does not re-sort or re-parse."""
    from osteokg import release as release_module

    _, result = release
    quads = result.dataset.quads()

    def no_parse(*args, **kwargs):
        raise AssertionError("quads were re-sorted")

    monkeypatch.setattr(release_module, "parse", no_parse)
    kept, nquads = release_module._canonical(quads)
    assert kept == quads
    assert nquads == (release_module.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS))


OBO = "http://purl.obolibrary.org/obo/"
G = "https://w3id.org/osteokg/graph/"


def _small_dataset():
    from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad

    cl, rdfs, xsd = NamedNode(OBO + "CL_0000092"), "http://www.w3.org/2000/01/rdf-schema#", \
        "http://www.w3.org/2001/XMLSchema#"
    label, comment = NamedNode(rdfs + "label"), NamedNode(rdfs + "comment")
    onto, data = NamedNode(G + "ontology"), NamedNode(G + "assertions")
    b = BlankNode("b0123")
    return [
        Quad(cl, label, Literal("osteoclast", language="en"), onto),
        Quad(cl, label, Literal("破骨细胞", language="zh"), data),
        Quad(cl, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
             NamedNode("http://www.w3.org/2002/07/owl#Class"), onto),
        # literals that look like IRIs, JSON structure or escapes stay as they are
        Quad(cl, comment, Literal(OBO + "CL_0000235"), data),
        Quad(cl, comment, Literal(OBO + "CL_0000235", datatype=NamedNode(xsd + "anyURI")), data),
        Quad(cl, comment, Literal('say "]},{"@id":"' + OBO + 'GO_1" \\ and \\"'), data),
        Quad(cl, comment, Literal("ends in a backslash \\"), data),
        Quad(cl, comment, Literal("two\nlines\ttab"), data),
        Quad(cl, NamedNode(OBO + "RO_0002202"), b, data),
        Quad(b, NamedNode(OBO + "RO_0002202"), NamedNode(OBO + "CL_/x"), data),  # CL:/x: no
        Quad(b, NamedNode(OBO + "RO_0002202"), NamedNode(OBO + "CL_"), data),  # nothing local
        Quad(b, NamedNode("https://example.org/p"), Literal("3", datatype=NamedNode(xsd + "integer")),
             DefaultGraph()),
        Quad(cl, label, Literal("osteoclast", language="en"), data),  # same triple, other graph
    ]


def _render(quads):
    from osteokg.release import render

    return render(quads, {"ontology": G + "ontology", "assertions": G + "assertions"},
                  dl_checked=False)


def test_render_is_canonical_for_any_input_order():
    import random

    quads = _small_dataset()
    expected = _render(sorted(set(quads), key=str))
    for seed in range(3):
        shuffled = quads + quads[:4]
        random.Random(seed).shuffle(shuffled)
        assert _render(shuffled) == expected


def test_render_small_dataset_round_trips(tmp_path):
    from pyoxigraph import NamedNode, RdfFormat

    quads = set(_small_dataset())
    files = _render(list(quads))
    for key, fmt in [("nquads", RdfFormat.N_QUADS), ("trig", RdfFormat.TRIG)]:
        assert set(pyoxigraph.parse(files[key], format=fmt)) == quads, key
    assert _jsonld_quads(files["jsonld"]) == quads
    assert {q.triple for q in pyoxigraph.parse(files["turtle"], format=RdfFormat.TURTLE)} == \
        {q.triple for q in quads}
    assert {q.triple for q in pyoxigraph.parse(files["owl"], format=RdfFormat.RDF_XML)} == \
        {q.triple for q in quads if q.graph_name == NamedNode(G + "ontology")}
    # rdflib's JSON-LD processor reads the compacted document to the same quads
    (tmp_path / "x.jsonld").write_bytes(files["jsonld"])
    ds = rdflib.Dataset()
    ds.parse(tmp_path / "x.jsonld", format="json-ld")
    read = rdflib.Dataset()
    read.parse(data=files["nquads"].decode(), format="nquads")

    def without_bnodes(d):
        return {(s, p, o, str(g))
                for s, p, o, g in d.quads((None, None, None, None))
                if not any(isinstance(t, rdflib.BNode) for t in (s, p, o))}

    assert without_bnodes(ds) == without_bnodes(read)
    assert len(without_bnodes(ds)) == len(quads) - 4  # four quads have the blank node
    assert len(list(ds.quads((None, None, None, None)))) == len(quads)
    manifest = json.loads(files["manifest"])
    assert {k: v["triples"] for k, v in manifest["graphs"].items()} == {
        "assertions": 10, "ontology": 2, "default": 1}


def test_jsonld_compaction():
    files = _render(_small_dataset())
    text = files["jsonld"].decode("utf-8")
    doc = json.loads(text)
    assert "obo" not in doc["@context"] and doc["@context"]["@version"] == 1.1
    assert doc["@context"]["CL"] == {"@id": OBO + "CL_", "@prefix": True}
    assert json.loads(files["context"])["@context"]["obo"] == OBO
    assert '"@id":"CL:0000092"' in text and '"rdfs:label":' in text
    assert f'"@value":"{OBO}CL_0000235"' in text, "literal values are never compacted"
    assert f'"@id":"{OBO}CL_/x"' in text and f'"@id":"{OBO}CL_"' in text
    assert '"@type":"xsd:integer"' in text and '"@type":"xsd:anyURI"' in text
    assert '"https://example.org/p":' in text, "no prefix: the full IRI stays"


def test_compact_leaves_unexpected_text_alone():
    from osteokg.release import _compact

    odd = b'[{"@id":"' + OBO.encode() + b'CL_1","x":[{"@value":"\x01\\""}]}]'
    assert _compact(odd, {"CL": OBO + "CL_"}) == odd
    plain = b'[{"@id":"' + OBO.encode() + b'CL_1"}]'
    assert _compact(plain, {}) == plain
    assert _compact(plain, {"CL": OBO + "CL_", "obo": OBO}) == b'[{"@id":"CL:1"}]'


def test_compact_in_pieces_gives_the_text_compacted_whole(monkeypatch):
    """Cut between node objects (here after every node), with escapes and an IRI-valued
    literal in several pieces: the same bytes as one piece."""
    from osteokg import release

    node = (b'{"@id":"' + OBO.encode() + b'CL_%d","' + OBO.encode()
            + b'RO_1":[{"@value":"a \\"' + OBO.encode() + b'CL_2\\" \\\\ b"}]}')
    text = b"[" + b",".join(node % i for i in range(6)) + b"]"
    context = {"CL": OBO + "CL_", "RO": OBO + "RO_"}
    whole = release._compact(text, context)
    monkeypatch.setattr(release, "_CHUNK", 1)
    assert release._compact(text, context) == whole
    assert whole.count(b'"@id":"CL:') == 6 and whole.count(b'"RO:1"') == 6
    assert whole.count(b'\\"' + OBO.encode() + b'CL_2\\"') == 6  # literal kept
    json.loads(whole)


def test_render_pauses_and_restores_gc():
    import gc

    assert gc.isenabled()
    _render(_small_dataset())
    assert gc.isenabled()
    gc.disable()
    try:
        _render(_small_dataset())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_jsonld_obo_curies_expand_to_obo_iris_in_rdflib(release):
    """Regression: OBO namespaces end in '_', so JSON-LD 1.1 ignored the plain prefix terms
    and rdflib and pyoxigraph read CL:0000092 as an IRI with the scheme 'CL'."""
    out, _ = release
    ds = rdflib.Dataset()
    ds.parse(out / "osteokg.jsonld", format="json-ld")
    osteoclast = rdflib.URIRef(OBO + "CL_0000092")
    assert (osteoclast, rdflib.RDFS.label, rdflib.Literal("osteoclast", lang="en")) in ds.graph(
        rdflib.URIRef("https://w3id.org/osteokg/graph/imports"))
    schemes = {str(t).split(":", 1)[0] for q in ds.quads((None, None, None, None))
               for t in q[:3] if isinstance(t, rdflib.URIRef)}
    assert schemes <= {"http", "https", "urn"}, schemes


def test_manifest_counts_the_merged_files(release):
    """The merged Turtle holds each triple once: fewer than the graphs' sum (issue 14)."""
    out, _ = release
    manifest = json.loads((out / "manifest.json").read_text())
    merged = manifest["merged"]
    turtle = pyoxigraph.Store()
    turtle.load(path=str(out / "osteokg.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert merged["osteokg.ttl"]["triples"] == len(turtle)
    assert merged["osteokg.ttl"]["triples"] < sum(g["triples"] for g in manifest["graphs"].values())
    owl = rdflib.Graph().parse(out / "osteokg.owl", format="xml")
    assert merged["osteokg.owl"]["triples"] == len(owl)
