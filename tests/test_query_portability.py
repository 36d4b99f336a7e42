"""Stored queries are self-contained and their answers readable by other tools.

* every ``queries/*.rq`` file, sent exactly as it is (no prefix block, no bindings), runs on a
  served Oxigraph through SPARQLWrapper and gives the rows the embedded store gives; in CI
  (``OSTEOKG_VIRTUOSO_URL`` set) it runs on Virtuoso too, and the questions' expected answers
  hold there;
* ``rdflib`` parses every file as it is (no namespaces given);
* ``osteokg query --show`` prints that runnable text, and the runner adds nothing: a query
  missing a declaration fails with the line to add;
* ``osteokg query --format json`` writes what the served endpoint returns (W3C SPARQL 1.1
  Query Results JSON), for SELECT and ASK.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from osteokg.cli import main
from osteokg.endpoint import publish, term_from_json
from osteokg.errors import QueryError
from osteokg.query import (
    Remote,
    _execute,
    catalogue,
    check_answer,
    expected_answers,
    load_query,
    run_query,
    run_query_remote,
)

try:  # tests/ may or may not become a package
    from . import servers
except ImportError:
    import servers  # type: ignore[no-redef]

CATALOGUE = catalogue()
NAMES = sorted(CATALOGUE)
EXPECTED = expected_answers()


def sparqlwrapper_rows(url: str, text: str, *, user=None, password=None):
    """The query text sent as it is through SPARQLWrapper; (variables, rows) neutral shape."""
    from SPARQLWrapper import DIGEST, JSON, POST, SELECT, SPARQLWrapper

    client = SPARQLWrapper(url)
    client.setQuery(text)
    # SPARQLWrapper guesses the query form by keyword, and its comment stripping skips every
    # other line of a multi-line '#' header (a header word such as "unclear" reads as CLEAR),
    # so the form is given; the text sent is unchanged.
    client.queryType = SELECT
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    if user:
        client.setHTTPAuth(DIGEST)
        client.setCredentials(user, password)
    client.setTimeout(120)
    data = client.query().convert()
    if "boolean" in data:
        return ["result"], [(("literal", str(data["boolean"]).lower(), None),)]
    variables = data["head"]["vars"]
    rows = [tuple(term_from_json(b.get(v)) for v in variables)
            for b in data["results"]["bindings"]]
    return variables, rows


@pytest.fixture(scope="module")
def served(release_dir):
    """An Oxigraph server (default graph = union, as `osteokg serve` runs it) on the release."""
    servers.require_oxigraph()
    from osteokg.server import start_server

    with start_server(release_dir / "osteokg.nq", port=servers.free_port()) as handle:
        yield handle


@pytest.mark.server
@pytest.mark.parametrize("name", NAMES)
def test_file_text_runs_as_is_on_served_oxigraph(name, served, built):
    text = CATALOGUE[name].path.read_text(encoding="utf-8")
    variables, rows = sparqlwrapper_rows(served.query_url, text)
    embedded = _execute(built.store, text, {}, name=name)
    assert variables == embedded.variables
    # the same rows; with its parameters unbound a query's ORDER BY may leave ties, which
    # two runs may break differently
    assert sorted(rows, key=repr) == sorted(embedded.rows, key=repr)


@pytest.mark.parametrize("name", NAMES)
def test_rdflib_parses_the_file_as_is(name):
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery(CATALOGUE[name].path.read_text(encoding="utf-8"))


def test_show_prints_the_runnable_file(release_dir, built):
    result = CliRunner().invoke(main, ["query", "osteoclast-origins", "--show"])
    assert result.exit_code == 0
    text = CATALOGUE["osteoclast-origins"].path.read_text(encoding="utf-8")
    assert result.output == text
    assert "PREFIX RO: <http://purl.obolibrary.org/obo/RO_>" in result.output
    assert _execute(built.store, result.output, {}, name="shown").rows


def test_runner_adds_no_prefix_to_a_file(tmp_path, built):
    bare = tmp_path / "bare.rq"
    bare.write_text("# title: t\n# question: q\n# returns: r\n"
                    "SELECT ?p WHERE { GRAPH ?g { ?p RO:0002202 ?x } } ORDER BY ?p\n",
                    encoding="utf-8")
    with pytest.raises(QueryError) as info:
        run_query(built.store, load_query(str(bare)))
    message = str(info.value)
    assert message.startswith(f"{bare}:4:")
    assert "add 'PREFIX RO: <http://purl.obolibrary.org/obo/RO_>' after the header" in message


# --- --format json is what an endpoint returns ---------------------------------------------


def _endpoint_json(query_url: str, text: str) -> dict:
    data = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(query_url, data=data, method="POST", headers={
        "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


@pytest.mark.server
@pytest.mark.parametrize("name", ["osteoclast-origins", "numeric-facts", "certainty-summary",
                                  "concept-card"])
def test_format_json_equals_the_endpoint_answer(name, served, release_dir):
    cli = CliRunner().invoke(main, ["query", name, "--format", "json",
                                    "--release", str(release_dir)])
    assert cli.exit_code == 0, cli.output
    text = CATALOGUE[name].path.read_text(encoding="utf-8")
    if CATALOGUE[name].params:  # the CLI binds the defaults; send the server the same
        from osteokg.endpoint import bind_values
        from osteokg.query import local_lookup, resolve_params

        store = _release_store(release_dir)
        text = bind_values(text, resolve_params(CATALOGUE[name], {}, local_lookup(store)))
    assert json.loads(cli.output) == _endpoint_json(served.query_url, text)


def test_format_json_ask(served, release_dir, tmp_path):
    ask = tmp_path / "ask.rq"
    ask.write_text("# title: t\n# question: q\n# returns: r\n"
                   "PREFIX RO: <http://purl.obolibrary.org/obo/RO_>\n"
                   "PREFIX CL: <http://purl.obolibrary.org/obo/CL_>\n"
                   "ASK { GRAPH ?g { CL:0000092 RO:0002202 CL:0000235 } }\n", encoding="utf-8")
    cli = CliRunner().invoke(main, ["query", str(ask), "-f", "json", "--release",
                                    str(release_dir)])
    assert json.loads(cli.output) == {"head": {}, "boolean": True}
    assert _endpoint_json(served.query_url, ask.read_text(encoding="utf-8")) == {
        "head": {}, "boolean": True}


def _release_store(release_dir: Path):
    from osteokg.graph import open_graph

    return open_graph(release_dir)[0]


# --- Virtuoso (CI) -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def virtuoso_release(release_dir):
    """The release published into Virtuoso under its own graph IRIs (the stored queries name
    them), replacing any earlier copy."""
    if not os.environ.get(servers.VIRTUOSO_URL_ENV):
        pytest.skip(f"{servers.VIRTUOSO_URL_ENV} not set (CI sets it)")
    config = servers.require_virtuoso()
    counts = publish(release_dir / "osteokg.nq", config["url"], kind="virtuoso",
                     user=config["user"], password=config["password"])
    yield config
    for graph in counts:  # remove them again (Graph Store Protocol DELETE)
        url = (config["url"] + "/sparql-graph-crud-auth?graph-uri="
               + urllib.parse.quote(graph, safe=""))
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, config["user"], config["password"])
        opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))
        try:
            opener.open(urllib.request.Request(url, method="DELETE"), timeout=60).close()
        except OSError:
            pass


@pytest.mark.server
@pytest.mark.parametrize("name", NAMES)
def test_file_text_runs_as_is_on_virtuoso(name, virtuoso_release, built):
    text = CATALOGUE[name].path.read_text(encoding="utf-8")
    variables, rows = sparqlwrapper_rows(virtuoso_release["query_url"], text)
    embedded = _execute(built.store, text, {}, name=name)
    assert variables == embedded.variables
    if CATALOGUE[name].is_violation:
        assert rows == [], f"{name} found on Virtuoso: {rows[:5]}"
    for expectation in EXPECTED.get(name, []):
        remote = Remote(virtuoso_release["query_url"], timeout=120)
        problems = check_answer(run_query_remote(remote, CATALOGUE[name],
                                                 expectation.params), expectation)
        assert not problems, "\n".join(problems)
