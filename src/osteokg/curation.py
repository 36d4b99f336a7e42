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

from .constants import IMPORTS_DIR, ONTOLOGY_DIR, PROJECT_DIR, SEEDS_DIR
from .errors import CurationError
from .mappings import MAPPINGS_FILE, load_mappings
from .prefixes import CURIE_RE, check_concept_curie, is_curie
from .relations import misuse
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
#: How a claim is read (MODEL.md section 5): ``existential`` (the default: some S, in the stated
#: context, stands in P to some O) or ``universal`` (a defining property of every S).
READINGS = ("existential", "universal")
QUALIFIERS = ("disease", "cell_context", "anatomical_site", "condition", "mediator")
#: Certainties of claims stated as fact or reported (the others are hypotheses or open).
FACTUAL_CERTAINTIES = CERTAINTIES[:5]
COVERAGE_REASONS = ("scope", "rhetorical", "methodological", "duplicate", "heading")
DATATYPES = ("xsd:integer", "xsd:decimal")  # OWL 2 DL datatype map only (no xsd:gYear)
UNITS = ("unit:NUM", "unit:PERCENT")

CONCEPT_FIELDS = (
    "id", "category", "label", "label_zh", "synonyms_en", "synonyms_zh",
    "xrefs", "members", "parent", "definition", "note",
)  # fmt: skip
ASSERTION_FIELDS = (
    "id", "subject", "predicate", "object", "value", "qualifiers", "certainty", "reading",
    "evidence", "note",
)  # fmt: skip
EVIDENCE_FIELDS = ("sentence", "quote", "english", "references", "eco")
VALUE_FIELDS = ("number", "datatype", "unit", "as_of")
COVERAGE_FIELDS = ("sentence", "reason", "note")
REVIEW_FIELDS = (
    "title_zh", "title_en", "title_en_note", "authors", "language", "reference_count", "note",
    "coverage",
)  # fmt: skip
#: ``coverage`` in review.yaml: "complete" (the default) makes every sentence of the review
#: need an assertion or a coverage entry, so a lost or emptied curation file fails the build;
#: "partial" is for a curation of a few sentences (the test fixture in tests/resources).
REVIEW_COVERAGE = ("complete", "partial")
MAX_REFERENCES = 10_000

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
    #: ``existential`` (default) or ``universal``; see :data:`READINGS`
    reading: str = "existential"

    @property
    def universal(self) -> bool:
        return self.reading == "universal"

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


class _LineList(list):
    """A list that remembers the line of each item."""

    lines: list


#: Tags a curation file may carry (resolved implicitly from plain scalars and collections).
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in (
    "str", "int", "float", "bool", "null", "timestamp", "seq", "map"))
#: Deeper than any curation record (review -> assertion -> evidence -> references is 4).
_MAX_DEPTH = 12


def _construct(node: yaml.Node, path: Path, loader: yaml.SafeLoader, depth: int = 0):
    line = node.start_mark.line + 1
    if depth > _MAX_DEPTH:
        raise _YamlProblem(f"{path}:{line}: nested deeper than {_MAX_DEPTH} levels - a "
                           "curation record is a flat mapping with short lists")
    if node.tag not in _PLAIN_TAGS:
        raise _YamlProblem(f"{path}:{line}: YAML tag {_shorten(node.tag)!r} is not allowed - "
                           "curation files hold plain text, numbers, lists and mappings")
    if isinstance(node, yaml.MappingNode):
        out = _LineDict()
        out.line = line
        out.key_lines = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _YamlProblem(f"{path}:{key_line}: merge keys (<<) are not allowed - "
                                   "write each field out")
            key = _construct(key_node, path, loader, depth + 1)
            if not isinstance(key, str):
                raise _YamlProblem(f"{path}:{key_line}: a key must be a field name, not "
                                   f"{_kind(key)} - write 'name: value'")
            if key in out:
                raise _YamlProblem(
                    f"{path}:{key_line}: key {key!r} appears twice in one "
                    "record - keep one"
                )
            out[key] = _construct(value_node, path, loader, depth + 1)
            out.key_lines[key] = key_line
        return out
    if isinstance(node, yaml.SequenceNode):
        items = _LineList(_construct(v, path, loader, depth + 1) for v in node.value)
        items.lines = [v.start_mark.line + 1 for v in node.value]
        return items
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as exc:  # e.g. an int past Python's digit limit
        raise _YamlProblem(f"{path}:{line}: cannot read this value ({_shorten(str(exc))}) "
                           "- quote it as text") from None


class _YamlProblem(Exception):
    pass


def _shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters for a message (a value may be huge)."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _kind(value: object) -> str:
    """What a YAML value is, in a curator's words."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {_shorten(repr(value))}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"the text {_shorten(value)!r}"
    return f"a {type(value).__name__} ({_shorten(str(value))})"


def _refuse_anchors(text: str, path: Path, loader_cls) -> None:
    """Anchors and aliases (``&a``, ``*a``) are refused before anything is built.

    An alias makes one node appear many times; nested aliases grow exponentially (a
    489-byte "billion laughs" file expands to gigabytes). Curation records never need them.
    """
    for event in yaml.parse(text, Loader=loader_cls):
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            kind = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
            raise _YamlProblem(f"{path}:{event.start_mark.line + 1}: YAML {kind}{_shorten(anchor)} "
                               "- anchors and aliases are not allowed in curation files; "
                               "write the value out")


def read_yaml(path: Path) -> object:
    """Parse a YAML file keeping line numbers on every mapping (``_LineDict``).

    An empty file gives None. Only plain YAML is accepted: no anchors or aliases, no merge keys, no tags, keys that
    are field names. Anything else is a :class:`_YamlProblem` naming the line.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _YamlProblem(f"{path}: cannot read ({exc}) - check the file exists and is UTF-8")
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        _refuse_anchors(text, path, loader_cls)
        node = yaml.compose(text, Loader=loader_cls)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise _YamlProblem(f"{path}{line}: not valid YAML ({problem}) - fix the syntax there")
    if node is None:  # no document at all (an empty file, or only comments)
        return None
    loader = yaml.SafeLoader("")
    try:
        return _construct(node, path, loader)
    except RecursionError:
        raise _YamlProblem(f"{path}: nested too deeply - a curation record is a flat "
                           "mapping") from None
    finally:
        loader.dispose()


def read_plain(path: Path) -> list:
    """A curation file's records as plain lists and dicts, for ``osteokg fmt`` to rewrite.

    Read as strictly as :func:`load_curation` reads it (no anchors, merge keys or tags), so
    formatting never expands an alias or a merge key; an empty file is an error rather than
    becoming ``[]``. Raises :class:`CurationError`.
    """
    try:
        data = read_yaml(path)
    except _YamlProblem as exc:
        raise CurationError([str(exc)]) from None
    if data is None:
        raise CurationError([f"{Where(path, 1)}: the file is empty - restore its records, or "
                             "write [] if it is meant to hold none"])
    return _plain(data)


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


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
            if _is_empty(record.get(key)):
                self.add(where, f"{what}: missing required field {key!r} - add it")
                ok = False
        return ok

    def text(self, record: _LineDict, key: str, where: Where, what: str, *,
             multiline: bool = False) -> str | None:
        """``record[key]`` if it is text without control characters (else report; None)."""
        value = record.get(key)
        if value is None:
            return None
        at = Where(where.path, record.key_lines.get(key, where.line))
        if not isinstance(value, str):
            self.add(at, f"{what}: {key} must be text, got {_kind(value)} - write one "
                     "string (quote it if it looks like a number or a list)")
            return None
        return value if self.clean(value, at, f"{what}: {key}", multiline=multiline) else None

    def clean(self, value: str, where: Where, what: str, *, multiline: bool = False) -> bool:
        """Report control characters (and line breaks, unless ``multiline``) in ``value``."""
        bad = (_CONTROL if multiline else _CONTROL_OR_BREAK).search(value)
        if bad:
            self.add(where, f"{what}: contains the control character "
                     f"U+{ord(bad.group()):04X} at position {bad.start() + 1} - remove it")
            return False
        return True


#: Characters no literal may hold: C0/C1 controls (bar tab and line breaks), lone surrogates
#: and the non-characters U+FFFE/U+FFFF (none of them can be written in RDF/XML).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: The same, and also tab and line breaks: for labels, identifiers and quotes.
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
#: Lexical spaces of the datatypes a literal value may have (XML Schema 1.1, part 2).
LEXICAL_SPACES = {
    "xsd:integer": re.compile(r"[+-]?[0-9]+"),
    "xsd:decimal": re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"),
}
#: Longest number a literal value may have (Python refuses integers past 4300 digits).
_MAX_DIGITS = 100


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and not value)


def _records(checker: _Checker, path: Path) -> list[_LineDict]:
    try:
        data = read_yaml(path)
    except _YamlProblem as exc:
        checker.problems.append(str(exc))
        return []
    if data is None:
        checker.add(Where(path, 1), "the file is empty - restore its records, or write [] if "
                    "it is meant to hold none (a build never drops records silently)")
        return []
    if not isinstance(data, list):
        line = getattr(data, "line", 1)
        checker.add(Where(path, line), "expected a YAML list of records (lines starting with "
                    f"'- '), got {_kind(data)}")
        return []
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, _LineDict):
            line = data.lines[i] if isinstance(data, _LineList) else 1
            checker.add(Where(path, line), f"item {i + 1} is not a record (key: value mapping), "
                        f"it is {_kind(item)}")
            continue
        out.append(item)
    return out


def _strings(value, checker: _Checker, where: Where, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        got = next((v for v in value if not isinstance(v, str)), value) \
            if isinstance(value, list) else value
        checker.add(where, f"{what} must be a string or a list of strings, got {_kind(got)} - "
                    "quote numbers")
        return ()
    if not all(checker.clean(v, where, what) for v in value):
        return ()
    return tuple(value)


def _load_concepts(checker: _Checker, paths: list[Path],
                   references: dict[str, tuple[frozenset[str], Path]] | None = None,
                   ) -> dict[str, Concept]:
    """The concept records; an external term's label must be its label in ``references``."""
    references = references or {}
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
                checker.add(where, f"concept id must be a CURIE such as CL:0000092, got "
                            f"{_kind(cid)}")
                continue
            problem = check_concept_curie(cid)
            if problem:
                checker.add(where, f"{problem} - write the identifier as PREFIX:LOCAL")
                continue
            if cid in concepts:
                checker.add(where, f"duplicate concept id {cid} (first declared at "
                            f"{concepts[cid].where}) - keep one record")
                continue
            category = checker.text(rec, "category", where, what)
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
            label = checker.text(rec, "label", where, what)
            known = references.get(cid)
            if label and known and label not in known[0]:
                checker.add(Where(path, rec.key_lines["label"]),
                            f"{what}: label {_shorten(label)!r} is not the label of {cid} in "
                            f"{_shown_path(known[1])} ({', '.join(map(repr, sorted(known[0])))})"
                            " - use that label and put other names in synonyms_en")
            label_zh = checker.text(rec, "label_zh", where, what)
            definition = checker.text(rec, "definition", where, what, multiline=True)
            note = checker.text(rec, "note", where, what, multiline=True)
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
                label=label or "",
                where=where,
                label_zh=label_zh,
                synonyms_en=_strings(rec.get("synonyms_en"), checker, where, f"{what}: synonyms_en"),
                synonyms_zh=_strings(rec.get("synonyms_zh"), checker, where, f"{what}: synonyms_zh"),
                xrefs=xrefs,
                members=members,
                parent=parent if isinstance(parent, str) else None,
                definition=definition,
                note=note,
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
    sid = checker.text(rec, "sentence", ewhere, what)
    quote = checker.text(rec, "quote", ewhere, what)
    english = checker.text(rec, "english", ewhere, what, multiline=True)
    eco = checker.text(rec, "eco", ewhere, what)
    if sid is None or quote is None or english is None or eco is None:
        return None
    sentences = source.sentence_ids
    if sid not in sentences:
        checker.add(ewhere, f"{what}: unknown sentence {_shorten(sid)!r} - list the IDs with "
                    "'osteokg sentences'")
        return None
    sentence = sentences[sid]
    if quote not in sentence.text:
        checker.add(Where(where.path, rec.key_lines.get("quote", rec.line)),
                    f"{what}: quote {_shorten(quote)!r} does not occur in sentence {sid} - copy it "
                    f"verbatim from the normalised sentence ('osteokg sentences {sid}')")
    refs_raw = rec.get("references") or []
    if not isinstance(refs_raw, list) or not all(
            isinstance(r, int) and not isinstance(r, bool) for r in refs_raw):
        checker.add(Where(where.path, rec.key_lines.get("references", rec.line)),
                    f"{what}: references must be a list of reference numbers, e.g. [7]")
        refs_raw = []
    for r in refs_raw:
        if r not in sentence.references:
            cited = ", ".join(map(str, sentence.references)) or "none"
            checker.add(ewhere, f"{what}: reference {r} is not cited in sentence {sid} "
                        f"(cited there: {cited}) - cite only references of that sentence")
    if not ECO_RE.match(eco):
        checker.add(ewhere, f"{what}: eco {_shorten(eco)!r} is not an ECO CURIE like "
                    "ECO:0000304")
    return Evidence(sid, quote, english, tuple(refs_raw), eco, ewhere)


def _load_value(checker: _Checker, rec, where: Where, what: str) -> LiteralValue | None:
    if not isinstance(rec, _LineDict):
        checker.add(where, f"{what}: value must be a record {{number, datatype, unit, as_of}}")
        return None
    if not checker.fields(rec, VALUE_FIELDS, ("number", "datatype"), where, f"{what} value"):
        return None
    vwhere = Where(where.path, rec.line)
    datatype = checker.text(rec, "datatype", vwhere, f"{what} value")
    unit = checker.text(rec, "unit", vwhere, f"{what} value")
    if datatype is None or datatype not in DATATYPES:
        checker.add(vwhere, f"{what}: datatype {_shorten(str(datatype))!r} - use one of "
                    f"{', '.join(DATATYPES)}")
        return None
    if unit is not None and unit not in UNITS:
        checker.add(vwhere, f"{what}: unit {_shorten(unit)!r} - use one of {', '.join(UNITS)}")
    number = _lexical(checker, rec, datatype, Where(where.path, rec.key_lines["number"]), what)
    as_of = rec.get("as_of")
    if as_of is not None and (isinstance(as_of, bool) or not isinstance(as_of, int)
                              or not 1000 <= as_of <= 9999):
        checker.add(Where(where.path, rec.key_lines["as_of"]),
                    f"{what}: as_of must be a year such as 2020, got {_kind(as_of)}")
    if number is None:
        return None
    return LiteralValue(number, datatype, unit, as_of)


def _lexical(checker: _Checker, rec: _LineDict, datatype: str, where: Where,
             what: str) -> str | None:
    """The value's number as text in the lexical space of ``datatype`` (else report; None)."""
    number = rec["number"]
    text = None if isinstance(number, bool) else (
        str(number) if isinstance(number, (int, str)) else
        repr(number) if isinstance(number, float) else None)
    if text is None or not LEXICAL_SPACES[datatype].fullmatch(text):
        checker.add(where, f"{what}: number {_kind(number)} is not a valid {datatype} - write "
                    + ("whole digits, e.g. 1873" if datatype == "xsd:integer" else
                       "digits with an optional decimal point, e.g. 10.5"))
        return None
    if len(text) > _MAX_DIGITS:
        checker.add(where, f"{what}: number has {len(text)} characters - at most "
                    f"{_MAX_DIGITS} are allowed")
        return None
    return text


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
            predicate = checker.text(rec, "predicate", where, what) or ""
            has_object, has_value = "object" in rec, "value" in rec
            if has_object == has_value:
                checker.add(where, f"{what}: give exactly one of 'object' (a concept) or "
                            "'value' (a literal fact)")
            if not PREDICATE_RE.match(predicate):
                checker.add(where, f"{what}: predicate {_shorten(predicate)!r} must be an RO relation "
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
            certainty = checker.text(rec, "certainty", where, what)
            if certainty is not None and certainty not in CERTAINTIES:
                checker.add(where, f"{what}: certainty {_shorten(certainty)!r} - use one of "
                            f"{', '.join(CERTAINTIES)}")
            reading = rec.get("reading", "existential")
            rwhere = Where(path, getattr(rec, "key_lines", {}).get("reading", rec.line))
            if reading not in READINGS:
                checker.add(rwhere, f"{what}: reading {reading!r} - use 'universal' for a "
                            "defining property of every member of the subject type, or leave "
                            "the field out (existential, the default)")
                reading = "existential"
            elif reading == "universal" and has_value:
                checker.add(rwhere, f"{what}: a literal fact has no universal reading - "
                            "remove 'reading'")
            elif reading == "universal" and certainty not in FACTUAL_CERTAINTIES:
                checker.add(rwhere, f"{what}: a {certainty} claim cannot be universal (only "
                            "a claim the review states as fact defines a type) - remove "
                            "'reading'")
            if has_object and isinstance(obj, str):
                s_concept = concepts.get(str(rec.get("subject")))
                o_concept = concepts.get(obj)
                if s_concept and o_concept and (
                        why := misuse(predicate, s_concept.category, o_concept.category)):
                    pwhere = Where(path, getattr(rec, "key_lines", {}).get("predicate",
                                                                           rec.line))
                    checker.add(pwhere, f"{what}: {why}")
            qualifiers = []
            quals = rec.get("qualifiers") or {}
            if not isinstance(quals, dict):
                checker.add(where, f"{what}: qualifiers must be a mapping, got {_kind(quals)}")
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
                checker.add(where, f"{what}: evidence must be a list of records, got "
                            f"{_kind(evidence_recs)}")
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
                note=checker.text(rec, "note", where, what, multiline=True),
                reading=reading,
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
            sid = checker.text(rec, "sentence", where, "coverage entry")
            reason = checker.text(rec, "reason", where, "coverage entry")
            note = checker.text(rec, "note", where, "coverage entry", multiline=True)
            if sid is None or reason is None:
                continue
            if sid not in source.sentence_ids:
                checker.add(where, f"coverage entry: unknown sentence {_shorten(sid)!r} - list "
                            "the IDs with 'osteokg sentences'")
            if reason not in COVERAGE_REASONS:
                checker.add(where, f"coverage entry {sid}: reason {_shorten(reason)!r} - use one of "
                            f"{', '.join(COVERAGE_REASONS)}")
            if sid in entries:
                checker.add(where, f"duplicate coverage entry for {sid} (first at "
                            f"{entries[sid].where}) - keep one")
            if sid in cited:
                checker.add(where, f"coverage entry {sid}: the sentence is cited by an "
                            "assertion, so it is covered - remove this entry")
            entries[sid] = CoverageEntry(sid, reason, where, note)
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
    where = Where(path, data.line)
    checker.fields(data, REVIEW_FIELDS, ("title_zh", "authors", "reference_count"), where,
                   "review")
    for key in ("title_zh", "title_en", "title_en_note", "language"):
        checker.text(data, key, where, "review")
    checker.text(data, "note", where, "review", multiline=True)
    authors = data.get("authors")
    if authors is not None:
        _strings(authors, checker, Where(path, data.key_lines["authors"]), "review: authors")
    count = data.get("reference_count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                              or not 0 <= count <= MAX_REFERENCES):
        checker.add(Where(path, data.key_lines["reference_count"]),
                    f"review: reference_count must be a whole number from 0 to "
                    f"{MAX_REFERENCES}, got {_kind(count)}")
    coverage = checker.text(data, "coverage", where, "review")
    if coverage is not None and coverage not in REVIEW_COVERAGE:
        checker.add(Where(path, data.key_lines["coverage"]),
                    f"review: coverage {_shorten(coverage)!r} - use one of "
                    f"{', '.join(REVIEW_COVERAGE)}")
    return dict(data)


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_DIR))
    except ValueError:
        return str(path)


def reference_labels(imports_dir: Path | None = None) -> dict[str, tuple[frozenset[str], Path]]:
    """CURIE -> (its English labels, the module) for every term of the import modules."""
    from pyoxigraph import NamedNode, RdfFormat, parse

    from .prefixes import compress

    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    found: dict[str, tuple[set[str], Path]] = {}
    for path in sorted(Path(imports_dir or IMPORTS_DIR).glob("*_import.ttl")):
        for triple in parse(path=str(path), format=RdfFormat.TURTLE):
            obj = triple.object
            if triple.predicate == label and getattr(obj, "language", "en") in ("en", None):
                entry = found.setdefault(compress(triple.subject.value), (set(), path))
                entry[0].add(obj.value)
    return {curie: (frozenset(labels), path) for curie, (labels, path) in found.items()}


def _check_complete(checker: _Checker, seeds: Path, source: SourceText,
                    assertions: list[Assertion], coverage: list[CoverageEntry]) -> None:
    """Every sentence needs an assertion or a coverage entry (unless the review says partial).

    So a curation file that is lost or emptied fails the build instead of making a smaller
    release that silently replaces the good one.
    """
    done = {e.sentence for a in assertions for e in a.evidence} | {c.sentence for c in coverage}
    missing = [s.id for s in source.sentences if s.id not in done]
    if missing:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8
                                          else "")
        checker.add(seeds, f"{len(missing)} sentence(s) of the review have neither an "
                    f"assertion nor a coverage entry ({shown}) - restore the curation file "
                    "that covered them, curate them, or list them in seeds/coverage/ "
                    "('osteokg coverage' shows the status of every sentence)")


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
                  tbox: Path | None = None, imports_dir: Path | None = None) -> Curation:
    """Load and check every curation file; raise :class:`CurationError` listing all problems.

    Labels of external terms are checked against the import modules in ``imports_dir``
    (default ``ontology/imports``).
    """
    seeds = Path(seeds_dir or SEEDS_DIR)
    source = source or load_source()
    checker = _Checker()
    concept_files = sorted((seeds / "concepts").glob("*.yaml"))
    assertion_files = sorted((seeds / "assertions").glob("*.yaml"))
    coverage_files = sorted((seeds / "coverage").glob("*.yaml"))
    if not concept_files:
        checker.add(seeds / "concepts", "no concept files (*.yaml) - see seeds/README.md")
    if not assertion_files:
        checker.add(seeds / "assertions", "no assertion files (*.yaml) - restore them (a "
                    "release without assertions is never written); see seeds/README.md")
    review = _load_review(checker, seeds / "review.yaml")
    cited = max((r for s in source.sentences for r in s.references), default=0)
    count = review.get("reference_count")
    if isinstance(count, int) and not isinstance(count, bool) and count < cited:
        checker.add(seeds / "review.yaml", f"review: reference_count is {count} but the "
                    f"review cites reference {cited} - give the number of references")
    properties = project_properties(tbox)
    concepts = _load_concepts(checker, concept_files, reference_labels(imports_dir))
    assertions = _load_assertions(checker, assertion_files, concepts, properties, source)
    coverage = _load_coverage(checker, coverage_files, source, assertions)
    if review.get("coverage", "complete") == "complete" and assertion_files:
        _check_complete(checker, seeds, source, assertions, coverage)
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
