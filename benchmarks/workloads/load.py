"""Load the release with full external ontologies, then answer one subclass-closure query.

Engines: ``osteokg`` (:func:`osteokg.store.load_files`, then :func:`osteokg.query.run_query`),
``pyoxigraph`` (the raw engine: ``Store.bulk_load`` and ``Store.query``, to show what
osteokg adds on top), ``rdflib`` (its memory ``Dataset``: the obvious alternative), and
``ondisk`` (a pyoxigraph store on disk, built once, opened read-only by a fresh process: what
``osteokg`` could offer for repeated command-line queries). Everything is a fresh process, so
"load + first query" is what a user waits for.
"""

from __future__ import annotations

from pathlib import Path

from .common import Stopwatch, rdflib_dataset

#: Every cell type (descendants of CL:0000000 "cell") with its label: a transitive
#: rdfs:subClassOf closure over CL plus the project's own classes.
CLOSURE_QUERY = """
SELECT ?class ?label WHERE {
  ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <http://purl.obolibrary.org/obo/CL_0000000> ;
         <http://www.w3.org/2000/01/rdf-schema#label> ?label .
}
"""


def _answer_digest(rows) -> str:
    import hashlib

    return hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()[:16]


def load(engine: str, files: list[str], store_dir: str | None = None) -> tuple[dict, dict]:
    sw = Stopwatch()
    if engine == "osteokg":
        from osteokg.query import run_query
        from osteokg.store import load_files

        with sw("load"):
            store = load_files([Path(f) for f in files])
        with sw("closure query"):
            result = run_query(store, CLOSURE_QUERY)
        rows = [f"{r[0][1]}|{r[1][1]}" for r in result.rows]
        triples = len(store)
    elif engine == "pyoxigraph":
        from pyoxigraph import RdfFormat, Store

        formats = {".nq": RdfFormat.N_QUADS, ".ttl": RdfFormat.TURTLE, ".nt": RdfFormat.N_TRIPLES}
        with sw("load"):
            store = Store()
            for f in files:
                store.bulk_load(path=f, format=formats[Path(f).suffix])
        with sw("closure query"):
            rows = [f"{s['class'].value}|{s['label'].value}" for s in
                    store.query(CLOSURE_QUERY, use_default_graph_as_union=True)]
        triples = len(store)
    elif engine == "rdflib":
        with sw("load"):
            ds = rdflib_dataset(files)
        with sw("closure query"):
            rows = [f"{r[0]}|{r[1]}" for r in ds.query(CLOSURE_QUERY)]
        triples = len(ds)
    elif engine == "ondisk":
        from pyoxigraph import Store

        with sw("load"):  # opening, not loading: the store was built once beforehand
            store = Store.read_only(store_dir)
        with sw("closure query"):
            rows = [f"{s['class'].value}|{s['label'].value}" for s in
                    store.query(CLOSURE_QUERY, use_default_graph_as_union=True)]
        triples = len(store)
    else:
        raise ValueError(f"unknown engine {engine!r}")
    sw.metrics["load + closure query"] = sw.metrics["load"] + sw.metrics["closure query"]
    return sw.metrics, {"triples": triples, "closure rows": len(rows),
                        "answer digest": _answer_digest(rows)}


def make_disk_store(files: list[str], store_dir: str) -> tuple[dict, dict]:
    """Build the on-disk store once (reported, but a one-off cost)."""
    from osteokg.store import load_files, new_store

    sw = Stopwatch()
    with sw("build on-disk store"):
        store = new_store(path=Path(store_dir))
        load_files([Path(f) for f in files], store)
        store.flush()
        store.optimize()
    return sw.metrics, {"triples": len(store)}


WORKLOADS = {"load": load, "make_disk_store": make_disk_store}
