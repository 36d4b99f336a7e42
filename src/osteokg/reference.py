"""Readers for the reference releases osteokg links into (OBO, the HGNC table, RO in OWL).

The reference releases are *not* part of osteokg: they are read only to check external
identifiers and to generate the import modules in ``ontology/imports/``. Every function here
takes the reference directory (or a file in it) as an argument; :func:`resolve_reference_dir`
finds it from an explicit path, the ``OSTEOKG_REFERENCE`` environment variable, or (in a
development checkout only) ``../shared/reference`` next to the project.

The parsers stream their input line by line (ChEBI has 224,691 terms) and keep only what the
import modules need: identifiers, names, synonyms with their scope, parents, definitions and
the obsolete flag.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .constants import OBO, PROJECT_DIR
from .errors import DataFileError, UnknownTermError

# --------------------------------------------------------------------------------------
# Which reference file answers for which CURIE prefix
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One reference release: the file holding it, its format and the prefixes it answers for."""

    name: str  # short name; also the import module's name (``cl`` -> ``cl_import.ttl``)
    filename: str
    kind: str  # "obo", "hgnc" or "owl"
    prefixes: tuple[str, ...]


#: The reference releases, by source name. RO's OWL file also declares the BFO relations RO
#: builds on (``BFO:0000050`` part of) and the IAO annotation properties (``IAO:0000115``
#: definition), so those prefixes are answered from it too.
SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("chebi", "chebi.obo.gz", "obo", ("CHEBI",)),
        Source("cl", "cl.obo.gz", "obo", ("CL",)),
        Source("doid", "doid.obo.gz", "obo", ("DOID",)),
        Source("eco", "eco-basic.obo.gz", "obo", ("ECO",)),
        Source("go", "go.obo.gz", "obo", ("GO",)),
        Source("hgnc", "hgnc.tsv.gz", "hgnc", ("HGNC",)),
        Source("mondo", "mondo.obo.gz", "obo", ("MONDO",)),
        Source("ro", "ro.owl.gz", "owl", ("RO", "BFO", "IAO")),
        Source("uberon", "uberon.obo.gz", "obo", ("UBERON",)),
    )
}
SOURCE_BY_PREFIX: dict[str, Source] = {p: s for s in SOURCES.values() for p in s.prefixes}

ENV_VAR = "OSTEOKG_REFERENCE"


def resolve_reference_dir(
    explicit: str | Path | None = None, project_dir: str | Path | None = None
) -> Path | None:
    """The reference directory to use, or ``None`` when there is none.

    Order: ``explicit``; the ``OSTEOKG_REFERENCE`` environment variable; ``../shared/reference``
    next to the project directory, but only if it exists (a development convenience: users
    and a fresh clone do not have it). An explicit or environment path must exist.
    """
    for given, origin in ((explicit, "the given path"), (os.environ.get(ENV_VAR), ENV_VAR)):
        if given:
            path = Path(given).expanduser().resolve()
            if not path.is_dir():
                raise DataFileError(
                    f"reference directory {path} ({origin}) does not exist - pass the folder "
                    f"holding cl.obo.gz, go.obo.gz, hgnc.tsv.gz, ro.owl.gz ..."
                )
            return path
    candidate = (Path(project_dir) if project_dir else PROJECT_DIR).resolve().parent
    candidate = candidate / "shared" / "reference"
    return candidate if candidate.is_dir() else None


def source_for(curie: str) -> Source | None:
    """The reference source answering for ``curie``'s prefix, or ``None`` if there is none."""
    return SOURCE_BY_PREFIX.get(curie.partition(":")[0])


# --------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------

#: OBO synonym scopes, in output order.
SYNONYM_SCOPES = ("EXACT", "NARROW", "BROAD", "RELATED")


@dataclass(frozen=True, slots=True)
class Synonym:
    """A synonym and its OBO scope (EXACT, NARROW, BROAD or RELATED)."""

    text: str
    scope: str = "EXACT"


@dataclass(frozen=True, slots=True)
class OboTerm:
    """One ``[Term]`` stanza of an OBO file."""

    id: str
    name: str
    synonyms: tuple[Synonym, ...] = ()
    is_a: tuple[str, ...] = ()
    #: Typed relationships as (relation, target), e.g. ("part_of", "GO:0005829").
    relationships: tuple[tuple[str, str], ...] = ()
    definition: str | None = None
    obsolete: bool = False
    alt_ids: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.name

    @property
    def parents(self) -> tuple[str, ...]:
        return self.is_a


@dataclass(frozen=True, slots=True)
class HgncRecord:
    """One row of the HGNC table. osteokg uses the HGNC IRI for the human gene product."""

    curie: str
    symbol: str
    name: str
    status: str
    alias_symbols: tuple[str, ...] = ()
    previous_symbols: tuple[str, ...] = ()
    ncbi_gene: str | None = None
    uniprot_ids: tuple[str, ...] = ()
    locus_type: str = ""

    @property
    def label(self) -> str:
        return self.symbol

    @property
    def obsolete(self) -> bool:
        return self.status != "Approved"

    @property
    def parents(self) -> tuple[str, ...]:
        return ()

    @property
    def synonyms(self) -> tuple[Synonym, ...]:
        """The approved name, then alias and previous symbols, all as exact synonyms."""
        texts = [self.name, *self.alias_symbols, *self.previous_symbols]
        return tuple(Synonym(t) for t in dict.fromkeys(t for t in texts if t))

    @property
    def definition(self) -> str | None:
        return None


@dataclass(frozen=True, slots=True)
class OwlEntity:
    """A property or class declared in an OWL file (RO): what the import module needs of it."""

    curie: str
    label: str
    kind: str  # "ObjectProperty", "AnnotationProperty", "DatatypeProperty" or "Class"
    #: rdfs:subPropertyOf (properties) or named rdfs:subClassOf (classes) parents.
    parents: tuple[str, ...] = ()
    transitive: bool = False
    symmetric: bool = False
    #: owl:inverseOf as stated on this entity in the file.
    inverse_of: tuple[str, ...] = ()
    definition: str | None = None
    synonyms: tuple[Synonym, ...] = ()
    obsolete: bool = False

    @property
    def sub_property_of(self) -> tuple[str, ...]:
        return self.parents if self.kind != "Class" else ()


Record = OboTerm | HgncRecord | OwlEntity


# --------------------------------------------------------------------------------------
# Opening files
# --------------------------------------------------------------------------------------


def _open_text(path: Path) -> IO[str]:
    """Open a text file, gunzipping it when its name ends in ``.gz``."""
    if not path.is_file():
        raise DataFileError(f"reference file {path} not found")
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open(encoding="utf-8")


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise DataFileError(f"reference file {path} not found")
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def file_sha256(path: Path) -> str:
    """SHA-256 of a reference file as stored (recorded in import headers for traceability)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------
# OBO
# --------------------------------------------------------------------------------------


_QUOTED_RE = re.compile(r'"((?:[^"\\]|\\.)*)"\s*(.*)', re.DOTALL)
_ESCAPE_RE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t"}


def _unquote(value: str) -> tuple[str, str]:
    """Split ``"quoted \\"text\\"" rest`` into (unescaped text, rest after the closing quote)."""
    m = _QUOTED_RE.match(value)
    if not m:
        return value, ""
    text = m.group(1)
    if "\\" in text:
        text = _ESCAPE_RE.sub(lambda e: _ESCAPES.get(e.group(1), e.group(1)), text)
    return text, m.group(2).strip()


def _strip_reference(value: str) -> str:
    """``GO:0005829 ! cytosol {source="x"}`` -> ``GO:0005829``: drop the comment and modifiers."""
    value = value.split(" !", 1)[0]
    value = value.split(" {", 1)[0]
    return value.strip()


def _parse_synonym(value: str) -> Synonym:
    text, rest = _unquote(value)
    scope = rest.split(" ", 1)[0] if rest else "RELATED"
    return Synonym(text, scope if scope in SYNONYM_SCOPES else "RELATED")


class _StanzaBuilder:
    """Accumulates the tags of one ``[Term]`` stanza and makes the :class:`OboTerm`."""

    __slots__ = ("alt_ids", "definition", "id", "is_a", "name", "obsolete", "rels", "synonyms")

    def __init__(self) -> None:
        self.id = ""
        self.name = ""
        self.synonyms: list[Synonym] = []
        self.is_a: list[str] = []
        self.rels: list[tuple[str, str]] = []
        self.definition: str | None = None
        self.obsolete = False
        self.alt_ids: list[str] = []

    def add(self, tag: str, value: str) -> None:
        if tag == "id":
            self.id = value.strip()
        elif tag == "name":
            self.name = value.strip()
        elif tag == "is_a":
            self.is_a.append(_strip_reference(value))
        elif tag == "synonym":
            self.synonyms.append(_parse_synonym(value))
        elif tag == "relationship":
            rel, _, target = _strip_reference(value).partition(" ")
            self.rels.append((rel, target.strip()))
        elif tag == "def":
            self.definition = _unquote(value)[0]
        elif tag == "is_obsolete":
            self.obsolete = value.strip() == "true"
        elif tag == "alt_id":
            self.alt_ids.append(_strip_reference(value))

    def build(self) -> OboTerm:
        return OboTerm(
            id=self.id,
            name=self.name,
            synonyms=tuple(self.synonyms),
            is_a=tuple(self.is_a),
            relationships=tuple(self.rels),
            definition=self.definition,
            obsolete=self.obsolete,
            alt_ids=tuple(self.alt_ids),
        )


def iter_obo(lines: Iterable[str], header: dict[str, str] | None = None) -> Iterator[OboTerm]:
    """Yield the ``[Term]`` stanzas of OBO text (``[Typedef]`` and other stanzas are skipped).

    When ``header`` is given it is filled with the header tags (``data-version``,
    ``ontology``...; the first value of each tag wins).
    """
    current: _StanzaBuilder | None = None
    in_header = True
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line or line.startswith("!"):
            continue
        if line.startswith("["):
            if current is not None and current.id:
                yield current.build()
            in_header = False
            current = _StanzaBuilder() if line.strip() == "[Term]" else None
            continue
        tag, sep, value = line.partition(":")
        if not sep:
            continue
        value = value.removeprefix(" ")
        if in_header:
            if header is not None:
                header.setdefault(tag, value.strip())
        elif current is not None:
            current.add(tag, value)
    if current is not None and current.id:
        yield current.build()


def parse_obo(path: str | Path) -> tuple[dict[str, OboTerm], dict[str, str]]:
    """Parse an OBO file (gzipped or not) into ({id: term}, header tags)."""
    header: dict[str, str] = {}
    with _open_text(Path(path)) as handle:
        terms = {t.id: t for t in iter_obo(handle, header)}
    return terms, header


class LazyOboTerms(Mapping[str, OboTerm]):
    """{id: OboTerm} over the text of an OBO file, parsing a stanza only when looked up.

    Building it only splits the text into ``[Term]`` stanzas and reads their ids, which is
    several times faster than parsing every stanza: an import module needs a few hundred of
    ChEBI's 224,691 terms. Looked-up terms are parsed by :func:`iter_obo` and cached.
    """

    def __init__(self, text: str):
        chunks = text.split("\n[")
        self.header: dict[str, str] = {}
        for _ in iter_obo(chunks[0].splitlines(), self.header):
            pass  # the header chunk holds no stanza unless the file starts with one
        if chunks[0].startswith("["):
            chunks[0] = chunks[0][1:]
        else:
            chunks = chunks[1:]
        self._raw: dict[str, str] = {}
        self._cache: dict[str, OboTerm] = {}
        self.alt_ids: dict[str, str] = {}
        for chunk in chunks:
            if not chunk.startswith("Term]"):
                continue
            start = chunk.find("\nid:") + 5
            end = chunk.find("\n", start)
            term_id = chunk[start : end if end != -1 else None].strip()
            self._raw[term_id] = chunk
            if "\nalt_id:" in chunk:
                for alt in self[term_id].alt_ids:
                    self.alt_ids[alt] = term_id

    def __getitem__(self, key: str) -> OboTerm:
        term = self._cache.get(key)
        if term is None:
            raw = self._raw[key]
            term = self._cache[key] = next(iter_obo(("[" + raw).split("\n")))
        return term

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def read_obo_lazily(path: str | Path) -> LazyOboTerms:
    """Read an OBO file (gzipped or not) into a :class:`LazyOboTerms`; see there."""
    return LazyOboTerms(_read_bytes(Path(path)).decode("utf-8"))


# --------------------------------------------------------------------------------------
# HGNC
# --------------------------------------------------------------------------------------

_HGNC_COLUMNS = {
    "id": "HGNC ID",
    "symbol": "Approved symbol",
    "name": "Approved name",
    "status": "Status",
    "aliases": "Alias symbols",
    "previous": "Previous symbols",
    "ncbi": "NCBI Gene ID",
    "uniprot": "UniProt ID",
    "locus_type": "Locus type",
}


def _split_list(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split(",") if x.strip())


def _hgnc_column_index(header: list[str]) -> dict[str, int]:
    """Map our field names to column positions; headers may carry a "(supplied by ...)" suffix."""
    index: dict[str, int] = {}
    for key, title in _HGNC_COLUMNS.items():
        for pos, name in enumerate(header):
            if name.strip() == title or name.startswith(title + "("):
                index[key] = pos
                break
    missing = [k for k in ("id", "symbol", "name", "status") if k not in index]
    if missing:
        raise DataFileError(f"HGNC table lacks the columns {missing}; header is {header}")
    return index


def iter_hgnc(lines: Iterable[str]) -> Iterator[HgncRecord]:
    """Yield the rows of an HGNC TSV export (first line = header)."""
    rows = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows, None)
    if header is None:
        return
    col = _hgnc_column_index(header)

    def cell(row: list[str], key: str) -> str:
        pos = col.get(key)
        return row[pos].strip() if pos is not None and pos < len(row) else ""

    for row in rows:
        if not row or not row[0].strip():
            continue
        curie = cell(row, "id")
        if not curie.startswith("HGNC:"):
            curie = "HGNC:" + curie
        yield HgncRecord(
            curie=curie,
            symbol=cell(row, "symbol"),
            name=cell(row, "name"),
            status=cell(row, "status"),
            alias_symbols=_split_list(cell(row, "aliases")),
            previous_symbols=_split_list(cell(row, "previous")),
            ncbi_gene=cell(row, "ncbi") or None,
            uniprot_ids=_split_list(cell(row, "uniprot")),
            locus_type=cell(row, "locus_type"),
        )


def parse_hgnc(path: str | Path) -> dict[str, HgncRecord]:
    """Parse the HGNC table (gzipped or not) into {"HGNC:n": record}."""
    with _open_text(Path(path)) as handle:
        return {r.curie: r for r in iter_hgnc(handle)}


# --------------------------------------------------------------------------------------
# RO (OWL, RDF/XML)
# --------------------------------------------------------------------------------------

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_OBOINOWL = "http://www.geneontology.org/formats/oboInOwl#"
_KINDS = {
    _OWL + "ObjectProperty": "ObjectProperty",
    _OWL + "AnnotationProperty": "AnnotationProperty",
    _OWL + "DatatypeProperty": "DatatypeProperty",
    _OWL + "Class": "Class",
}
_SYNONYM_PREDICATES = {
    _OBOINOWL + "hasExactSynonym": "EXACT",
    _OBOINOWL + "hasNarrowSynonym": "NARROW",
    _OBOINOWL + "hasBroadSynonym": "BROAD",
    _OBOINOWL + "hasRelatedSynonym": "RELATED",
}


def obo_iri_to_curie(iri: str) -> str | None:
    """``http://purl.obolibrary.org/obo/RO_0002202`` -> ``RO:0002202`` (None if not OBO-style)."""
    if not iri.startswith(OBO):
        return None
    prefix, sep, local = iri[len(OBO) :].partition("_")
    if not sep or not prefix.isalpha() or not local or "/" in local or "#" in local:
        return None
    return f"{prefix}:{local}"


def _pick_label(literals: list[tuple[str, str | None]]) -> str:
    """Prefer an English label, then an untagged one; among equals the smallest (stable)."""
    for wanted in ("en", None):
        texts = sorted(t for t, lang in literals if lang == wanted)
        if texts:
            return texts[0]
    return min(t for t, _ in literals) if literals else ""


class _OwlAccumulator:
    """Collects the triples about one OWL entity while scanning the file."""

    __slots__ = ("defs", "deprecated", "inverse", "labels", "parents", "synonyms", "types")

    def __init__(self) -> None:
        self.types: set[str] = set()
        self.labels: list[tuple[str, str | None]] = []
        self.parents: set[str] = set()
        self.inverse: set[str] = set()
        self.defs: list[tuple[str, str | None]] = []
        self.synonyms: set[Synonym] = set()
        self.deprecated = False


def parse_owl(path: str | Path) -> tuple[dict[str, OwlEntity], dict[str, str]]:
    """Parse an OWL file in RDF/XML (RO) into ({curie: entity}, ontology header).

    Only OBO-style IRIs declared as object, annotation or datatype properties or classes are
    kept. The header holds ``ontology``, ``versionIRI`` and ``versionInfo`` when present.
    """
    import pyoxigraph as ox  # imported here: only RO needs it, and it is fast but not free

    path = Path(path)
    data = _read_bytes(path)
    acc: dict[str, _OwlAccumulator] = {}
    header: dict[str, str] = {}
    for triple in ox.parse(data, format=ox.RdfFormat.RDF_XML, base_iri="http://purl.obolibrary.org/obo/ro.owl"):
        s, p, o = triple.subject, triple.predicate.value, triple.object
        if not isinstance(s, ox.NamedNode):
            continue
        if p == _RDF + "type" and isinstance(o, ox.NamedNode) and o.value == _OWL + "Ontology":
            header.setdefault("ontology", s.value)
            continue
        if p in (_OWL + "versionIRI", _OWL + "versionInfo"):
            header.setdefault(p[len(_OWL) :], o.value)
            continue
        curie = obo_iri_to_curie(s.value)
        if curie is None:
            continue
        a = acc.get(curie)
        if a is None:
            a = acc[curie] = _OwlAccumulator()
        _accumulate(a, p, o, ox)
    entities = {c: _entity(c, a) for c, a in acc.items() if a.types & set(_KINDS)}
    return entities, header


def _accumulate(a: _OwlAccumulator, p: str, o: object, ox: object) -> None:
    """Record one triple (predicate ``p``, object ``o``) about an entity."""
    named = o.value if isinstance(o, ox.NamedNode) else None  # type: ignore[attr-defined]
    literal = isinstance(o, ox.Literal)  # type: ignore[attr-defined]
    if p == _RDF + "type" and named:
        a.types.add(named)
    elif p == _RDFS + "label" and literal:
        a.labels.append((o.value, o.language))  # type: ignore[attr-defined]
    elif p in (_RDFS + "subPropertyOf", _RDFS + "subClassOf") and named:
        parent = obo_iri_to_curie(named)
        if parent:
            a.parents.add(parent)
    elif p == _OWL + "inverseOf" and named:
        inverse = obo_iri_to_curie(named)
        if inverse:
            a.inverse.add(inverse)
    elif p == OBO + "IAO_0000115" and literal:
        a.defs.append((o.value, o.language))  # type: ignore[attr-defined]
    elif p in _SYNONYM_PREDICATES and literal:
        a.synonyms.add(Synonym(o.value, _SYNONYM_PREDICATES[p]))  # type: ignore[attr-defined]
    elif p == _OWL + "deprecated" and literal:
        a.deprecated = o.value.strip().lower() == "true"  # type: ignore[attr-defined]


def _entity(curie: str, a: _OwlAccumulator) -> OwlEntity:
    kind = next(_KINDS[t] for t in sorted(a.types) if t in _KINDS)
    return OwlEntity(
        curie=curie,
        label=_pick_label(a.labels),
        kind=kind,
        parents=tuple(sorted(a.parents - {curie})),
        transitive=_OWL + "TransitiveProperty" in a.types,
        symmetric=_OWL + "SymmetricProperty" in a.types,
        inverse_of=tuple(sorted(a.inverse)),
        definition=_pick_label(a.defs) or None,
        synonyms=tuple(sorted(a.synonyms, key=lambda s: (s.scope, s.text))),
        obsolete=a.deprecated,
    )


# --------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------


#: Header keys that carry a release's version (OBO, then OWL), with the name shown for each.
_VERSION_KEYS = (
    ("data-version", "data-version"),
    ("versionIRI", "owl:versionIRI"),
    ("versionInfo", "owl:versionInfo"),
)


@dataclass
class LoadedSource:
    """A parsed reference release."""

    source: Source
    path: Path
    records: Mapping[str, Record]
    header: dict[str, str]
    #: alt_id -> primary id (OBO only), for helpful messages.
    alt_ids: dict[str, str]

    @property
    def version(self) -> str:
        """The release's own version line, as recorded in the file."""
        for key, name in _VERSION_KEYS:
            if self.header.get(key):
                return f"{name}: {self.header[key]}"
        return "no version header"


class ReferenceIndex:
    """Answers questions about external CURIEs, loading each reference file on first use.

    >>> ref = ReferenceIndex("/path/to/reference")      # doctest: +SKIP
    >>> ref.label("CL:0000092")                          # doctest: +SKIP
    'osteoclast'
    """

    def __init__(self, reference_dir: str | Path):
        self.reference_dir = Path(reference_dir)
        self._loaded: dict[str, LoadedSource] = {}

    # -- loading ----------------------------------------------------------------------

    def load(self, source_name: str) -> LoadedSource:
        """Parse one source (once) and return it."""
        if source_name not in self._loaded:
            source = SOURCES[source_name]
            path = self.reference_dir / source.filename
            if not path.is_file():
                raise DataFileError(
                    f"reference file {source.filename} not found in {self.reference_dir}"
                )
            self._loaded[source_name] = self._parse(source, path)
        return self._loaded[source_name]

    @staticmethod
    def _parse(source: Source, path: Path) -> LoadedSource:
        records: Mapping[str, Record]
        alt: dict[str, str] = {}
        if source.kind == "obo":
            lazy = read_obo_lazily(path)
            records, header, alt = lazy, lazy.header, lazy.alt_ids  # type: ignore[assignment]
        elif source.kind == "hgnc":
            records, header = dict(parse_hgnc(path)), {}
        else:
            entities, header = parse_owl(path)
            records = dict(entities)
        return LoadedSource(source, path, records, header, alt)

    def source_of(self, curie: str) -> LoadedSource:
        """The loaded source answering for ``curie``; UnknownTermError if no source covers it."""
        source = source_for(curie)
        if source is None:
            known = ", ".join(sorted(SOURCE_BY_PREFIX))
            raise UnknownTermError(f"no reference release covers {curie!r} (covered: {known})")
        return self.load(source.name)

    # -- questions --------------------------------------------------------------------

    def get(self, curie: str) -> Record | None:
        """The record for ``curie`` (obsolete ones included), or None if the reference lacks it."""
        return self.source_of(curie).records.get(curie)

    def require(self, curie: str) -> Record:
        """The record for ``curie``; UnknownTermError naming the reference file if absent."""
        record = self.get(curie)
        if record is None:
            loaded = self.source_of(curie)
            hint = ""
            if curie in loaded.alt_ids:
                hint = f"; it is an alt_id of {loaded.alt_ids[curie]}, use that"
            raise UnknownTermError(f"{curie} is not in {loaded.path}{hint}")
        return record

    def exists(self, curie: str) -> bool:
        """True when the reference has ``curie`` as a current (non-obsolete) term."""
        if source_for(curie) is None:
            return False
        record = self.get(curie)
        return record is not None and not record.obsolete

    def label(self, curie: str) -> str:
        return self.require(curie).label

    def synonyms(self, curie: str) -> tuple[Synonym, ...]:
        return tuple(self.require(curie).synonyms)

    def definition(self, curie: str) -> str | None:
        return self.require(curie).definition

    def parents(self, curie: str) -> tuple[str, ...]:
        """Direct parents: OBO ``is_a``, RO ``rdfs:subPropertyOf``; none for HGNC."""
        return tuple(self.require(curie).parents)

    def ancestors(self, curie: str) -> set[str]:
        """All parents up to the roots (excluding ``curie`` itself); parents missing from
        the reference are skipped."""
        records = self.source_of(curie).records
        seen: set[str] = set()
        stack = list(self.parents(curie))
        while stack:
            parent = stack.pop()
            if parent in seen or parent == curie:
                continue
            record = records.get(parent)
            if record is None:
                continue
            seen.add(parent)
            stack.extend(record.parents)
        return seen
