"""`osteokg validate` as a SHACL engine for users' own files: one regression test per way it
differed from SHACL (issue 12), each through the command line as a user runs it, with small
data and shapes files written here. The suites themselves are in tests/test_shacl_suite.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

HEAD = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix biolink: <https://w3id.org/biolink/vocab/> .
"""
SH = "http://www.w3.org/ns/shacl#"
EX = "http://example.org/"


def run(tmp_path: Path, data: str, shapes: str | None, *extra: str, fmt: str = "json"):
    """``osteokg validate data.ttl --shapes shapes.ttl -f FMT`` on the given Turtle texts."""
    from osteokg.cli import main

    files = []
    if data is not None:
        (tmp_path / "data.ttl").write_text(HEAD + data, encoding="utf-8")
        files.append(str(tmp_path / "data.ttl"))
    args = ["validate", *files, *extra, "-f", fmt]
    if shapes is not None:
        (tmp_path / "shapes.ttl").write_text(HEAD + shapes, encoding="utf-8")
        args += ["--shapes", str(tmp_path / "shapes.ttl")]
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def results(result) -> list[dict]:
    return json.loads(result.stdout)["results"]


def turtle_report(text: str) -> tuple[bool, int]:
    import rdflib

    g = rdflib.Graph().parse(data=text, format="turtle")
    [report] = g.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "ValidationReport"))
    conforms = g.value(report, rdflib.URIRef(SH + "conforms")).toPython()
    return conforms, len(list(g.objects(report, rdflib.URIRef(SH + "result"))))


def test_blank_node_category_in_extension_is_reported(release_dir, tmp_path):
    """The issue's reproduction: a blank node with a category in an extension crashed with
    TypeError (the data graph's triples() got rdflib's context argument)."""
    ext = tmp_path / "ext.ttl"
    ext.write_text(HEAD + "[] biolink:category biolink:Cell .\n", encoding="utf-8")
    from osteokg.cli import main

    result = CliRunner().invoke(main, ["validate", str(release_dir / "osteokg.nq"), str(ext),
                                       "-f", "json"])
    assert result.exit_code == 1, result.output
    found = results(result)
    assert {r["component"] for r in found if r["focus"].startswith("_:")} == {
        "NodeKindConstraintComponent", "PatternConstraintComponent"} or \
        any(r["focus"].startswith("_:") for r in found), found
    assert any(r["value"].startswith("_:") and "has no English rdfs:label" in r["message"]
               for r in found if r["value"]), found


def test_blank_node_values_with_node_level_constraints(tmp_path):
    data = "ex:a a ex:C . [] a ex:C .\n"
    shapes = "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:nodeKind sh:IRI .\n"
    result = run(tmp_path, data, shapes)
    assert result.exit_code == 1
    [found] = results(result)
    assert found["focus"].startswith("_:") and found["value"] == found["focus_curie"]


BOUND_THIS = """ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ;
  sh:sparql [ sh:select \"\"\"SELECT $this WHERE { { FILTER (bound($this)) }
      FILTER NOT EXISTS { $this ex:p ?v } }\"\"\" ] .
ex:T a sh:NodeShape ; sh:targetNode ex:a, ex:b ;
  sh:sparql [ sh:select \"\"\"SELECT $this (COUNT(?v) AS ?n) WHERE { $this ex:q ?v }
      GROUP BY $this HAVING (COUNT(?v) > 1)\"\"\" ] .
"""


def test_bound_this_and_group_by_this(tmp_path):
    """pre-binding-003/-005: bound($this) and GROUP BY $this were syntax errors once $this
    was written into the query."""
    data = "ex:a ex:p 1 ; ex:q 1, 2 .\n"
    result = run(tmp_path, data, BOUND_THIS)
    assert result.exit_code == 1, result.output
    assert sorted((r["focus"], r["shape"]) for r in results(result)) == [
        (EX + "a", EX + "T"), (EX + "b", EX + "S")]


def test_sh_prefixes_through_owl_imports(tmp_path):
    """prefixes-001: the query's prefixes are sh:prefixes/owl:imports*/sh:declare."""
    shapes = """<http://example.org/decl> sh:declare [ sh:prefix "t" ;
      sh:namespace "http://test.com/ns#"^^xsd:anyURI ] .
ex:P owl:imports <http://example.org/decl> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:sparql [ sh:prefixes ex:P ; sh:select "SELECT $this WHERE { $this <http://example.org/p> t:V }" ] .
"""
    result = run(tmp_path, "ex:a ex:p <http://test.com/ns#V> .\n", shapes)
    assert result.exit_code == 1, result.output
    assert [r["focus"] for r in results(result)] == [EX + "a"]


def test_nested_detail_is_not_a_result(tmp_path):
    """node-001/-002: a sh:node failure is one result; its sh:detail was counted as more."""
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:Inner .
ex:Inner a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
"""
    data = "ex:a ex:q 1 .\n"
    assert [r["component"] for r in results(run(tmp_path, data, shapes))] == [
        "NodeConstraintComponent"]
    assert turtle_report(run(tmp_path, data, shapes, fmt="turtle").stdout) == (False, 1)


def test_warnings_do_not_conform_in_the_report_but_exit_zero(tmp_path):
    """severity-001/-002: a report holding any result says sh:conforms false (SHACL);
    osteokg's exit code still lets warnings pass, as documented."""
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ] .
ex:T a sh:NodeShape ; sh:targetNode ex:a ; sh:severity ex:MySeverity ; sh:class ex:C .
"""
    result = run(tmp_path, "ex:a ex:q 1 .\n", shapes, fmt="turtle")
    assert result.exit_code == 0, result.output
    assert turtle_report(result.stdout) == (False, 2)
    assert "sh:Warning" in result.stdout and "ex:MySeverity" in result.stdout


def test_plain_literals_match_xsd_string(tmp_path):
    """A plain literal in the shapes is the xsd:string literal Oxigraph returns."""
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:property [ sh:path ex:p ; sh:in ("x" "y") ] ;
  sh:property [ sh:path ex:p ; sh:hasValue "x" ] .
"""
    ok = run(tmp_path, 'ex:a ex:p "x", "y"^^xsd:string .\n', shapes)
    assert ok.exit_code == 0 and results(ok) == []
    bad = run(tmp_path, 'ex:a ex:p "z" .\n', shapes)
    assert sorted(r["component"] for r in results(bad)) == [
        "HasValueConstraintComponent", "InConstraintComponent"]


def test_sparql_constraint_component_parameter_not_projected(tmp_path):
    """validator-001: a parameter of a SPARQL-based constraint component the SELECT does
    not project was "not in SELECT projection"."""
    shapes = """ex:NotComponent a sh:ConstraintComponent ;
  sh:parameter [ sh:path ex:forbidden ] ;
  sh:propertyValidator [ a sh:SPARQLSelectValidator ;
    sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER (?value = $forbidden) }" ] .
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:property [ sh:path ex:p ; ex:forbidden ex:bad ] .
"""
    result = run(tmp_path, "ex:a ex:p ex:good, ex:bad .\n", shapes)
    assert result.exit_code == 1, result.output
    assert [r["value"] for r in results(result)] == [EX + "bad"]


def test_ill_formed_literal_is_a_result_without_log_noise(tmp_path):
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:property [ sh:path ex:p ; sh:datatype xsd:integer ] .
"""
    result = run(tmp_path, 'ex:a ex:p "aldi"^^xsd:integer, 42 .\n', shapes)
    assert result.exit_code == 1
    assert [r["value"] for r in results(result)] == ['"aldi"^^xsd:integer']
    assert result.stderr == ""


def test_shapes_literals_are_not_normalised(tmp_path):
    """uniqueLang-002: "1"^^xsd:boolean is not true, so sh:uniqueLang does not apply."""
    shapes = """ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:p ;
  sh:uniqueLang "1"^^xsd:boolean .
"""
    result = run(tmp_path, 'ex:a ex:p "a"@en, "b"@en .\n', shapes)
    assert result.exit_code == 0 and results(result) == []


def test_rules_in_shapes_do_not_change_the_store(tmp_path):
    """SHACL rules are applied to a copy: the validation sees their triples, the caller's
    store does not."""
    from pyoxigraph import NamedNode

    from osteokg.store import load_files
    from osteokg.validate import validate_store

    (tmp_path / "data.ttl").write_text(HEAD + "ex:a a ex:C .\n", encoding="utf-8")
    (tmp_path / "shapes.ttl").write_text(HEAD + """ex:R a sh:NodeShape ; sh:targetClass ex:C ;
  sh:rule [ a sh:TripleRule ; sh:subject sh:this ; sh:predicate ex:p ; sh:object ex:v ] .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 0 ] .
""", encoding="utf-8")
    store = load_files([tmp_path / "data.ttl"])
    before = sorted(map(str, store))
    report = validate_store(store, tmp_path / "shapes.ttl")
    assert [r.component for r in report.results] == ["MaxCountConstraintComponent"]
    assert sorted(map(str, store)) == before
    assert not list(store.quads_for_pattern(None, NamedNode("http://example.org/p"), None))


def test_relative_iris_resolve_against_the_file(tmp_path):
    """Every suite file and many hand-written ones use <> and <#x>: they resolve against
    the file's URI (they were rejected: "No scheme found in an absolute IRI")."""
    from osteokg.cli import main

    (tmp_path / "data.ttl").write_text(
        "<#a> a <shapes.ttl#C> ; <#p> 1 .\n<> <#about> <#a> .\n", encoding="utf-8")
    (tmp_path / "shapes.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<#S> a sh:NodeShape ; sh:targetClass <#C> ;\n"
        "  sh:property [ sh:path <data.ttl#p> ; sh:minCount 2 ] .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "data.ttl"), "--shapes",
                                       str(tmp_path / "shapes.ttl"), "-f", "json"])
    assert result.exit_code == 1, result.output
    [found] = results(result)
    assert found["focus"] == (tmp_path / "data.ttl").resolve().as_uri() + "#a"
    assert found["shape"].endswith("shapes.ttl#S")


@pytest.fixture
def release_with_merged_files(release_dir, tmp_path) -> Path:
    """A release directory: its N-Quads and manifest beside the merged osteokg.ttl/.owl."""
    out = tmp_path / "release"
    out.mkdir()
    (out / "osteokg.nq").write_bytes((release_dir / "osteokg.nq").read_bytes())
    (out / "osteokg.ttl").write_text(HEAD + "ex:a ex:p 1 .\n", encoding="utf-8")
    (out / "osteokg.owl").write_text('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
                                     '22-rdf-syntax-ns#"/>\n', encoding="utf-8")
    (out / "manifest.json").write_text("{}\n", encoding="utf-8")
    return out


@pytest.mark.parametrize("name", ["osteokg.ttl", "osteokg.owl"])
def test_merged_release_files_are_refused_with_the_file_to_use(name, release_with_merged_files):
    """The merged osteokg.ttl gave 7,566 violations and osteokg query --data could not find
    terms in it: the shapes and queries read the named graphs. One line, exit code 2."""
    from osteokg.cli import main

    path = release_with_merged_files / name
    for args in (["validate", str(path)],
                 ["query", "osteoclast-origins", "--data", str(path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        [line] = result.stderr.splitlines()
        assert line.startswith(f"error: {path}: a release file with ")
        assert line.endswith(f"use {release_with_merged_files / 'osteokg.nq'} (or osteokg.trig)")
    nq = release_with_merged_files / "osteokg.nq"
    assert CliRunner().invoke(main, ["query", "osteoclast-origins", "--data", str(nq)]) \
        .exit_code == 0


def test_a_users_own_osteokg_ttl_outside_a_release_is_read(tmp_path):
    """Only a release's merged files are refused: a user's file of the same name is data."""
    from osteokg.cli import main

    own = tmp_path / "osteokg.ttl"
    own.write_text(HEAD + "ex:a ex:p 1 .\n", encoding="utf-8")
    (tmp_path / "shapes.ttl").write_text(
        HEAD + "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:class ex:C .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(own), "--shapes",
                                       str(tmp_path / "shapes.ttl")])
    assert result.exit_code == 1 and result.stderr == ""
    assert "Violation: http://example.org/a" in result.stdout
