"""Reasoning: HermiT through owlready2 (JVM start included) and osteokg's materialisation.

``hermit`` runs :func:`osteokg.reason.run_hermit` on an OWL (RDF/XML) file: the release's
OWL view, or that view merged with external ontologies. ``materialise`` runs
:func:`osteokg.reason.materialise_dataset` on the compiled dataset, with the external
ontologies' triples added to its ``imports`` graph when given - the job that ``osteokg
build`` does without Java. ``owlcheck`` gives an OWL file to HermiT or rustdl for
consistency and unsatisfiable classes (the checks of tests/test_owl_consistency.py), and
``agreement`` runs :func:`osteokg.reason.agreement` (HermiT with probe classes and the
model individuals realised) against the materialised edges.
"""

from __future__ import annotations

from pathlib import Path

from osteokg.prefixes import compress

from .common import Stopwatch, seeds_path


def hermit(owl: str) -> tuple[dict, dict]:
    from osteokg.reason import run_hermit

    sw = Stopwatch()
    with sw("hermit (JVM start, load, classify)"):
        result = run_hermit(Path(owl))
    return sw.metrics, {"consistent": result.consistent,
                        "unsatisfiable": len(result.unsatisfiable),
                        "new subClassOf edges": len(result.new_subclass_edges),
                        "hermit's own clock": result.seconds}


def materialise(seeds: str | None = None, ontologies: list[str] | None = None,
                ) -> tuple[dict, dict]:
    from pyoxigraph import RdfFormat, parse

    from osteokg.build import compile_all
    from osteokg.reason import materialise_dataset

    result = compile_all(seeds_dir=seeds_path(seeds))
    for f in ontologies or []:
        result.dataset.extend("imports", parse(path=f, format=RdfFormat.TURTLE))
    sw = Stopwatch()
    with sw("materialise"):
        m = materialise_dataset(result.dataset)
    return sw.metrics, {"inferred edges": len(m.inferred), "rules": m.rule_counts(),
                        "imports triples": len(result.dataset.graphs.get("imports", []))}


def owlcheck(owl: str, reasoner: str) -> tuple[dict, dict]:
    from osteokg.reason import hermit_check, run_rustdl

    check = {"hermit": hermit_check, "rustdl": run_rustdl}[reasoner]
    sw = Stopwatch()
    with sw(f"{reasoner} (load, consistency, unsatisfiable classes)"):
        found = check(Path(owl))
    return sw.metrics, {"consistent": found.consistent,
                        "unsatisfiable": ", ".join(map(compress, found.unsatisfiable)) or "none"}


def agreement(seeds: str | None = None) -> tuple[dict, dict]:
    from osteokg.build import compile_all
    from osteokg.reason import agreement as check
    from osteokg.reason import materialise_dataset

    result = compile_all(seeds_dir=seeds_path(seeds))
    m = materialise_dataset(result.dataset)
    sw = Stopwatch()
    with sw("agreement (HermiT: probes, realisation; witnesses)"):
        found = check(result.dataset, m)
    return sw.metrics, {"probes": found.probes, "edges": found.checked_edges,
                        "through a class": found.by_class,
                        "through model individuals": found.by_individual,
                        "unjustified": len(found.unjustified), "missing": len(found.missing),
                        "left out by design": {k: len(v) for k, v in found.left_out.items()},
                        "hermit's own clock": found.seconds}


WORKLOADS = {"hermit": hermit, "materialise": materialise, "owlcheck": owlcheck,
             "agreement": agreement}
