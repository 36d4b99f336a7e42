"""The KGX export (osteokg.kgx, `osteokg export --kgx`, release/kgx/) and the offline kgx layer.

* every relation the built graph uses has a row in biolink/predicates.tsv, and every row
  follows Biolink's own files (the slot's exact/narrow mappings, predicate_mapping.yaml);
* edges carry knowledge_level / agent_type by graph, the RO relation as
  original_predicate, qualifiers where Biolink models a direction; hedged claims are left out;
* node categories are the graph's biolink:category triples;
* `kgx validate` (run offline through osteokg.biolink) reports no error.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pyoxigraph import NamedNode, Quad, Store

from osteokg.cli import main
from osteokg.constants import GRAPHS, PREFIXES
from osteokg.kgx import (
    EDGE_COLUMNS,
    EDGES_FILE,
    INFORES,
    NODE_COLUMNS,
    NODES_FILE,
    PREDICATES_TABLE,
    UnmappedPredicateError,
    kgx_tables,
    predicate_table,
    render_kgx,
)
from osteokg.prefixes import compress, expand

try:  # tests/ may or may not become a package
    from . import servers
except ImportError:
    import servers  # type: ignore[no-redef]

TABLE = predicate_table()
BIOLINK_REFERENCE = Path(os.environ.get(
    "OSTEOKG_REFERENCE", Path(__file__).resolve().parents[2] / "shared" / "reference")) / "biolink"


@pytest.fixture(scope="module")
def tables(built):
    return kgx_tables(built.store)


@pytest.fixture(scope="module")
def exported(built, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("kgx")
    for name, data in render_kgx(built.store).items():
        (out / name).write_bytes(data)
    return {"nodes": out / NODES_FILE, "edges": out / EDGES_FILE}


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def biolink_schema() -> dict:
    _require_kgx()
    from osteokg.biolink import schema_path

    return yaml.safe_load(schema_path().read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def predicate_mappings() -> list[dict]:
    from osteokg.biolink import PREDICATE_MAPPING

    return yaml.safe_load(PREDICATE_MAPPING.read_text(encoding="utf-8"))["predicate mappings"]


def _slot(name: str) -> str:
    return name.removeprefix("biolink:").replace("_", " ")


# --- the mapping table ------------------------------------------------------------------


def test_every_relation_of_the_built_graph_has_a_mapping(built):
    used: set[str] = set()
    for key in ("asserted", "inferred"):
        for quad in built.store.quads_for_pattern(None, None, None, NamedNode(GRAPHS[key])):
            if isinstance(quad.object, NamedNode):
                used.add(compress(quad.predicate.value))
    missing = sorted(used - set(TABLE))
    assert not missing, f"relations without a row in {PREDICATES_TABLE}: {missing}"


def test_a_relation_without_mapping_stops_the_export():
    store = Store()
    graph = NamedNode(GRAPHS["asserted"])
    store.add(Quad(NamedNode(expand("CL:0000092")), NamedNode(expand("RO:9999999")),
                   NamedNode(expand("CL:0000235")), graph))
    store.add(Quad(NamedNode(expand("CL:0000092")), NamedNode(expand("RO:0002202")),
                   NamedNode(expand("CL:0000235")), graph))
    with pytest.raises(UnmappedPredicateError, match=r"RO:9999999 \(1 edges\)"):
        kgx_tables(store)


def test_the_table_covers_the_relations_of_the_target_model():
    """The relations issue 11 moves the graph to (MODEL.md section 3), mapped in advance."""
    for curie in ("RO:0002213", "RO:0002212", "RO:0002211", "RO:0002264", "RO:0004034",
                  "RO:0004035", "RO:0002215", "RO:0002596", "RO:0002598", "RO:0002597",
                  "RO:0002448", "RO:0002450", "RO:0002449", "RO:0003000", "RO:0002292",
                  "RO:0001025", "RO:0002202", "RO:0002304", "RO:0002305", "RO:0002436",
                  "RO:0003304", "RO:0002351", "RO:0002606", "RO:0003307", "RO:0002200",
                  "RO:0002234"):
        assert curie in TABLE, curie


@pytest.mark.parametrize("relation", sorted(TABLE))
def test_mapping_follows_biolink(relation, biolink_schema, predicate_mappings):
    row = TABLE[relation]
    slots = biolink_schema["slots"]
    assert _slot(row.predicate) in slots, f"{relation}: {row.predicate} is not a Biolink slot"
    assert not slots[_slot(row.predicate)].get("deprecated"), f"{relation}: deprecated slot"
    if row.qualified_predicate:
        assert _slot(row.qualified_predicate) in slots, relation
    enums = biolink_schema["enums"]
    if row.object_aspect_qualifier:
        aspects = enums["GeneOrGeneProductOrChemicalEntityAspectEnum"]["permissible_values"]
        assert row.object_aspect_qualifier in aspects, relation
    if row.object_direction_qualifier:
        assert row.object_direction_qualifier in enums["DirectionQualifierEnum"][
            "permissible_values"], relation
    listed = {kind: {name for name, slot in slots.items()
                     if relation in ((slot or {}).get(f"{kind}_mappings") or [])}
              for kind in ("exact", "narrow", "broad", "close", "related")}
    in_predicate_map = [m for m in predicate_mappings if relation in (m.get("exact matches")
                                                                      or [])]
    if row.basis in ("exact", "narrow"):
        assert _slot(row.predicate) in listed[row.basis], (
            f"{relation}: Biolink's {row.predicate} does not list it in {row.basis}_mappings")
    elif row.basis == "predicate_mapping":
        entry = next((m for m in in_predicate_map if m["mapped predicate"] == row.note), None)
        assert entry, f"{relation}: predicate_mapping.yaml has no '{row.note}' entry for it"
        assert _slot(row.predicate) == entry["predicate"]
        assert _slot(row.qualified_predicate) == entry.get("qualified predicate", "")
        assert row.object_aspect_qualifier.replace("_", " ") == entry.get(
            "object aspect qualifier", "")
        assert row.object_direction_qualifier == entry.get("object direction qualifier", "")
    else:
        assert row.basis == "osteokg", f"{relation}: unknown basis {row.basis!r}"
        # a choice of ours only where Biolink has none: no exact/narrow slot, no entry
        assert not listed["exact"] and not listed["narrow"] and not in_predicate_map, (
            f"{relation}: Biolink maps it ({listed}, {in_predicate_map}); follow Biolink")
        assert row.note, f"{relation}: say why this mapping was chosen"


def test_shipped_predicate_mapping_is_biolinks():
    from osteokg.biolink import PREDICATE_MAPPING

    reference = BIOLINK_REFERENCE / "predicate_mapping.yaml"
    if not reference.is_file():
        pytest.skip("../shared/reference/biolink not available")
    assert PREDICATE_MAPPING.read_bytes() == reference.read_bytes()


# --- edges and nodes --------------------------------------------------------------------


def test_edges_by_graph_carry_level_agent_source_and_relation(tables, built):
    _nodes, edges = tables
    rows = [dict(zip(EDGE_COLUMNS, e)) for e in edges]
    for key, level, agent in (("asserted", "knowledge_assertion", "manual_agent"),
                              ("inferred", "logical_entailment", "automated_agent")):
        graph = NamedNode(GRAPHS[key])
        expected = sorted(
            (compress(q.subject.value), compress(q.predicate.value), compress(q.object.value))
            for q in built.store.quads_for_pattern(None, None, None, graph)
            if isinstance(q.object, NamedNode) and isinstance(q.subject, NamedNode))
        got = sorted((r["subject"], r["original_predicate"], r["object"]) for r in rows
                     if r["knowledge_level"] == level)
        assert got == expected, key
        assert {r["agent_type"] for r in rows if r["knowledge_level"] == level} == {agent}
    assert {r["primary_knowledge_source"] for r in rows} == {INFORES}
    assert len({r["id"] for r in rows}) == len(rows), "edge ids must be unique"
    for r in rows:
        mapping = TABLE[r["original_predicate"]]
        assert (r["predicate"], r["qualified_predicate"], r["object_direction_qualifier"]) == (
            mapping.predicate, mapping.qualified_predicate, mapping.object_direction_qualifier)


def test_claims_carry_their_evidence_types(exported):
    rows = read_tsv(exported["edges"])
    claims = [r for r in rows if r["knowledge_level"] == "knowledge_assertion"]
    assert claims and all(r["has_evidence"] for r in claims), "every claim has evidence"
    assert all(re.fullmatch(r"ECO:\d{7}(\|ECO:\d{7})*", r["has_evidence"]) for r in claims)
    assert not any(r["has_evidence"] for r in rows if r["knowledge_level"] != "knowledge_assertion")


def test_polarity_is_kept_as_a_direction_qualifier(exported):
    rows = read_tsv(exported["edges"])
    promotes = [r for r in rows if r["original_predicate"] == "RO:0002213"]
    # a gene product's negative effect on a process: the sign is in Biolink's predicate
    inhibits = [r for r in rows if r["original_predicate"] == "RO:0004035"]
    assert promotes and inhibits
    assert {(r["predicate"], r["qualified_predicate"], r["object_aspect_qualifier"],
             r["object_direction_qualifier"]) for r in promotes} == {
        ("biolink:regulates", "biolink:causes", "activity_or_abundance", "upregulated")}
    assert {r["predicate"] for r in inhibits} == {"biolink:acts_upstream_of_negative_effect"}


def test_hedged_claims_are_left_out(tables, built):
    """A claim the review only hedges (hypothesis, unclear) is not a KGX edge."""
    okg = PREFIXES["okg"]
    query = f"""
    PREFIX okg: <{okg}>
    PREFIX rdf: <{PREFIXES['rdf']}>
    SELECT ?s ?p ?o (GROUP_CONCAT(STR(?c)) AS ?certainties) WHERE {{
      GRAPH <{GRAPHS['assertions']}> {{
        ?a a okg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
           okg:certainty ?c
      }}
    }} GROUP BY ?s ?p ?o"""
    hedged = set()
    for row in built.store.query(query):
        certainties = set(row["certainties"].value.split())
        if certainties <= {okg + "Hypothesis", okg + "Unclear"}:
            hedged.add((compress(row["s"].value), compress(row["p"].value),
                        compress(row["o"].value)))
    assert len(hedged) >= 10, "the review hedges some claims; the query found too few"
    claims = {(e[1], e[8], e[3]) for e in tables[1] if e[9] == "knowledge_assertion"}
    assert not hedged & claims, sorted(hedged & claims)[:5]


def test_categories_come_from_the_graph(tables, built):
    nodes, edges = tables
    category = NamedNode(PREFIXES["biolink"] + "category")
    by_node: dict[str, set[str]] = {}
    for q in built.store.quads_for_pattern(None, category, None, None):
        by_node.setdefault(compress(q.subject.value), set()).add(compress(q.object.value))
    rows = {n[0]: dict(zip(NODE_COLUMNS, n)) for n in nodes}
    for node, categories in by_node.items():
        assert set(rows[node]["category"].split("|")) == categories, node
    for node, row in rows.items():
        if node not in by_node:
            assert row["category"] == "biolink:NamedThing", node
    ends = {e[1] for e in edges} | {e[3] for e in edges}
    assert ends <= set(rows), "every edge end is a node"
    assert rows["CL:0000092"]["name"] == "osteoclast"


def test_export_is_deterministic_and_in_the_release(built, tmp_path):
    from osteokg.build import _kgx_files
    from osteokg.release import RELEASE_FILES, write_release

    first, second = render_kgx(built.store), render_kgx(built.store)
    assert first == second
    files = _kgx_files(built.store)
    for _ in range(2):  # the second write replaces the kgx/ folder's files
        written = write_release(files, tmp_path)
    assert written["kgx_edges"] == tmp_path / RELEASE_FILES["kgx_edges"]
    assert (tmp_path / "kgx" / EDGES_FILE).read_bytes() == first[EDGES_FILE]
    assert (tmp_path / "kgx" / NODES_FILE).read_bytes() == first[NODES_FILE]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".staging")]


def test_manifest_lists_the_kgx_files(built):
    import hashlib
    import json

    from osteokg.build import _kgx_files
    from osteokg.release import RELEASE_FILES, render

    quads = list(built.store.quads_for_pattern(None, None, None,
                                               NamedNode(GRAPHS["asserted"])))
    kgx = _kgx_files(built.store)
    out = render(sorted(quads, key=str), {"asserted": GRAPHS["asserted"]}, dl_checked=False,
                 extra=kgx)
    listed = json.loads(out["manifest"])["files"]
    for key in ("kgx_nodes", "kgx_edges"):
        assert listed[RELEASE_FILES[key]] == hashlib.sha256(kgx[key]).hexdigest()


def test_cli_export_writes_the_files(release_dir, built, tmp_path):
    result = CliRunner().invoke(main, ["export", "--kgx", str(tmp_path / "out"),
                                       "--release", str(release_dir)])
    assert result.exit_code == 0, result.output
    expected = render_kgx(built.store)
    for name, data in expected.items():
        assert (tmp_path / "out" / name).read_bytes() == data


# --- kgx itself, offline ----------------------------------------------------------------


def _require_kgx() -> None:
    try:
        import bmt  # noqa: F401
        import kgx  # noqa: F401
    except ModuleNotFoundError as exc:
        message = f"kgx is not installed ({exc}): pip install -e '.[dev]'"
        if servers.in_ci():
            pytest.fail(f"CI is set: {message}", pytrace=False)
        pytest.skip(message)


def _errors(report: dict) -> list[tuple[str, str, str]]:
    return sorted((level, kind, message) for level, kinds in report.items()
                  for kind, messages in kinds.items() for message in messages)


@pytest.mark.slow
def test_kgx_validate_reports_no_error(exported):
    _require_kgx()
    from osteokg.biolink import validate_kgx

    files = [exported["nodes"], exported["edges"]]
    errors = _errors(validate_kgx(files))
    assert errors == [], errors[:10]
    # With Biolink's context alone, the only complaint is osteokg's own prefix.
    plain = _errors(validate_kgx(files, extra_prefixes={}))
    assert plain, "expected the OSTEOKG: identifiers to be flagged without the prefix"
    assert all("CURIE prefix 'OSTEOKG'" in message for _, _, message in plain), plain[:5]


@pytest.mark.slow
def test_cli_validate_runs_offline(release_dir, tmp_path):
    _require_kgx()
    result = CliRunner().invoke(main, ["export", "--kgx", str(tmp_path), "--validate",
                                       "--release", str(release_dir)])
    report = tmp_path / "kgx-validate.json"
    assert report.is_file()
    assert result.exit_code == 0, result.output
    assert "kgx validate: no error" in result.output


def test_offline_layer_points_bmt_at_local_files():
    _require_kgx()
    from osteokg.biolink import PREDICATE_MAPPING, schema_path, use_local_biolink

    use_local_biolink()
    from bmt import Toolkit

    toolkit = Toolkit()
    assert toolkit.get_model_version().startswith("4.4")
    assert Toolkit.__init__.__defaults__ == (str(schema_path()), str(PREDICATE_MAPPING))
    assert toolkit.get_element("gene").name == "gene"
