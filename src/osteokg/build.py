"""The pipeline: seed -> normalised text -> curation -> graphs -> validation -> reasoning ->
release files. ``osteokg build`` runs it and prints what it did."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Store

from .compile import Dataset, compile_dataset, graph_iri
from .constants import DEFAULT_RELEASE_DIR, GRAPHS
from .curation import Curation, load_curation
from .store import new_store
from .text import SourceText, load_source


@dataclass
class BuildResult:
    source: SourceText
    curation: Curation
    dataset: Dataset
    store: Store
    timings: dict[str, float] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    validation: object | None = None
    reasoning: object | None = None
    dl_checked: bool = False
    notes: list[str] = field(default_factory=list)


class _Stages:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def run(self, name: str, fn: Callable, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0


def compile_all(*, seeds_dir: Path | None = None, stages: _Stages | None = None) -> BuildResult:
    """Normalise, load the curation and compile the graphs (no validation, no reasoning)."""
    stages = stages or _Stages()
    source = stages.run("normalise", load_source)
    curation = stages.run("load curation", load_curation, seeds_dir, source=source)
    dataset = stages.run("compile", compile_dataset, curation)
    store = stages.run("load store", lambda: new_store(dataset.iter_quads()))
    return BuildResult(source, curation, dataset, store, stages.timings)


def build(out_dir: Path | None = DEFAULT_RELEASE_DIR, *, seeds_dir: Path | None = None,
          validate: bool = True, reason: bool = True, use_java: bool = True) -> BuildResult:
    """Run the whole pipeline; write the release into ``out_dir`` (None: write nothing).

    Stops with :class:`~osteokg.errors.ValidationFailed` on SHACL violations and
    :class:`~osteokg.errors.InconsistentOntologyError` when the reasoner finds the ontology
    inconsistent; in both cases nothing is written.
    """
    stages = _Stages()
    if out_dir is not None:
        from .release import check_release_dir

        check_release_dir(Path(out_dir))  # before the work, not after it
    result = compile_all(seeds_dir=seeds_dir, stages=stages)
    if reason:
        from .reason import reason_dataset

        result.reasoning = stages.run("reason", reason_dataset, result, use_java=use_java)
    if validate:
        from .validate import validate_build

        result.validation = stages.run("validate", validate_build, result,
                                       store=result.store)
    if out_dir is not None:
        from .mappings import render_sssom
        from .release import render, write_release

        graphs = {k: graph_iri(k) for k in (*GRAPHS, *result.dataset.graphs)}
        kgx = stages.run("render kgx", _kgx_files, result.store)  # listed in the manifest
        files = stages.run("render release", lambda: render(
            result.dataset.quads(), graphs, dl_checked=result.dl_checked,
            extra={"sssom": render_sssom(result.curation.mappings), **kgx}))
        result.files = stages.run("write release", write_release, files, Path(out_dir))
    result.timings = stages.timings
    return result


def _kgx_files(store: Store) -> dict[str, bytes]:
    """The KGX nodes and edges files of the release (release key -> bytes)."""
    from .kgx import EDGES_FILE, NODES_FILE, render_kgx

    rendered = render_kgx(store)
    return {"kgx_nodes": rendered[NODES_FILE], "kgx_edges": rendered[EDGES_FILE]}
