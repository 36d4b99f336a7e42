"""The stored queries and ``osteokg query``.

* every question of ``queries/`` gives its expected answer (``queries/expected.yaml``) on
  the built graph, and binding its parameters with a VALUES block (as on a remote endpoint)
  gives the same answer as binding them in the embedded store;
* every ``*-violation`` query returns nothing on the built graph, and finds the problem it
  is about when that problem is put into the graph;
* the command: ``--list``, parameters (CURIE, English or Chinese label), every output format,
  the release index, every error path, and a parameter that tries to inject SPARQL.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, serialize

from osteokg.cli import main
from osteokg.constants import GRAPHS, PREFIXES
from osteokg.errors import EndpointError, QueryError, UnknownTermError
from osteokg.graph import open_graph
from osteokg.prefixes import expand
from osteokg.query import (
    Expectation,
    Remote,
    Result,
    bind_params,
    catalogue,
    check_answer,
    expected_answers,
    full_text,
    load_query,
    run_query,
    run_query_remote,
)

RESOURCES = Path(__file__).parent / "resources" / "queries"
CATALOGUE = catalogue()
QUESTIONS = sorted(n for n, q in CATALOGUE.items() if not q.is_violation)
CHECKS = sorted(n for n, q in CATALOGUE.items() if q.is_violation)
EXPECTED = expected_answers()
CASES = [e for name in sorted(EXPECTED) for e in EXPECTED[name]]
INJECTION = 'x" . } DROP ALL #'


def case_id(e: Expectation) -> str:
    return e.query + ("-" + "-".join(f"{k}={v}" for k, v in e.params.items()) if e.params else "")


@pytest.fixture(scope="session")
def store(built) -> Store:
    return built.store


@pytest.fixture(scope="session")
def cli(release_dir):
    """``osteokg query ARGS`` on the test release; returns the click Result."""
    runner = CliRunner()

    def invoke(*args: str, release: Path | None = None):
        return runner.invoke(main, ["query", *args, "--release", str(release or release_dir)])

    return invoke


def shown_rows(result: Result, *columns: str) -> list[tuple]:
    from osteokg.query import shown

    index = [result.variables.index(c) for c in columns]
    return [tuple(shown(row[i]) for i in index) for row in result.rows]


# --- the catalogue -----------------------------------------------------------------------


def test_catalogue_has_the_review_questions_and_checks():
    assert len(QUESTIONS) >= 20, QUESTIONS
    assert len(CHECKS) >= 5, CHECKS
    for name in ("osteoclast-origins", "osteoclast-lineage", "macrophage-polarisation",
                 "osteoclast-regulators", "rankl-sources", "rankl-inducers",
                 "disease-mechanisms", "interventions", "conflicting-effects", "edge-evidence",
                 "concept-profile", "uncertain-claims", "numeric-facts", "section-coverage"):
        assert name in QUESTIONS


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_query_header_and_shape(name):
    q = CATALOGUE[name]
    assert q.title and q.question and q.returns, f"{name}: header needs title, question, returns"
    body = "\n".join(line for line in q.text.splitlines() if not line.lstrip().startswith("#"))
    assert re.search(r"\bORDER BY\b", body), f"{name}: answers must be ordered (ORDER BY)"
    from osteokg.query import declared_prefixes, used_prefixes

    declared = declared_prefixes(q.text)
    missing = [p for p in used_prefixes(q.text) if p not in declared]
    assert not missing, f"{name}: declare the prefixes it uses: {missing}"
    for prefix, namespace in declared.items():
        assert PREFIXES.get(prefix) == namespace, (
            f"{name}: PREFIX {prefix}: <{namespace}> differs from the project's prefix map")
    for p in q.params:
        assert re.search(rf"\?{p.name}\b", body), f"{name}: parameter ?{p.name} is not used"


@pytest.mark.parametrize("name", sorted(n for n, q in CATALOGUE.items() if q.params))
def test_parameters_are_projected(name):
    """pyoxigraph binds a parameter only if the SELECT projects it; check on an empty store."""
    q = CATALOGUE[name]
    bindings = {p.name: NamedNode("https://example.org/x") if p.type == "iri" else
                Literal("1", datatype=NamedNode(PREFIXES["xsd"] + "integer"))
                for p in q.params}
    from osteokg.query import _execute

    _execute(Store(), full_text(q), bindings, name=name)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_query_terms_exist_in_the_graph(name, store):
    """A renamed or mistyped concept in a query would silently match nothing."""
    body = "\n".join(line for line in CATALOGUE[name].text.splitlines()
                     if not line.lstrip().startswith("#"))
    concepts = set(re.findall(r"\b((?:CL|GO|HGNC|MONDO|CHEBI|UBERON|OSTEOKG|okgg):[\w.-]+)",
                              body))
    for p in CATALOGUE[name].params:
        if p.type == "iri" and p.default:
            concepts.add(p.default)
    for curie in sorted(concepts):
        node = NamedNode(expand(curie))
        used = any(True for _ in store.quads_for_pattern(node, None, None)) or any(
            True for _ in store.quads_for_pattern(None, None, node)) or any(
            True for _ in store.quads_for_pattern(None, None, None, node))
        assert used, f"{name}: {curie} does not occur in the built graph"


def test_every_question_has_expected_answers():
    assert sorted(n for n in EXPECTED if n in QUESTIONS) == QUESTIONS
    unknown = sorted(set(EXPECTED) - set(QUESTIONS))
    assert not unknown, f"expected.yaml names unknown or violation queries: {unknown}"


# --- answers on the built graph --------------------------------------------------------


@pytest.mark.parametrize("expectation", CASES, ids=case_id)
def test_expected_answer(expectation, store):
    result = run_query(store, load_query(expectation.query), expectation.params)
    problems = check_answer(result, expectation)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", CHECKS)
def test_violation_query_finds_nothing(name, store):
    result = run_query(store, CATALOGUE[name])
    assert result.rows == [], f"{name} found:\n" + "\n".join(map(str, result.rows[:20]))


@pytest.mark.parametrize("expectation", [e for e in CASES if e.params] + [
    Expectation(n, {}, ()) for n in QUESTIONS if CATALOGUE[n].params], ids=case_id)
def test_values_binding_equals_embedded_binding(expectation, store):
    """A VALUES block (what a remote endpoint gets) and pyoxigraph substitution agree."""
    from osteokg.endpoint import bind_values
    from osteokg.query import _execute, local_lookup, resolve_params, without_comment_lines

    q = load_query(expectation.query)
    bindings = resolve_params(q, expectation.params, local_lookup(store))
    embedded = run_query(store, q, expectation.params)
    text = bind_values(without_comment_lines(full_text(q)), bindings)
    remote_style = _execute(store, text, {}, name=q.name)
    assert remote_style.variables == embedded.variables
    assert remote_style.rows == embedded.rows


def test_osteoclasts_come_from_macrophages_and_stem_cells(store):
    result = run_query(store, load_query("osteoclast-origins"))
    precursors = {p for (p,) in shown_rows(result, "precursor")}
    assert {"CL:0000235", "CL:0000037", "CL:0000576", "CL:0000451"} <= precursors
    # the review calls the M1/M2 route unclear: it is not an origin
    assert "CL:0000863" not in precursors and "CL:0000890" not in precursors


def test_il7_dual_role_is_the_conflict(store):
    result = run_query(store, load_query("conflicting-effects"))
    assert ("HGNC:6023", "GO:0030316", "OSTEOKG:0000042", "HGNC:11926") in shown_rows(
        result, "factor", "target", "inhibitingVia", "promotingVia")


# --- the QC checks can fail --------------------------------------------------------------


def _n(curie: str) -> NamedNode:
    return NamedNode(expand(curie))


def _g(key: str) -> NamedNode:
    return NamedNode(GRAPHS[key])


@contextlib.contextmanager
def mutated(store: Store, add=(), remove=()):
    """Add and remove quads for the block, then put the store back as it was."""
    add = [q for q in add if q not in store]
    remove = [q for q in remove if q in store]
    for q in remove:
        store.remove(q)
    for q in add:
        store.add(q)
    try:
        yield
    finally:
        for q in add:
            store.remove(q)
        for q in remove:
            store.add(q)


def _quads(store, s=None, p=None, o=None, g=None) -> list[Quad]:
    return list(store.quads_for_pattern(s, p, o, g))


def _a(aid: str) -> NamedNode:
    return NamedNode(PREFIXES["okga"] + aid)


def _e(local: str) -> NamedNode:
    return NamedNode(PREFIXES["okge"] + local)


def _breakage(name: str, store: Store):
    """(quads to add, quads to remove, a row the check must then report) per check."""
    assertions, asserted, inferred = _g("assertions"), _g("asserted"), _g("inferred")
    rdf_type = _n("rdf:type")
    if name == "assertion-without-evidence-violation":
        return [Quad(_a("A9999"), rdf_type, _n("okg:Assertion"), assertions)], [], \
            {"assertion": "okga:A9999"}
    if name == "direct-edge-without-assertion-violation":
        edge = Quad(_n("CL:0000092"), _n("RO:0002213"), _n("GO:0030316"), asserted)
        return [edge], [], {"subject": "CL:0000092", "object": "GO:0030316"}
    if name == "assertion-without-direct-edge-violation":
        edge = Quad(_n("CL:0000092"), _n("RO:0002202"), _n("CL:0000451"), asserted)
        return [], [edge], {"assertion": "okga:A0415", "missing": "direct edge"}
    if name == "hypothesis-as-fact-violation":
        edge = Quad(_n("GO:0038111"), _n("OSTEOKG:0900001"), _n("MONDO:0008383"), asserted)
        return [edge], [], {"assertion": "okga:A0578", "where": "asserted graph"}
    if name == "concept-without-english-label-violation":
        q = Quad(_a("A0415"), _n("okg:mediator"), _n("OSTEOKG:9999999"), assertions)
        return [q], [], {"term": "OSTEOKG:9999999"}
    if name == "evidence-quote-not-in-sentence-violation":
        old = _quads(store, _e("A0415-1-quote"), _n("oa:exact"), None, assertions)
        new = Quad(_e("A0415-1-quote"), _n("oa:exact"), Literal("不在这句话里", language="zh"),
                   assertions)
        return [new], old, {"evidence": "okge:A0415-1", "quote": "不在这句话里"}
    if name == "evidence-position-mismatch-violation":
        old = _quads(store, _e("A0415-1-position"), _n("oa:start"), None, assertions)
        shifted = Literal(str(int(old[0].object.value) + 1), datatype=_n("xsd:integer"))
        return [Quad(_e("A0415-1-position"), _n("oa:start"), shifted, assertions)], old, \
            {"evidence": "okge:A0415-1"}
    if name == "evidence-reference-not-cited-violation":
        q = Quad(_e("A0415-1"), _n("dcterms:references"), _n("okgr:1"), assertions)
        return [q], [], {"evidence": "okge:A0415-1", "reference": "okgr:1"}
    if name == "assertion-certainty-violation":
        old = _quads(store, _a("A0415"), _n("okg:certainty"), None, assertions)
        return [], old, {"assertion": "okga:A0415", "problem": "no certainty"}
    if name == "undeclared-predicate-violation":
        q = Quad(_n("CL:0000092"), _n("RO:9999999"), _n("CL:0000235"), asserted)
        return [q], [], {"predicate": "RO:9999999", "graph": "okgg:asserted"}
    if name == "inferred-edge-without-justification-violation":
        q = Quad(_n("CL:0000092"), _n("RO:0002202"), _n("CL:0000057"), inferred)
        return [q], [], {"subject": "CL:0000092", "object": "CL:0000057",
                         "problem": "no justification"}
    if name == "justification-premise-violation":
        justifications = _g("justifications")
        justification = _quads(store, None, rdf_type, _n("okg:Justification"),
                               justifications)[0].subject
        q = Quad(justification, _n("prov:wasDerivedFrom"), _a("A9999"), justifications)
        return [q], [], {"premise": "okga:A9999"}
    raise AssertionError(f"no breakage written for {name}: add one to _breakage")


@pytest.mark.parametrize("name", CHECKS)
def test_violation_query_catches_its_problem(name, store):
    add, remove, row = _breakage(name, store)
    before = len(store)
    with mutated(store, add, remove):
        result = run_query(store, CATALOGUE[name])
    assert len(store) == before
    problems = check_answer(result, Expectation(name, {}, (row,)))
    assert not problems, "\n".join(problems)


# --- parameters ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["CL:0000092", "http://purl.obolibrary.org/obo/CL_0000092",
                                   "osteoclast", "OSTEOCLAST", "破骨细胞", "OC"])
def test_iri_parameter_accepts_curie_iri_and_labels(value, store):
    terms = bind_params(store, load_query("osteoclast-origins"), {"cell": value})
    assert terms == {"cell": _n("CL:0000092")}


def test_label_of_a_concept_wins_over_a_section_title(store):
    # "破骨细胞" is also the title of section 2
    assert bind_params(store, load_query("concept-profile"), {"concept": "破骨细胞"}) == {
        "concept": _n("CL:0000092")}


def test_relation_by_label(store):
    terms = bind_params(store, load_query("edge-evidence"),
                        {"predicate": "acts upstream of, negative effect"})
    assert terms["predicate"] == _n("RO:0004035")


def test_integer_parameter(store):
    terms = bind_params(store, load_query("reference-claims"), {"reference": "+41"})
    assert terms["reference"] == Literal("41", datatype=_n("xsd:integer"))


def test_optional_parameter_left_unbound(store):
    assert bind_params(store, load_query("interventions"), {}) == {}


@pytest.mark.parametrize("params, error, message", [
    ({"cel": "CL:0000092"}, QueryError,
     "query 'osteoclast-origins' has no parameter 'cel' (parameters: cell) - did you mean 'cell'?"),
    ({"cell": "no such cell"}, UnknownTermError,
     "parameter 'cell': 'no such cell' is not a CURIE, an IRI, or a label or synonym"),
    ({"cell": "CL:9999999"}, UnknownTermError,
     "parameter 'cell': CL:9999999 does not occur in the graph"),
    ({"cell": "FOO:123"}, UnknownTermError, "parameter 'cell': unknown prefix 'FOO' in 'FOO:123'"),
    ({"cell": "http://example.org/a b"}, QueryError, "is not a valid IRI"),
    ({"cell": "   "}, QueryError, "parameter 'cell': empty value"),
])
def test_bad_parameters(params, error, message, store):
    with pytest.raises(error) as info:
        bind_params(store, load_query("osteoclast-origins"), params)
    assert message in str(info.value)


def test_ambiguous_label_lists_the_terms(store):
    with pytest.raises(UnknownTermError) as info:
        bind_params(store, load_query("concept-profile"), {"concept": "IL-23"})
    # the IL-23 complex and its IL23A subunit (HGNC's symbol for it); 'JNK' was the example
    # until issue 15 dropped the unused JNK family
    assert "'IL-23' names several terms (" in str(info.value)
    assert "GO:0070743" in str(info.value) and "pass a CURIE" in str(info.value)


def test_malformed_integer(store):
    with pytest.raises(QueryError, match="parameter 'reference' of 'reference-claims' must be "
                                         "an integer, got '4 1'"):
        bind_params(store, load_query("reference-claims"), {"reference": "4 1"})


def test_injection_in_a_string_parameter_is_one_literal(store):
    q = load_query(str(RESOURCES / "echo-string.rq"))
    before = len(store)
    result = run_query(store, q, {"text": INJECTION})
    assert shown_rows(result, "text", "reviews") == [(INJECTION, "1")]
    assert len(store) == before


def test_injection_through_a_values_block_is_one_literal(store):
    from osteokg.endpoint import bind_values
    from osteokg.query import _execute

    q = load_query(str(RESOURCES / "echo-string.rq"))
    text = bind_values(full_text(q), {"text": Literal(INJECTION)})
    result = _execute(store, text, {}, name=q.name)
    assert shown_rows(result, "text") == [(INJECTION,)]


def test_injection_in_an_iri_parameter_is_looked_up_as_a_label(store):
    before = len(store)
    with pytest.raises(UnknownTermError) as info:
        run_query(store, load_query("concept-profile"), {"concept": INJECTION})
    assert repr(INJECTION) in str(info.value)
    assert len(store) == before


# --- errors in queries -----------------------------------------------------------------


def test_unknown_query_names_close_matches():
    with pytest.raises(QueryError) as info:
        load_query("osteoclast-origin")
    assert "unknown query 'osteoclast-origin' - did you mean osteoclast-origins" in str(info.value)


def test_syntax_error_is_positioned_in_the_file(store):
    path = RESOURCES / "bad-syntax.rq"
    with pytest.raises(QueryError) as info:
        run_query(store, load_query(str(path)))
    message = str(info.value)
    assert message.startswith(f"{path}:11:"), message
    assert "SPARQL syntax error" in message
    assert "    ?cell rdfs:label ?label FILTR(?label)" in message


def test_unknown_prefix_is_named(store):
    path = RESOURCES / "unknown-prefix.rq"
    with pytest.raises(QueryError) as info:
        run_query(store, load_query(str(path)))
    assert str(info.value).startswith(f"{path}:7:")
    assert "the prefix 'foo' is not declared" in str(info.value)


def test_unprojected_parameter_is_explained(store):
    with pytest.raises(QueryError, match="a parameter variable is not in the SELECT projection"):
        run_query(store, load_query(str(RESOURCES / "unprojected-param.rq")))


def test_malformed_param_header(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: t\n# param: cell | uri | CL:0000092 | x\nSELECT * {}\n")
    with pytest.raises(QueryError, match=r"bad.rq:2: malformed param header"):
        load_query(str(bad))


def test_missing_query_file():
    with pytest.raises(QueryError, match="no-such.rq: no such query file"):
        load_query("no-such.rq")


# --- expected answers API --------------------------------------------------------------


def test_expected_answers_api():
    rankl = EXPECTED["rankl-sources"]
    assert rankl[0].exact and rankl[0].rows[0]["cell"] == "CL:0000057"
    assert rankl[1].params == {"factor": "RANKL"}


def test_check_answer_reports_what_differs(store):
    result = run_query(store, load_query("rankl-sources"))
    wrong = Expectation("rankl-sources", {}, ({"cell": "CL:0000092"},), count=2)
    problems = check_answer(result, wrong)
    assert "rankl-sources: expected 2 rows, got 6" in problems
    assert "rankl-sources: missing row {'cell': 'CL:0000092'}" in problems
    exact = Expectation("rankl-sources", {}, ({"cell": "CL:0000062"},), exact=True)
    assert "the answer differs on cell" in check_answer(result, exact)[0]


# --- the command -----------------------------------------------------------------------


def test_cli_list(cli):
    result = cli("--list")
    assert result.exit_code == 0, result.output
    assert "osteoclast-origins" in result.output and "Where do osteoclasts come from?" in result.output
    assert "--param cell=CL:0000092 [iri]" in result.output
    assert "quality checks (must return nothing):" in result.output
    listing = json.loads(cli("--list", "--format", "json").output)
    names = {item["name"] for item in listing}
    from osteokg.query import federated_catalogue

    assert set(CATALOGUE) | set(federated_catalogue()) == names
    assert "federated/ubergraph-superclasses" in names
    md = cli("--list", "-f", "md").output
    assert md.startswith("| query | question | parameters |")


def test_cli_table_shows_labels_beside_identifiers(cli):
    result = cli("osteoclast-origins")
    assert result.exit_code == 0, result.output
    assert "CL:0000092 (osteoclast)" in result.output
    assert "CL:0000235 (macrophage)" in result.output
    assert "okg:Reported (reported)" in result.output
    assert re.search(r"\(\d+ rows\)\n$", result.output)


def test_cli_chinese_labels(cli):
    result = cli("osteoclast-origins", "--lang", "zh")
    assert "CL:0000092 (破骨细胞)" in result.output


def test_cli_chinese_label_parameter_and_markdown(cli):
    result = cli("concept-profile", "--param", "concept=破骨细胞", "--format", "md")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("| concept | role | subject | predicate | object | certainty | "
                        "assertion | sentence |")
    assert lines[1] == "|---|---|---|---|---|---|---|---|"
    assert any("| CL:0000092 (osteoclast) | subject |" in line for line in lines)


def test_cli_csv_and_tsv(cli):
    csv_out = cli("rankl-sources", "-f", "csv").output.splitlines()
    assert csv_out[0].startswith("factor,factor_label,cell,cell_label,relation,relation_label")
    assert "HGNC:11926,TNFSF11,CL:0000062,osteoblast,RO:0002292,expresses" in csv_out[2]
    tsv_out = cli("rankl-sources", "-f", "tsv", "--no-labels").output.splitlines()
    assert tsv_out[0] == "factor\tcell\trelation\tsite\tdisease\tcertainty\tsentence"
    assert len(tsv_out) == 7


def test_cli_json_rows(cli):
    data = json.loads(cli("conflicting-effects", "-f", "json-rows").output)
    assert data["variables"][:2] == ["factor", "target"]
    factor = data["rows"][0]["factor"]
    assert factor == {"type": "uri", "value": "http://identifiers.org/hgnc/6023",
                      "curie": "HGNC:6023", "label": "IL7"}


def test_cli_literal_values_and_output_file(cli, tmp_path):
    out = tmp_path / "facts.tsv"
    result = cli("numeric-facts", "-f", "tsv", "--no-labels", "-o", str(out))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "MONDO:0005298\tOSTEOKG:0900011\t200000000\tunit:NUM\t2020\tokgs:sec4.3-01\t" \
           "截至 2020 年全球约有 2 亿人患有骨质疏松" in text


def test_cli_show_prints_the_query(cli):
    result = cli("rankl-sources", "--show")
    assert result.output == (CATALOGUE["rankl-sources"].text)


def test_cli_several_parameters(cli):
    result = cli("edge-evidence", "-p", "subject=IL-7", "-p", "predicate=RO:0004035",
                 "-p", "object=osteoclast differentiation", "-f", "tsv", "--no-labels")
    assert result.exit_code == 0, result.output
    rows = result.output.splitlines()
    assert len(rows) == 2 and rows[1].startswith("HGNC:6023\tRO:0004035\tGO:0030316\tokga:A0574")


@pytest.mark.parametrize("args, message", [
    (("osteoclast-origin",), ("error: unknown query 'osteoclast-origin' - did you mean "
                              "osteoclast-origins")),
    (("osteoclast-origins", "-p", "cell"), "error: --param 'cell': write NAME=VALUE"),
    (("osteoclast-origins", "-p", "cel=CL:0000092"), "has no parameter 'cel'"),
    (("osteoclast-origins", "-p", "cell=nothing like this"), "'nothing like this' is not a CURIE"),
    (("reference-claims", "-p", "reference=forty"), "must be an integer, got 'forty'"),
    (("osteoclast-origins", "-p", "cell=CL:0000092", "-p", "cell=CL:0000235"),
     "--param 'cell' given twice"),
])
def test_cli_bad_input_exits_2(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_cli_syntax_error_exits_2(cli):
    result = cli(str(RESOURCES / "bad-syntax.rq"))
    assert result.exit_code == 2
    assert f"error: {RESOURCES / 'bad-syntax.rq'}:11:" in result.output


def test_cli_check_runs_the_catalogue(cli):
    result = cli("--check")
    n = sum(len(es) for es in EXPECTED.values()) + len(CHECKS)
    assert f"of {n} checks passed" in result.output
    assert "ok  rankl-sources factor=RANKL" in result.output
    assert "ok  evidence-quote-not-in-sentence-violation" in result.output
    assert result.exit_code == (1 if "FAIL  " in result.output else 0)


def test_cli_needs_a_query_name(cli):
    result = cli()
    assert result.exit_code == 2 and "give a query NAME" in result.output


def test_cli_violation_found_exits_1(built, tmp_path):
    broken = tmp_path / "broken.nq"
    extra = Quad(_n("CL:0000092"), _n("RO:0002213"), _n("GO:0030316"), _g("asserted"))
    broken.write_bytes(serialize([*built.dataset.quads(), extra], format=RdfFormat.N_QUADS))
    result = CliRunner().invoke(main, ["query", "direct-edge-without-assertion-violation",
                                       "--data", str(broken), "--no-labels", "-f", "tsv"])
    assert result.exit_code == 1
    assert "CL:0000092\tRO:0002213\tGO:0030316" in result.output
    assert "direct-edge-without-assertion-violation: 1 violation(s)" in result.output


def test_cli_unreachable_endpoint(cli):
    from servers import free_port

    port = free_port()
    result = cli("rankl-sources", "--endpoint", f"http://127.0.0.1:{port}/query",
                 "--timeout", "5")
    assert result.exit_code == 2
    assert f"http://127.0.0.1:{port}/query" in result.output


def test_cli_endpoint_timeout(cli):
    from servers import silent_server

    with silent_server() as url:
        result = cli("rankl-sources", "--endpoint", url + "/query", "--timeout", "1")
    assert result.exit_code == 2
    assert url in result.output and "error:" in result.output


def test_remote_syntax_error_is_caught_before_sending():
    remote = Remote("http://127.0.0.1:9/query", timeout=1)
    with pytest.raises(QueryError, match=r"bad-syntax.rq:11:"):
        run_query_remote(remote, load_query(str(RESOURCES / "bad-syntax.rq")))


def test_cli_endpoint_gives_the_local_answer(release_dir, cli):
    """The catalogue on an Oxigraph server whose default graph is NOT the union of the named
    graphs: same rows (queries and lookups name their graphs), labels fetched remotely."""
    from servers import free_port, require_oxigraph

    require_oxigraph()
    from osteokg.server import start_server

    args = ("rankl-sources", "-p", "factor=RANKL", "-f", "csv")
    local = cli(*args)
    local_check = cli("--check")
    with start_server(release_dir / "osteokg.nq", port=free_port()) as server:
        remote = cli(*args, "--endpoint", server.query_url)
        remote_check = cli("--check", "--endpoint", server.query_url, "--timeout", "120")
        failing = cli(*args, "--endpoint", server.url + "/no-such-service")
    assert failing.exit_code == 2
    assert f"error: {server.url}/no-such-service" in failing.output and "404" in failing.output
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output
    assert remote_check.output == local_check.output
    assert remote_check.exit_code == local_check.exit_code


@pytest.mark.server
def test_whole_catalogue_on_virtuoso_gives_the_local_answers(release_dir, cli):
    """Publish the built graph to Virtuoso (the real graph IRIs, replaced per graph) and run
    every stored query and QC check there: the same verdicts and rows as embedded."""
    from servers import require_virtuoso

    from osteokg.endpoint import publish

    config = require_virtuoso()
    counts = publish(release_dir / "osteokg.nq", config["url"], kind="virtuoso",
                     user=config["user"], password=config["password"])
    assert counts[GRAPHS["asserted"]] > 200 and counts[GRAPHS["inferred"]] > 7000
    assert counts[GRAPHS["justifications"]] > 50000
    local_check = cli("--check")
    remote_check = cli("--check", "--endpoint", config["query_url"], "--timeout", "300")
    assert remote_check.exit_code == local_check.exit_code == 0, remote_check.output
    assert remote_check.output == local_check.output
    for args in (("rankl-sources", "-p", "factor=RANKL", "-f", "csv"),
                 ("edge-evidence", "-p", "subject=IL-7",
                  "-p", "predicate=acts upstream of, negative effect",
                  "-p", "object=破骨细胞分化", "-f", "tsv"),
                 ("concept-profile", "-p", "concept=巨噬细胞", "-f", "csv")):
        remote = cli(*args, "--endpoint", config["query_url"], "--timeout", "120")
        assert remote.exit_code == 0, remote.output
        assert remote.output == cli(*args).output


def test_remote_endpoint_error_is_an_endpoint_error():
    from servers import free_port

    remote = Remote(f"http://127.0.0.1:{free_port()}/query", timeout=2)
    with pytest.raises(EndpointError):
        run_query_remote(remote, load_query("rankl-sources"))


# --- which graph the command answers from ----------------------------------------------


def test_release_index_is_made_once_and_reused(release_dir, cli):
    stamp = release_dir / "store" / "osteokg-store.json"
    first = cli("certainty-summary", "-f", "tsv", "--no-labels")
    assert first.exit_code == 0 and stamp.is_file()
    made = stamp.stat().st_mtime_ns
    second = cli("certainty-summary", "-f", "tsv", "--no-labels")
    assert second.output == first.output and stamp.stat().st_mtime_ns == made
    recorded = json.loads(stamp.read_text())
    assert recorded["source"] == "osteokg.nq"
    assert recorded["size"] == (release_dir / "osteokg.nq").stat().st_size


def test_release_index_is_remade_when_the_release_changes(built, tmp_path):
    release = tmp_path / "release"
    release.mkdir()
    nq = release / "osteokg.nq"
    quads = built.dataset.quads()
    nq.write_bytes(serialize(quads[:1000], format=RdfFormat.N_QUADS))
    small, note = open_graph(release)
    assert note is None and len(small) == 1000
    del small
    nq.write_bytes(serialize(quads[:2000], format=RdfFormat.N_QUADS))
    larger, note = open_graph(release)
    assert len(larger) == 2000


def test_stale_release_is_not_used(built, tmp_path):
    release = tmp_path / "release"
    release.mkdir()
    nq = release / "osteokg.nq"
    nq.write_bytes(serialize(built.dataset.quads()[:10], format=RdfFormat.N_QUADS))
    os.utime(nq, (0, 0))  # older than every seed file
    store, note = open_graph(release)
    assert note.startswith(f"{nq} is older than ")
    assert "compiled and reasoned the graph in memory - run 'osteokg build'" in note
    assert len(store) > 10


def test_data_files_are_queried_as_given(cli, tmp_path):
    data = tmp_path / "tiny.nq"
    data.write_text(
        f"<{expand('CL:0000092')}> <{expand('RO:0002202')}> <{expand('CL:0000235')}> "
        f"<{GRAPHS['asserted']}> .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "osteoclast-lineage", "--data", str(data),
                                       "-f", "tsv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "cell\tprecursor\tgraph\trule",
        "CL:0000092\tCL:0000235\tokgg:asserted\t",
    ]


def test_ask_and_construct_queries_give_boolean_and_triples(store):
    asked = run_query(store, "ASK { ?cell RO:0002202 CL:0000235 }")
    assert asked.variables == ["result"]
    assert asked.rows == [(("literal", "true", PREFIXES["xsd"] + "boolean"),)]
    missing = run_query(store, "ASK { CL:0000235 RO:0002202 CL:0000092 }")
    assert missing.rows == [(("literal", "false", PREFIXES["xsd"] + "boolean"),)]
    built = run_query(store, "CONSTRUCT { CL:0000092 RO:0002202 ?p } "
                             "WHERE { GRAPH okgg:asserted { CL:0000092 RO:0002202 ?p } }")
    assert built.variables == ["subject", "predicate", "object"]
    assert ("uri", PREFIXES["CL"] + "0000235", None) in [row[2] for row in built.rows]
