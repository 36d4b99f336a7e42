"""Small helpers shared by the workloads: a stopwatch and file loading per engine."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path


class Stopwatch:
    """Collects named durations: ``with sw("parse"): ...``."""

    def __init__(self) -> None:
        self.metrics: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.metrics[name] = self.metrics.get(name, 0.0) + time.perf_counter() - t0


def seeds_path(seeds: str | None) -> Path | None:
    return Path(seeds) if seeds else None


def rdflib_format(path: Path) -> str:
    name = Path(path).name
    for suffix, fmt in ((".nq", "nquads"), (".trig", "trig"), (".ttl", "turtle"),
                        (".nt", "nt"), (".owl", "xml"), (".rdf", "xml")):
        if name.endswith(suffix):
            return fmt
    raise ValueError(f"{path}: no rdflib format for this extension")


def rdflib_dataset(files: list[str]):
    """An rdflib Dataset (memory store) holding the files; the default graph is their union.

    Plain-triples files go into a graph named after the file, as rdflib does by default.
    """
    import rdflib

    ds = rdflib.Dataset(default_union=True)
    for f in files:
        ds.parse(f, format=rdflib_format(Path(f)))
    return ds


def triple_count_oxigraph(store) -> int:
    return len(store)
