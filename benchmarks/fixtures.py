"""What the workloads read, prepared once per benchmark session (outside every clock).

* the seeds: the project's curation when it loads, else the test fixture
  ``tests/resources/mini-seeds`` (the report says which);
* the review graph's release files (N-Quads and OWL), built without Java;
* the external ontologies as Turtle (OBO files converted once, see :mod:`benchmarks.obo2rdf`),
  and an OWL file merging the release's OWL view with a subset of them, for HermiT;
* the release's OWL view merged with the full RO release (``--ro``), for the consistency
  checks beside RO.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

from .harness import REPO
from .obo2rdf import ontology_files

DEFAULT_ONTOLOGIES = str(REPO.parent / "shared" / "reference" / "*.obo.gz")
DEFAULT_RO = REPO.parent / "shared" / "reference" / "ro.owl.gz"
MINI_SEEDS = REPO / "tests" / "resources" / "mini-seeds"


@dataclass
class Fixtures:
    workdir: Path
    seeds: str | None  # None: the project's seeds
    seeds_note: str
    release_nq: Path
    release_owl: Path
    release_stated_nq: Path | None = None  # release minus derived graphs
    ontologies: list[Path] = field(default_factory=list)
    reason_ontologies: list[Path] = field(default_factory=list)
    merged_owl: Path | None = None
    merged_ro_owl: Path | None = None  # the release's OWL view + the full RO release
    notes: list[str] = field(default_factory=list)


def ontology_spec(cli_value: str | None) -> str | None:
    """--ontologies, else $OSTEOKG_BENCH_ONTOLOGIES, else the dev reference files if present."""
    if cli_value is not None:
        return cli_value or None
    env = os.environ.get("OSTEOKG_BENCH_ONTOLOGIES")
    if env is not None:
        return env or None
    return DEFAULT_ONTOLOGIES if glob.glob(DEFAULT_ONTOLOGIES) else None


def ro_spec(cli_value: str | None) -> Path | None:
    """--ro, else $OSTEOKG_BENCH_RO, else the dev reference ro.owl.gz if present."""
    value = cli_value if cli_value is not None else os.environ.get("OSTEOKG_BENCH_RO")
    if value is not None:
        return Path(value) if value else None
    return DEFAULT_RO if DEFAULT_RO.is_file() else None


def choose_seeds(cli_value: str | None) -> tuple[str | None, str]:
    from osteokg.build import compile_all
    from osteokg.errors import OsteoKGError

    if cli_value:
        return cli_value, f"seeds: {cli_value}"
    try:
        compile_all()
        return None, "seeds: the project's curation (seeds/)"
    except OsteoKGError as exc:
        first = str(exc).splitlines()[0]
        return str(MINI_SEEDS), ("seeds: tests/resources/mini-seeds - the project's curation "
                                 f"did not load ({first})")


def prepare(workdir: Path, *, seeds: str | None, ontologies: str | None,
            reason_subset: list[str], ro: Path | None = None, log=print) -> Fixtures:
    from pyoxigraph import RdfFormat, parse, serialize

    from osteokg.build import build
    from osteokg.reason import merge_owl

    seeds, seeds_note = choose_seeds(seeds)
    log(f"  {seeds_note}")
    notes: list[str] = []
    release_dir = workdir / "release"
    seeds_dir = Path(seeds) if seeds else None
    try:
        build(release_dir, seeds_dir=seeds_dir, validate=False, reason=True, use_java=False)
    except Exception as exc:  # reasoning is someone else's module: fall back, say so
        notes.append(f"release fixture built without reasoning ({type(exc).__name__}: "
                     f"{str(exc).splitlines()[0] if str(exc) else ''})")
        build(release_dir, seeds_dir=seeds_dir, validate=False, reason=False)
    fx = Fixtures(workdir, seeds, seeds_note, release_dir / "osteokg.nq",
                  release_dir / "osteokg.owl", notes=notes)
    from osteokg.constants import GRAPHS

    derived = {GRAPHS["inferred"], GRAPHS["justifications"]}
    quads = [q for q in parse(path=str(fx.release_nq), format=RdfFormat.N_QUADS)
             if getattr(q.graph_name, "value", None) not in derived]
    fx.release_stated_nq = workdir / "osteokg-stated.nq"
    fx.release_stated_nq.write_bytes(serialize(quads, format=RdfFormat.N_QUADS))
    if ontologies:
        log(f"  external ontologies: {ontologies} (converted once, cached)")
        fx.ontologies = ontology_files(ontologies)
        fx.reason_ontologies = [p for p in fx.ontologies
                                if any(p.name.startswith(s + "-") or p.stem == s
                                       for s in reason_subset)]
        if fx.reason_ontologies:
            fx.merged_owl = merge_owl([fx.release_owl, *fx.reason_ontologies],
                                      workdir / "osteokg-with-imports.owl")
    if ro is not None:
        log(f"  RO: {ro}")
        fx.merged_ro_owl = merge_owl([fx.release_owl, ro], workdir / "osteokg-with-ro.owl")
    return fx
