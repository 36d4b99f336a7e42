"""The embedded RDF store: pyoxigraph, in memory or on disk.

Chosen over rdflib's memory store after measuring both on this graph plus its imports
(see README, design notes, and ``benchmarks/``): loading and SPARQL are an order of magnitude
faster, and the same engine backs ``osteokg serve``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, Store

from .errors import DataFileError

FORMATS = {
    ".nq": RdfFormat.N_QUADS,
    ".nquads": RdfFormat.N_QUADS,
    ".trig": RdfFormat.TRIG,
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".owl": RdfFormat.RDF_XML,
    ".rdf": RdfFormat.RDF_XML,
    ".xml": RdfFormat.RDF_XML,
    ".jsonld": RdfFormat.JSON_LD,
}


def rdf_format(path: Path) -> RdfFormat:
    """The RDF format of a file, from its extension (a clear error for unknown ones)."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise DataFileError(f"{path}: unknown RDF format {suffix or '(no extension)'!r} - "
                            f"use one of {known}")
    return FORMATS[suffix]


def new_store(quads: Iterable[Quad] = (), *, path: Path | None = None) -> Store:
    """An in-memory store (or on-disk at ``path``) holding ``quads``."""
    store = Store(str(path)) if path else Store()
    store.bulk_extend(quads)
    return store


def load_files(paths: Iterable[Path], store: Store | None = None) -> Store:
    """Load RDF files into a store; triples of a plain-triples file go to the default graph.
    Relative IRIs (``<>``, ``<#x>``) resolve against the file's own URI, as in any RDF tool."""
    store = store if store is not None else Store()
    for p in paths:
        p = Path(p)
        fmt = rdf_format(p)
        if not p.is_file():
            raise DataFileError(f"{p}: no such file - check the path")
        try:
            store.bulk_load(path=str(p), format=fmt, base_iri=p.resolve().as_uri())
        except (SyntaxError, ValueError) as exc:
            raise DataFileError(f"{p}: cannot parse as {fmt.name}: {exc}") from exc
    return store


#: Release files without the named graphs: what each holds (the shapes and the queries need
#: the graphs: asserted vs inferred edges, imports vs ontology labels).
_MERGED_RELEASE_FILES = {
    "osteokg.ttl": "every triple merged into one graph",
    "osteokg.owl": "only the OWL graphs (ontology, imports, axioms), merged",
}


def refuse_merged_release(path: Path) -> None:
    """Raise :class:`DataFileError` for a release file that lacks the dataset's named graphs
    (``osteokg.ttl``, ``osteokg.owl`` beside a release ``manifest.json``): validated or
    queried, it would give answers that differ from the release's. Names the file to use."""
    path = Path(path)
    what = _MERGED_RELEASE_FILES.get(path.name)
    if what is not None and (path.parent / "manifest.json").is_file():
        raise DataFileError(
            f"{path}: a release file with {what}, without the named graphs that osteokg's "
            f"shapes and queries read - use {path.parent / 'osteokg.nq'} (or osteokg.trig)")

