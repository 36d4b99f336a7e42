"""Run the osteokg benchmarks: ``.venv/bin/python -m benchmarks`` (see benchmarks/README.md).

Writes ``benchmarks/results/latest.md`` (tables) and ``benchmarks/results/latest.json``
(every run's raw numbers). ``--quick`` runs every workload once on the test fixture with no
external ontologies: a smoke test of the harness, not a measurement.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .fixtures import MINI_SEEDS, Fixtures, ontology_spec, prepare, ro_spec
from .harness import REPO, Measured, Variant, measure_group

GROUPS = ("build", "load", "queries", "shacl", "reason", "owlcheck")


@dataclass
class Group:
    name: str
    title: str
    variants: list[Variant]
    metric: str  # the metric medians and ratios are shown for
    baseline: str | None = None  # variant key the ratios divide by
    repeats: int = 5
    warmup: int = 1
    notes: list[str] = field(default_factory=list)
    measured: dict[str, Measured] = field(default_factory=dict)


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def plan(fx: Fixtures, args) -> list[Group]:
    """Every comparison of a session, with its repeats (fewer for the slow, big ones)."""
    quick = args.quick
    r = 1 if quick else args.repeats
    big = 1 if quick else max(1, min(args.repeats, 3))
    w = 0 if quick else 1
    seeds = fx.seeds
    review = [str(fx.release_nq)]
    imports = review + [str(p) for p in fx.ontologies]
    groups: list[Group] = []
    java = shutil.which("java") and not args.no_java
    only = set(args.only or GROUPS)

    if "build" in only:
        v = [Variant("build/no-validate", "build_stages", {"seeds": seeds, "validate": False},
                     "osteokg build, no Java, no validation"),
             Variant("build/engines", "stage_engines", {"seeds": seeds},
                     "engines under the stages, alone", warmup=0)]
        if java and not quick:
            v.insert(1, Variant("build/java", "build_stages",
                                {"seeds": seeds, "use_java": True, "validate": False},
                                "osteokg build with HermiT, no validation", repeats=1, warmup=0))
        v.insert(1, Variant("build/full", "build_stages", {"seeds": seeds},
                            "osteokg build as shipped (validation on, no Java)", repeats=1,
                            warmup=0, timeout=args.slow_timeout))
        groups.append(Group("build", "osteokg build of the review graph, per stage", v,
                            "total", None, r, w,
                            notes=["`build as shipped` runs once with a time limit of "
                                   f"{args.slow_timeout:.0f} s (see SHACL below for why)"]))

    if "load" in only:
        v = [Variant("load/review/osteokg", "load", {"engine": "osteokg", "files": review},
                     "osteokg (store.load_files + run_query)"),
             Variant("load/review/pyoxigraph", "load", {"engine": "pyoxigraph", "files": review},
                     "raw pyoxigraph"),
             Variant("load/review/rdflib", "load", {"engine": "rdflib", "files": review},
                     "rdflib memory Dataset")]
        groups.append(Group("load-review", "Load the release (review graph only) + closure "
                            "query, fresh process", v, "load", "load/review/rdflib", r, w))
        if fx.ontologies:
            store_dir = str(fx.workdir / "disk-store")
            setup = measure_group([Variant("load/imports/make-disk", "make_disk_store",
                                           {"files": imports, "store_dir": store_dir},
                                           "build on-disk store (once)")],
                                  repeats=1, warmup=0, log=args.log)
            v = [Variant("load/imports/osteokg", "load", {"engine": "osteokg", "files": imports},
                         "osteokg (store.load_files + run_query)", warmup=0),
                 Variant("load/imports/pyoxigraph", "load",
                         {"engine": "pyoxigraph", "files": imports}, "raw pyoxigraph",
                         warmup=0),
                 Variant("load/imports/rdflib", "load", {"engine": "rdflib", "files": imports},
                         "rdflib memory Dataset", repeats=1, warmup=0),
                 Variant("load/imports/ondisk", "load",
                         {"engine": "ondisk", "files": imports, "store_dir": store_dir},
                         "pyoxigraph on-disk store, opened read-only", repeats=r)]
            g = Group("load-imports", "Load the release + full external ontologies + closure "
                      "query, fresh process", v, "load", "load/imports/rdflib", 2, w,
                      notes=["rdflib: 1 run, no warm-up (several minutes each); no warm-up "
                             "runs for the in-memory engines either: building the on-disk "
                             "store just before reads the same files, so the file cache is "
                             "warm"])
            g.measured.update(setup)
            groups.append(g)

    if "queries" in only:
        it = args.iterations or (3 if quick else 30)
        v = [Variant("queries/review/embedded", "catalogue_latency",
                     {"files": review, "iterations": it, "warmup": 1 if quick else 3},
                     "embedded, review graph", repeats=1, warmup=0)]
        if fx.ontologies and not quick:
            v.append(Variant("queries/imports/embedded", "catalogue_latency",
                             {"files": imports, "iterations": max(5, it // 2), "warmup": 2},
                             "embedded, with imports", repeats=1, warmup=0))
        notes = []
        if _has_module("osteokg.server"):
            v.append(Variant("queries/review/served", "catalogue_latency",
                             {"files": review, "mode": "served", "iterations": it,
                              "warmup": 1 if quick else 3}, "osteokg serve, review graph",
                             repeats=1, warmup=0))
        else:
            notes.append("osteokg serve: src/osteokg/server.py is not in the tree yet - the "
                         "served measurement was skipped")
        groups.append(Group("queries", "Catalogue queries (queries/*.rq), default parameters",
                            v, "", None, 1, 0, notes=notes))

    if "shacl" in only:
        stated = [str(fx.release_stated_nq)]
        turbo = _has_module("pyshacl_turbo")
        one = dict(repeats=1 if quick else 2, warmup=0, timeout=args.slow_timeout)
        v = [Variant("shacl/stated/osteokg/full", "shacl", {"engine": "osteokg", "files": stated},
                     "osteokg validate (pySHACL on pyoxigraph), all shapes", **one),
             Variant("shacl/stated/booltrue/full", "shacl",
                     {"engine": "osteokg-booltrue", "files": stated},
                     "same, with the __bool__ fix", **one),
             Variant("shacl/stated/pyshacl-rdflib/full", "shacl",
                     {"engine": "pyshacl-rdflib", "files": stated},
                     "pySHACL on rdflib Dataset, all shapes", **one)]
        notes = ["1-2 runs each, no warm-up: pySHACL takes tens of seconds here"]
        if turbo:
            v += [Variant("shacl/stated/booltrue/portable", "shacl",
                          {"engine": "osteokg-booltrue", "files": stated,
                           "shape_set": "portable"},
                          "osteokg validate + __bool__ fix, portable shapes", **one),
                  Variant("shacl/stated/turbo/portable", "shacl",
                          {"engine": "turbo", "files": stated, "shape_set": "portable"},
                          "pyshacl-turbo on pyoxigraph, portable shapes")]
        else:
            notes.append("pyshacl-turbo not installed (pip install pyshacl-turbo): the Rust "
                         "engine was not measured")
        groups.append(Group("shacl-stated", "SHACL validation of the review graph without its "
                            "inferred and justifications graphs (stated data)", v, "validate",
                            "shacl/stated/pyshacl-rdflib/full", r, w, notes=notes))
        if not quick:
            v = [Variant("shacl/review/osteokg/full", "shacl",
                         {"engine": "osteokg", "files": review},
                         "osteokg validate, all shapes", repeats=r, warmup=w),
                 Variant("shacl/review/booltrue/full", "shacl",
                         {"engine": "osteokg-booltrue", "files": review},
                         "osteokg validate + __bool__ fix, all shapes", repeats=1, warmup=0,
                         timeout=args.slow_timeout),
                 Variant("shacl/review/pyshacl-rdflib/full", "shacl",
                         {"engine": "pyshacl-rdflib", "files": review},
                         "pySHACL on rdflib Dataset, all shapes", repeats=1, warmup=0,
                         timeout=args.slow_timeout)]
            if args.shacl_baseline:
                v.insert(1, Variant("shacl/review/baseline/full", "shacl",
                                    {"engine": "osteokg-baseline", "files": review,
                                     "rev": args.shacl_baseline},
                                    f"osteokg validate at {args.shacl_baseline}, all shapes",
                                    repeats=r, warmup=w))
            if turbo:
                v.append(Variant("shacl/review/turbo/portable", "shacl",
                                 {"engine": "turbo", "files": review, "shape_set": "portable"},
                                 "pyshacl-turbo, portable shapes", repeats=1, warmup=0,
                                 timeout=args.slow_timeout))
            groups.append(Group("shacl-review", "SHACL validation of the whole review graph "
                                "(with the derived graphs)", v, "validate",
                                "shacl/review/pyshacl-rdflib/full", r, w,
                                notes=["the built graph, as `osteokg build` validates it; "
                                       "pySHACL on rdflib runs once, with the time limit",
                                       "--shacl-baseline REV adds osteokg.validate as it was "
                                       "at REV (git show), timed in the same run"]))
        if fx.ontologies and not quick:
            v = [Variant("shacl/imports/booltrue/full", "shacl",
                         {"engine": "osteokg-booltrue", "files": imports},
                         "osteokg validate + __bool__ fix, all shapes", repeats=1, warmup=0,
                         timeout=args.slow_timeout)]
            if turbo:
                v.append(Variant("shacl/imports/turbo/portable", "shacl",
                                 {"engine": "turbo", "files": imports, "shape_set": "portable"},
                                 "pyshacl-turbo, portable shapes", repeats=1, warmup=0,
                                 timeout=args.slow_timeout))
            groups.append(Group("shacl-imports", "SHACL validation of the review graph + full "
                                "external ontologies", v, "validate", None, 1, 0,
                                notes=["1 run each, no warm-up",
                                       "pySHACL on rdflib not run with the imports: loading "
                                       "them into rdflib alone takes ~2 minutes (see load)"]))

    if "reason" in only:
        v = [Variant("reason/review/materialise", "materialise", {"seeds": seeds},
                     "osteokg materialisation (Python)")]
        if java:
            v.append(Variant("reason/review/hermit", "hermit", {"owl": str(fx.release_owl)},
                             "HermiT via owlready2 (JVM start included)",
                             repeats=big, timeout=300))
        groups.append(Group("reason-review", "Reasoning on the review graph", v,
                            "", None, r, w, notes=[] if java else ["no Java: HermiT skipped"]))
        if fx.ontologies and not quick:
            v = [Variant("reason/imports/materialise", "materialise",
                         {"seeds": seeds, "ontologies": [str(p) for p in fx.ontologies]},
                         "osteokg materialisation, full imports", repeats=1, warmup=0,
                         timeout=max(args.slow_timeout, 240))]
            if java and fx.merged_owl:
                v.append(Variant("reason/imports/hermit", "hermit", {"owl": str(fx.merged_owl)},
                                 "HermiT, review graph + "
                                 + ", ".join(p.name.split("-")[0] for p in fx.reason_ontologies),
                                 repeats=1, warmup=0, timeout=420))
            groups.append(Group("reason-imports", "Reasoning with the external ontologies", v,
                                "", None, big, 0,
                                notes=["1 run each, no warm-up (over a minute each)",
                                       "HermiT gets a subset of the imports (--reason-ontologies"
                                       f" {','.join(args.reason_ontologies)}): by default the "
                                       "ontologies of the review's cells, anatomy and "
                                       "processes; the others were not timed with HermiT"]))
    if "owlcheck" in only:
        groups.append(_owlcheck_group(fx, args, java=bool(java), seeds=seeds, repeats=big))
    return groups


def _owlcheck_group(fx: Fixtures, args, *, java: bool, seeds, repeats: int) -> Group:
    """The OWL checks of tests/test_owl_consistency.py and the agreement check, timed: which
    reasoner finishes on what (README, "Reasoning")."""
    rustdl = _has_module("rustdl")
    v: list[Variant] = []
    files = [("alone", fx.release_owl, "the release's osteokg.owl")]
    if fx.merged_ro_owl and not args.quick:
        files.append(("ro", fx.merged_ro_owl, "osteokg.owl + full RO"))
    if fx.merged_owl and not args.quick:
        names = " + ".join(p.name.split("-")[0].upper() for p in fx.reason_ontologies)
        files.append(("obo", fx.merged_owl, f"osteokg.owl + {names}"))
    for name, owl, title in files:
        if java:
            # HermiT beside RO is measured to its time limit: that it does not finish is the
            # reason rustdl checks that file
            v.append(Variant(f"owlcheck/{name}/hermit", "owlcheck",
                             {"owl": str(owl), "reasoner": "hermit"}, f"HermiT, {title}",
                             repeats=1 if name != "alone" else repeats, warmup=0,
                             timeout=600))
        if rustdl:
            v.append(Variant(f"owlcheck/{name}/rustdl", "owlcheck",
                             {"owl": str(owl), "reasoner": "rustdl"}, f"rustdl, {title}",
                             repeats=1 if name != "alone" else repeats, warmup=0,
                             timeout=600))
    if java:
        v.append(Variant("owlcheck/agreement", "agreement", {"seeds": seeds},
                         "agreement: HermiT vs the materialiser, every edge", repeats=1,
                         warmup=0, timeout=600))
    notes = ["1 run each beside the reference ontologies, no warm-up; time limit 600 s"]
    if not java:
        notes.append("no Java: HermiT skipped")
    if not rustdl:
        notes.append("rustdl not installed (pip install 'osteokg[owlcheck]'): skipped")
    return Group("owlcheck", "OWL consistency beside the reference ontologies, and agreement",
                 v, "", None, repeats, 0, notes=notes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    ap.add_argument("--ontologies", help="external ontology files or globs, separated by "
                    "':' (OBO converted to Turtle once); default $OSTEOKG_BENCH_ONTOLOGIES, "
                    "else ../shared/reference/*.obo.gz when present; '' for none")
    ap.add_argument("--reason-ontologies", default="cl,uberon,go",
                    help="names of the ontologies HermiT gets with the review graph")
    ap.add_argument("--ro", help="the RO release (RDF/XML, may be gzipped) the OWL checks "
                    "load beside the review graph; default $OSTEOKG_BENCH_RO, else "
                    "../shared/reference/ro.owl.gz when present; '' for none")
    ap.add_argument("--seeds", help="curation folder (default: the project's seeds/, or the "
                    "test fixture if they do not load)")
    ap.add_argument("--repeats", type=int, default=3, help="measured runs per variant")
    ap.add_argument("--iterations", type=int, help="runs per catalogue query (30; 3 with "
                    "--quick)")
    ap.add_argument("--only", nargs="*", choices=GROUPS, help="run only these workloads")
    ap.add_argument("--no-java", action="store_true", help="skip HermiT")
    ap.add_argument("--shacl-baseline", metavar="REV",
                    help="also time src/osteokg/validate.py as it was at this git revision "
                         "on the whole review graph (a validator change vs what it replaces)")
    ap.add_argument("--slow-timeout", type=float, default=100,
                    help="time limit (s) of one run of the slowest variants")
    ap.add_argument("--quick", action="store_true", help="one run of everything on the test "
                    "fixture, no external ontologies (smoke test)")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results",
                    help="where latest.md and latest.json go")
    args = ap.parse_args(argv)
    args.reason_ontologies = [s for s in args.reason_ontologies.split(",") if s]

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    args.log = log
    started = time.time()
    workdir = Path(tempfile.mkdtemp(prefix="osteokg-bench-"))
    try:
        log("preparing fixtures")
        spec = None if args.quick else ontology_spec(args.ontologies)
        seeds = str(MINI_SEEDS) if args.quick and not args.seeds else args.seeds
        fx = prepare(workdir, seeds=seeds, ontologies=spec,
                     reason_subset=args.reason_ontologies,
                     ro=None if args.quick else ro_spec(args.ro), log=log)
        groups = plan(fx, args)
        for g in groups:
            log(f"{g.name}: {g.title}")
            g.measured.update(measure_group(g.variants, repeats=g.repeats, warmup=g.warmup,
                                            log=log))
        from .report import write_reports

        md, js = write_reports(groups, fx, args, elapsed=time.time() - started,
                               environment=_environment())
        log(f"wrote {md} and {js} in {time.time() - started:.0f} s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _environment() -> dict:
    import os

    versions = {}
    for dist in ("pyoxigraph", "rdflib", "pyshacl", "pyshacl-turbo", "owlready2", "PyYAML"):
        try:
            from importlib.metadata import version

            versions[dist] = version(dist)
        except Exception:
            versions[dist] = None
    return {"python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "packages": versions,
            "git": _git_head()}


def _git_head() -> str | None:
    import subprocess

    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except Exception:
        return None


if __name__ == "__main__":
    raise SystemExit(main())
