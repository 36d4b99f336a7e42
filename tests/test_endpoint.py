"""The triple-store side: local Oxigraph server, remote queries, publishing, safe parameters.

Server tests run against real servers: an Oxigraph server started here through
osteokg.server over tests/resources/small.nq, and a Virtuoso found through the environment
(see tests/servers.py and .ci/start-servers.sh). Nothing is mocked; the timeout tests use a
real slow query and a real TCP peer that never answers.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib.plugins.sparql import prepareQuery

from osteokg.endpoint import (
    bind_values,
    count_graph_triples,
    publish,
    query_form,
    read_release_graphs,
    run_remote,
    sparql_term,
    term_from_json,
    term_from_pyoxigraph,
    term_from_rdflib,
)
from osteokg.errors import DataFileError, EndpointError, QueryError
from osteokg.server import MISSING_BINARY_HINT, load_store, start_server

try:  # tests/ may or may not become a package
    from . import servers
except ImportError:
    import servers  # type: ignore[no-redef]

SMALL = Path(__file__).parent / "resources" / "small.nq"
G_ONTOLOGY = "https://w3id.org/osteokg/graph/ontology"
G_SOURCE = "https://w3id.org/osteokg/graph/source"
G_ASSERTIONS = "https://w3id.org/osteokg/graph/assertions"
CL_OSTEOCLAST = "http://purl.obolibrary.org/obo/CL_0000092"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
TRUE = (["result"], [(("literal", "true", XSD_BOOLEAN),)])
FALSE = (["result"], [(("literal", "false", XSD_BOOLEAN),)])
INJECTION = 'x" } ; DROP ALL ; #'

LABELS_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class ?label WHERE {
  GRAPH <https://w3id.org/osteokg/graph/ontology> { ?class rdfs:label ?label }
} ORDER BY ?class ?label
"""
LABEL_OF_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { GRAPH ?g { ?class rdfs:label ?label } } ORDER BY ?label
"""
# A 6-way cross product over the 22 quads: 113 million solutions, about 90 s of work for
# Oxigraph 0.5 on this machine. The gateway stops it at the endpoint's timeout by killing the
# engine that runs it (Oxigraph's own --timeout-s did not stop a 7-way product at all).
SLOW_QUERY = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"GRAPH ?g{i} {{ ?s{i} ?p{i} ?o{i} }}" for i in range(6))
    + " }"
)


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------


def local_rows(query: str, source: Path = SMALL) -> tuple[list[str], list[tuple]]:
    """The same query run embedded in pyoxigraph (union default graph), in the neutral shape."""
    store = pyoxigraph.Store()
    store.load(path=str(source), format=pyoxigraph.RdfFormat.N_QUADS)
    result = store.query(query, use_default_graph_as_union=True)
    if isinstance(result, pyoxigraph.QueryBoolean):
        return ["result"], [(("literal", str(bool(result)).lower(), XSD_BOOLEAN),)]
    if isinstance(result, pyoxigraph.QuerySolutions):
        names = [v.value for v in result.variables]
        return names, [tuple(term_from_pyoxigraph(row[n]) for n in names) for row in result]
    rows = [
        tuple(term_from_pyoxigraph(t) for t in (x.subject, x.predicate, x.object)) for x in result
    ]
    return ["subject", "predicate", "object"], sorted(rows, key=lambda r: [v[:2] for v in r])


def http(url: str, *, method: str = "GET", data: bytes | None = None, headers=None, timeout=30):
    """(status, content type, body) of one plain HTTP request; HTTP errors are returned too."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def query_over_http(query_url: str, query: str, accept: str):
    data = urllib.parse.urlencode({"query": query}).encode()
    return http(
        query_url,
        method="POST",
        data=data,
        headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
    )


def release_with_graph_prefix(tmp_path: Path, prefix: str, name: str = "release.nq") -> Path:
    """small.nq with its graph IRIs moved under ``prefix`` (so tests never touch real graphs)."""
    text = SMALL.read_text(encoding="utf-8").replace(
        "<https://w3id.org/osteokg/graph/", f"<{prefix}"
    )
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


def changed_release(source: Path, target: Path) -> Path:
    """A second version: one label changed, one triple removed, one graph left as it was."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    out = []
    for line in lines:
        if "rdf-schema#subClassOf" in line:
            continue
        out.append(line.replace('"osteoclast"@en', '"osteoclast (v2)"@en'))
    target.write_text("".join(out), encoding="utf-8")
    return target


def labels_in(query_url: str, graph: str) -> set[tuple]:
    _, rows = run_remote(
        f"SELECT ?l WHERE {{ GRAPH <{graph}> {{ ?c <{RDFS_LABEL}> ?l }} }}", query_url
    )
    return {row[0] for row in rows}


# ------------------------------------------------------------------------------------------
# Fixtures
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ro_server():
    servers.require_oxigraph()
    handle = start_server(SMALL, port=servers.free_port())
    yield handle
    handle.stop()


@pytest.fixture()
def rw_server():
    servers.require_oxigraph()
    handle = start_server(None, port=servers.free_port(), read_only=False)
    yield handle
    handle.stop()


@pytest.fixture()
def virtuoso(tmp_path):
    config = servers.require_virtuoso()
    prefix = f"https://w3id.org/osteokg/test/{uuid.uuid4().hex}/graph/"
    config["prefix"] = prefix
    config["release"] = release_with_graph_prefix(tmp_path, prefix)
    yield config
    # Remove the test graphs again (Graph Store Protocol DELETE).
    for name in ("ontology", "source", "assertions"):
        url = (
            config["url"]
            + "/sparql-graph-crud-auth?graph-uri="
            + urllib.parse.quote(prefix + name, safe="")
        )
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, config["user"], config["password"])
        opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))
        try:
            opener.open(urllib.request.Request(url, method="DELETE"), timeout=30).close()
        except (urllib.error.URLError, OSError):
            pass


# ------------------------------------------------------------------------------------------
# Parameters: no value can change the structure of a query
# ------------------------------------------------------------------------------------------


def test_injection_attempt_stays_one_literal():
    query = bind_values("SELECT ?x WHERE { }", {"x": INJECTION})
    assert query == 'SELECT ?x WHERE { VALUES ?x { "x\\" } ; DROP ALL ; #" }  }'
    # It is still one query, and it returns exactly the string it was given.
    assert local_rows(query) == (["x"], [(("literal", INJECTION, None),)])
    prepareQuery(query)


def test_injection_through_iri_lang_datatype_and_name_is_refused():
    for bad in (
        ("uri", "http://x> } ; DROP ALL ; #", None),
        ("uri", "http://ex/a b", None),
        ("uri", 'http://ex/"', None),
        ("uri", "not-absolute", None),
        ("literal", "v", "@en } ; DROP ALL ; #"),
        ("literal", "v", "http://ex/dt> } ; DROP ALL ; #"),
        ("bnode", "b0", None),
    ):
        with pytest.raises(QueryError):
            bind_values("SELECT ?x WHERE { ?s ?p ?x }", {"x": bad})
    with pytest.raises(QueryError):
        bind_values("SELECT ?x WHERE { ?s ?p ?x }", {"x } ; DROP ALL ; #": "v"})


def test_awkward_strings_round_trip_exactly():
    values = [
        INJECTION,
        "line1\nline2\r\n\ttab \"double\" 'single' \\ backslash",
        "破骨细胞 RANKL/M-CSF 😀",
        "a\\u0022b",  # a backslash-u sequence that must not become a quote
        "'''\"\"\"}}}{{{ # <not-an-iri> ?x $y",
        "control \x01\x7f end",
    ]
    for value in values:
        query = bind_values("SELECT ?x WHERE { }", {"x": value})
        assert local_rows(query)[1] == [(("literal", value, None),)], query


def test_values_go_first_in_the_outermost_where_group():
    tricky = (
        "PREFIX where: <http://example.org/where#>\n"
        "# a comment with WHERE { and }\n"
        "SELECT ?label WHERE { GRAPH ?g { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label "
        'FILTER(?label != "WHERE { }" && ?label != """}""") } '
        "OPTIONAL { ?c where:x ?y } }"
    )
    query = bind_values(tricky, {"c": ("uri", CL_OSTEOCLAST, None)})
    assert "SELECT ?label WHERE { VALUES ?c { <" + CL_OSTEOCLAST + "> }" in query
    assert sorted(local_rows(query)[1]) == [
        (("literal", "osteoclast", "@en"),),
        (("literal", "破骨细胞", "@zh"),),
    ]

    construct = bind_values(
        "CONSTRUCT { ?c <http://ex/label> ?l } WHERE { GRAPH ?g { ?c <" + RDFS_LABEL + "> ?l } }",
        {"c": ("uri", CL_OSTEOCLAST, None)},
    )
    assert construct.startswith("CONSTRUCT { ?c <http://ex/label> ?l } WHERE { VALUES ?c")
    assert len(local_rows(construct)[1]) == 2

    no_where = bind_values(
        "SELECT * { GRAPH ?g { ?c ?p ?o } }", {"c": ("uri", CL_OSTEOCLAST, None)}
    )
    assert no_where.startswith("SELECT * { VALUES ?c")
    assert len(local_rows(no_where)[1]) == 3

    subquery = bind_values(
        "SELECT ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } } }",
        {"$extra": 1},
    )
    assert subquery.startswith("SELECT ?n WHERE { VALUES ?extra")
    ask = bind_values("ASK { GRAPH ?g { ?c ?p ?o } }", {"?c": ("uri", CL_OSTEOCLAST, None)})
    assert local_rows(ask) == TRUE

    with pytest.raises(QueryError):
        bind_values("INSERT DATA { <http://a> <http://b> <http://c> }", {"x": "v"})
    with pytest.raises(QueryError):
        bind_values("CONSTRUCT { ?s ?p ?o }", {"x": "v"})
    assert bind_values("SELECT * WHERE { }", None) == "SELECT * WHERE { }"


def test_term_serialisation_of_python_and_library_values():
    assert sparql_term(True) == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
    assert sparql_term(42) == '"42"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert sparql_term(0.5) == '"0.5"^^<http://www.w3.org/2001/XMLSchema#double>'
    assert sparql_term(Decimal("0.9")) == '"0.9"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    assert sparql_term(None) == "UNDEF"
    assert sparql_term(rdflib.Literal("破骨细胞", lang="zh")) == '"破骨细胞"@zh'
    assert sparql_term(rdflib.URIRef(CL_OSTEOCLAST)) == f"<{CL_OSTEOCLAST}>"
    assert sparql_term(pyoxigraph.NamedNode(CL_OSTEOCLAST)) == f"<{CL_OSTEOCLAST}>"
    assert sparql_term(pyoxigraph.Literal("120", datatype=pyoxigraph.NamedNode(XSD_INTEGER))) == (
        f'"120"^^<{XSD_INTEGER}>'
    )
    assert sparql_term(("literal", "x", "http://www.w3.org/2001/XMLSchema#string")) == '"x"'


def test_neutral_terms_agree_across_libraries():
    assert term_from_json({"type": "literal", "value": "破骨细胞", "xml:lang": "ZH"}) == (
        "literal",
        "破骨细胞",
        "@zh",
    )
    assert term_from_json({"type": "typed-literal", "value": "1", "datatype": XSD_INTEGER}) == (
        "literal",
        "1",
        XSD_INTEGER,
    )
    assert term_from_json(
        {"type": "literal", "value": "a", "datatype": "http://www.w3.org/2001/XMLSchema#string"}
    ) == ("literal", "a", None)
    assert term_from_json(None) is None
    for rdflib_term, oxigraph_term in (
        (rdflib.URIRef(CL_OSTEOCLAST), pyoxigraph.NamedNode(CL_OSTEOCLAST)),
        (rdflib.Literal("破骨细胞", lang="zh"), pyoxigraph.Literal("破骨细胞", language="zh")),
        (
            rdflib.Literal("120", datatype=rdflib.URIRef(XSD_INTEGER)),
            pyoxigraph.Literal("120", datatype=pyoxigraph.NamedNode(XSD_INTEGER)),
        ),
        (rdflib.Literal("plain"), pyoxigraph.Literal("plain")),
    ):
        assert term_from_rdflib(rdflib_term) == term_from_pyoxigraph(oxigraph_term)


def test_query_form_is_ours_not_a_keyword_search():
    sneaky = (
        "# unclear: address download? (CLEAR, ADD, LOAD appear in words here)\n"
        "PREFIX add: <http://example.org/address/>\n"
        'SELECT ?x WHERE { ?x add:clear "INSERT DATA" }'
    )
    assert query_form(sneaky) == "SELECT"
    assert query_form("CONSTRUCT { ?s ?p ?o } WHERE { { SELECT * { ?s ?p ?o } } }") == "CONSTRUCT"
    assert query_form("DESCRIBE <http://example.org/x>") == "DESCRIBE"
    assert query_form("DELETE WHERE { ?s ?p ?o }") is None
    with pytest.raises(QueryError, match="updates are not sent"):
        run_remote("DROP ALL", "http://127.0.0.1:9/query")


def test_malformed_endpoint_urls_are_reported():
    for bad in ("not a url", "ftp://127.0.0.1/sparql", "http://", "http://127.0.0.1:port/x", ""):
        with pytest.raises(EndpointError) as caught:
            run_remote("ASK {}", bad)
        assert "malformed" in str(caught.value) or "empty" in str(caught.value)
        assert repr(bad) in str(caught.value)


def test_release_reading_refuses_bad_files(tmp_path):
    graphs = read_release_graphs(SMALL)
    assert {g: len(t) for g, t in graphs.items()} == {
        G_ONTOLOGY: 10,
        G_SOURCE: 6,
        G_ASSERTIONS: 6,
    }
    default_graph = tmp_path / "default.nq"
    default_graph.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="default graph"):
        read_release_graphs(default_graph)
    with pytest.raises(DataFileError, match="cannot publish"):
        read_release_graphs(tmp_path / "release.ttl")
    broken = tmp_path / "broken.nq"
    broken.write_text('<http://a> <http://b> "open <http://g> .\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="broken.nq"):
        read_release_graphs(broken)


# ------------------------------------------------------------------------------------------
# The local Oxigraph server
# ------------------------------------------------------------------------------------------


@pytest.mark.server
def test_queries_return_expected_rows(ro_server):
    variables, rows = run_remote(LABELS_QUERY, ro_server.query_url)
    assert variables == ["class", "label"]
    assert (("uri", CL_OSTEOCLAST, None), ("literal", "破骨细胞", "@zh")) in rows
    assert (("uri", CL_OSTEOCLAST, None), ("literal", "osteoclast", "@en")) in rows
    assert (
        ("uri", "https://w3id.org/osteokg/OSTEOKG_0000001", None),
        ("literal", "破骨细胞前体", "@zh"),
    ) in rows
    assert len(rows) == 6

    _, rows = run_remote(
        LABEL_OF_QUERY, ro_server.query_url, bindings={"class": ("uri", CL_OSTEOCLAST, None)}
    )
    assert rows == [(("literal", "osteoclast", "@en"),), (("literal", "破骨细胞", "@zh"),)]

    _, rows = run_remote(
        "SELECT ?start ?note WHERE { GRAPH ?g { ?s <https://w3id.org/osteokg/vocab/startOffset> "
        "?start ; <http://www.w3.org/2000/01/rdf-schema#comment> ?note } }",
        ro_server.query_url,
    )
    assert rows == [
        (
            ("literal", "120", XSD_INTEGER),
            ("literal", 'curator note: "RANKL, M-CSF"\nsecond line', None),
        )
    ]
    assert run_remote("ASK { GRAPH ?g { ?s ?p ?o } }", ro_server.query_url) == TRUE
    assert run_remote("ASK { ?s ?p <http://ex/nothing> }", ro_server.query_url) == FALSE
    # The default graph is the union of the named graphs, as for the embedded runner.
    assert run_remote(f"ASK {{ <{CL_OSTEOCLAST}> ?p ?o }}", ro_server.query_url) == TRUE


@pytest.mark.server
def test_server_rows_equal_embedded_rows(ro_server):
    for query in (
        LABELS_QUERY,
        (
            "SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/osteokg/graph/source> { ?s ?p ?o } } "
            "ORDER BY ?s ?p ?o"
        ),
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        (
            "SELECT ?c ?missing WHERE { GRAPH ?g { ?c a <http://www.w3.org/2002/07/owl#Class> "
            "OPTIONAL { ?c <http://ex/none> ?missing } } } ORDER BY ?c"
        ),
    ):
        assert run_remote(query, ro_server.query_url) == local_rows(query), query
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/osteokg/graph/assertions> { ?s ?p ?o } }"
    remote_vars, remote = run_remote(construct, ro_server.query_url)
    assert (remote_vars, remote) == local_rows(construct) and len(remote) == 6


@pytest.mark.server
def test_server_rows_equal_the_project_query_runner(ro_server):
    """osteokg.query's embedded runner and run_remote give equal results for one query."""
    from osteokg.query import run_query

    store = pyoxigraph.Store()
    store.load(path=str(SMALL), format=pyoxigraph.RdfFormat.N_QUADS)
    for text in (
        "SELECT ?class ?label WHERE { ?class rdfs:label ?label } ORDER BY ?class ?label",
        "SELECT ?s ?start WHERE { ?s okg:startOffset ?start }",
        "SELECT ?a ?confidence WHERE { ?a okg:confidence ?confidence }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s a okg:Assertion ; ?p ?o }",
    ):
        embedded = run_query(store, text)
        prefixes = "".join(
            f"PREFIX {p}: <{iri}>\n"
            for p, iri in {
                "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                "okg": "https://w3id.org/osteokg/vocab/",
            }.items()
        )
        assert run_remote(prefixes + text, ro_server.query_url) == (
            list(embedded.variables),
            list(embedded.rows),
        ), text


@pytest.mark.server
def test_injection_attempt_is_harmless_on_a_writable_server(rw_server):
    publish(SMALL, rw_server.url)
    before = run_remote(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", rw_server.query_url
    )
    _, rows = run_remote("SELECT ?x WHERE { }", rw_server.query_url, bindings={"x": INJECTION})
    assert rows == [(("literal", INJECTION, None),)]
    after = run_remote(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", rw_server.query_url
    )
    assert before == after == (["n"], [(("literal", "22", XSD_INTEGER),)])


@pytest.mark.server
@pytest.mark.parametrize(
    "accept, expected_type",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_content_negotiation_for_select(ro_server, accept, expected_type):
    query = (
        "SELECT ?c ?l WHERE { GRAPH ?g { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        f"FILTER(?c = <{CL_OSTEOCLAST}>) }} }} ORDER BY ?l"
    )
    status, content_type, body = query_over_http(ro_server.query_url, query, accept)
    assert status == 200
    assert content_type.startswith(expected_type)
    text = body.decode("utf-8")
    if expected_type.endswith("json"):
        bindings = json.loads(text)["results"]["bindings"]
        assert {"type": "literal", "value": "破骨细胞", "xml:lang": "zh"} in [
            b["l"] for b in bindings
        ]
    elif expected_type.endswith("xml"):
        namespace = "{http://www.w3.org/2005/sparql-results#}"
        literals = ET.fromstring(body).iter(namespace + "literal")
        langs = {(e.text, e.get("{http://www.w3.org/XML/1998/namespace}lang")) for e in literals}
        assert langs == {("osteoclast", "en"), ("破骨细胞", "zh")}
    elif expected_type == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["c", "l"]
        assert [CL_OSTEOCLAST, "破骨细胞"] in rows  # CSV drops language tags by design
    else:
        lines = text.splitlines()
        assert lines[0] == "?c\t?l"
        assert f'<{CL_OSTEOCLAST}>\t"破骨细胞"@zh' in lines


@pytest.mark.server
def test_csv_quotes_commas_quotes_and_newlines(ro_server):
    query = "SELECT ?note WHERE { GRAPH ?g { ?s <http://www.w3.org/2000/01/rdf-schema#comment> ?note } }"
    status, _, body = query_over_http(ro_server.query_url, query, "text/csv")
    assert status == 200
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows == [["note"], ['curator note: "RANKL, M-CSF"\nsecond line']]


@pytest.mark.server
@pytest.mark.parametrize(
    "accept, rdflib_format",
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml")],
)
def test_content_negotiation_for_construct(ro_server, accept, rdflib_format):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/osteokg/graph/ontology> { ?s ?p ?o } }"
    status, content_type, body = query_over_http(ro_server.query_url, query, accept)
    assert status == 200 and content_type.startswith(accept)
    graph = rdflib.Graph().parse(data=body.decode("utf-8"), format=rdflib_format)
    assert len(graph) == 10
    assert (
        rdflib.URIRef(CL_OSTEOCLAST),
        rdflib.RDFS.label,
        rdflib.Literal("破骨细胞", lang="zh"),
    ) in graph


@pytest.mark.server
def test_ask_and_unacceptable_formats(ro_server):
    status, content_type, body = query_over_http(
        ro_server.query_url, "ASK { GRAPH ?g { ?s ?p ?o } }", "application/sparql-results+json"
    )
    assert status == 200 and content_type.startswith("application/sparql-results+json")
    assert json.loads(body)["boolean"] is True
    status, _, _ = query_over_http(ro_server.query_url, LABELS_QUERY, "image/png")
    assert status == 406


@pytest.mark.server
def test_read_only_server_refuses_updates(ro_server):
    update = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    status, _, body = http(
        ro_server.update_url,
        method="POST",
        data=update,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 403, body
    status, _, _ = http(
        ro_server.store_url + "?graph=" + urllib.parse.quote(G_ONTOLOGY, safe=""),
        method="PUT",
        data=b"<http://a> <http://b> <http://c> .\n",
        headers={"Content-Type": "application/n-triples"},
    )
    assert status == 403
    with pytest.raises(EndpointError, match="403"):
        publish(SMALL, ro_server.url)
    assert count_graph_triples(ro_server.query_url, G_ONTOLOGY) == 10


@pytest.mark.server
def test_publish_to_oxigraph_replaces_graphs(rw_server, tmp_path):
    counts = publish(SMALL, rw_server.url, kind="oxigraph")
    assert counts == {G_ONTOLOGY: 10, G_SOURCE: 6, G_ASSERTIONS: 6}
    assert ("literal", "破骨细胞", "@zh") in labels_in(rw_server.query_url, G_ONTOLOGY)

    second = changed_release(SMALL, tmp_path / "v2.nq")
    counts = publish(second, rw_server.url + "/query", kind="oxigraph")
    assert counts == {G_ONTOLOGY: 9, G_SOURCE: 6, G_ASSERTIONS: 6}
    labels = labels_in(rw_server.query_url, G_ONTOLOGY)
    assert ("literal", "osteoclast (v2)", "@en") in labels
    assert ("literal", "osteoclast", "@en") not in labels  # replaced, not appended
    for graph, expected in counts.items():
        assert count_graph_triples(rw_server.query_url, graph) == expected

    # Only the chosen graph is touched.
    assert publish(SMALL, rw_server.url, graphs=["ontology"]) == {G_ONTOLOGY: 10}
    assert ("literal", "osteoclast", "@en") in labels_in(rw_server.query_url, G_ONTOLOGY)
    with pytest.raises(DataFileError, match="not in the release"):
        publish(SMALL, rw_server.url, graphs=["https://w3id.org/osteokg/graph/inferred"])


@pytest.mark.server
def test_publish_through_the_generic_graph_store_protocol(rw_server):
    counts = publish(SMALL, rw_server.store_url, kind="gsp", query_endpoint=rw_server.query_url)
    assert counts == {G_ONTOLOGY: 10, G_SOURCE: 6, G_ASSERTIONS: 6}
    with pytest.raises(EndpointError, match="query_endpoint"):
        publish(SMALL, rw_server.store_url, kind="gsp")


@pytest.mark.server
def test_server_loads_trig_and_reuses_a_store_directory(tmp_path):
    servers.require_oxigraph()
    trig = tmp_path / "small.trig"
    dataset = pyoxigraph.Dataset(
        pyoxigraph.parse(path=str(SMALL), format=pyoxigraph.RdfFormat.N_QUADS)
    )
    pyoxigraph.serialize(dataset, output=str(trig), format=pyoxigraph.RdfFormat.TRIG)
    store_dir = tmp_path / "store"
    with start_server(trig, port=servers.free_port(), store_dir=store_dir) as handle:
        assert count_graph_triples(handle.query_url, G_SOURCE) == 6
    assert not handle.running()
    assert load_store(trig, store_dir) == store_dir  # same content: reused as is
    with start_server(store_dir, port=servers.free_port()) as handle:
        assert count_graph_triples(handle.query_url, G_ONTOLOGY) == 10
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(EndpointError, match="not made by osteokg"):
        load_store(SMALL, foreign)


# ------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------


@pytest.mark.server
def test_comment_with_update_words_is_sent_as_a_query(ro_server):
    query = "# unclear whether this clears anything: it does not\nASK { ?s ?p ?o }"
    assert run_remote(query, ro_server.query_url) == TRUE


@pytest.mark.server
def test_unreachable_endpoint():
    url = f"http://127.0.0.1:{servers.free_port()}/query"
    with pytest.raises(EndpointError) as caught:
        run_remote("ASK {}", url)
    assert url in str(caught.value) and "connection refused" in str(caught.value)
    with pytest.raises(EndpointError, match="connection refused"):
        publish(SMALL, url.rsplit("/", 1)[0])


@pytest.mark.server
def test_http_errors_carry_status_and_server_message(ro_server):
    with pytest.raises(EndpointError) as caught:
        run_remote("SELECT ?x WHERE { ?x ?y }", ro_server.query_url)
    message = str(caught.value)
    assert ro_server.query_url in message and "HTTP 400" in message and "Server said:" in message
    with pytest.raises(EndpointError) as caught:
        run_remote("ASK {}", ro_server.url + "/no-such-service")
    assert "HTTP 404" in str(caught.value)


@pytest.mark.server
def test_client_timeout_against_a_peer_that_never_answers():
    with servers.silent_server() as url:
        started = time.monotonic()
        with pytest.raises(EndpointError) as caught:
            run_remote("ASK {}", url + "/query", timeout=1)
        assert time.monotonic() - started < 10
    assert "timeout" in str(caught.value) and url in str(caught.value)


@pytest.mark.server
def test_server_side_timeout_cancels_a_slow_query():
    servers.require_oxigraph()
    with start_server(SMALL, port=servers.free_port(), timeout_s=1) as handle:
        started = time.monotonic()
        with pytest.raises(EndpointError) as caught:
            run_remote(SLOW_QUERY, handle.query_url, timeout=60)
        assert time.monotonic() - started < 15
        # Stopped by the server (HTTP 503 naming its limit), not by the client's timeout.
        assert "HTTP 503" in str(caught.value) and "time limit" in str(caught.value)
        assert handle.query_url in str(caught.value)
        # The server survives it.
        assert count_graph_triples(handle.query_url, G_SOURCE) == 6


@pytest.mark.server
def test_start_failures_are_explained(monkeypatch, tmp_path):
    servers.require_oxigraph()
    with servers.occupied_port() as port:
        with pytest.raises(EndpointError) as caught:
            start_server(SMALL, port=port, wait_s=15)
        assert "log ends with" in str(caught.value) and str(port) in str(caught.value)
    with pytest.raises(EndpointError, match="LIMIT"):
        start_server(SMALL, port=servers.free_port(), limit=100)
    broken = tmp_path / "broken.nq"
    broken.write_text('<http://a> <http://b> "open <http://g> .\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="oxigraph load failed"):
        start_server(broken, port=servers.free_port())
    monkeypatch.setenv("OSTEOKG_OXIGRAPH_BIN", str(tmp_path / "no-such-oxigraph"))
    with pytest.raises(EndpointError) as caught:
        start_server(SMALL, port=servers.free_port())
    assert MISSING_BINARY_HINT in str(caught.value)
    assert "pip install 'osteokg[server]'" in str(caught.value)


# ------------------------------------------------------------------------------------------
# Virtuoso
# ------------------------------------------------------------------------------------------


@pytest.mark.server
def test_publish_to_virtuoso_replaces_graphs(virtuoso, tmp_path):
    prefix = virtuoso["prefix"]
    ontology, source, assertions = (prefix + n for n in ("ontology", "source", "assertions"))
    counts = publish(
        virtuoso["release"],
        virtuoso["url"],
        kind="virtuoso",
        user=virtuoso["user"],
        password=virtuoso["password"],
    )
    assert counts == {ontology: 10, source: 6, assertions: 6}
    assert ("literal", "破骨细胞", "@zh") in labels_in(virtuoso["query_url"], ontology)

    second = changed_release(virtuoso["release"], tmp_path / "v2.nq")
    counts = publish(
        second,
        virtuoso["query_url"],
        kind="virtuoso",
        user=virtuoso["user"],
        password=virtuoso["password"],
    )
    assert counts == {ontology: 9, source: 6, assertions: 6}
    labels = labels_in(virtuoso["query_url"], ontology)
    assert ("literal", "osteoclast (v2)", "@en") in labels
    assert ("literal", "osteoclast", "@en") not in labels
    assert count_graph_triples(virtuoso["query_url"], ontology) == 9


@pytest.mark.server
def test_virtuoso_rows_equal_embedded_rows(virtuoso):
    publish(
        virtuoso["release"],
        virtuoso["url"],
        kind="virtuoso",
        user=virtuoso["user"],
        password=virtuoso["password"],
    )
    graph = virtuoso["prefix"] + "source"
    query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o"
    local_query = query.replace(graph, G_SOURCE)
    remote = run_remote(query, virtuoso["query_url"])
    local = local_rows(local_query)
    assert remote[0] == local[0]
    assert sorted(remote[1], key=repr) == sorted(local[1], key=repr)
    _, rows = run_remote("SELECT ?x WHERE { }", virtuoso["query_url"], bindings={"x": INJECTION})
    assert rows == [(("literal", INJECTION, None),)]


@pytest.mark.server
def test_virtuoso_credentials_are_required_and_checked(virtuoso, monkeypatch):
    monkeypatch.delenv("OSTEOKG_ENDPOINT_USER", raising=False)
    monkeypatch.delenv("OSTEOKG_ENDPOINT_PASSWORD", raising=False)
    with pytest.raises(EndpointError, match="needs a user and password"):
        publish(virtuoso["release"], virtuoso["url"], kind="virtuoso")
    with pytest.raises(EndpointError, match="HTTP 401"):
        publish(virtuoso["release"], virtuoso["url"], kind="virtuoso", user="dba", password="wrong")
    monkeypatch.setenv("OSTEOKG_ENDPOINT_USER", virtuoso["user"])
    monkeypatch.setenv("OSTEOKG_ENDPOINT_PASSWORD", virtuoso["password"])
    counts = publish(
        virtuoso["release"],
        virtuoso["url"],
        kind="virtuoso",
        graphs=[virtuoso["prefix"] + "source"],
    )
    assert counts == {virtuoso["prefix"] + "source": 6}


def test_upload_goes_out_already_authorised_for_a_basic_challenge():
    """A server that challenges with Basic gets the body once, already authorised: the HEAD
    probe fetches the challenge, so no large body is sent into a 401 (Virtuoso closes the
    connection there). A real HTTP server on loopback records what arrives."""
    import base64
    import http.server

    from osteokg.endpoint import _request

    seen: list[tuple[str, str | None, int]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _challenge_or_ok(self, body_length: int) -> None:
            auth = self.headers.get("Authorization")
            seen.append((self.command, auth, body_length))
            if auth is None:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="graphs"')
            else:
                self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_HEAD(self):
            self._challenge_or_ok(0)

        def do_PUT(self):
            length = int(self.headers.get("Content-Length", 0))
            self.rfile.read(length)
            self._challenge_or_ok(length)

        def log_message(self, *args):
            pass

    with servers.http_server(Handler) as port:
        status, _ = _request("PUT", f"http://127.0.0.1:{port}/graph", data=b"x" * 1000,
                             user="dba", password="s3cret", timeout=10)
    token = "Basic " + base64.b64encode(b"dba:s3cret").decode("ascii")
    assert status == 201
    assert seen == [("HEAD", None, 0), ("PUT", token, 1000)]


# ------------------------------------------------------------------------------------------
# Credentials in URLs: used, never shown
# ------------------------------------------------------------------------------------------

SECRET = "s3cret-Pa55"


@contextlib.contextmanager
def basic_auth_server(user: str, password: str):
    """A real loopback HTTP server answering ASK queries only with the right Basic
    credentials; yields its base URL and the Authorization headers it received."""
    import base64
    import http.server

    token = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    seen: list[str | None] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            auth = self.headers.get("Authorization")
            seen.append(auth)
            if auth != token:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
                body = b"who are you?"
            else:
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                body = b'{"head":{},"boolean":true}'
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with servers.http_server(Handler) as port:
        yield f"127.0.0.1:{port}", seen


def test_credentials_in_the_url_are_used_and_never_shown():
    with basic_auth_server("curator", SECRET) as (host, seen):
        assert run_remote("ASK {}", f"http://curator:{SECRET}@{host}/sparql") == TRUE
        assert seen[-1] is not None  # sent, as Basic auth, not in the URL
        # Percent-escapes in the user-info are decoded ("%2D" is "-").
        encoded = SECRET.replace("-", "%2D")
        assert run_remote("ASK {}", f"http://curator:{encoded}@{host}/sparql") == TRUE
        with pytest.raises(EndpointError) as caught:
            run_remote("ASK {}", f"http://curator:wrong-{SECRET}@{host}/sparql")
        assert "HTTP 401" in str(caught.value) and SECRET not in str(caught.value)
    for bad in (
        f"http://curator:{SECRET}@127.0.0.1:{servers.free_port()}/sparql",  # refused
        f"http://curator:{SECRET}@127.0.0.1:port/sparql",  # malformed port
        f"http://curator:{SECRET}@[::1/sparql",  # malformed IPv6 host
        f"ftp://curator:{SECRET}@127.0.0.1/sparql",
    ):
        with pytest.raises(EndpointError) as caught:
            run_remote("ASK {}", bad)
        assert SECRET not in str(caught.value), bad
        with pytest.raises(EndpointError) as caught:
            publish(SMALL, bad)
        assert SECRET not in str(caught.value), bad


def run_osteokg(*args: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).parent / "osteokg"
    command = [str(script)] if script.is_file() else [
        sys.executable, "-c", "from osteokg.cli import main; main()"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=60,
                          check=False)


@pytest.mark.parametrize("url", [
    "http://curator:{secret}@127.0.0.1:{port}/query",
    "http://curator:{secret}@127.0.0.1:port/query",
    "http://curator:{secret}@[::1/query",
])
def test_cli_never_echoes_credentials_from_an_endpoint_url(url):
    endpoint = url.format(secret=SECRET, port=servers.free_port())
    for args in (
        ["query", "rankl-sources", "--endpoint", endpoint],
        ["publish", "--endpoint", endpoint, "--release", str(SMALL)],
    ):
        done = run_osteokg(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
        assert SECRET not in done.stdout + done.stderr, (args, done.stderr)


@pytest.mark.server
def test_publish_to_virtuoso_with_credentials_in_the_url(virtuoso, monkeypatch):
    monkeypatch.delenv("OSTEOKG_ENDPOINT_USER", raising=False)
    monkeypatch.delenv("OSTEOKG_ENDPOINT_PASSWORD", raising=False)
    user = urllib.parse.quote(virtuoso["user"], safe="")
    password = urllib.parse.quote(virtuoso["password"], safe="")
    url = virtuoso["url"].replace("://", f"://{user}:{password}@", 1)
    done = run_osteokg("publish", "--kind", "virtuoso", "--endpoint", url,
                       "--release", str(virtuoso["release"]))
    assert done.returncode == 0, done.stderr
    assert "published 22 triples in 3 graphs" in done.stdout
    assert "***@" in done.stdout and f":{password}@" not in done.stdout + done.stderr
