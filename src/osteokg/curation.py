"""Load and check the curation in ``seeds/``: concepts, assertions, coverage, the review record.

Loading is strict and reports *every* problem at once, each as
``file:line: what is wrong - how to fix it`` (see ``seeds/README.md`` for the format).
Nothing downstream runs on a curation that has problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .constants import ONTOLOGY_DIR, PROJECT_DIR, SEEDS_DIR
from .errors import CurationError
from .mappings import MAPPINGS_FILE, load_mappings
from .prefixes import CURIE_RE, check_concept_curie, is_curie
from .text import SourceText, load_source

#: Curation category -> Biolink 4.4 class (``biolink:category``); tests check each against the
#: ``biolink-model`` package, and each external concept's prefix against the class's id_prefixes.
CATEGORIES: dict[str, str] = {
    "anatomical_entity": "AnatomicalEntity",
    "biological_process": "BiologicalProcess",
    "cell": "Cell",
    "chemical": "ChemicalEntity",
    "complex": "MacromolecularComplex",
    "disease": "Disease",
    "gene": "Gene",
    "gene_family": "GeneFamily",
    "material": "Device",
    "pathway": "Pathway",
    "phenotype": "PhenotypicFeature",
    "procedure": "Procedure",
}
#: Categories whose records may list ``members`` (a family's genes, a complex's subunits).
GROUP_CATEGORIES = ("gene_family", "complex")
#: Categories whose ontologies (HP, a procedure ontology) osteokg does not import: a project
#: term of these categories may have no parent, with a note saying so.
PARENTLESS_CATEGORIES = ("phenotype", "procedure")
CERTAINTIES = (
    "established",
    "reported",
    "reported_in_vitro",
    "reported_in_vivo",
    "reported_in_vitro_and_in_vivo",
    "hypothesis",
    "unclear",
)
QUALIFIERS = ("disease", "cell_context", "anatomical_site", "condition", "mediator")
COVERAGE_REASONS = ("scope", "rhetorical", "methodological", "duplicate", "heading")
DATATYPES = ("xsd:integer", "xsd:decimal")  # OWL 2 DL datatype map only (no xsd:gYear)
UNITS = ("unit:NUM", "unit:PERCENT")

CONCEPT_FIELDS = (
    "id", "category", "label", "label_zh", "synonyms_en", "synonyms_zh",
    "xrefs", "members", "parent", "definition", "note",
)  # fmt: skip
ASSERTION_FIELDS = (
    "id", "subject", "predicate", "object", "value", "qualifiers", "certainty", "evidence", "note",
)  # fmt: skip
EVIDENCE_FIELDS = ("sentence", "quote", "english", "references", "eco")
VALUE_FIELDS = ("number", "datatype", "unit", "as_of")
COVERAGE_FIELDS = ("sentence", "reason", "note")
REVIEW_FIELDS = (
    "title_zh", "title_en", "title_en_note", "authors", "language", "reference_count", "note",
)  # fmt: skip

ASSERTION_ID_RE = re.compile(r"^A[0-9]{4}$")
XREF_RE = re.compile(r"^(NCBIGene:[0-9]+|UniProtKB:[A-Z0-9]{6,10})$")
ECO_RE = re.compile(r"^ECO:[0-9]{7}$")
PREDICATE_RE = re.compile(r"^(RO:[0-9]{7}|OSTEOKG:09[0-9]{5})$")


@dataclass(frozen=True)
class Where:
    """A place in a curation file, for messages."""

    path: Path
    line: int

    def __str__(self) -> str:
        try:
            shown = self.path.resolve().relative_to(PROJECT_DIR)
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}"


@dataclass(frozen=True)
class Concept:
    id: str
    category: str
    label: str
    where: Where
    label_zh: str | None = None
    synonyms_en: tuple[str, ...] = ()
    synonyms_zh: tuple[str, ...] = ()
    xrefs: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    parent: str | None = None
    definition: str | None = None
    note: str | None = None

    @property
    def is_project_term(self) -> bool:
        return self.id.startswith("OSTEOKG:")


@dataclass(frozen=True)
class Evidence:
    sentence: str
    quote: str
    english: str
    references: tuple[int, ...]
    eco: str
    where: Where


@dataclass(frozen=True)
class LiteralValue:
    number: str
    datatype: str
    unit: str | None = None
    as_of: int | None = None


@dataclass(frozen=True)
class Assertion:
    id: str
    subject: str
    predicate: str
    certainty: str
    evidence: tuple[Evidence, ...]
    where: Where
    object: str | None = None
    value: LiteralValue | None = None
    qualifiers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    note: str | None = None

    def qualifier(self, name: str) -> tuple[str, ...]:
        return dict(self.qualifiers).get(name, ())


@dataclass(frozen=True)
class CoverageEntry:
    sentence: str
    reason: str
    where: Where
    note: str | None = None


@dataclass
class Curation:
    """Everything curated in ``seeds/``, checked."""

    source: SourceText
    review: dict
    concepts: dict[str, Concept]
    assertions: list[Assertion]
    coverage: list[CoverageEntry]
    #: project relations declared in ontology/osteokg.ttl: CURIE -> "object" | "data"
    project_properties: dict[str, str] = field(default_factory=dict)
    #: SSSOM mappings of the project classes (seeds/mappings.sssom.tsv; osteokg.mappings)
    mappings: list = field(default_factory=list)

    def assertions_for_sentence(self, sentence_id: str) -> list[Assertion]:
        return [a for a in self.assertions if any(e.sentence == sentence_id for e in a.evidence)]


# --- YAML with line numbers ---------------------------------------------------------------


class _LineDict(dict):
    """A mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict


def _construct(node: yaml.Node, path: Path, loader: yaml.SafeLoader):
    if isinstance(node, yaml.MappingNode):
        out = _LineDict()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, path, loader)
            if key in out:
                raise _YamlProblem(
                    f"{path}:{key_node.start_mark.line + 1}: key {key!r} appears twice in one "
                    "record - keep one"
                )
            out[key] = _construct(value_node, path, loader)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, path, loader) for v in node.value]
    return loader.construct_object(node, deep=True)


class _YamlProblem(Exception):
    pass


def read_yaml(path: Path) -> object:
    """Parse a YAML file keeping line numbers on every mapping (``_LineDict``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _YamlProblem(f"{path}: cannot read ({exc}) - check the file exists and is UTF-8")
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise _YamlProblem(f"{path}{line}: not valid YAML ({problem}) - fix the syntax there")
    if node is None:
        return []
    loader = yaml.SafeLoader("")
    try:
        return _construct(node, path, loader)
    finally:
        loader.dispose()


# --- checks -------------------------------------------------------------------------------


class _Checker:
    """Collects problems; each check appends ``where: message - fix``."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: Where | Path, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def fields(self, record: _LineDict, allowed: Iterable[str], required: Iterable[str],
               where: Where, what: str) -> bool:
        ok = True
        allowed = tuple(allowed)
        for key in record:
            if key not in allowed:
                line = record.key_lines.get(key, where.line)
                self.add(Where(where.path, line),
                         f"{what}: unknown field {key!r} - allowed fields: {', '.join(allowed)}")
                ok = False
        for key in required:
            if record.get(key) in (None, "", []):
                self.add(where, f"{what}: missing required field {key!r} - add it")
                ok = False
        return ok


def _records(checker: _Checker, path: Path) -> list[_LineDict]:
    try:
        data = read_yaml(path)
    except _YamlProblem as exc:
        checker.problems.append(str(exc))
        return []
    if not isinstance(data, list):
        checker.add(Where(path, 1), "expected a YAML list of records (lines starting with '- ')")
        return []
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, _LineDict):
            checker.add(Where(path, 1), f"item {i + 1} is not a record (key: value mapping)")
            continue
        out.append(item)
    return out


def _strings(value, checker: _Checker, where: Where, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        checker.add(where, f"{what} must be a string or a list of strings")
        return ()
    return tuple(str(v) for v in value)


def _load_concepts(checker: _Checker, paths: list[Path]) -> dict[str, Concept]:
    concepts: dict[str, Concept] = {}
    for path in paths:
        for rec in _records(checker, path):
            where = Where(path, rec.line)
            cid = rec.get("id")
            what = f"concept {cid}" if cid else "concept"
            if not checker.fields(rec, CONCEPT_FIELDS, ("id", "category", "label"), where, what):
                if not isinstance(cid, str):
                    continue
            if not isinstance(cid, str):
                continue
            problem = check_concept_curie(cid)
            if problem:
                checker.add(where, f"{problem} - write the identifier as PREFIX:LOCAL")
                continue
            if cid in concepts:
                checker.add(where, f"duplicate concept id {cid} (first declared at "
                            f"{concepts[cid].where}) - keep one record")
                continue
            category = rec.get("category")
            if category is not None and category not in CATEGORIES:
                checker.add(where, f"{what}: unknown category {category!r} - use one of "
                            f"{', '.join(CATEGORIES)}")
            xrefs = _strings(rec.get("xrefs"), checker, where, f"{what}: xrefs")
            for x in xrefs:
                if not XREF_RE.match(x):
                    checker.add(where, f"{what}: malformed xref {x!r} - use NCBIGene:<digits> "
                                "or UniProtKB:<accession>")
            members = _strings(rec.get("members"), checker, where, f"{what}: members")
            if members and category not in GROUP_CATEGORIES:
                checker.add(where, f"{what}: only a gene_family or a complex may have members")
            parent = rec.get("parent")
            is_project = cid.startswith("OSTEOKG:")
            if is_project:
                if not parent and category not in PARENTLESS_CATEGORIES:
                    checker.add(where, f"{what}: a project term needs a 'parent' from a "
                                "reference ontology - add one (e.g. CHEBI:36080 protein)")
                if not parent and not rec.get("note"):
                    checker.add(where, f"{what}: a project term without a parent needs a "
                                "'note' saying why no reference class fits")
                if parent == cid:
                    checker.add(where, f"{what}: a term cannot be its own parent")
                if not rec.get("definition"):
                    checker.add(where, f"{what}: a project term needs an English 'definition'")
            elif parent or rec.get("definition"):
                checker.add(where, f"{what}: 'parent' and 'definition' are for project terms "
                            "only - external terms take them from the reference release")
            if parent is not None and (not isinstance(parent, str) or check_concept_curie(parent)):
                checker.add(where, f"{what}: parent {parent!r} is not a concept CURIE")
            concepts[cid] = Concept(
                id=cid,
                category=str(category),
                label=str(rec.get("label", "")),
                where=where,
                label_zh=rec.get("label_zh"),
                synonyms_en=_strings(rec.get("synonyms_en"), checker, where, f"{what}: synonyms_en"),
                synonyms_zh=_strings(rec.get("synonyms_zh"), checker, where, f"{what}: synonyms_zh"),
                xrefs=xrefs,
                members=members,
                parent=parent if isinstance(parent, str) else None,
                definition=rec.get("definition"),
                note=rec.get("note"),
            )
    for c in concepts.values():
        for m in c.members:
            if m not in concepts:
                checker.add(c.where, f"concept {c.id}: member {m} is not declared - add a "
                            "record for it to a seeds/concepts/*.yaml file")
    return concepts


def _check_concept_ref(checker: _Checker, concepts: dict[str, Concept], curie, where: Where,
                       what: str) -> bool:
    if not isinstance(curie, str):
        checker.add(where, f"{what}: expected a CURIE, got {curie!r}")
        return False
    problem = check_concept_curie(curie)
    if problem:
        checker.add(where, f"{what}: {problem}")
        return False
    if curie not in concepts:
        checker.add(where, f"{what}: concept {curie} is used but not declared - add it to a "
                    "seeds/concepts/*.yaml file")
        return False
    return True


def _load_evidence(checker: _Checker, rec, where: Where, what: str,
                   source: SourceText) -> Evidence | None:
    if not isinstance(rec, _LineDict):
        checker.add(where, f"{what}: each evidence must be a record with sentence, quote, ...")
        return None
    ewhere = Where(where.path, rec.line)
    ok = checker.fields(rec, EVIDENCE_FIELDS, ("sentence", "quote", "english", "eco"), ewhere, what)
    if not ok:
        return None
    sid, quote = str(rec["sentence"]), str(rec["quote"])
    sentences = source.sentence_ids
    if sid not in sentences:
        checker.add(ewhere, f"{what}: unknown sentence {sid!r} - list the IDs with "
                    "'osteokg sentences'")
        return None
    sentence = sentences[sid]
    if quote not in sentence.text:
        checker.add(Where(where.path, rec.key_lines.get("quote", rec.line)),
                    f"{what}: quote {quote!r} does not occur in sentence {sid} - copy it "
                    f"verbatim from the normalised sentence ('osteokg sentences {sid}')")
    refs_raw = rec.get("references") or []
    if not isinstance(refs_raw, list) or not all(isinstance(r, int) for r in refs_raw):
        checker.add(ewhere, f"{what}: references must be a list of reference numbers, e.g. [7]")
        refs_raw = []
    for r in refs_raw:
        if r not in sentence.references:
            cited = ", ".join(map(str, sentence.references)) or "none"
            checker.add(ewhere, f"{what}: reference {r} is not cited in sentence {sid} "
                        f"(cited there: {cited}) - cite only references of that sentence")
    eco = str(rec["eco"])
    if not ECO_RE.match(eco):
        checker.add(ewhere, f"{what}: eco {eco!r} is not an ECO CURIE like ECO:0000304")
    return Evidence(sid, quote, str(rec["english"]), tuple(refs_raw), eco, ewhere)


def _load_value(checker: _Checker, rec, where: Where, what: str) -> LiteralValue | None:
    if not isinstance(rec, _LineDict):
        checker.add(where, f"{what}: value must be a record {{number, datatype, unit, as_of}}")
        return None
    if not checker.fields(rec, VALUE_FIELDS, ("number", "datatype"), where, f"{what} value"):
        return None
    datatype, unit = rec["datatype"], rec.get("unit")
    if datatype not in DATATYPES:
        checker.add(where, f"{what}: datatype {datatype!r} - use one of {', '.join(DATATYPES)}")
    if unit is not None and unit not in UNITS:
        checker.add(where, f"{what}: unit {unit!r} - use one of {', '.join(UNITS)}")
    as_of = rec.get("as_of")
    if as_of is not None and not isinstance(as_of, int):
        checker.add(where, f"{what}: as_of must be a year, e.g. 2020")
    return LiteralValue(str(rec["number"]), datatype, unit, as_of)


def _load_assertions(checker: _Checker, paths: list[Path], concepts: dict[str, Concept],
                     properties: dict[str, str], source: SourceText) -> list[Assertion]:
    assertions: dict[str, Assertion] = {}
    for path in paths:
        for rec in _records(checker, path):
            where = Where(path, rec.line)
            aid = rec.get("id")
            what = f"assertion {aid}" if aid else "assertion"
            required = ("id", "subject", "predicate", "certainty", "evidence")
            checker.fields(rec, ASSERTION_FIELDS, required, where, what)
            if not isinstance(aid, str) or not ASSERTION_ID_RE.match(aid):
                checker.add(where, f"{what}: id must look like A0001")
                continue
            if aid in assertions:
                checker.add(where, f"duplicate assertion id {aid} (first at "
                            f"{assertions[aid].where}) - give this one a new id")
                continue
            _check_concept_ref(checker, concepts, rec.get("subject"), where, f"{what} subject")
            predicate = str(rec.get("predicate", ""))
            has_object, has_value = "object" in rec, "value" in rec
            if has_object == has_value:
                checker.add(where, f"{what}: give exactly one of 'object' (a concept) or "
                            "'value' (a literal fact)")
            if not PREDICATE_RE.match(predicate):
                checker.add(where, f"{what}: predicate {predicate!r} must be an RO relation "
                            "(RO:0002213) or a project relation (OSTEOKG:09xxxxx)")
            elif predicate.startswith("OSTEOKG:"):
                kind = properties.get(predicate)
                if kind is None:
                    checker.add(where, f"{what}: project relation {predicate} is not declared "
                                "in ontology/osteokg.ttl - declare it there first")
                elif has_value and kind != "data":
                    checker.add(where, f"{what}: {predicate} is an object property; a literal "
                                "'value' needs a data property")
                elif has_object and kind != "object":
                    checker.add(where, f"{what}: {predicate} is a data property; use 'value'")
            elif has_value:
                checker.add(where, f"{what}: RO relations link concepts; a literal 'value' "
                            "needs a project data property (OSTEOKG:09000xx)")
            obj = rec.get("object")
            if has_object:
                _check_concept_ref(checker, concepts, obj, where, f"{what} object")
            value = _load_value(checker, rec.get("value"), where, what) if has_value else None
            certainty = rec.get("certainty")
            if certainty is not None and certainty not in CERTAINTIES:
                checker.add(where, f"{what}: certainty {certainty!r} - use one of "
                            f"{', '.join(CERTAINTIES)}")
            qualifiers = []
            quals = rec.get("qualifiers") or {}
            if not isinstance(quals, dict):
                checker.add(where, f"{what}: qualifiers must be a mapping")
                quals = {}
            for name, values in quals.items():
                qwhere = Where(path, getattr(quals, "key_lines", {}).get(name, rec.line))
                if name not in QUALIFIERS:
                    checker.add(qwhere, f"{what}: unknown qualifier {name!r} - allowed: "
                                f"{', '.join(QUALIFIERS)}")
                    continue
                curies = _strings(values, checker, qwhere, f"{what} qualifier {name}")
                for q in curies:
                    _check_concept_ref(checker, concepts, q, qwhere, f"{what} qualifier {name}")
                qualifiers.append((name, curies))
            evidence_recs = rec.get("evidence") or []
            if not isinstance(evidence_recs, list):
                checker.add(where, f"{what}: evidence must be a list of records")
                evidence_recs = []
            evidence = [_load_evidence(checker, e, where, what, source) for e in evidence_recs]
            assertions[aid] = Assertion(
                id=aid,
                subject=str(rec.get("subject")),
                predicate=predicate,
                certainty=str(certainty),
                evidence=tuple(e for e in evidence if e),
                where=where,
                object=obj if isinstance(obj, str) else None,
                value=value,
                qualifiers=tuple(sorted(qualifiers)),
                note=rec.get("note"),
            )
    return [assertions[k] for k in sorted(assertions)]


def _load_coverage(checker: _Checker, paths: list[Path], source: SourceText,
                   assertions: list[Assertion]) -> list[CoverageEntry]:
    cited = {e.sentence for a in assertions for e in a.evidence}
    entries: dict[str, CoverageEntry] = {}
    for path in paths:
        for rec in _records(checker, path):
            where = Where(path, rec.line)
            if not checker.fields(rec, COVERAGE_FIELDS, ("sentence", "reason"), where,
                                  "coverage entry"):
                continue
            sid, reason = str(rec["sentence"]), rec["reason"]
            if sid not in source.sentence_ids:
                checker.add(where, f"coverage entry: unknown sentence {sid!r} - list the IDs "
                            "with 'osteokg sentences'")
            if reason not in COVERAGE_REASONS:
                checker.add(where, f"coverage entry {sid}: reason {reason!r} - use one of "
                            f"{', '.join(COVERAGE_REASONS)}")
            if sid in entries:
                checker.add(where, f"duplicate coverage entry for {sid} (first at "
                            f"{entries[sid].where}) - keep one")
            if sid in cited:
                checker.add(where, f"coverage entry {sid}: the sentence is cited by an "
                            "assertion, so it is covered - remove this entry")
            entries[sid] = CoverageEntry(sid, str(reason), where, rec.get("note"))
    return [entries[k] for k in sorted(entries)]


def _load_review(checker: _Checker, path: Path) -> dict:
    try:
        data = read_yaml(path)
    except _YamlProblem as exc:
        checker.problems.append(str(exc))
        return {}
    if not isinstance(data, _LineDict):
        checker.add(Where(path, 1), "expected a mapping with title_zh, title_en, authors, ...")
        return {}
    checker.fields(data, REVIEW_FIELDS, ("title_zh", "authors", "reference_count"),
                   Where(path, data.line), "review")
    return dict(data)


def project_properties(tbox: Path | None = None) -> dict[str, str]:
    """Project relations declared in ``ontology/osteokg.ttl``: CURIE -> 'object' | 'data'."""
    import rdflib
    from rdflib.namespace import OWL, RDF

    from .prefixes import compress

    g = rdflib.Graph().parse(tbox or ONTOLOGY_DIR / "osteokg.ttl", format="turtle")
    out = {}
    for kind, cls in (("object", OWL.ObjectProperty), ("data", OWL.DatatypeProperty)):
        for s in g.subjects(RDF.type, cls):
            curie = compress(str(s))
            if curie.startswith("OSTEOKG:"):
                out[curie] = kind
    return out


def load_curation(seeds_dir: Path | None = None, *, source: SourceText | None = None,
                  tbox: Path | None = None) -> Curation:
    """Load and check every curation file; raise :class:`CurationError` listing all problems."""
    seeds = Path(seeds_dir or SEEDS_DIR)
    source = source or load_source()
    checker = _Checker()
    concept_files = sorted((seeds / "concepts").glob("*.yaml"))
    assertion_files = sorted((seeds / "assertions").glob("*.yaml"))
    coverage_files = sorted((seeds / "coverage").glob("*.yaml"))
    if not concept_files:
        checker.add(seeds / "concepts", "no concept files (*.yaml) - see seeds/README.md")
    review = _load_review(checker, seeds / "review.yaml")
    properties = project_properties(tbox)
    concepts = _load_concepts(checker, concept_files)
    assertions = _load_assertions(checker, assertion_files, concepts, properties, source)
    coverage = _load_coverage(checker, coverage_files, source, assertions)
    mappings = load_mappings(seeds / MAPPINGS_FILE, concepts, checker.add)
    if checker.problems:
        raise CurationError(checker.problems)
    return Curation(source, review, concepts, assertions, coverage, properties, mappings)


def used_curies(curation: Curation) -> set[str]:
    """Every external CURIE the curation uses (concepts, parents, predicates, ECO)."""
    out: set[str] = set()
    for c in curation.concepts.values():
        if not c.is_project_term:
            out.add(c.id)
        if c.parent:
            out.add(c.parent)
    for a in curation.assertions:
        if a.predicate.startswith("RO:"):
            out.add(a.predicate)
        out.update(e.eco for e in a.evidence)
    return {c for c in out if is_curie(c) and CURIE_RE.match(c) and not c.startswith("OSTEOKG:")}
