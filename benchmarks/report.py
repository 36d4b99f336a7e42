"""Turn measured groups into ``latest.md`` (tables, targets, slow spots) and ``latest.json``."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from .harness import Measured


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _sum(*values):
    """Sum of medians, None if any is missing."""
    return None if any(v is None for v in values) else sum(values)


def _s(x: float | None) -> str:
    if x is None:
        return "—"
    if x < 0.01:
        return f"{x * 1000:.2f} ms"
    if x < 1:
        return f"{x * 1000:.0f} ms"
    return f"{x:.2f} s"


def _ratio(x: float | None, base: float | None) -> str:
    if x is None or not base:
        return "—"
    return f"{x / base:.2f}×"


def _runs(m: Measured) -> str:
    ok = len(m.ok_runs)
    return f"{m.warmups}+{ok}" if not m.error() else f"{m.warmups}+{ok} (failed)"


def _metric_of(m: Measured, metric: str) -> str:
    if metric:
        return metric
    for r in m.ok_runs:
        for k, v in r.metrics.items():
            if isinstance(v, (int, float)):
                return k
    return ""


def _info(m: Measured, keys: tuple[str, ...]) -> str:
    if m.error():
        return f"**failed**: {m.error()}"
    info = m.ok_runs[-1].info if m.ok_runs else {}
    parts = [f"{k}: {info[k]}" for k in keys if k in info and info[k] not in (None, [], {})]
    return "; ".join(parts)


def group_table(g) -> list[str]:
    lines = [f"### {g.title}", ""]
    for n in g.notes:
        lines.append(f"- {n}")
    if g.notes:
        lines.append("")
    if g.name == "queries":
        return lines + query_table(g)
    if g.name == "build":
        return lines + build_tables(g)
    base = g.measured.get(g.baseline) if g.baseline else None
    metric0 = g.metric
    base_v = base.median(metric0) if base and metric0 else None
    lines += [f"| variant | median {metric0 or 'time'} | vs {_label(base) if base else '—'} "
              "| other medians | peak RSS | runs (warm-up+measured) | details |",
              "|---|---:|---:|---|---:|---:|---|"]
    for key, m in g.measured.items():
        metric = _metric_of(m, metric0)
        med = m.median(metric) if metric else None
        others = sorted({k for r in m.ok_runs for k, v in r.metrics.items()
                         if isinstance(v, (int, float)) and k != metric})
        other = ", ".join(f"{k} {_s(m.median(k))}" for k, in ((o,) for o in others))
        peak = m.peak_mb()
        lines.append(f"| {_label(m)} | {_s(med)} | {_ratio(med, base_v)} | {other} | "
                     f"{f'{peak:.0f} MB' if peak else '—'} | {_runs(m)} | "
                     f"{_info(m, ('triples', 'closure rows', 'answer digest', 'summary', 'violations', 'results', 'verdict digest', 'dropped constraints', 'consistent', 'unsatisfiable', 'new subClassOf edges', 'inferred edges', 'imports triples', 'probes', 'edges', 'unjustified', 'missing', 'left out by design'))} |")
    return lines + [""]


def _label(m: Measured) -> str:
    return m.variant.label or m.variant.key


def build_tables(g) -> list[str]:
    builds = [m for m in g.measured.values() if m.variant.workload == "build_stages"]
    lines = ["| stage | " + " | ".join(_label(m) for m in builds) + " |",
             "|---|" + "---:|" * len(builds)]
    stages: list[str] = []
    for m in builds:
        for r in m.ok_runs:
            for k in r.metrics:
                if k not in stages:
                    stages.append(k)
    for k in stages:
        lines.append(f"| {k} | " + " | ".join(_s(m.median(k)) for m in builds) + " |")
    lines.append("| peak RSS | " + " | ".join(f"{m.peak_mb() or 0:.0f} MB" for m in builds) + " |")
    lines.append("| runs (warm-up+measured) | " + " | ".join(_runs(m) for m in builds) + " |")
    for m in builds:
        if m.error():
            lines.append(f"\n{_label(m)}: **failed**: {m.error()}")
        elif m.ok_runs:
            info = m.ok_runs[-1].info
            for k in ("build stopped", "reasoning", "validation"):
                if info.get(k):
                    lines.append(f"\n{_label(m)} - {k}: {info[k]}")
    eng = [m for m in g.measured.values() if m.variant.workload == "stage_engines"]
    if eng:
        m = eng[0]
        lines += ["", "Engines underneath the stages, same input, timed alone "
                  f"(medians of {len(m.ok_runs)} runs):", "",
                  "| operation | median |", "|---|---:|"]
        names = [k for r in m.ok_runs[:1] for k in r.metrics]
        lines += [f"| {k} | {_s(m.median(k))} |" for k in names]
        if m.error():
            lines.append(f"\n**failed**: {m.error()}")
    return lines + [""]


def query_table(g) -> list[str]:
    ms = list(g.measured.values())
    names: list[str] = []
    for m in ms:
        for r in m.ok_runs:
            names += [k for k in r.metrics if k not in names]
    head = "| query | " + " | ".join(f"{_label(m)}: rows, p50, p95" for m in ms) + " |"
    lines = [head, "|---|" + "---:|" * len(ms)]
    for k in sorted(names):
        cells = []
        for m in ms:
            samples = m.samples(k)
            rows = m.ok_runs[-1].info.get("rows", {}).get(k[2:]) if m.ok_runs else None
            cells.append(f"{rows if rows is not None else '—'}, {_s(statistics.median(samples)) if samples else '—'}, {_s(p95(samples))}")
        lines.append(f"| {k[2:]} | " + " | ".join(cells) + " |")
    for m in ms:
        errors = m.ok_runs[-1].info.get("errors") if m.ok_runs else None
        n = len(m.ok_runs[-1].metrics) if m.ok_runs else 0
        it = m.variant.params.get("iterations")
        lines.append(f"\n{_label(m)}: {n} queries × {it} runs after {m.variant.params.get('warmup')} "
                     f"warm-up runs each; peak RSS {m.peak_mb() or 0:.0f} MB"
                     + (f"; triples {m.ok_runs[-1].info['triples']}"
                        if m.ok_runs and m.ok_runs[-1].info.get("triples") else ""))
        if m.error():
            lines.append(f"**failed**: {m.error()}")
        for name, e in (errors or {}).items():
            lines.append(f"- `{name}` failed: {e}")
    return lines + [""]


# --- targets and slow spots ------------------------------------------------------------


def _find(groups, key: str) -> Measured | None:
    for g in groups:
        if key in g.measured:
            return g.measured[key]
    return None


def _med(groups, key: str, metric: str) -> float | None:
    m = _find(groups, key)
    return m.median(metric) if m else None


def targets(groups) -> list[dict]:
    out: list[dict] = []

    def add(name, value, ok, detail):
        out.append({"target": name, "measured": value, "met": ok, "detail": detail})

    ox = _med(groups, "load/imports/osteokg", "load")
    raw = _med(groups, "load/imports/pyoxigraph", "load")
    rl = _med(groups, "load/imports/rdflib", "load")
    if ox and raw:
        add("osteokg load within 1.1× of raw pyoxigraph (full imports)", f"{ox / raw:.2f}×",
            ox / raw <= 1.1, f"{_s(ox)} vs {_s(raw)}")
    if ox and rl:
        add("osteokg load ≥ 9× faster than rdflib (full imports)", f"{rl / ox:.1f}×",
            rl / ox >= 9, f"rdflib {_s(rl)} vs osteokg {_s(ox)}")
    oxq = _med(groups, "load/imports/osteokg", "load + closure query")
    rlq = _med(groups, "load/imports/rdflib", "load + closure query")
    if oxq and rlq:
        add("load + closure query, osteokg vs rdflib (fresh process)", f"{rlq / oxq:.1f}×",
            rlq / oxq >= 9, f"rdflib {_s(rlq)} vs osteokg {_s(oxq)}")
    digests = {k: (_find(groups, k).ok_runs[-1].info.get("answer digest")
                   if _find(groups, k) and _find(groups, k).ok_runs else None)
               for k in ("load/imports/osteokg", "load/imports/pyoxigraph",
                         "load/imports/rdflib", "load/imports/ondisk")}
    present = {k: v for k, v in digests.items() if v}
    if len(present) > 1:
        add("closure query: same answer from every engine", ", ".join(
            f"{k.split('/')[-1]} {v}" for k, v in present.items()),
            len(set(present.values())) == 1, "digest of the sorted (class, label) rows")
    b = _find(groups, "build/no-java")
    if b and b.ok_runs:
        t = b.median("total")
        add("osteokg build of the review graph < 3 s (no JVM)", _s(t), t < 3,
            "median of the whole build incl. reasoning (materialisation), validation, release")
    q = _find(groups, "queries/review/embedded")
    if q and q.ok_runs:
        p50s = {k[2:]: statistics.median(q.samples(k)) for k in q.ok_runs[-1].metrics}
        slow = {k: v for k, v in p50s.items() if v >= 0.005}
        add("every catalogue query < 5 ms p50 on the review graph",
            f"{len(p50s) - len(slow)}/{len(p50s)} under 5 ms", not slow,
            ", ".join(f"{k} {_s(v)}" for k, v in sorted(slow.items(), key=lambda x: -x[1]))
            or "all under")
    new = _med(groups, "shacl/review/osteokg/full", "validate")
    base = _med(groups, "shacl/review/baseline/full", "validate")
    if new and base:
        add("validate the built graph within 1.5× of the baseline (--shacl-baseline)",
            f"{new / base:.2f}×", new / base <= 1.5, f"{_s(new)} vs {_s(base)}")
    rdflib_run = _find(groups, "shacl/review/pyshacl-rdflib/full")
    if new and rdflib_run is not None:
        slow = _med(groups, "shacl/review/pyshacl-rdflib/full", "validate")
        bound = slow or rdflib_run.variant.timeout  # timed out: at least the time limit
        add("validate the built graph ≥ 10× faster than pySHACL on rdflib",
            f"{'' if slow else '≥ '}{bound / new:.0f}×", bound / new >= 10,
            f"pySHACL on rdflib {_s(slow) if slow else 'timed out after ' + _s(bound)} "
            f"vs osteokg {_s(new)}")
    for g in groups:
        if not g.name.startswith("shacl"):
            continue
        by_set: dict[str, dict[str, str]] = {}
        for k, m in g.measured.items():
            if m.ok_runs:
                by_set.setdefault(m.variant.params.get("shape_set", "full"), {})[
                    m.variant.params["engine"]] = (f"{m.ok_runs[-1].info.get('violations')} "
                                                   f"violations / {m.ok_runs[-1].info.get('results')} results, "
                                                   f"{m.ok_runs[-1].info.get('verdict digest')}")
        for shape_set, verdicts in by_set.items():
            if len(verdicts) > 1:
                digests_ = {v.rsplit(", ", 1)[1] for v in verdicts.values()}
                add(f"identical SHACL verdicts ({g.name}, {shape_set} shapes)",
                    "; ".join(f"{e}: {v}" for e, v in verdicts.items()), len(digests_) == 1,
                    "digest of (focus, severity, component, shape, constraint, path, value)"
                    + _constraint_diff(g, shape_set))
    return out


def _yaml_cause(pure: float | None) -> str:
    import inspect

    try:
        import osteokg.curation as cur

        uses_c = "CSafeLoader" in inspect.getsource(cur)
    except Exception:
        uses_c = False
    if uses_c:
        return ("curation.py already composes with libyaml (CSafeLoader); the rest is its "
                f"checks (the pure-Python composer would take {_s(pure)})")
    return (f"curation.py composes YAML with the pure-Python SafeLoader ({_s(pure)}); "
            "yaml.CSafeLoader gives the same nodes and line marks")


def _constraint_diff(g, shape_set: str) -> str:
    """Where engines disagree: result counts per constraint that differ between them."""
    counts = {m.variant.params["engine"]: m.ok_runs[-1].info.get("by constraint", {})
              for m in g.measured.values()
              if m.ok_runs and m.variant.params.get("shape_set", "full") == shape_set}
    keys = sorted({k for c in counts.values() for k in c})
    diff = [f"{k}: " + " vs ".join(f"{e} {c.get(k, 0)}" for e, c in counts.items())
            for k in keys if len({c.get(k, 0) for c in counts.values()}) > 1]
    return ("; differing: " + "; ".join(diff)) if diff else ""


def slow_spots(groups) -> list[dict]:
    """Stages more than 2× slower than the engine under them (or a better engine)."""
    out: list[dict] = []

    def check(stage, slow, fast, slow_name, fast_name, cause):
        if slow and fast:
            out.append({"stage": stage, "slow": f"{slow_name} {_s(slow)}",
                        "fast": f"{fast_name} {_s(fast)}", "ratio": round(slow / fast, 1),
                        "over 2×": slow / fast > 2, "likely cause": cause})

    eng = _find(groups, "build/engines")
    b = _find(groups, "build/no-java")
    if eng and eng.ok_runs:
        e = eng.median
        check("load curation", e("osteokg load curation"),
              e("yaml compose (libyaml CSafeLoader)"), "osteokg load_curation",
              "libyaml compose of the same files",
              _yaml_cause(e('yaml compose (pure-Python SafeLoader)')))
        serial = sum(filter(None, (e(f"pyoxigraph serialise {n}") for n in
                                   ("N-Quads", "TriG", "Turtle", "RDF/XML", "JSON-LD"))))
        check("render release", e("osteokg render release"), serial, "osteokg render",
              "pyoxigraph serialising the same five formats",
              f"JSON-LD compaction {_s(e('osteokg JSON-LD compaction (release._jsonld)'))}; "
              f"canonical order and deduplication "
              f"{_s(e('osteokg canonical order + dedupe (render)'))}; SHA-256 of every file; "
              "the rest is serialising five formats")
        check("render release: JSON-LD",
              _sum(e("pyoxigraph serialise JSON-LD"),
                   e("osteokg JSON-LD compaction (release._jsonld)")),
              e("pyoxigraph serialise JSON-LD"), "pyoxigraph JSON-LD + osteokg compaction",
              "pyoxigraph JSON-LD serialiser alone",
              "CURIE compaction of the expanded text (one pass over the distinct strings)")
        if b and b.ok_runs:
            check("load store", b.median("stage load store"), e("pyoxigraph bulk_extend"),
                  "build stage", "pyoxigraph bulk_extend of the same quads",
                  "the stage also builds the quad list (Dataset.quads())")
    check("validate: osteokg's pySHACL wrapper", _med(groups, "shacl/stated/osteokg/full",
                                                       "validate"),
          _med(groups, "shacl/stated/booltrue/full", "validate"), "osteokg validate",
          "the same with __bool__ fixed",
          "pySHACL evaluates `datagraph or shapes_graph` for every (intermediate) result; on "
          "pyshacl's OxigraphDataGraph truthiness falls back to __len__, a COUNT(DISTINCT "
          "TRIPLE(?s,?p,?o)) over the whole store: cost = results x store size. Fix: "
          "`__bool__` returning True in validate._shacl_store's _DataGraph")
    check("validate vs the obvious alternative", _med(groups, "shacl/stated/osteokg/full",
                                                      "validate"),
          _med(groups, "shacl/stated/pyshacl-rdflib/full", "validate"), "osteokg validate",
          "pySHACL on an rdflib Dataset", "as above")
    for scope in ("stated", "review", "imports"):
        check(f"validate ({scope}): pySHACL vs Rust engine",
              _med(groups, f"shacl/{scope}/booltrue/portable", "validate")
              or _med(groups, f"shacl/{scope}/booltrue/full", "validate"),
              _med(groups, f"shacl/{scope}/turbo/portable", "validate"),
              "pySHACL on pyoxigraph (with the __bool__ fix)", "pyshacl-turbo",
              "pySHACL evaluates Core constraints node by node in Python (see the verdict "
              "check before switching engines)")
    h = _find(groups, "reason/review/hermit")
    if h and eng and h.ok_runs:
        hm = h.median(_metric_of(h, ""))
        check("reason: HermiT (review graph)", hm, eng.median("java -version (JVM start)"),
              "HermiT via owlready2", "a bare JVM start (java -version)",
              "owlready2 loads the ontology into its SQLite quadstore, writes it out again "
              "as N-Triples and starts a JVM for HermiT each time")
    ol = _med(groups, "load/imports/osteokg", "load")
    raw = _med(groups, "load/imports/pyoxigraph", "load")
    check("load with imports", ol, raw, "osteokg load_files", "raw pyoxigraph bulk_load",
          "none expected: load_files is a thin wrapper")
    se = _find(groups, "queries/review/served")
    em = _find(groups, "queries/review/embedded")
    if se and em and se.ok_runs and em.ok_runs:
        a = statistics.median([statistics.median(se.samples(k)) for k in se.ok_runs[-1].metrics])
        z = statistics.median([statistics.median(em.samples(k)) for k in em.ok_runs[-1].metrics])
        check("queries through osteokg serve", a, z, "served (median of p50s)",
              "embedded (median of p50s)", "HTTP round trip and result parsing")
    return out


def write_reports(groups, fx, args, *, elapsed: float, environment: dict) -> tuple[Path, Path]:
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    tg = targets(groups)
    ss = slow_spots(groups)
    onto = ", ".join(p.name.split("-")[0] for p in fx.ontologies) or "none"
    triples = None
    m = _find(groups, "load/imports/osteokg")
    if m and m.ok_runs:
        triples = m.ok_runs[-1].info.get("triples")
    lines = [
        "# osteokg benchmarks: latest run", "",
        f"- run: {time.strftime('%Y-%m-%d %H:%M %Z')}, commit {environment.get('git')}, "
        f"{elapsed:.0f} s in all{' (--quick: a smoke test, not a measurement)' if args.quick else ''}",
        f"- machine: {environment['cpus']} CPUs, {environment['machine']}, Python "
        f"{environment['python']}; " + ", ".join(f"{k} {v}" for k, v in
                                                 environment["packages"].items() if v),
        f"- {fx.seeds_note}",
        f"- external ontologies: {onto}" + (f" ({triples:,} triples with the release)"
                                            if triples else ""),
        *[f"- {n}" for n in fx.notes],
        "- method: every run is a fresh process; variants of a comparison run round-robin; "
        "figures are medians of the measured runs after the warm-up runs; ratios divide "
        "medians measured in this same session; peak RSS is the larger of the run's own "
        "high-water mark (VmHWM) and that of the processes it waited for (HermiT's JVM, the "
        "Oxigraph server). The machine is shared (2 cores, other jobs running): read "
        "ratios, not absolute times.", "",
        "## Targets", "", "| target | measured | met | detail |", "|---|---|---|---|",
    ]
    for t in tg:
        lines.append(f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else '**no**'} "
                     f"| {t['detail']} |")
    lines += ["", "## Slow spots (stage vs the engine under it, or a better engine)", "",
              "| stage | osteokg | engine | ratio | over 2× | likely cause |",
              "|---|---|---|---:|---|---|"]
    for s in ss:
        lines.append(f"| {s['stage']} | {s['slow']} | {s['fast']} | {s['ratio']}× | "
                     f"{'**yes**' if s['over 2×'] else 'no'} | {s['likely cause']} |")
    lines += ["", "## Workloads", ""]
    for g in groups:
        lines += group_table(g)
    portable = _path_rewriter(fx.workdir)
    md = out_dir / "latest.md"
    md.write_text(portable("\n".join(lines) + "\n"), encoding="utf-8")
    data = {"environment": environment, "elapsed_s": elapsed, "quick": bool(args.quick),
            "seeds": fx.seeds_note, "ontologies": [p.name for p in fx.ontologies],
            "notes": fx.notes, "targets": tg, "slow_spots": ss,
            "groups": [{"name": g.name, "title": g.title, "metric": g.metric,
                        "baseline": g.baseline, "notes": g.notes,
                        "variants": {k: {**m.to_json(),
                                         "medians": {name: m.median(name) for name in
                                                     sorted({k2 for r in m.ok_runs
                                                             for k2 in r.metrics})},
                                         "peak_rss_mb": m.peak_mb()}
                                     for k, m in g.measured.items()}}
                       for g in groups]}
    js = out_dir / "latest.json"
    js.write_text(portable(json.dumps(data, indent=1, sort_keys=False) + "\n"),
                  encoding="utf-8")
    return md, js


def _path_rewriter(workdir: Path):
    """A function that replaces this machine's paths in report text by portable names.

    The reports are committed: the run's scratch folder becomes ``$WORKDIR``, the converted
    ontology cache ``$OSTEOKG_BENCH_CACHE``, the repository ``.`` and the home folder ``~``
    (longest first, so a cache inside the home folder keeps its own name).
    """
    from .obo2rdf import default_cache_dir

    repo = Path(__file__).resolve().parents[1]
    names = {str(Path(workdir).resolve()): "$WORKDIR", str(Path(workdir)): "$WORKDIR",
             str(default_cache_dir()): "$OSTEOKG_BENCH_CACHE", str(repo): ".",
             str(Path.home()): "~"}
    ordered = sorted(((k, v) for k, v in names.items() if len(k) > 1),
                     key=lambda kv: -len(kv[0]))

    def rewrite(text: str) -> str:
        for path, name in ordered:
            text = text.replace(path, name)
        return text

    return rewrite
