"""This checkout's build against another version's, measured in the same session.

``python -m benchmarks.versus --rev REV`` checks REV out into a temporary git worktree and
runs ``osteokg.build.build`` (the whole pipeline, writing a release into a temporary folder)
of both versions, each on its own seeds, in fresh processes, round-robin (baseline, current,
baseline, current, ...), and prints the median time and peak memory of each and the ratio
current / baseline. A version is only compared with itself built from its own curation: the
point is the cost of the code and data as they stand, e.g. the first release
(``--rev a58a3e8``, the commit before the semantics rework) against today.

Writes ``benchmarks/results/versus.md`` and ``.json`` (``--out``). Needs git and this
checkout's history; the worktree is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from .harness import REPO, Variant, measure_group


def _worktree(rev: str, where: Path) -> Path:
    tree = where / "baseline"
    proc = subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), rev],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"benchmarks.versus: cannot check out {rev}: {proc.stderr.strip()} "
                         "- give a commit of this repository (git log --oneline)")
    # Before the package had an __init__.py (first release) it was a namespace package, which
    # Python passes over for this checkout's regular one, whatever PYTHONPATH says: an empty
    # __init__ makes the old tree's package the one imported.
    init = tree / "src" / "osteokg" / "__init__.py"
    if not init.exists():
        init.write_text("", encoding="utf-8")
    return tree


def _portable(text: str, tree: Path, rev: str) -> str:
    """The results without this machine's paths: the temporary worktree and this checkout
    are named, not located."""
    return text.replace(str(tree), f"<worktree of {rev}>").replace(str(REPO), "<this checkout>")


def _stats(runs, metric: str) -> float | None:
    values = [r.metrics[metric] for r in runs if r.ok and metric in r.metrics]
    return statistics.median(values) if values else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.versus", description=__doc__.split(
        "\n\n")[0])
    ap.add_argument("--rev", required=True, help="the baseline commit (e.g. a58a3e8)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--java", action="store_true", help="run HermiT in both builds")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results")
    args = ap.parse_args(argv)
    rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", args.rev],
                         capture_output=True, text=True, check=False).stdout.strip() or args.rev
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False).stdout.strip()
    params = {"use_java": args.java}
    with tempfile.TemporaryDirectory(prefix="osteokg-versus-") as tmp:
        tree = _worktree(args.rev, Path(tmp))
        try:
            variants = [
                Variant(f"build@{rev}", "build_stages", params, f"baseline {rev}",
                        pythonpath=(str(tree / "src"),)),
                Variant(f"build@{head}", "build_stages", params, f"current {head}"),
            ]
            measured = measure_group(variants, repeats=args.repeats, warmup=1)
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                           capture_output=True, check=False)
            shutil.rmtree(tree, ignore_errors=True)
    base, cur = (measured[v.key] for v in variants)
    for m in (base, cur):
        packages = {r.info.get("package") for r in m.ok_runs}
        print(f"{m.variant.label}: osteokg from {', '.join(sorted(map(str, packages)))}")
    rows = []
    for name, metric, unit in (("build time", "total", "s"), ("build CPU time", "cpu", "s"),
                               ("peak memory", None, "MB")):
        if metric:
            b, c = _stats(base.runs, metric), _stats(cur.runs, metric)
        else:
            b = statistics.median([r.maxrss_mb for r in base.ok_runs]) if base.ok_runs else None
            c = statistics.median([r.maxrss_mb for r in cur.ok_runs]) if cur.ok_runs else None
        ratio = f"{c / b:.2f}" if b and c else "n/a"
        rows.append((name, b, c, ratio, unit))
    failed = [f"{m.variant.label}: {r.error}" for m in (base, cur) for r in m.runs if not r.ok]
    lines = [f"# Build: current ({head}) against baseline ({rev})", "",
             (f"{args.repeats} runs each, round-robin after a warm-up; medians; "
              f"HermiT {'on' if args.java else 'off'}."), "",
             f"| | baseline {rev} | current {head} | current / baseline |", "|---|---:|---:|---:|"]
    lines += [f"| {n} ({u}) | {b:.2f} | {c:.2f} | {r} |" if b and c else f"| {n} | n/a | n/a | n/a |"
              for n, b, c, r, u in rows]
    if failed:
        lines += ["", "Failed runs:", *(f"- {f}" for f in failed)]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "versus.md").write_text(text, encoding="utf-8")
    raw = json.dumps({"baseline": rev, "current": head, "params": params,
                      "runs": {m.variant.key: m.to_json() for m in (base, cur)}},
                     indent=2, sort_keys=True) + "\n"
    (args.out / "versus.json").write_text(_portable(raw, tree, rev), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
