"""SSSOM mappings of the project classes: the curated seed, its checks, the release file
(``sssom validate``) and the ``skos:*Match`` triples of the ontology graph; each mapped term
against its reference release (skipped without ../shared/reference)."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import pytest
import yaml

from osteokg.constants import PREFIXES, SEEDS_DIR
from osteokg.mappings import (
    MAPPING_SET_ID,
    MAPPINGS_FILE,
    NO_TERM_FOUND,
    PREDICATES,
    load_mappings,
    render_sssom,
)

#: Reference release file of each target prefix.
REFERENCE_FILES = {"CHEBI": "chebi.obo.gz", "CL": "cl.obo.gz", "DOID": "doid.obo.gz",
                   "GO": "go.obo.gz", "HP": "hp.obo.gz", "MONDO": "mondo.obo.gz",
                   "UBERON": "uberon.obo.gz"}


@pytest.fixture(scope="module")
def mappings(real_build):
    return real_build.curation.mappings


def _metadata(data: bytes) -> dict:
    lines = data.decode("utf-8").splitlines()
    return yaml.safe_load("\n".join(line[1:] for line in lines if line.startswith("#")))


def test_every_project_class_has_a_mapping_row(real_build, mappings):
    project = {cid for cid, c in real_build.curation.concepts.items() if c.is_project_term}
    assert len(project) >= 60
    assert {m.subject_id for m in mappings} == project


def test_rows_name_a_term_with_a_skos_predicate_or_say_none_was_found(mappings):
    found = [m for m in mappings if m.found]
    assert {m.predicate_id for m in found} <= set(PREDICATES)
    assert len(found) >= 30
    for m in mappings:
        if not m.found:
            assert m.comment and not m.object_label, m.subject_id


@pytest.mark.parametrize(("subject", "predicate", "obj"), [
    ("OSTEOKG:0000026", "skos:exactMatch", "HP:0002797"),  # osteolysis
    ("OSTEOKG:0000050", "skos:closeMatch", "HP:0004349"),  # bone loss
    ("OSTEOKG:0000052", "skos:exactMatch", "HP:0002659"),  # increased bone fragility
    ("OSTEOKG:0000032", "skos:broadMatch", "GO:1990523"),  # fracture healing: bone regeneration
    ("OSTEOKG:0000048", "skos:exactMatch", NO_TERM_FOUND),  # total joint replacement
])
def test_curated_examples(mappings, subject, predicate, obj):
    assert (subject, predicate, obj) in {(m.subject_id, m.predicate_id, m.object_id)
                                         for m in mappings}


def test_mappings_are_skos_triples_in_the_ontology_graph(real_build, mappings):
    skos = PREFIXES["skos"]
    triples = {(t.subject.value, t.predicate.value, t.object.value)
               for t in real_build.dataset.graphs["ontology"]
               if t.predicate.value.startswith(skos) and t.predicate.value.endswith("Match")
               and t.subject.value.startswith(PREFIXES["OSTEOKG"])}
    expected = {(PREFIXES["OSTEOKG"] + m.subject_id.split(":")[1],
                 skos + m.predicate_id.split(":")[1],
                 PREFIXES[m.object_id.split(":")[0]] + m.object_id.split(":")[1])
                for m in mappings if m.found}
    assert triples == expected
    assert not any(o.endswith("NoTermFound") for _, _, o in triples)


def test_release_file_metadata(mappings):
    data = render_sssom(mappings)
    meta = _metadata(data)
    assert meta["mapping_set_id"] == MAPPING_SET_ID
    assert meta["license"].startswith("https://creativecommons.org/licenses/by/4.0")
    used = {x.split(":")[0] for m in mappings for x in (m.subject_id, m.object_id)}
    for prefix in used:
        assert meta["curie_map"][prefix] == PREFIXES[prefix], prefix
    body = [line for line in data.decode().splitlines() if not line.startswith("#")]
    assert len(body) == len(mappings) + 1
    assert render_sssom(list(reversed(mappings))) == data  # canonical order


def _sssom_cli() -> str:
    cli = shutil.which("sssom", path=str(pathlib.Path(sys.executable).parent))
    if cli is None:
        pytest.skip("sssom not installed: pip install -e '.[dev]' (sssom)")
    return cli


def test_release_file_passes_sssom_validate(mappings, tmp_path):
    cli = _sssom_cli()
    good = tmp_path / "osteokg.sssom.tsv"
    good.write_bytes(render_sssom(mappings))
    done = subprocess.run([cli, "validate", str(good)], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    # and sssom validate does fail on a file whose curie_map lacks a prefix it uses
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text("\n".join(line for line in good.read_text().splitlines()
                             if not line.startswith("#  HP:")) + "\n")
    failed = subprocess.run([cli, "validate", str(bad)], capture_output=True, text=True,
                            timeout=300, check=False)
    assert failed.returncode != 0


def test_seed_file_passes_sssom_validate():
    done = subprocess.run([_sssom_cli(), "validate", str(SEEDS_DIR / MAPPINGS_FILE)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]


def test_load_reports_every_problem_with_its_line(real_build, tmp_path):
    concepts = real_build.curation.concepts
    rows = [
        ("subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\t"
         "mapping_justification\tcomment"),
        ("OSTEOKG:0000026\tbone dissolution\tskos:exactMatch\tHP:0002797\tOsteolysis\t"
         "semapv:ManualMappingCuration\t"),
        ("OSTEOKG:0000027\tperiprosthetic osteolysis\tskos:relatedMatch\tNCIT:C1234\tx\t"
         "semapv:LexicalMatching\t"),
        ("OSTEOKG:0000048\ttotal joint replacement\tskos:exactMatch\tsssom:NoTermFound\t\t"
         "semapv:ManualMappingCuration\t"),
        ("CL:0000092\tosteoclast\tskos:exactMatch\tCL:0000092\tosteoclast\t"
         "semapv:ManualMappingCuration\t"),
        ("OSTEOKG:0000026\tosteolysis\tskos:exactMatch\tHP:0002797\tOsteolysis\t"
         "semapv:ManualMappingCuration\t"),
    ]
    path = tmp_path / MAPPINGS_FILE
    path.write_text("#mapping_set_id: x\n" + "\n".join(rows) + "\n", encoding="utf-8")
    problems: list[str] = []
    load_mappings(path, concepts, lambda where, msg: problems.append(f"{where}: {msg}"))
    text = "\n".join(problems)
    assert f"{path}:3: subject_label 'bone dissolution' is not the label" in text
    assert f"{path}:4: predicate_id 'skos:relatedMatch'" in text
    assert f"{path}:4: mapping_justification 'semapv:LexicalMatching'" in text
    assert f"{path}:4: object_id 'NCIT:C1234'" in text
    assert f"{path}:5: a sssom:NoTermFound row needs a comment" in text
    assert f"{path}:6: subject_id 'CL:0000092' is not a project class" in text
    assert f"{path}:7: duplicate of the row on line 3" in text
    assert "rows are not sorted" in text
    assert "project class OSTEOKG:0000001 (interleukin-1 family (IL-1)) has no mapping" in text


def test_no_mappings_file_means_no_mappings(tmp_path):
    assert load_mappings(tmp_path / MAPPINGS_FILE, {}, lambda *a: pytest.fail(str(a))) == []


# --- against the reference releases --------------------------------------------------------


@pytest.fixture(scope="module")
def reference_terms(reference_dir, mappings):
    from osteokg.reference import read_obo_lazily

    needed = {m.object_id.split(":")[0] for m in mappings if m.found}
    return {prefix: read_obo_lazily(reference_dir / REFERENCE_FILES[prefix])
            for prefix in sorted(needed)}


def test_mapped_terms_exist_are_current_and_carry_the_reference_label(mappings,
                                                                      reference_terms):
    problems = []
    for m in mappings:
        if not m.found:
            continue
        terms = reference_terms[m.object_id.split(":")[0]]
        if m.object_id not in terms:
            problems.append(f"{m.subject_id} -> {m.object_id}: not in the reference release")
            continue
        term = terms[m.object_id]
        if term.obsolete:
            problems.append(f"{m.subject_id} -> {m.object_id}: obsolete")
        if term.name != m.object_label:
            problems.append(f"{m.subject_id} -> {m.object_id}: object_label "
                            f"{m.object_label!r}, reference label {term.name!r}")
    assert not problems, "\n".join(problems)
