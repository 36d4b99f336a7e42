"""Smoke test of the benchmark harness: it runs, and its output has the promised structure.

No timing is asserted (the machine is shared and noisy); only that every workload ran once on
the test fixture and that the Markdown and JSON reports carry the figures.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # benchmarks/ is a top-level folder, not an installed package
    sys.path.insert(0, str(REPO))


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--no-java", "--only", "build", "load",
         "queries", "--iterations", "2", "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_json_has_groups_variants_and_medians(quick_run: Path) -> None:
    data = json.loads((quick_run / "latest.json").read_text(encoding="utf-8"))
    assert data["quick"] is True
    groups = {g["name"]: g for g in data["groups"]}
    assert {"build", "load-review", "queries"} <= set(groups)
    build = groups["build"]["variants"]["build/no-validate"]
    assert build["runs"] and build["runs"][0]["ok"], build
    stages = build["medians"]
    for stage in ("stage normalise", "stage load curation", "stage compile", "stage load store",
                  "stage render release", "stage write release", "total"):
        assert stages[stage] > 0, stage
    assert build["peak_rss_mb"] > 0
    load = groups["load-review"]["variants"]
    digests = {k: v["runs"][0]["info"]["answer digest"] for k, v in load.items()}
    assert len(set(digests.values())) == 1, digests  # the same answer from every engine
    queries = groups["queries"]["variants"]["queries/review/embedded"]["runs"][0]
    assert "q osteoclast-origins" in queries["metrics"]
    assert len(queries["metrics"]["q osteoclast-origins"]) == 2  # one sample per iteration


def test_markdown_has_targets_slow_spots_and_tables(quick_run: Path) -> None:
    md = (quick_run / "latest.md").read_text(encoding="utf-8")
    assert md.startswith("# osteokg benchmarks")
    for heading in ("## Targets", "## Slow spots", "## Workloads",
                    "### osteokg build of the review graph, per stage"):
        assert heading in md
    assert "| stage load curation |" in md
    assert "| osteoclast-origins |" in md


def test_reports_hold_no_machine_paths(quick_run: Path) -> None:
    """The reports are committed: no scratch folder, home folder or checkout path in them."""
    import tempfile

    for name in ("latest.md", "latest.json"):
        text = (quick_run / name).read_text(encoding="utf-8")
        for path in (tempfile.gettempdir() + "/osteokg-bench-", str(Path.home()), str(REPO)):
            assert path not in text, (name, path)
    assert "$WORKDIR/" in (quick_run / "latest.json").read_text(encoding="utf-8")


def test_obo_conversion_maps_names_parents_and_relationships(tmp_path: Path) -> None:
    from benchmarks.obo2rdf import convert
    from pyoxigraph import RdfFormat, parse

    src = tmp_path / "t.obo.gz"
    with gzip.open(src, "wt", encoding="utf-8") as f:
        f.write('format-version: 1.2\n\n[Term]\nid: CL:0000092\nname: osteoclast\n'
                'def: "A \\"bone\\" resorbing cell." []\n'
                'synonym: "OC" EXACT []\nis_a: CL:0000000 ! cell\n'
                'relationship: part_of UBERON:0002481 ! bone tissue\n\n'
                '[Typedef]\nid: part_of\n')
    stats = convert(src, tmp_path / "t.ttl")
    triples = {(t.subject.value, t.predicate.value, getattr(t.object, "value", None))
               for t in parse(path=str(tmp_path / "t.ttl"), format=RdfFormat.TURTLE)}
    obo = "http://purl.obolibrary.org/obo/"
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    assert (obo + "CL_0000092", rdfs + "label", "osteoclast") in triples
    assert (obo + "CL_0000092", rdfs + "subClassOf", obo + "CL_0000000") in triples
    assert (obo + "CL_0000092", obo + "IAO_0000115", 'A "bone" resorbing cell.') in triples
    assert (obo + "CL_0000092", "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym",
            "OC") in triples
    fillers = {o for s, p, o in triples if p == "http://www.w3.org/2002/07/owl#someValuesFrom"}
    assert fillers == {obo + "UBERON_0002481"}
    assert stats.terms == 1 and stats.skipped["[Typedef] stanza"] == 1
