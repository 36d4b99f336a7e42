"""Strict loading of the curation: every error path names the file, the line and the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from osteokg.curation import load_curation
from osteokg.errors import CurationError

MINI_SEEDS = Path(__file__).parent / "resources" / "mini-seeds"


@pytest.fixture()
def seeds(tmp_path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(MINI_SEEDS, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(seeds: Path) -> list[str]:
    with pytest.raises(CurationError) as info:
        load_curation(seeds)
    assert "nothing was written" in str(info.value)
    return info.value.problems


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_mini_curation_loads():
    c = load_curation(MINI_SEEDS)
    assert sorted(c.concepts) == ["CL:0000037", "CL:0000092", "CL:0000235", "GO:0045453",
                                  "HGNC:11926", "MONDO:0005298", "OSTEOKG:0000001"]
    assert [a.id for a in c.assertions] == ["A0001", "A0002", "A0003", "A0004", "A0005"]
    a2 = c.assertions[1]
    assert a2.qualifier("disease") == ("MONDO:0005298",)
    assert a2.evidence[0].references == (2,)
    assert str(a2.where).endswith("assertions/mini.yaml:12")
    assert c.assertions[4].value.number == "200000000"


def test_unknown_field(seeds):
    f = seeds / "concepts" / "mini.yaml"
    edit(f, "  label: osteoclast\n", "  label: osteoclast\n  colour: blue\n")
    (msg,) = problems(seeds)
    assert f"mini.yaml:{line_of(f, 'colour')}: concept CL:0000092: unknown field 'colour'" in msg
    assert "allowed fields: id, category" in msg


def test_malformed_curie(seeds):
    f = seeds / "concepts" / "mini.yaml"
    edit(f, "- id: GO:0045453", "- id: GO:45453")
    msgs = problems(seeds)
    assert any("'GO:45453': the local id '45453' does not match ^[0-9]{7}$" in m for m in msgs)


def test_unknown_prefix(seeds):
    f = seeds / "assertions" / "mini.yaml"
    edit(f, "object: CL:0000037", "object: XYZ:0000037")
    (msg,) = problems(seeds)
    assert "assertion A0001 object" in msg and "prefix 'XYZ'" in msg


def test_concept_used_but_not_declared(seeds):
    f = seeds / "assertions" / "mini.yaml"
    edit(f, "object: CL:0000037", "object: CL:0000094")
    (msg,) = problems(seeds)
    assert f"mini.yaml:{line_of(f, '- id: A0001')}" in msg
    assert "concept CL:0000094 is used but not declared - add it to a seeds/concepts" in msg


def test_undeclared_family_member(seeds):
    edit(seeds / "concepts" / "mini.yaml", "members: [HGNC:11926]", "members: [HGNC:5992]")
    (msg,) = problems(seeds)
    assert "concept OSTEOKG:0000001: member HGNC:5992 is not declared" in msg


def test_quote_not_in_sentence(seeds):
    f = seeds / "assertions" / "mini.yaml"
    edit(f, "quote: 其主要作用是骨吸收", "quote: 其主要作用是骨形成")
    (msg,) = problems(seeds)
    assert f"mini.yaml:{line_of(f, '骨形成')}" in msg
    assert "quote '其主要作用是骨形成' does not occur in sentence sec2-04" in msg
    assert "osteokg sentences sec2-04" in msg


def test_unknown_sentence(seeds):
    edit(seeds / "assertions" / "mini.yaml", "sentence: sec2-04", "sentence: sec2-99")
    (msg,) = problems(seeds)
    assert "unknown sentence 'sec2-99'" in msg


def test_reference_not_cited_in_sentence(seeds):
    edit(seeds / "assertions" / "mini.yaml", "references: [7]", "references: [9]")
    (msg,) = problems(seeds)
    assert "reference 9 is not cited in sentence sec2-04 (cited there: 7, 8)" in msg


def test_duplicate_concept_id(seeds):
    extra = seeds / "concepts" / "extra.yaml"
    extra.write_text("- id: CL:0000092\n  category: cell\n  label: osteoclast\n",
                     encoding="utf-8")
    (msg,) = problems(seeds)
    assert "mini.yaml:6: duplicate concept id CL:0000092 (first declared at" in msg
    assert "extra.yaml:1) - keep one record" in msg


def test_duplicate_assertion_id(seeds):
    edit(seeds / "assertions" / "mini.yaml", "- id: A0002", "- id: A0001")
    (msg,) = problems(seeds)
    assert "duplicate assertion id A0001" in msg and "give this one a new id" in msg


def test_bad_certainty(seeds):
    edit(seeds / "assertions" / "mini.yaml", "certainty: established", "certainty: proven")
    msgs = problems(seeds)
    assert any("certainty 'proven' - use one of established, reported" in m for m in msgs)


def test_unknown_qualifier(seeds):
    edit(seeds / "assertions" / "mini.yaml", "    disease: MONDO", "    tissue: MONDO")
    (msg,) = problems(seeds)
    assert "unknown qualifier 'tissue' - allowed: disease, cell_context" in msg


def test_undeclared_project_relation(seeds):
    edit(seeds / "assertions" / "mini.yaml", "predicate: OSTEOKG:0900011",
         "predicate: OSTEOKG:0900099")
    (msg,) = problems(seeds)
    assert "project relation OSTEOKG:0900099 is not declared in ontology/osteokg.ttl" in msg


def test_literal_value_needs_data_property(seeds):
    edit(seeds / "assertions" / "mini.yaml", "predicate: OSTEOKG:0900011",
         "predicate: RO:0002202")
    (msg,) = problems(seeds)
    assert "a literal 'value' needs a project data property" in msg


def test_project_term_needs_parent_and_definition(seeds):
    f = seeds / "concepts" / "mini.yaml"
    edit(f, "  parent: CHEBI:36080\n  definition: A test family.\n", "")
    msgs = problems(seeds)
    assert any("a project term needs a 'parent'" in m for m in msgs)
    assert any("a project term needs an English 'definition'" in m for m in msgs)


def test_invalid_yaml_names_the_line(seeds):
    f = seeds / "assertions" / "mini.yaml"
    edit(f, "  certainty: unclear", "  certainty: [unclear")
    (msg,) = problems(seeds)
    assert "mini.yaml:" in msg and "not valid YAML" in msg


def test_coverage_entry_for_a_covered_sentence(seeds):
    (seeds / "coverage" / "mini.yaml").write_text(
        "- sentence: intro-03\n  reason: rhetorical\n", encoding="utf-8")
    (msg,) = problems(seeds)
    assert "coverage entry intro-03: the sentence is cited by an assertion" in msg


def test_all_problems_reported_at_once(seeds):
    edit(seeds / "assertions" / "mini.yaml", "references: [7]", "references: [9]")
    edit(seeds / "assertions" / "mini.yaml", "object: CL:0000037", "object: CL:0000094")
    assert len(problems(seeds)) == 2


def test_build_stops_and_writes_nothing(seeds, tmp_path):
    from osteokg.build import build

    edit(seeds / "assertions" / "mini.yaml", "references: [7]", "references: [9]")
    out = tmp_path / "release"
    with pytest.raises(CurationError):
        build(out, seeds_dir=seeds, validate=False, reason=False)
    assert not out.exists()


def test_curation_files_are_canonical():
    from osteokg.canonical import canonical_files

    stale = canonical_files(write=False)
    assert not stale, f"not canonical: {stale}; run 'osteokg fmt' to rewrite them"
