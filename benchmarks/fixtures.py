"""What the workloads read, prepared once per benchmark session (outside every clock).

* the seeds: the project's curation when it loads, else the test fixture
  ``tests/resources/mini-seeds`` (the report says which);
* the review graph's release files (N-Quads and OWL), built without Java;
* the external ontologies as Turtle (OBO files converted once, see :mod:`benchmarks.obo2rdf`),
  and an OWL file merging the release's OWL view with a subset of them, for HermiT.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

from .harness import REPO
from .obo2rdf import ontology_files

DEFAULT_ONTOLOGIES = str(REPO.parent / "shared" / "reference" / "*.obo.gz")
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
    notes: list[str] = field(default_factory=list)


def ontology_spec(cli_value: str | None) -> str | None:
    """--ontologies, else $OSTEOKG_BENCH_ONTOLOGIES, else the dev reference files if present."""
    if cli_value is not None:
        return cli_value or None
    env = os.environ.get("OSTEOKG_BENCH_ONTOLOGIES")
    if env is not None:
        return env or None
    return DEFAULT_ONTOLOGIES if glob.glob(DEFAULT_ONTOLOGIES) else None


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
            reason_subset: list[str], log=print) -> Fixtures:
    from pyoxigraph import RdfFormat, parse, serialize

    from osteokg.build import build

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
            triples = list(parse(path=str(fx.release_owl), format=RdfFormat.RDF_XML))
            for p in fx.reason_ontologies:
                triples.extend(parse(path=str(p), format=RdfFormat.TURTLE))
            fx.merged_owl = workdir / "osteokg-with-imports.owl"
            fx.merged_owl.write_bytes(serialize(triples, format=RdfFormat.RDF_XML))
    return fx
