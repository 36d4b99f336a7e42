"""The SERVICE/LOAD check of the served endpoint (osteokg.sparqlscan): no disguise gets through,
and no ordinary query is refused. rdflib's SPARQL parser is the independent judge of which
queries really contain a SERVICE pattern."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery

from osteokg.sparqlscan import decode_escapes, fetching_keyword, residue

QUERIES = Path(__file__).resolve().parents[1] / "queries"
EVIL = "<http://127.0.0.1:9/sparql>"


def rdflib_has_service(query: str) -> bool:
    """Whether rdflib's algebra of the query has a SERVICE pattern anywhere."""
    found = []

    def visit(node) -> None:
        if getattr(node, "name", None) == "ServiceGraphPattern":
            found.append(node)
        if isinstance(node, dict):
            for value in node.values():
                visit(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                visit(value)

    visit(prepareQuery(query).algebra)
    return bool(found)


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_catalogue_queries_pass(path):
    assert fetching_keyword(path.read_text(encoding="utf-8")) is None


@pytest.mark.parametrize("query", [
    f"SELECT * WHERE {{ SERVICE {EVIL} {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ SeRvIcE SILENT {EVIL} {{ ?s ?p ?o }} }}",
    f'SELECT * WHERE {{ BIND("#" AS ?x) SERVICE {EVIL} {{ ?s ?p ?o }} }}',
    f"SELECT * WHERE {{ BIND('''# \"'\\'''' AS ?x) SERVICE {EVIL} {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ BIND(<http://a/#> AS ?x) SERVICE {EVIL} {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ # comment\rSERVICE {EVIL} {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ ?a ?b ?c .SERVICE {EVIL} {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ ?a ?b 1.SERVICE {EVIL} {{ }} }}",
    f"SELECT * WHERE {{ FILTER(?a < ?b) SERVICE {EVIL} {{ }} }}",
    f"SELECT * WHERE {{ \\u0053ERVICE {EVIL} {{ }} }}",
    f"SELECT * WHERE {{ \\U00000053ERVICE {EVIL} {{ }} }}",
    f'SELECT * WHERE {{ ?s ?p "unterminated }} SERVICE {EVIL} {{ }}',
    f"SELECT * {{ {{ SELECT * {{ SERVICE {EVIL} {{ ?s ?p ?o }} }} }} }}",
    "ASK { OPTIONAL { SERVICE ?endpoint { ?s ?p ?o } } }",
])
def test_service_in_disguise_is_found(query):
    assert fetching_keyword(query) == "SERVICE", residue(decode_escapes(query))


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service ?p ?o }",
    "PREFIX service: <http://example.org/s#> SELECT * WHERE { ?s service:x ?o }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o . ?o ex:SERVICE ?x }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> 'SERVICE <x> {}' } # SERVICE",
    'SELECT * WHERE { ?s ?p "x"@en . ?s ?q """SERVICE""" . _:service ?p ?o }',
    "SELECT * WHERE { ?s ?p $SERVICE }",
    # One prefixed name, ex:c.SERVICE (dots may sit inside a local name): Oxigraph reads it so
    # too, and rejects the query as a syntax error rather than calling anything.
    f"PREFIX ex: <http://e/> SELECT * WHERE {{ ?a ?b ex:c.SERVICE {EVIL} {{ ?s ?p ?o }} }}",
])
def test_ordinary_words_are_not_mistaken_for_service(query):
    assert fetching_keyword(query) is None


def test_agrees_with_rdflib_on_generated_queries():
    """Every combination of a prefix, a pattern and a suffix that rdflib can parse: the check
    finds SERVICE exactly when rdflib's algebra has a SERVICE pattern."""
    prefixes = ["", "PREFIX ex: <http://example.org/> ", "# SERVICE <x>\n"]
    patterns = [
        "?s ?p ?o",
        f"SERVICE {EVIL} {{ ?s ?p ?o }}",
        f'?s ?p "SERVICE {EVIL}"',
        f"?s ?p ?o . SERVICE SILENT {EVIL} {{ ?s ?p ?x }}",
        "?s <http://example.org/service> ?service",
        f"OPTIONAL {{ SERVICE {EVIL} {{ ?s ?p ?o }} }}",
        "?s ?p ?o # SERVICE <x> { }\n",
        f"{{ SELECT ?s {{ SERVICE {EVIL} {{ ?s ?p ?o }} }} }}",
    ]
    suffixes = ["", " LIMIT 1", " # SERVICE"]
    checked = 0
    for prefix, pattern, suffix in itertools.product(prefixes, patterns, suffixes):
        query = f"{prefix}SELECT * WHERE {{ {pattern} }}{suffix}"
        assert (fetching_keyword(query) == "SERVICE") == rdflib_has_service(query), query
        checked += 1
    assert checked == 72


def test_load_counts_only_in_updates():
    update = "LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://example.org/g>"
    assert fetching_keyword(update, update=True) == "LOAD"
    assert fetching_keyword("INSERT DATA { <http://a> <http://b> 'LOAD' }", update=True) is None
    assert fetching_keyword("SELECT ?load WHERE { ?load ?p ?o }") is None
