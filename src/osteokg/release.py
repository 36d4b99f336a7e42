"""Release files: the whole dataset (N-Quads, TriG), merged Turtle, OWL (RDF/XML), JSON-LD.

Every file is serialised from sorted, deduplicated triples with stable blank-node labels,
so two builds of the same input are byte-identical. All files of a release are written to a
staging directory first and then moved into place, so a failed build leaves the previous
release intact.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, Triple, serialize

from . import atomic
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
    "manifest": "manifest.json",
}


def _sorted_triples(triples) -> list[Triple]:
    return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _used_prefixes(data: bytes) -> dict[str, str]:
    text = data.decode("utf-8")
    return {p: ns for p, ns in sorted(PREFIXES.items()) if ns in text}


def render(quads: list[Quad], graph_of: dict[str, str], *, dl_checked: bool) -> dict[str, bytes]:
    """Serialise the release; ``graph_of`` maps graph key -> graph IRI."""
    by_iri = {v: k for k, v in graph_of.items()}
    nquads = serialize(quads, format=RdfFormat.N_QUADS)
    prefixes = _used_prefixes(nquads)
    merged = _sorted_triples(q.triple for q in quads)
    owl_triples = _sorted_triples(
        q.triple for q in quads if by_iri.get(q.graph_name.value) in OWL_GRAPHS
    )
    files = {
        "nquads": nquads,
        "trig": serialize(quads, format=RdfFormat.TRIG, prefixes=prefixes),
        "turtle": serialize(merged, format=RdfFormat.TURTLE, prefixes=prefixes),
        "owl": serialize(owl_triples, format=RdfFormat.RDF_XML, prefixes=_owl_prefixes(prefixes)),
        "jsonld": _jsonld(quads, prefixes),
        "context": (json.dumps({"@context": prefixes}, indent=2, sort_keys=True) + "\n").encode(),
    }
    counts: dict[str, int] = {}
    for q in quads:
        key = by_iri.get(q.graph_name.value, q.graph_name.value)
        counts[key] = counts.get(key, 0) + 1
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


def _jsonld(quads: list[Quad], context: dict[str, str]) -> bytes:
    """JSON-LD with the prefix map as its context.

    pyoxigraph writes expanded JSON-LD fast; since the context only defines prefixes,
    compacting is replacing each IRI in a key, ``@id`` or ``@type`` by its CURIE, which is
    what a JSON-LD processor expands back. (rdflib's compacting serializer took 3 s here.)
    """
    context = {k: v for k, v in context.items() if k != "obo"}  # prefer CL:… over obo:CL_…
    by_length = sorted(context.items(), key=lambda kv: len(kv[1]), reverse=True)

    def curie(iri: str) -> str:
        for prefix, ns in by_length:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("/"):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def compact(node):
        if isinstance(node, list):
            return [compact(x) for x in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key in ("@id", "@type"):
                out[key] = [curie(v) for v in value] if isinstance(value, list) else curie(value)
            elif key.startswith("@"):
                out[key] = compact(value)
            else:
                out[curie(key)] = compact(value)
        return out

    expanded = json.loads(serialize(quads, format=RdfFormat.JSON_LD))
    doc = {"@context": context, "@graph": compact(expanded)}  # input order: sorted quads
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


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
