"""The normaliser: each artefact class repaired, offsets exact, sentences stable."""

from __future__ import annotations

import pytest

from osteokg.errors import SourceTextError
from osteokg.text import SOURCE_SHA256, load_source, normalise


@pytest.fixture(scope="module")
def source():
    return load_source()


def test_seed_is_unedited(source):
    import hashlib

    assert hashlib.sha256(source.raw.encode()).hexdigest() == SOURCE_SHA256


def test_edited_seed_is_refused(tmp_path):
    edited = tmp_path / "seed.txt"
    edited.write_text("骨骼疾病\n", encoding="utf-8")
    with pytest.raises(SourceTextError, match="the seed has been edited"):
        load_source(edited)


@pytest.mark.parametrize(
    ("artefact", "raw_form", "normalised_form"),
    [
        ("PDF line break inside Chinese", "发挥重要\n\n作用", "发挥重要作用"),
        ("soft hyphen at line end", "aseptic loosen⁃\ning", "aseptic loosening"),
        ("soft hyphen inside a word", "phospha⁃\ntase", "phosphatase"),
        ("spaced-out characters", "关 节 炎 症 部 位", "关节炎症部位"),
        ("space before hyphen", "IL -1β", "IL-1β"),
        ("split abbreviation", "NFA Tc1", "NFATc1"),
        ("split kappa B", "factor- κ B ligand", "factor-κB ligand"),
        ("space after hyphen", "receptor- associated", "receptor-associated"),
        ("locant split", "1, 25-二羟维生素", "1,25-二羟维生素"),
        ("private-use apostrophe", "Howship\U001001b3s lacuna", "Howship's lacuna"),
        ("Latin words across lines", "lipopolysaccharide,\nLPS", "lipopolysaccharide, LPS"),
        ("hyphen at line end", "M-\nCSF", "M-CSF"),
    ],
)
def test_artefact_repaired(source, artefact, raw_form, normalised_form):
    assert raw_form in source.raw, f"fixture for {artefact} not in the seed"
    assert normalised_form in source.normalised
    assert raw_form not in source.normalised


def test_footnote_marker_dropped_from_title(source):
    assert source.sentence("title-01").text == "骨骼疾病巨噬细胞与破骨细胞交互作用的研究进展"


def test_every_normalised_character_maps_back_to_the_raw_text(source):
    """Offsets round-trip: a kept character is the raw character it maps to."""
    synthetic = {" ", "\n", "'"}  # joins, section breaks, the repaired apostrophe
    assert len(source.raw_index) == len(source.normalised)
    for i, ch in enumerate(source.normalised):
        if ch not in synthetic:
            assert source.raw[source.raw_index[i]] == ch, (i, ch)
    assert source.raw_index == sorted(source.raw_index)


def test_sentence_offsets_round_trip(source):
    for s in source.sentences:
        assert source.normalised[s.start:s.end] == s.text
        raw_span = source.raw[s.raw_start:s.raw_end]
        assert raw_span[0] == s.text[0] and raw_span[-1] == s.text[-1]
        squeezed = "".join(ch for ch in raw_span if not ch.isspace() and ch != "⁃")
        assert squeezed.replace("\U001001b3", "'") == "".join(
            ch for ch in s.text if not ch.isspace()
        ).replace("△", "")


def test_sections_and_sentence_ids(source):
    keys = [s.key for s in source.sections]
    assert keys == ["title", "abs-zh", "abs-en", "intro", "sec1", "sec2", "sec3", "sec4",
                    "sec4.1", "sec4.2", "sec4.3", "sec4.4", "sec5"]
    assert len(source.sentences) == 82
    assert source.sentence("sec4.3-06").text.startswith("RANKL 在成骨细胞、骨髓基质细胞")
    assert source.sentence("abs-en-03").text == (
        "Macrophages promote fracture healing through anti-inflammatory effect and osteoclast "
        "differentiation."
    )
    assert [s.id for s in source.sentences if s.section == "sec3"] == [
        "sec3-01", "sec3-02", "sec3-03", "sec3-04"]


def test_cited_references(source):
    assert source.sentence("sec4.1-02").references == (11, 12)
    assert source.sentence("sec2-04").references == (7, 8)
    assert source.sentence("sec2-05").references == ()
    cited = {n for s in source.sentences for n in s.references}
    assert max(cited) == 42 and 32 not in cited


def test_normalisation_is_deterministic(source):
    again = normalise(source.raw)
    assert again.normalised == source.normalised
    assert [(s.id, s.start, s.end, s.raw_start) for s in again.sentences] == [
        (s.id, s.start, s.end, s.raw_start) for s in source.sentences]
