"""Evidence lookups over the curation: the assertions behind an edge, and coverage."""

from __future__ import annotations

from .curation import Assertion, Curation


def assertions_matching(curation: Curation, s: str | None, p: str | None,
                        o: str | None) -> list[Assertion]:
    """Assertions with this subject, predicate and object (None matches anything)."""
    return [a for a in curation.assertions
            if (s is None or a.subject == s) and (p is None or a.predicate == p)
            and (o is None or a.object == o)]


def _label(curation: Curation, curie: str) -> str:
    c = curation.concepts.get(curie)
    if c is None:
        return curie
    return f"{curie} ({c.label}{' / ' + c.label_zh if c.label_zh else ''})"


def describe(a: Assertion, curation: Curation) -> dict:
    """Everything a reader needs to judge one assertion."""
    sentences = curation.source.sentence_ids
    if a.value is not None:
        obj = f"{a.value.number} ({a.value.datatype}{', ' + a.value.unit if a.value.unit else ''})"
    else:
        obj = _label(curation, a.object or "")
    return {
        "id": a.id,
        "subject": _label(curation, a.subject),
        "predicate": a.predicate,
        "object": obj,
        "certainty": a.certainty,
        "curated_in": str(a.where),
        "qualifiers": {k: [_label(curation, v) for v in vs] for k, vs in a.qualifiers},
        "evidence": [
            {
                "sentence": e.sentence,
                "sentence_text": sentences[e.sentence].text,
                "quote": e.quote,
                "english": e.english,
                "references": list(e.references),
                "eco": e.eco,
            }
            for e in a.evidence
        ],
    }


def coverage_report(curation: Curation) -> list[dict]:
    """One row per sentence: covered (with assertion IDs), listed (with reason), or missing."""
    listed = {c.sentence: c for c in curation.coverage}
    rows = []
    for s in curation.source.sentences:
        ids = [a.id for a in curation.assertions_for_sentence(s.id)]
        if ids:
            rows.append({"sentence": s.id, "status": "covered", "assertions": ids, "reason": ""})
        elif s.id in listed:
            entry = listed[s.id]
            reason = entry.reason + (f": {entry.note}" if entry.note else "")
            rows.append({"sentence": s.id, "status": "no claim", "assertions": [],
                         "reason": reason})
        else:
            rows.append({"sentence": s.id, "status": "missing", "assertions": [],
                         "reason": "no assertion and not listed in seeds/coverage"})
    return rows
