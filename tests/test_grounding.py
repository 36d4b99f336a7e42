"""Every external identifier exists in the reference releases, with the label osteokg gives it.

These tests need ``../shared/reference/`` (or OSTEOKG_REFERENCE) and skip cleanly without it.
"""

from __future__ import annotations

import pytest

from osteokg.curation import load_curation
from osteokg.reference import ReferenceIndex


@pytest.fixture(scope="module")
def index(reference_dir):
    return ReferenceIndex(reference_dir)


@pytest.fixture(scope="module")
def curation():
    return load_curation()


def external_concepts(curation):
    return [c for c in curation.concepts.values() if not c.is_project_term]


def test_every_external_concept_exists(curation, index):
    missing = [f"{c.id} ({c.where})" for c in external_concepts(curation) if not index.exists(c.id)]
    assert not missing, f"not in the reference (or obsolete): {missing}"


def test_every_label_is_the_reference_label_or_a_synonym(curation, index):
    wrong = []
    for c in external_concepts(curation):
        names = {index.label(c.id).lower()} | {s.text.lower() for s in index.synonyms(c.id)}
        if c.label.lower() not in names:
            wrong.append(f"{c.id} ({c.where}): {c.label!r}, reference says {index.label(c.id)!r}")
    assert not wrong, "\n".join(wrong)


def test_gene_cross_references_match_hgnc(curation, index):
    wrong = []
    for c in external_concepts(curation):
        if not c.id.startswith("HGNC:"):
            continue
        record = index.require(c.id)
        expected = set()
        if record.ncbi_gene:
            expected.add(f"NCBIGene:{record.ncbi_gene}")
        expected.update(f"UniProtKB:{u}" for u in record.uniprot_ids)
        if set(c.xrefs) != expected:
            wrong.append(f"{c.id} ({c.where}): {sorted(c.xrefs)} vs HGNC {sorted(expected)}")
    assert not wrong, "\n".join(wrong)


def test_project_term_parents_exist(curation, index):
    wrong = [f"{c.id}: parent {c.parent}" for c in curation.concepts.values()
             if c.parent and not c.parent.startswith("OSTEOKG:") and not index.exists(c.parent)]
    assert not wrong, wrong


def test_relations_and_evidence_types_exist(curation, index):
    used = {a.predicate for a in curation.assertions if a.predicate.startswith("RO:")}
    used |= {e.eco for a in curation.assertions for e in a.evidence}
    missing = sorted(c for c in used if not index.exists(c))
    assert not missing, missing
