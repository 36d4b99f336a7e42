"""Release files: the whole dataset (N-Quads, TriG), merged Turtle, OWL (RDF/XML), JSON-LD.

Every file is serialised from sorted, deduplicated quads or triples with stable blank-node
labels, so two builds of the same input are byte-identical. The order is that of the
canonical N-Quads lines (byte order, which is also the order of ``str(quad)``); TriG and
JSON-LD group the quads by graph (graphs in IRI order) so each graph is written once. All
files of a release are written to a new version folder and the release path (a link) is
swapped to it in one rename, so a failed or killed build leaves the previous release intact
and a reader never sees files of two releases.

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

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Triple, parse, serialize

from . import atomic, rdfxml
from .constants import ONTOLOGY_IRI, PREFIXES, VERSION, VERSION_IRI

#: Graphs that make up the OWL ontology file (the TBox, imports and assertion axioms).
OWL_GRAPHS = ("ontology", "imports", "axioms")

RELEASE_FILES = {
    "nquads": "osteokg.nq",
    "trig": "osteokg.trig",
    "turtle": "osteokg.ttl",
    "owl": "osteokg.owl",
    "jsonld": "osteokg.jsonld",
    "context": "context.jsonld",
    "sssom": "osteokg.sssom.tsv",
    "manifest": "manifest.json",
    # KGX (Biolink) nodes and edges, from osteokg.kgx (added by the build, not by render)
    "kgx_nodes": "kgx/osteokg_nodes.tsv",
    "kgx_edges": "kgx/osteokg_edges.tsv",
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


_LABEL = NamedNode(PREFIXES["rdfs"] + "label")
_ALT_LABEL = NamedNode(PREFIXES["skos"] + "altLabel")
_DECLARE_ALT_LABEL = Triple(_ALT_LABEL, NamedNode(PREFIXES["rdf"] + "type"),
                            NamedNode(PREFIXES["owl"] + "AnnotationProperty"))


def owl_triples(owl_quads) -> list[Triple]:
    """The OWL file's triples: one ``rdfs:label`` per term, in English.

    OBO tools (OAK, ROBOT, pronto) expect one label per term, so each Chinese name, an
    ``rdfs:label@zh`` in the dataset (where SPARQL users filter labels by language), becomes
    ``skos:altLabel "..."@zh`` here: still in the file, and found by tools that search
    synonyms. In the dataset's canonical order (each subject's triples together), the
    renamed triples where their labels were.
    """
    triples = _unique_triples(owl_quads)
    renamed = False
    for i, (s, p, o) in enumerate(triples):
        if type(o) is Literal and p == _LABEL and o.language == "zh":
            triples[i] = Triple(s, _ALT_LABEL, o)
            renamed = True
    if renamed:
        triples.append(_DECLARE_ALT_LABEL)
    return triples


def _used_prefixes(data: bytes) -> dict[str, str]:
    return {p: ns for p, ns in sorted(PREFIXES.items()) if ns.encode() in data}


def render(quads: list[Quad], graph_of: dict[str, str], *, dl_checked: bool,
           extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Serialise the release; ``graph_of`` maps graph key -> graph IRI. ``extra`` holds
    release files made elsewhere (key of ``RELEASE_FILES`` -> bytes), listed in the manifest."""
    with _gc_paused():
        return _render(quads, graph_of, dl_checked=dl_checked, extra=extra or {})


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


def _render(quads: list[Quad], graph_of: dict[str, str], *, dl_checked: bool,
            extra: dict[str, bytes]) -> dict[str, bytes]:
    by_iri = {v: k for k, v in graph_of.items()}
    quads, nquads = _canonical(quads)
    groups = _by_graph(quads)
    grouped = [q for members in groups.values() for q in members]
    owl_graphs = [g for g in groups
                  if not isinstance(g, DefaultGraph) and by_iri.get(g.value) in OWL_GRAPHS]
    owl_quads = [q for g in owl_graphs for q in groups[g]]
    if len(owl_graphs) > 1:  # back into canonical order across the graphs
        owl_quads.sort(key=str)
    merged, owl_file_triples = _unique_triples(quads), owl_triples(owl_quads)
    expanded = serialize(grouped, format=RdfFormat.JSON_LD)
    # Every IRI and literal of the N-Quads is in the JSON-LD text too, in half the bytes.
    prefixes = _used_prefixes(expanded)
    files = {
        "nquads": nquads,
        "trig": serialize(grouped, format=RdfFormat.TRIG, prefixes=prefixes),
        "turtle": serialize(merged, format=RdfFormat.TURTLE, prefixes=prefixes),
        "owl": rdfxml.serialize(owl_file_triples, _owl_prefixes(prefixes)),
        "jsonld": _jsonld(expanded, prefixes),
        "context": (json.dumps({"@context": jsonld_context(prefixes)}, indent=2,
                               sort_keys=True) + "\n").encode(),
        **extra,
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
        # The single-graph files hold each triple once, though it may be in several graphs.
        "merged": {
            RELEASE_FILES["turtle"]: {"graphs": "all", "triples": len(merged)},
            RELEASE_FILES["owl"]: {"graphs": list(OWL_GRAPHS), "triples": len(owl_file_triples)},
        },
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


#: Compact JSON text is processed in pieces of about this size, cut between node objects
#: (``]},{"``, which cannot occur inside a JSON string: a quote there would follow a
#: backslash). Splitting the whole text at quotes at once made a million small bytes objects
#: and tripled the build's memory while rendering (measured: +86 MB for 9 MB of JSON-LD).
_CHUNK = 1 << 20
_NODE_BREAK = b']},{"'


def _compact(data: bytes, context: dict[str, str]) -> bytes:
    """Replace every IRI string of compact JSON text except ``@value`` contents by its CURIE.

    The text is cut into pieces between node objects; each piece is split at quotes, so its
    strings are the odd parts (escaped backslashes and quotes are swapped for control
    characters first). Each distinct string is looked up once for the whole text; the parts
    are mapped through the resulting table in C.
    """
    if not context:
        return data
    lookup = _CurieLookup(context)
    out: list[bytes] = []
    start = 0
    while start < len(data):
        cut = data.find(_NODE_BREAK, start + _CHUNK)
        end = len(data) if cut < 0 else cut + 3  # after "]}," : the next piece starts at {"
        out.append(_compact_piece(data[start:end], lookup))
        start = end
    return b"".join(out)


def _compact_piece(data: bytes, lookup: _CurieLookup) -> bytes:
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
    table = lookup.table(strings)
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


class _CurieLookup:
    """String -> CURIE for the strings that are IRIs in a namespace of a context, remembered
    across the pieces of one text.

    The longest namespace wins; an IRI is left alone when nothing follows the namespace or
    what follows starts with ``/`` (a JSON-LD processor would read ``p://…`` as an IRI), and
    then a shorter namespace may still apply.
    """

    def __init__(self, context: dict[str, str]) -> None:
        self.prefix_of: dict[bytes, bytes] = {}
        for p, ns in context.items():
            self.prefix_of.setdefault(ns.encode(), p.encode() + b":")
        longest_first = sorted(self.prefix_of, key=len, reverse=True)
        self.namespace = re.compile(
            b"(?:" + b"|".join(map(re.escape, longest_first)) + b")(?=[^/])")
        self.known: dict[bytes, bytes | None] = {}

    def table(self, strings: list[bytes]) -> dict[bytes, bytes]:
        """The CURIEs of those ``strings`` that have one."""
        known, distinct = self.known, set(strings)
        for s in distinct.difference(known):
            m = self.namespace.match(s)
            known[s] = None if m is None else self.prefix_of[m[0]] + s[m.end():]
        return {s: c for s in distinct if (c := known[s]) is not None}


def _owl_prefixes(prefixes: dict[str, str]) -> dict[str, str]:
    # RDF/XML needs prefixes whose namespace ends in a way XML QNames can use.
    return {p: ns for p, ns in prefixes.items() if ns.endswith(("/", "#", "_"))}


#: Names a release folder may hold besides its files: the query index (osteokg.query).
_OWNED = (*RELEASE_FILES.values(), "store", "kgx")


def check_release_dir(out_dir: Path) -> None:
    """Stop early (:class:`~osteokg.errors.OsteoKGError`) if ``out_dir`` cannot take a
    release: a folder holding other files, a file, the current folder."""
    from .errors import OsteoKGError

    try:
        atomic.check_replaceable(Path(out_dir), owned=_OWNED)
    except atomic.DirectoryInUse as exc:
        raise OsteoKGError(f"cannot write the release: {exc}") from None


def write_release(files: dict[str, bytes], out_dir: Path) -> dict[str, Path]:
    """Replace the release at ``out_dir`` by ``files``, as a whole; return name -> path.

    ``out_dir`` becomes a link to a new version folder (see
    :func:`osteokg.atomic.swapped_directory`): a reader or a kill at any moment finds the
    old release or the new one, never a mix. To read several files of one release, resolve
    the link once: ``Path(out_dir).resolve()``.
    """
    from .errors import OsteoKGError

    out_dir = Path(out_dir)
    try:
        with atomic.swapped_directory(out_dir, owned=_OWNED) as staging:
            for key, data in files.items():
                target = staging / RELEASE_FILES[key]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    except atomic.DirectoryInUse as exc:
        raise OsteoKGError(f"cannot write the release: {exc}") from None
    return {key: out_dir / RELEASE_FILES[key] for key in files}
