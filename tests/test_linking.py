"""The README's "Linking osteokg" recipes run as written.

Each recipe's code blocks are read from the README and run: the query files are saved as the
README says, the ``osteokg query`` and ``oxigraph load`` commands are run with the paths the
README uses mapped onto the test's files (the full CL and GO come from the reference
releases, converted from OBO, instead of a download), and the ``merge.yaml`` is given to
``kgx merge`` through ``python -m osteokg.biolink`` (kgx without network).
"""

from __future__ import annotations

import csv
import json
import re
import shlex
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from osteokg.cli import main

try:  # tests/ may or may not become a package
    from . import servers
except ImportError:
    import servers  # type: ignore[no-redef]

README = Path(__file__).resolve().parents[1] / "README.md"


def section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Linking osteokg")
    end = text.find("\n## ", start + 3)
    return text[start:end if end > 0 else None]


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", section(), re.DOTALL)


def commands(prefix: str) -> list[list[str]]:
    return [shlex.split(line) for block in blocks("sh") for line in block.splitlines()
            if line.startswith(prefix)]


def saved_query(name: str) -> str:
    """The SPARQL block the README tells the reader to save as ``name``."""
    text = section()
    at = text.index(f"`{name}`")
    return re.search(r"```sparql\n(.*?)```", text[at:], re.DOTALL).group(1)


@pytest.fixture(scope="module")
def ontologies(reference_dir, tmp_path_factory) -> dict[str, Path]:
    """cl.owl and go.owl of the recipe: the reference CL and GO, converted to Turtle."""
    from benchmarks.obo2rdf import convert

    out = tmp_path_factory.mktemp("ontologies")
    files = {"cl.owl": out / "cl.ttl", "go.owl": out / "go.ttl"}
    convert(reference_dir / "cl.obo.gz", files["cl.owl"])
    convert(reference_dir / "go.obo.gz", files["go.owl"])
    return files


def _mapped(args: list[str], release_dir: Path, files: dict[str, Path], cwd: Path) -> list[str]:
    out = []
    for arg in args:
        if arg.startswith("release/"):
            arg = str(release_dir / arg.removeprefix("release/"))
        elif arg in files:
            arg = str(files[arg])
        elif arg.endswith(".rq"):
            arg = str(cwd / arg)
        out.append(arg)
    return out


@pytest.mark.slow
def test_recipe_full_cl_and_go_in_one_store(ontologies, release_dir, reference_dir, tmp_path):
    (tmp_path / "myeloid-claims.rq").write_text(saved_query("myeloid-claims.rq"),
                                                encoding="utf-8")
    [command] = commands("osteokg query myeloid-claims.rq")
    args = _mapped(command[2:], release_dir, ontologies, tmp_path)
    result = CliRunner().invoke(main, ["query", *args, "-f", "tsv", "--no-labels"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.splitlines()[1:]]
    cells = {row[0] for row in rows}
    # Independently: the review's cell types below myeloid leukocyte in the reference CL.
    from osteokg.reference import read_obo_lazily

    cl = read_obo_lazily(reference_dir / "cl.obo.gz")

    def below(curie: str) -> bool:
        todo, seen = [curie], set()
        while todo:
            term = cl.get(todo.pop())
            for parent in term.is_a if term else ():
                if parent == "CL:0000766":
                    return True
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return False

    assert "CL:0000092" in cells and "CL:0000235" in cells  # osteoclast, macrophage
    reference_cells = {c for c in cells if c.startswith("CL:")}
    assert all(below(c) for c in reference_cells), sorted(
        c for c in reference_cells if not below(c))
    # project cell types (OSTEOKG:) come in through their osteokg parent, a CL class
    assert cells - reference_cells <= {c for c in cells if c.startswith("OSTEOKG:")}

    # The same store kept on disk by the oxigraph CLI, served: the same rows.
    servers.require_oxigraph()
    from osteokg.server import oxigraph_binary, start_server

    load = next(iter(commands("oxigraph load")), None)
    assert load is not None, "the recipe shows 'oxigraph load'"
    load_args = _mapped(load[1:], release_dir, ontologies, tmp_path)
    load_args[load_args.index("--location") + 1] = str(tmp_path / "store")
    subprocess.run([oxigraph_binary(), *load_args], check=True, capture_output=True)
    with start_server(tmp_path / "store", port=servers.free_port()) as server:
        data = urllib.parse.urlencode({"query": saved_query("myeloid-claims.rq")}).encode()
        request = urllib.request.Request(server.query_url, data=data, headers={
            "Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            served = json.loads(response.read())
    from osteokg.prefixes import compress

    assert {compress(b["cell"]["value"]) for b in served["results"]["bindings"]} == cells


def test_recipe_mappings_query_runs(release_dir, tmp_path):
    (tmp_path / "mappings.rq").write_text(saved_query("mappings.rq"), encoding="utf-8")
    [command] = commands("osteokg query mappings.rq")
    args = _mapped(command[2:], release_dir, {}, tmp_path)
    result = CliRunner().invoke(main, ["query", *args, "-f", "tsv", "--no-labels"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "term\tmatch\tmapped"
    assert all(line.startswith("OSTEOKG:") for line in lines[1:])


@pytest.mark.slow
def test_recipe_sssom_tools(built, release_dir, tmp_path):
    """The sssom-py lines run on the release's mapping set as written."""
    import shutil

    from osteokg.mappings import render_sssom

    sssom = shutil.which("sssom", path=str(Path(sys.executable).parent)) or shutil.which("sssom")
    if sssom is None:
        if servers.in_ci():
            pytest.fail("CI is set and the sssom command is missing", pytrace=False)
        pytest.skip("sssom-py not installed")
    release = tmp_path / "release"
    release.mkdir()
    (release / "osteokg.sssom.tsv").write_bytes(render_sssom(built.curation.mappings))
    lines = commands("sssom ")
    assert [line[1] for line in lines] == ["validate", "convert"]
    for line in lines:
        args = [a.replace("release/", str(release) + "/") for a in line[1:]]
        run = subprocess.run([sssom, *args], cwd=tmp_path, capture_output=True, text=True,
                             timeout=300, check=False)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    converted = json.loads((tmp_path / "osteokg.sssom.json").read_text(encoding="utf-8"))
    assert converted.get("mappings"), "the JSON holds the mappings"


def test_recipe_federated_queries_exist():
    from osteokg.query import federated_catalogue

    named = set(re.findall(r"`(federated/[\w-]+)`", section()))
    assert len(named) >= 3 and named <= set(federated_catalogue())


@pytest.mark.slow
def test_recipe_kgx_merge(built, tmp_path):
    try:
        import kgx  # noqa: F401
    except ModuleNotFoundError as exc:
        if servers.in_ci():
            pytest.fail(f"CI is set and kgx is missing: {exc}", pytrace=False)
        pytest.skip(f"kgx not installed: {exc}")
    from osteokg.kgx import render_kgx

    [config_text] = blocks("yaml")
    config = yaml.safe_load(config_text)
    (tmp_path / "merge.yaml").write_text(config_text, encoding="utf-8")
    (tmp_path / "release" / "kgx").mkdir(parents=True)
    for name, data in render_kgx(built.store).items():
        (tmp_path / "release" / "kgx" / name).write_bytes(data)
    mine = config["merged_graph"]["source"]["my-graph"]["input"]["filename"]
    (tmp_path / mine[0]).write_text(
        "id\tcategory\tname\nHGNC:11926\tbiolink:Gene\tTNFSF11\n"
        "MONDO:0005298\tbiolink:Disease\tosteoporosis\n", encoding="utf-8")
    (tmp_path / mine[1]).write_text(
        "id\tsubject\tpredicate\tobject\tcategory\tknowledge_level\tagent_type\t"
        "primary_knowledge_source\nurn:uuid:9b7f0c2e-0000-5000-8000-000000000001\t"
        "HGNC:11926\tbiolink:genetically_associated_with\tMONDO:0005298\t"
        "biolink:Association\tstatistical_association\tdata_analysis_pipeline\t"
        "infores:my-graph\n", encoding="utf-8")
    [command] = commands("kgx merge")
    run = subprocess.run([sys.executable, "-m", "osteokg.biolink", *command[1:]],
                         cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    merged = tmp_path / "merged"
    with (merged / "merged_graph_nodes.tsv").open(encoding="utf-8") as f:
        nodes = {row["id"]: row for row in csv.DictReader(f, delimiter="\t")}
    with (merged / "merged_graph_edges.tsv").open(encoding="utf-8") as f:
        edges = list(csv.DictReader(f, delimiter="\t"))
    assert "OSTEOKG:0000001" in nodes and "MONDO:0005298" in nodes
    assert any(e["primary_knowledge_source"] == "infores:my-graph" for e in edges)
    assert any(e["original_predicate"] == "RO:0002213" for e in edges)
