"""Federated queries (queries/federated/*.rq): osteokg joined with Ubergraph, UniProt and
Wikidata through SERVICE, the endpoint a parameter whose default is the public one.

No test reaches the network: each query runs against a local Oxigraph server standing in for
the remote endpoint, loaded with a slice built here from the reference releases
(../shared/reference; the tests skip without them): the Cell Ontology's is_a closure for
Ubergraph, UniProt-shaped protein records from the HGNC table for UniProt, and items carrying
Cell Ontology IDs for Wikidata.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, Quad, RdfFormat, serialize

from osteokg.cli import main
from osteokg.constants import GRAPHS, PREFIXES
from osteokg.prefixes import compress
from osteokg.query import (
    declared_prefixes,
    federated_catalogue,
    load_query,
    run_query,
    shown,
    used_prefixes,
)

try:  # tests/ may or may not become a package
    from . import servers
except ImportError:
    import servers  # type: ignore[no-redef]

FEDERATED = federated_catalogue()
#: The public endpoints each federated query names as its default ``endpoint`` parameter.
#: Only compared with the query headers (test_three_federated_queries_with_public_defaults):
#: every test that runs a query passes a loopback stand-in instead, and tests/conftest.py
#: refuses any connection that is not to loopback (test_tests_cannot_reach_the_internet).
PUBLIC = {
    "federated/ubergraph-superclasses": "https://ubergraph.apache.org/sparql",
    "federated/uniprot-process-proteins": "https://sparql.uniprot.org/sparql",
    "federated/wikidata-cell-types": "https://query.wikidata.org/sparql",
}
OBO = "http://purl.obolibrary.org/obo/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
UP = "http://purl.uniprot.org/core/"
STAND_IN_ITEM = "https://example.org/wikidata-stand-in/"


def _values(query_name: str, prefix: str) -> list[str]:
    """The CURIEs of the VALUES block inside a federated query's SERVICE clause."""
    text = FEDERATED[query_name].text
    block = re.search(r"VALUES \?\w+ \{([^}]*)\}", text)
    return re.findall(rf"\b{prefix}:\d+", block.group(1)) if block else []


def _closure(terms: dict, start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for parent in terms[todo.pop()].is_a:
            if parent not in seen and parent in terms:
                seen.add(parent)
                todo.append(parent)
    return seen


def _iri(curie: str) -> NamedNode:
    prefix, local = curie.split(":", 1)
    return NamedNode(PREFIXES[prefix] + local)


def _concepts(store) -> set[str]:
    category = NamedNode(PREFIXES["biolink"] + "category")
    return {q.subject.value for q in store.quads_for_pattern(
        None, category, None, NamedNode(GRAPHS["ontology"]))}


@pytest.fixture(scope="module")
def stand_in(reference_dir, built, tmp_path_factory):
    """A local Oxigraph server holding slices shaped like Ubergraph, UniProt and Wikidata."""
    from osteokg.reference import parse_hgnc, read_obo_lazily
    from osteokg.server import start_server

    servers.require_oxigraph()
    cl = read_obo_lazily(reference_dir / "cl.obo.gz")
    hgnc = parse_hgnc(reference_dir / "hgnc.tsv.gz")
    concepts = _concepts(built.store)
    quads: list[Quad] = []
    expected: dict[str, set] = {"ubergraph": set(), "uniprot": set(), "wikidata": set()}

    def add(s: str, p: str, o) -> None:
        quads.append(Quad(NamedNode(s), NamedNode(p), o))

    # Ubergraph: every cell type of the query with its CL superclasses and their labels.
    for curie in _values("federated/ubergraph-superclasses", "CL"):
        for parent in sorted(_closure(cl, curie)):
            add(_iri(curie).value, RDFS_SUBCLASS, _iri(parent))
            add(_iri(parent).value, RDFS_LABEL, _literal(cl[parent].name, "en"))
            if parent.startswith("CL:") and _iri(curie).value in concepts:
                expected["ubergraph"].add((curie, parent, _iri(parent).value in concepts))
        add(_iri(curie).value, RDFS_SUBCLASS, _iri(curie))  # Ubergraph is reflexive

    # UniProt: proteins of the review's genes, annotated to the processes the review links
    # them to; one protein of a gene the review does not name; one unreviewed protein.
    processes = set(_values("federated/uniprot-process-proteins", "GO"))
    hgnc_ns = PREFIXES["HGNC"]
    links = {(q.subject.value, q.object.value) for q in built.store.quads_for_pattern(
        None, None, None, NamedNode(GRAPHS["asserted"])) if isinstance(q.object, NamedNode)}
    genes = sorted({s for s, _ in links if s.startswith(hgnc_ns)})
    annotated = []
    for gene in genes:
        record = hgnc.get("HGNC:" + gene[len(hgnc_ns):])
        targets = sorted(o for s, o in links if s == gene
                         and "GO:" + o.removeprefix(OBO + "GO_") in processes)
        if record and record.uniprot_ids and targets:
            annotated.append((record, targets, True))
    outsider = next(r for c, r in sorted(hgnc.items()) if r.uniprot_ids and not r.obsolete
                    and hgnc_ns + c.split(":")[1] not in concepts)
    annotated.append((outsider, [OBO + "GO_0030316"], False))
    for record, targets, named in annotated:
        protein = "http://purl.uniprot.org/uniprot/" + record.uniprot_ids[0]
        xref = "http://purl.uniprot.org/hgnc/" + record.curie
        add(protein, PREFIXES["rdf"] + "type", NamedNode(UP + "Protein"))
        add(protein, UP + "organism", NamedNode("http://purl.uniprot.org/taxonomy/9606"))
        add(protein, UP + "reviewed", _literal("true", datatype="boolean"))
        add(protein, "http://www.w3.org/2000/01/rdf-schema#seeAlso", NamedNode(xref))
        add(xref, UP + "database", NamedNode("http://purl.uniprot.org/database/HGNC"))
        for target in targets:
            add(protein, UP + "classifiedWith", NamedNode(target))
            # UniProt IRIs are shown as UniProtKB: CURIEs (Biolink's prefix map)
            expected["uniprot"].add(("GO:" + target.removeprefix(OBO + "GO_"),
                                     "UniProtKB:" + record.uniprot_ids[0], record.curie, named))
    unreviewed = "http://purl.uniprot.org/uniprot/UNREVIEWED1"
    add(unreviewed, UP + "organism", NamedNode("http://purl.uniprot.org/taxonomy/9606"))
    add(unreviewed, UP + "reviewed", _literal("false", datatype="boolean"))
    add(unreviewed, UP + "classifiedWith", NamedNode(OBO + "GO_0030316"))

    # Wikidata: an item per cell type the review curates, and one for a CL class it does not.
    cell_concepts = sorted(c for c in concepts if c.startswith(OBO + "CL_"))
    outside_cl = next(t for t in sorted(cl) if t.startswith("CL:")
                      and _iri(t).value not in concepts and not cl[t].obsolete)
    for iri in [*cell_concepts, _iri(outside_cl).value]:
        curie = "CL:" + iri.removeprefix(OBO + "CL_")
        item = STAND_IN_ITEM + curie.replace(":", "_")
        add(item, "http://www.wikidata.org/prop/direct/P7963", _literal(curie))
        add(item, RDFS_LABEL, _literal(cl[curie].name, "en"))
        if iri in concepts:
            expected["wikidata"].add((curie, item, cl[curie].name))

    data = tmp_path_factory.mktemp("stand-in") / "stand-in.nq"
    data.write_bytes(serialize(quads, format=RdfFormat.N_QUADS))
    with start_server(data, port=servers.free_port()) as handle:
        yield handle.query_url, expected


def _literal(value: str, lang: str | None = None, datatype: str | None = None):
    from pyoxigraph import Literal

    if lang:
        return Literal(value, language=lang)
    if datatype:
        return Literal(value, datatype=NamedNode(PREFIXES["xsd"] + datatype))
    return Literal(value)


# --- the files --------------------------------------------------------------------------


def test_three_federated_queries_with_public_defaults():
    assert set(PUBLIC) <= set(FEDERATED)
    for name, query in FEDERATED.items():
        params = {p.name: p for p in query.params}
        assert "endpoint" in params, f"{name}: the endpoint must be a parameter"
        assert params["endpoint"].type == "url"
        assert params["endpoint"].default == PUBLIC[name]
        assert re.search(r"\bSERVICE\s+\?endpoint\b", query.text), name


@pytest.mark.parametrize("name", sorted(FEDERATED))
def test_federated_files_are_self_contained(name):
    from rdflib.plugins.sparql import prepareQuery

    text = FEDERATED[name].text
    declared = declared_prefixes(text)
    assert not [p for p in used_prefixes(text) if p not in declared], name
    for prefix, namespace in declared.items():
        assert PREFIXES.get(prefix, namespace) == namespace, (name, prefix)
    prepareQuery(text)  # parses as it is


def test_cell_types_and_processes_of_the_queries_are_osteokg_concepts(built):
    concepts = _concepts(built.store)
    for curie in (_values("federated/ubergraph-superclasses", "CL")
                  + _values("federated/uniprot-process-proteins", "GO")):
        assert _iri(curie).value in concepts, f"{curie} is not a concept of the graph"


def test_endpoint_parameter_must_be_a_url(built):
    from osteokg.errors import QueryError

    with pytest.raises(QueryError, match="must be an http"):
        run_query(built.store, FEDERATED["federated/ubergraph-superclasses"],
                  {"endpoint": "not a url> }"})


# --- against the stand-ins ----------------------------------------------------------------


def _rows(result, *columns):
    index = [result.variables.index(c) for c in columns]
    return {tuple(shown(row[i]) for i in index) for row in result.rows}


def test_ubergraph_superclasses(stand_in, built):
    url, expected = stand_in
    result = run_query(built.store, load_query("federated/ubergraph-superclasses"),
                       {"endpoint": url})
    got = {(c, s, k == "true") for c, s, k in _rows(result, "cell", "superclass", "curated")}
    assert got == expected["ubergraph"]
    assert ("CL:0000092", "CL:0000000", False) in got  # osteoclast is a cell
    assert any(curated for _, _, curated in got)
    assert {shown(row[0]) for row in result.rows} == {url}


def test_uniprot_process_proteins(stand_in, built):
    url, expected = stand_in
    result = run_query(built.store, load_query("federated/uniprot-process-proteins"),
                       {"endpoint": url})
    got = {(p, protein, "HGNC:" + gene.split(":")[1], named == "true")
           for p, protein, gene, named in _rows(result, "process", "protein", "gene",
                                                 "namedByReview")}
    want = {(p, compress(protein), gene, named)
            for p, protein, gene, named in expected["uniprot"]}
    assert got == want
    assert any(named for *_, named in got) and not all(named for *_, named in got)
    assert not any("UNREVIEWED" in protein for _, protein, _, _ in got)


def test_wikidata_cell_types_through_the_cli(stand_in, release_dir):
    url, expected = stand_in
    result = CliRunner().invoke(main, [
        "query", "federated/wikidata-cell-types", "-p", f"endpoint={url}", "-f", "tsv",
        "--no-labels", "--release", str(release_dir)])
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.output.splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[:4] == ["endpoint", "cell", "item", "itemLabel"]
    got = {(r[1], r[2], r[3]) for r in rows}
    assert got == expected["wikidata"]
    reviewed = {r[1]: r[5] for r in rows}
    assert reviewed["CL:0000092"] == "破骨细胞"  # the review's own Chinese name beside it



def test_tests_cannot_reach_the_internet() -> None:
    """The guard in tests/conftest.py: a public address is refused before any packet leaves
    (with the address in the message); loopback is allowed."""
    import socket

    with socket.socket() as sock, pytest.raises(ConnectionRefusedError,
                                                match=r"may not reach 192\.0\.2\.1:443"):
        sock.connect(("192.0.2.1", 443))
    with socket.socket(socket.AF_INET6) as sock, pytest.raises(ConnectionRefusedError):
        sock.connect_ex(("2001:db8::1", 443, 0, 0))
    with socket.socket() as sock:  # let through: nothing listens there, the OS refuses
        assert sock.connect_ex(("127.0.0.1", 9)) != 0
