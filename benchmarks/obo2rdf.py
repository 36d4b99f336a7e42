"""Convert OBO flat files (as in ``../shared/reference/*.obo.gz``) to Turtle, once, into a cache.

The benchmarks load osteokg together with full external ontologies, the way a
bioinformatician does. The reference releases are OBO files; every engine compared here
reads Turtle, so each OBO file is converted once with the mapping below and the Turtle is
cached (keyed by the source's size and modification time and by :data:`CONVERTER_VERSION`)
in ``$OSTEOKG_BENCH_CACHE`` or ``~/.cache/osteokg-bench`` - never inside the repository.

Mapping (a deliberately small, faithful subset of the OBO-to-OWL mapping):

=========================  ==================================================================
``id``                     ``<obo:PREFIX_LOCAL> a owl:Class``
``name``                   ``rdfs:label`` (plain literal)
``def``                    ``IAO:0000115`` (definition)
``synonym: "x" EXACT``     ``oboInOwl:hasExactSynonym`` (BROAD, NARROW, RELATED alike)
``is_a``                   ``rdfs:subClassOf``
``relationship: R X``      ``rdfs:subClassOf [ owl:onProperty R ; owl:someValuesFrom X ]``
                           for the relations in :data:`RELATIONS`; others are counted, skipped
``is_obsolete: true``      ``owl:deprecated true``
=========================  ==================================================================

``[Typedef]`` and ``[Instance]`` stanzas are skipped.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CONVERTER_VERSION = "1"
OBO = "http://purl.obolibrary.org/obo/"

#: OBO relationship names -> relation IRIs (BFO / RO).
RELATIONS: dict[str, str] = {
    "part_of": OBO + "BFO_0000050",
    "has_part": OBO + "BFO_0000051",
    "occurs_in": OBO + "BFO_0000066",
    "regulates": OBO + "RO_0002211",
    "negatively_regulates": OBO + "RO_0002212",
    "positively_regulates": OBO + "RO_0002213",
    "happens_during": OBO + "RO_0002092",
    "ends_during": OBO + "RO_0002093",
}
SYNONYM_PROPERTIES = {
    "EXACT": "oboInOwl:hasExactSynonym",
    "BROAD": "oboInOwl:hasBroadSynonym",
    "NARROW": "oboInOwl:hasNarrowSynonym",
    "RELATED": "oboInOwl:hasRelatedSynonym",
}
HEADER = """@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .

"""
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*):([A-Za-z0-9_]+)$")
_ESCAPES = {"n": "\n", "t": "\t", "W": " "}


def default_cache_dir() -> Path:
    """Where converted files are kept (outside the repository)."""
    env = os.environ.get("OSTEOKG_BENCH_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "osteokg-bench"


def term_iri(curie: str) -> str | None:
    """``CL:0000092`` -> the OBO PURL; None for identifiers that are not plain CURIEs."""
    m = _CURIE.match(curie.strip())
    return f"{OBO}{m.group(1)}_{m.group(2)}" if m else None


def unquote(text: str) -> tuple[str, str]:
    """The OBO quoted string at the start of ``text`` (escapes resolved) and the rest."""
    if not text.startswith('"'):
        raise ValueError(f"expected a quoted string: {text[:40]!r}")
    out: list[str] = []
    i = 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        if ch == '"':
            return "".join(out), text[i + 1:].strip()
        out.append(ch)
        i += 1
    raise ValueError(f"unterminated quoted string: {text[:40]!r}")


def literal(text: str) -> str:
    """A Turtle string literal."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def _strip_comment(value: str) -> str:
    """Drop an OBO trailing ``! comment`` and qualifier block ``{...}`` from a tag value."""
    value = value.split(" ! ", 1)[0]
    if value.endswith("}") and " {" in value:
        value = value[: value.rindex(" {")]
    return value.strip()


@dataclass
class ConversionStats:
    terms: int = 0
    triples: int = 0
    skipped: Counter = field(default_factory=Counter)


def stanzas(lines: Iterable[str]) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(stanza type, [(tag, value)]) for each stanza; the header has type ``header``."""
    kind, tags = "header", []
    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("[") and line.endswith("]"):
            yield kind, tags
            kind, tags = line[1:-1], []
        elif ":" in line and not line.startswith("!"):
            tag, value = line.split(":", 1)
            tags.append((tag.strip(), value.strip()))
    yield kind, tags


def term_turtle(tags: list[tuple[str, str]], stats: ConversionStats, bnode: list[int]) -> str:
    """The Turtle statements of one ``[Term]`` stanza."""
    ids = [v for t, v in tags if t == "id"]
    subject = term_iri(ids[0]) if ids else None
    if subject is None:
        stats.skipped["term without a CURIE id"] += 1
        return ""
    s = f"<{subject}>"
    out = [f"{s} a owl:Class ."]
    for tag, value in tags:
        if tag == "name":
            out.append(f"{s} rdfs:label {literal(value)} .")
        elif tag == "def":
            text, _ = unquote(value)
            out.append(f"{s} obo:IAO_0000115 {literal(text)} .")
        elif tag == "synonym":
            text, rest = unquote(value)
            scope = rest.split()[0] if rest.split() else "RELATED"
            out.append(f"{s} {SYNONYM_PROPERTIES.get(scope, SYNONYM_PROPERTIES['RELATED'])} "
                       f"{literal(text)} .")
        elif tag == "is_a":
            parent = term_iri(_strip_comment(value))
            if parent:
                out.append(f"{s} rdfs:subClassOf <{parent}> .")
            else:
                stats.skipped["is_a to a non-CURIE"] += 1
        elif tag == "relationship":
            parts = _strip_comment(value).split()
            relation = RELATIONS.get(parts[0]) if len(parts) == 2 else None
            filler = term_iri(parts[1]) if len(parts) == 2 else None
            if relation and filler:
                bnode[0] += 1
                b = f"_:r{bnode[0]}"
                out += [f"{s} rdfs:subClassOf {b} .", f"{b} a owl:Restriction .",
                        f"{b} owl:onProperty <{relation}> .",
                        f"{b} owl:someValuesFrom <{filler}> ."]
            else:
                stats.skipped[f"relationship {parts[0] if parts else '?'}"] += 1
        elif tag == "is_obsolete" and value == "true":
            out.append(f"{s} owl:deprecated true .")
    stats.terms += 1
    stats.triples += len(out)
    return "\n".join(out) + "\n"


def convert(src: Path, dest: Path) -> ConversionStats:
    """Convert one OBO file (``.obo`` or ``.obo.gz``) to Turtle at ``dest`` (atomically)."""
    stats = ConversionStats()
    opener = gzip.open if src.suffix == ".gz" else open
    bnode = [0]
    tmp = dest.with_name(dest.name + ".tmp")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with opener(src, "rt", encoding="utf-8") as fin, open(tmp, "w", encoding="utf-8") as fout:
        fout.write(HEADER)
        for kind, tags in stanzas(fin):
            if kind == "Term":
                fout.write(term_turtle(tags, stats, bnode))
            elif kind != "header":
                stats.skipped[f"[{kind}] stanza"] += 1
    tmp.replace(dest)
    return stats


def cached_turtle(src: Path, cache_dir: Path | None = None) -> Path:
    """The Turtle conversion of ``src``, converting it only when the cache is stale."""
    src = Path(src)
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    st = src.stat()
    key = hashlib.sha256(f"{src.resolve()}|{st.st_size}|{st.st_mtime_ns}|{CONVERTER_VERSION}"
                         .encode()).hexdigest()[:12]
    stem = src.name.removesuffix(".gz").removesuffix(".obo")
    dest = cache_dir / f"{stem}-{key}.ttl"
    if not dest.is_file():
        convert(src, dest)
    return dest


def ontology_files(spec: str | None, cache_dir: Path | None = None) -> list[Path]:
    """RDF files for the external ontologies named by ``spec``.

    ``spec`` is an ``os.pathsep``-separated list of files or glob patterns (OBO files are
    converted to cached Turtle, RDF files are used as they are). None or empty: nothing.
    """
    import glob

    if not spec:
        return []
    out: list[Path] = []
    for part in spec.split(os.pathsep):
        matches = sorted(glob.glob(os.path.expanduser(part))) or [part]
        for m in matches:
            p = Path(m)
            if not p.is_file():
                raise FileNotFoundError(f"{p}: no such ontology file (from {spec!r})")
            if p.name.endswith((".obo", ".obo.gz")):
                out.append(cached_turtle(p, cache_dir))
            else:
                out.append(p)
    return out
