"""The curation says what the review says: quotes, references, certainty and coverage."""

from __future__ import annotations

import re

import pytest

from osteokg.curation import load_curation
from osteokg.evidence import coverage_report

#: Hedges and the certainties they allow: a hedged quote is never asserted as established.
HEDGES = {
    "可能": {"hypothesis", "unclear"},
    "推测": {"hypothesis"},
    "或许": {"hypothesis"},
    "潜在": {"hypothesis"},
    "提示": {"hypothesis"},
    "尚不清楚": {"unclear"},
    "may ": {"hypothesis", "unclear"},
}
#: Sentence-level markers that, when quoted, mean the claim was reported by studies.
EXPERIMENT = {"体外和体内": {"reported_in_vitro_and_in_vivo"}}


@pytest.fixture(scope="module")
def curation():
    return load_curation()


def evidence_items(curation):
    return [(a, e) for a in curation.assertions for e in a.evidence]


def test_every_quote_is_verbatim_in_its_sentence(curation):
    for a, e in evidence_items(curation):
        sentence = curation.source.sentence(e.sentence)
        assert e.quote in sentence.text, f"{a.id} ({a.where}): quote not in {e.sentence}"


def test_every_cited_reference_is_cited_in_its_sentence(curation):
    for a, e in evidence_items(curation):
        cited = curation.source.sentence(e.sentence).references
        assert set(e.references) <= set(cited), f"{a.id} ({a.where}): {e.references} vs {cited}"


def test_eco_type_matches_citation(curation):
    for a, e in evidence_items(curation):
        if e.references:
            assert e.eco == "ECO:0000304", f"{a.id}: a cited claim is a traceable statement"
        else:
            assert e.eco in ("ECO:0000303", "ECO:0000304"), f"{a.id}: {e.eco}"


@pytest.mark.parametrize("hedge", sorted(HEDGES))
def test_hedged_quotes_are_never_established(curation, hedge):
    allowed = HEDGES[hedge]
    # "可能的" is the adjective "possible" (可能的病原体, possible pathogens), not "may".
    pattern = re.compile(re.escape(hedge) + ("(?!的)" if hedge == "可能" else ""))
    wrong = [f"{a.id} ({a.where}, {a.certainty}): {e.quote}"
             for a, e in evidence_items(curation)
             if pattern.search(e.quote) and a.certainty not in allowed
             and len(a.evidence) == 1]
    assert not wrong, f"quotes with {hedge!r} must be {sorted(allowed)}:\n" + "\n".join(wrong)


def test_in_vitro_and_in_vivo_reports(curation):
    crocin = [a for a in curation.assertions
              if any("体外和体内实验结果表明" in e.quote for e in a.evidence)]
    assert crocin, "the crocin findings (sec4.1-09) are curated"
    assert {a.certainty for a in crocin} <= {"reported_in_vitro_and_in_vivo", "hypothesis"}


def test_open_questions_are_unclear(curation):
    for sid, marker in (("sec4.2-05", "尚不清楚"), ("sec5-06", "尚不清楚")):
        related = [a for a in curation.assertions_for_sentence(sid)
                   if any(marker in e.quote for e in a.evidence if e.sentence == sid)]
        assert related, f"the open question in {sid} is curated"
        assert all(a.certainty == "unclear" for a in related)


def test_every_claim_bearing_sentence_is_covered(curation):
    missing = [r["sentence"] for r in coverage_report(curation) if r["status"] == "missing"]
    assert not missing, ("sentences with neither an assertion nor a coverage reason "
                         f"(curate them or list them in seeds/coverage/): {missing}")


def test_sentences_without_claims_are_not_claim_bearing(curation):
    """A sentence listed as claim-free must not state a mechanism the review cites."""
    for entry in curation.coverage:
        sentence = curation.source.sentence(entry.sentence)
        if entry.reason in ("scope", "rhetorical", "methodological"):
            assert not re.search(r"(促进|抑制|分泌|表达|诱导|分化为|来源于)", sentence.text), (
                f"{entry.sentence} is listed as {entry.reason} but reads like a claim: "
                f"{sentence.text}")


def test_literal_facts(curation):
    facts = {(a.subject, a.predicate, a.value.number, a.value.datatype)
             for a in curation.assertions if a.value is not None}
    numbers = {f[2] for f in facts}
    assert {"2000", "1873", "200000000", "9000000", "10"} <= numbers
