"""SSSOM mappings of the project's own classes (``OSTEOKG:``) to reference ontologies.

Curated in ``seeds/mappings.sssom.tsv`` (SSSOM TSV: one row per mapping, a SKOS predicate, or
``sssom:NoTermFound`` with a comment saying what was searched). Loading checks every row and
that every project class has at least one; the build compiles the mappings to ``skos:*Match``
triples in the ontology graph and writes ``release/osteokg.sssom.tsv`` with a metadata block
(``curie_map``, ``license``, ``mapping_set_id``) that ``sssom validate`` accepts.

This module parses and writes the TSV itself (a tab-separated table under ``#`` metadata
lines); the ``sssom`` package, which brings pandas and LinkML, is only used by the tests.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .constants import BASE, ONTOLOGY_IRI, PREFIXES, VERSION, VERSION_IRI

MAPPINGS_FILE = "mappings.sssom.tsv"
#: The SKOS mapping predicates a row may use.
PREDICATES = ("skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch")
#: Ontologies a project class may be mapped to.
TARGET_PREFIXES = ("CHEBI", "CL", "DOID", "GO", "HP", "MONDO", "UBERON")
NO_TERM_FOUND = "sssom:NoTermFound"
JUSTIFICATION = "semapv:ManualMappingCuration"
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
           "mapping_justification", "comment")
MAPPING_SET_ID = BASE + "osteokg.sssom.tsv"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Mapping:
    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    mapping_justification: str
    comment: str
    line: int = 0

    @property
    def found(self) -> bool:
        """False for an explicit ``sssom:NoTermFound`` row."""
        return self.object_id != NO_TERM_FOUND

    def sort_key(self) -> tuple[str, str, str]:
        return (self.subject_id, self.predicate_id, self.object_id)


def load_mappings(path: Path, concepts: dict, report: Callable[[str, str], None]) -> list:
    """The rows of ``path``, checked against the curated ``concepts``.

    Every problem is passed to ``report(where, message)`` (``where`` is ``file:line``); a
    missing file means no mappings and no check (a test curation need not have one).
    """
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    reader = csv.reader(lines[first:], delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, [])
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        report(f"{path}:{first + 1}", f"missing column(s) {', '.join(missing)} - the header "
               f"is: {chr(9).join(COLUMNS)}")
        return []
    rows: list[Mapping] = []
    seen: dict[tuple, int] = {}
    for offset, cells in enumerate(reader, start=first + 2):
        if not any(cells):
            continue
        where = f"{path}:{offset}"
        if len(cells) != len(header):
            report(where, f"{len(cells)} cells, the header has {len(header)} - one tab "
                   "between cells, none inside them")
            continue
        row = dict(zip(header, cells))
        m = Mapping(*(row[c].strip() for c in COLUMNS), line=offset)
        for problem in _row_problems(m, concepts):
            report(where, problem)
        key = m.sort_key()
        if key in seen:
            report(where, f"duplicate of the row on line {seen[key]} - keep one")
        seen.setdefault(key, offset)
        rows.append(m)
    if [m.sort_key() for m in rows] != sorted(m.sort_key() for m in rows):
        report(str(path), "rows are not sorted by subject_id, predicate_id, object_id - sort them")
    mapped = {m.subject_id for m in rows}
    for cid, concept in sorted(concepts.items()):
        if getattr(concept, "is_project_term", False) and cid not in mapped:
            report(str(path), f"project class {cid} ({concept.label}) has no mapping - add a "
                   f"row with a SKOS predicate, or {NO_TERM_FOUND} with a comment")
    return sorted(rows, key=Mapping.sort_key)


def _row_problems(m: Mapping, concepts: dict) -> list[str]:
    problems = []
    concept = concepts.get(m.subject_id)
    if concept is None or not getattr(concept, "is_project_term", False):
        problems.append(f"subject_id {m.subject_id!r} is not a project class in "
                        "seeds/concepts/ - map only OSTEOKG: classes")
    elif m.subject_label != concept.label:
        problems.append(f"subject_label {m.subject_label!r} is not the label of {m.subject_id} "
                        f"({concept.label!r}) - copy the concept's label")
    if m.predicate_id not in PREDICATES:
        problems.append(f"predicate_id {m.predicate_id!r} - use one of {', '.join(PREDICATES)}")
    if m.mapping_justification != JUSTIFICATION:
        problems.append(f"mapping_justification {m.mapping_justification!r} - curated "
                        f"mappings are {JUSTIFICATION}")
    if not m.found:
        if m.object_label:
            problems.append(f"a {NO_TERM_FOUND} row has no object_label - leave it empty")
        if not m.comment:
            problems.append(f"a {NO_TERM_FOUND} row needs a comment saying what was searched "
                            "and why nothing fits")
    else:
        prefix = m.object_id.split(":", 1)[0] if ":" in m.object_id else ""
        if prefix not in TARGET_PREFIXES:
            problems.append(f"object_id {m.object_id!r}: map to {', '.join(TARGET_PREFIXES)} "
                            f"or write {NO_TERM_FOUND}")
        if not m.object_label:
            problems.append(f"object_id {m.object_id} needs its reference label in object_label")
    return problems


def mapping_triples(mappings: list) -> list:
    """``subject skos:*Match object`` for every row that names a term (the ontology graph's
    share of the mappings, so a SPARQL user can follow them)."""
    from pyoxigraph import NamedNode, Triple

    from .prefixes import expand

    return [Triple(NamedNode(expand(m.subject_id)), NamedNode(expand(m.predicate_id)),
                   NamedNode(expand(m.object_id))) for m in mappings if m.found]


def render_sssom(mappings: list) -> bytes:
    """The release's SSSOM TSV: metadata block, then the rows in their canonical order."""
    used = {"owl", "rdf", "rdfs", "semapv", "skos", "sssom", "OSTEOKG"}
    for m in mappings:
        used.update(x.split(":", 1)[0] for x in (m.subject_id, m.predicate_id, m.object_id,
                                                  m.mapping_justification))
    head = ["curie_map:"]
    head += [f"  {p}: {PREFIXES[p]}" for p in sorted(used) if p in PREFIXES]
    head += [
        f"license: {LICENSE}",
        f"mapping_set_id: {MAPPING_SET_ID}",
        f"mapping_set_version: {VERSION}",
        "mapping_set_title: osteokg project classes mapped to reference ontologies",
        ("mapping_set_description: Every class osteokg mints (OSTEOKG:) mapped by hand to HP, "
         "MONDO, GO, UBERON, CL, ChEBI or DOID with the SKOS predicate that fits, or "
         "sssom:NoTermFound with a comment. Object labels are those of the reference releases "
         "in the osteokg README."),
        "creator_label:",
        "  - osteokg curators",
        f"subject_source: {ONTOLOGY_IRI}",
        f"subject_source_version: {VERSION_IRI}",
    ]
    out = io.StringIO()
    out.write("".join(f"#{line}\n" for line in head))
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE,
                        escapechar=None)
    writer.writerow(COLUMNS)
    for m in sorted(mappings, key=Mapping.sort_key):
        writer.writerow([getattr(m, c) for c in COLUMNS])
    return out.getvalue().encode("utf-8")
