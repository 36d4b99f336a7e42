"""Release files: the whole dataset (N-Quads, TriG), merged Turtle, OWL (RDF/XML), JSON-LD.

Every file is serialised from sorted, deduplicated quads or triples with stable blank-node
labels, so two builds of the same input are byte-identical. The order is that of the
canonical N-Quads lines (byte order, which is also the order of ``str(quad)``); TriG and
JSON-LD group the quads by graph (graphs in IRI order) so each graph is written once. All
files of a release are written to a staging directory first and then moved into place, so a
failed build leaves the previous release intact.

Rendering does its per-quad work in pyoxigraph or in C-level bytes operations: the quads are
serialised to N-Quads once, which both gives the ``osteokg.nq`` file and checks that they
come in canonical order (``Dataset.quads()`` already sorts them; anything else is sorted
here), and JSON-LD is compacted by a text pass over pyoxigraph's output.
"""

from __future__ import annotations

import gc
import hashlib
import json
import operator
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import DefaultGraph, Quad, RdfFormat, Triple, parse, serialize

from . import atomic
from .constants import ONTOLOGY_IRI, PREFIXES, VERSION, VERSION_IRI
from .rdfxml import serialize_rdf_xml

#: Graphs that make up the OWL ontology file (the TBox, imports and assertion axioms).
OWL_GRAPHS = ("ontology", "imports", "axioms")

RELEASE_FILES = {
    "nquads": "osteokg.nq",
    "trig": "osteokg.trig",
    "turtle": "osteokg.ttl",
    "owl": "osteokg.owl",
    "jsonld": "osteokg.jsonld",
    "context": "context.jsonld",
    "manifest": "manifest.json",
}


def _canonical(quads: list[Quad]) -> tuple[list[Quad], bytes]:
    """The quads deduplicated in canonical order, and their N-Quads text.

    The canonical order is the byte order of the N-Quads lines. When the quads already come
    in that order without duplicates (as ``Dataset.quads()`` gives them) they are used as
    they are; otherwise the sorted lines are parsed back (blank-node labels are kept).
    """
    nquads = serialize(quads, format=RdfFormat.N_QUADS)
    lines = nquads.split(b"\n")  # one line per quad, then b"" after the last newline
    if all(map(operator.lt, lines[:-2], lines[1:-1])):
        return list(quads), nquads
    nquads = b"".join(line + b"\n" for line in sorted(set(lines[:-1])))
    return list(parse(nquads, format=RdfFormat.N_QUADS)), nquads


def _unique_triples(quads) -> list[Triple]:
    """The triples of canonically ordered quads, deduplicated, in canonical order.

    Dropping the graph name keeps the N-Triples lines sorted (a term's text never continues
    with a space), and equal triples are neighbours, so first occurrences are in order.
    """
    return list(dict.fromkeys(map(operator.attrgetter("triple"), quads)))


def _by_graph(quads: list[Quad]) -> dict:
    """Graph name -> its quads (in input order); the default graph first, then IRI order."""
    groups: dict = {}
    for q in quads:
        g = q.graph_name
        members = groups.get(g)
        if members is None:
            members = groups[g] = []
        members.append(q)
    return {g: groups[g] for g in sorted(groups, key=_graph_sort_key)}


def _graph_sort_key(g) -> tuple[bool, str]:
    return (not isinstance(g, DefaultGraph), str(g))


def _used_prefixes(data: bytes) -> dict[str, str]:
    return {p: ns for p, ns in sorted(PREFIXES.items()) if ns.encode() in data}


def render(quads: list[Quad], graph_of: dict[str, str], *, dl_checked: bool) -> dict[str, bytes]:
    """Serialise the release; ``graph_of`` maps graph key -> graph IRI."""
    with _gc_paused():
        return _render(quads, graph_of, dl_checked=dl_checked)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees everything).

    Rendering makes some 170,000 short-lived tracked objects (triples, graph names) and no
    cycles; after a build the process holds hundreds of thousands of objects, and the
    collections those allocations set off took more time than the rendering itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _render(quads: list[Quad], graph_of: dict[str, str], *, dl_checked: bool) -> dict[str, bytes]:
    by_iri = {v: k for k, v in graph_of.items()}
    quads, nquads = _canonical(quads)
    groups = _by_graph(quads)
    grouped = [q for members in groups.values() for q in members]
    owl_graphs = [g for g in groups
                  if not isinstance(g, DefaultGraph) and by_iri.get(g.value) in OWL_GRAPHS]
    owl_quads = [q for g in owl_graphs for q in groups[g]]
    if len(owl_graphs) > 1:  # back into canonical order across the graphs
        owl_quads.sort(key=str)
    expanded = serialize(grouped, format=RdfFormat.JSON_LD)
    # Every IRI and literal of the N-Quads is in the JSON-LD text too, in half the bytes.
    prefixes = _used_prefixes(expanded)
    files = {
        "nquads": nquads,
        "trig": serialize(grouped, format=RdfFormat.TRIG, prefixes=prefixes),
        "turtle": serialize(_unique_triples(quads), format=RdfFormat.TURTLE, prefixes=prefixes),
        "owl": serialize_rdf_xml(_unique_triples(owl_quads), _owl_prefixes(prefixes)),
        "jsonld": _jsonld(expanded, prefixes),
        "context": (json.dumps({"@context": jsonld_context(prefixes)}, indent=2,
                               sort_keys=True) + "\n").encode(),
    }
    counts: dict[str, int] = {}
    for g, members in groups.items():
        key = "default" if isinstance(g, DefaultGraph) else by_iri.get(g.value, g.value)
        counts[key] = counts.get(key, 0) + len(members)
    manifest = {
        "ontology": ONTOLOGY_IRI,
        "version": VERSION,
        "versionIRI": VERSION_IRI,
        "dl_checked": dl_checked,
        "graphs": {k: {"iri": graph_of.get(k, k), "triples": n} for k, n in sorted(counts.items())},
        "files": {
            RELEASE_FILES[k]: hashlib.sha256(v).hexdigest() for k, v in sorted(files.items())
        },
    }
    files["manifest"] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    return files


#: Characters after which JSON-LD 1.1 uses a plain term definition as a prefix by itself.
_GEN_DELIMS = tuple(":/?#[]@")


def jsonld_context(prefixes: dict[str, str]) -> dict:
    """The JSON-LD 1.1 context for the prefix map.

    JSON-LD 1.1 expands ``CL:0000092`` with the term ``CL`` only when the term's IRI ends in a
    gen-delim character or the term is declared ``"@prefix": true``; OBO namespaces end in
    ``_`` (``…/obo/CL_``), so they are declared that way (without it, rdflib and pyoxigraph
    read ``CL:0000092`` as an IRI with the scheme ``CL``).
    """
    context: dict = {"@version": 1.1}
    for prefix, namespace in prefixes.items():
        context[prefix] = (namespace if namespace.endswith(_GEN_DELIMS)
                           else {"@id": namespace, "@prefix": True})
    return context


def _jsonld(expanded: bytes, context: dict[str, str]) -> bytes:
    """JSON-LD with the prefix map as its context, one node object per line.

    ``expanded`` is pyoxigraph's JSON-LD (expanded form, written fast); since the context
    only defines prefixes, compacting is replacing each IRI in a key, ``@id`` or ``@type`` by
    its CURIE, which is what a JSON-LD processor expands back. (rdflib's compacting serializer
    took 3 s here, and a walk over the parsed document with ``json`` about 1 s.)
    """
    context = {k: v for k, v in context.items() if k != "obo"}  # prefer CL:… over obo:CL_…
    body = _compact(expanded, context)
    # Line breaks between node objects and after each graph's opening: `]},{"` and
    # `"@graph":[{` cannot occur inside a JSON string (a quote there follows a backslash).
    body = body.replace(b'"@graph":[{', b'"@graph":[\n{').replace(b']},{"', b']},\n{"')
    head = json.dumps(jsonld_context(context), ensure_ascii=False, indent=1, sort_keys=True)
    return b'{"@context": ' + head.encode() + b',\n"@graph": ' + body + b"}\n"


#: Stand-ins for the JSON escapes ``\\`` and ``\"`` while the text is split at quotes; raw
#: control characters never occur in JSON text.
_BACKSLASH, _QUOTE = b"\x00", b"\x01"
#: A literal's lexical form in compact JSON-LD (quotes inside it are escaped or swapped).
_VALUE = re.compile(rb'"@value":"([^"]*)"')


def _compact(data: bytes, context: dict[str, str]) -> bytes:
    """Replace every IRI string of compact JSON text except ``@value`` contents by its CURIE.

    The text is split at quotes, so the strings are the odd pieces (escaped backslashes and
    quotes are swapped for control characters first). Each distinct string is looked up once;
    the pieces are mapped through the resulting table in C.
    """
    backslashes, quotes = b"\\\\" in data, b'\\"' in data
    if backslashes or quotes:
        if _BACKSLASH in data or _QUOTE in data:  # not a serializer's JSON: leave it expanded
            return data
        if backslashes:
            data = data.replace(b"\\\\", _BACKSLASH)
        if quotes:  # after the above, each remaining backslash starts an escape
            data = data.replace(b'\\"', _QUOTE)
    pieces = data.split(b'"')
    strings = pieces[1::2]
    table = _curie_table(set(strings), context)
    if table:
        compacted = list(map(table.get, strings, strings))
        # A literal's lexical form (the string after the key "@value") stays as it is.
        if not table.keys().isdisjoint(_VALUE.findall(data)):
            for i in range(1, len(strings)):
                if strings[i - 1] == b"@value":
                    compacted[i] = strings[i]
        pieces[1::2] = compacted
        data = b'"'.join(pieces)
    if quotes:
        data = data.replace(_QUOTE, b'\\"')
    if backslashes:
        data = data.replace(_BACKSLASH, b"\\\\")
    return data


def _curie_table(strings, context: dict[str, str]) -> dict[bytes, bytes]:
    """String -> CURIE for the strings that are IRIs in a namespace of ``context``.

    The longest namespace wins; an IRI is left alone when nothing follows the namespace or
    what follows starts with ``/`` (a JSON-LD processor would read ``p://…`` as an IRI), and
    then a shorter namespace may still apply.
    """
    if not context:
        return {}
    prefix_of: dict[bytes, bytes] = {}
    for p, ns in context.items():
        prefix_of.setdefault(ns.encode(), p.encode() + b":")
    longest_first = sorted(prefix_of, key=len, reverse=True)
    namespace = re.compile(b"(?:" + b"|".join(map(re.escape, longest_first)) + b")(?=[^/])")
    strings = list(strings)
    return {s: prefix_of[m[0]] + s[m.end():]
            for s, m in zip(strings, map(namespace.match, strings)) if m is not None}


def _owl_prefixes(prefixes: dict[str, str]) -> dict[str, str]:
    # RDF/XML needs prefixes whose namespace ends in a way XML QNames can use.
    return {p: ns for p, ns in prefixes.items() if ns.endswith(("/", "#", "_"))}


def write_release(files: dict[str, bytes], out_dir: Path) -> dict[str, Path]:
    """Write every release file atomically into ``out_dir``; return name -> path."""
    out_dir = Path(out_dir)
    with atomic.staged_directory(out_dir) as staging:
        for key, data in files.items():
            (staging / RELEASE_FILES[key]).write_bytes(data)
    return {key: out_dir / RELEASE_FILES[key] for key in files}
