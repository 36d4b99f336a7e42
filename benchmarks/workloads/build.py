"""``osteokg build`` per stage, and the engines underneath the stages measured alone.

``build_stages`` runs :func:`osteokg.build.build` (writing a release into a temporary
folder) and reports ``BuildResult.timings``. ``stage_engines`` measures, on the same input,
what each stage costs when done by the library underneath it, so a stage much slower than
its engine stands out: YAML composing (``load curation``), pyoxigraph serialisation per
release format (``render release``), a Java VM start (the floor under HermiT).
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from .common import Stopwatch, seeds_path


def build_stages(seeds: str | None = None, reason: bool = True, validate: bool = True,
                 use_java: bool = False) -> tuple[dict, dict]:
    import osteokg
    from osteokg.build import build
    from osteokg.errors import InconsistentOntologyError, ValidationFailed

    info: dict = {"package": str(Path(osteokg.__file__).parent)}
    cpu0 = _cpu_seconds()
    with tempfile.TemporaryDirectory(prefix="osteokg-bench-") as tmp:
        t0 = time.perf_counter()
        try:
            result = build(Path(tmp) / "release", seeds_dir=seeds_path(seeds),
                           validate=validate, reason=reason, use_java=use_java)
        except (ValidationFailed, InconsistentOntologyError) as exc:
            # build() stops at once and keeps no timings; time the same stages one by one,
            # carrying on past the failure, and say so.
            info["build stopped"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
            t0 = time.perf_counter()
            result = _stage_by_stage(Path(tmp) / "release", seeds, reason, validate, use_java)
        total = time.perf_counter() - t0
    metrics = {"total": total, "cpu": _cpu_seconds() - cpu0,
               **{f"stage {k}": v for k, v in result.timings.items()}}
    reasoning = result.reasoning
    if reasoning is not None:
        for k, v in getattr(reasoning, "timings", {}).items():
            metrics[f"reason: {k}"] = v
        info["reasoning"] = reasoning.summary()
    if result.validation is not None:
        info["validation"] = result.validation.summary()
    info["counts"] = result.dataset.counts()
    info["notes"] = result.notes
    return metrics, info


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and of the children it has waited for
    (HermiT's JVM): less sensitive than wall time to other work on a shared machine."""
    import resource

    own, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                      resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _stage_by_stage(out_dir: Path, seeds: str | None, reason: bool, validate: bool,
                    use_java: bool):
    """The stages of :func:`osteokg.build.build`, run one by one, not stopping on a failed
    validation (the report is kept as ``result.validation``)."""
    from osteokg.build import _Stages, compile_all
    from osteokg.compile import graph_iri
    from osteokg.constants import GRAPHS
    from osteokg.release import render, write_release

    stages = _Stages()
    result = compile_all(seeds_dir=seeds_path(seeds), stages=stages)
    if reason:
        from osteokg.reason import reason_dataset

        result.reasoning = stages.run("reason", reason_dataset, result, use_java=use_java)
    if validate:
        from osteokg.validate import validate_store

        result.validation = stages.run("validate", validate_store, result.store)
    graphs = {k: graph_iri(k) for k in (*GRAPHS, *result.dataset.graphs)}
    files = stages.run("render release", lambda: render(
        result.dataset.quads(), graphs, dl_checked=result.dl_checked))
    result.files = stages.run("write release", write_release, files, out_dir)
    result.timings = stages.timings
    return result


def stage_engines(seeds: str | None = None) -> tuple[dict, dict]:
    """The engines under the build stages, on the same input, timed alone."""
    import yaml
    from pyoxigraph import RdfFormat, Store, serialize

    from osteokg import release
    from osteokg.build import compile_all
    from osteokg.compile import graph_iri
    from osteokg.constants import GRAPHS, SEEDS_DIR

    sw = Stopwatch()
    result = compile_all(seeds_dir=seeds_path(seeds))
    try:  # the build renders the dataset with its inferred graph: measure the same input
        from osteokg.reason import reason_dataset

        reason_dataset(result, use_java=False)
    except Exception:  # noqa: BLE001 - no reasoning: the stated graphs only
        pass
    quads = result.dataset.quads()
    seeds_dir = seeds_path(seeds) or SEEDS_DIR
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("**/*.yaml"))]
    with sw("yaml compose (pure-Python SafeLoader)"):
        for t in texts:
            yaml.compose(t, Loader=yaml.SafeLoader)
    if hasattr(yaml, "CSafeLoader"):
        with sw("yaml compose (libyaml CSafeLoader)"):
            for t in texts:
                yaml.compose(t, Loader=yaml.CSafeLoader)
    with sw("osteokg load curation"):
        from osteokg.curation import load_curation

        load_curation(seeds_path(seeds), source=result.source)
    with sw("pyoxigraph bulk_extend"):
        Store().bulk_extend(quads)
    graphs = {k: graph_iri(k) for k in (*GRAPHS, *result.dataset.graphs)}
    with sw("osteokg render release"):
        release.render(quads, graphs, dl_checked=False)
    prefixes = release._used_prefixes(serialize(quads, format=RdfFormat.N_QUADS))
    merged = [q.triple for q in quads]
    for name, fmt, data in (("N-Quads", RdfFormat.N_QUADS, quads),
                            ("TriG", RdfFormat.TRIG, quads),
                            ("Turtle", RdfFormat.TURTLE, merged),
                            ("RDF/XML", RdfFormat.RDF_XML, merged),
                            ("JSON-LD", RdfFormat.JSON_LD, quads)):
        kwargs = {"prefixes": prefixes} if fmt in (RdfFormat.TRIG, RdfFormat.TURTLE) else {}
        with sw(f"pyoxigraph serialise {name}"):
            serialize(data, format=fmt, **kwargs)
    with sw("osteokg canonical order + dedupe (render)"):
        release._unique_triples(release._canonical(quads)[0])
    expanded = serialize(quads, format=RdfFormat.JSON_LD)
    with sw("osteokg JSON-LD compaction (release._jsonld)"):
        release._jsonld(expanded, prefixes)
    with sw("java -version (JVM start)"):
        subprocess.run(["java", "-version"], capture_output=True, check=False)
    return sw.metrics, {"quads": len(quads), "yaml files": len(texts)}


WORKLOADS = {"build_stages": build_stages, "stage_engines": stage_engines}
