"""Run one workload in a fresh subprocess and measure it; interleave variants; summarise.

Every measured run is its own process (``python -m benchmarks.child SPEC``), so that

* peak memory is that run's alone: the child reports its own high-water mark and that of the
  processes it waited for (HermiT's JVM, an Oxigraph server), see :func:`benchmarks.child.peak_mb`;
* the variants of a comparison (osteokg, the raw engine, the alternative) are run round-robin
  - A B C, A B C, ... - so a shared, noisy machine slows all of them alike, and the ratio of
  medians measured in the same session is what the report leads with.

The child times only the work itself (imports, fixtures and process start are outside the
clock) and prints one JSON object on its last stdout line: ``{"metrics": {name: seconds or
[seconds...]}, "info": {...}}``. A run that fails or exceeds its time limit is recorded with
its error and never silently dropped.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULT_MARK = "@@BENCH-RESULT@@ "


@dataclass
class Variant:
    """One thing to measure: a workload function with its parameters."""

    key: str  # unique within the report, e.g. "load/imports/rdflib"
    workload: str  # name in benchmarks.workloads.REGISTRY
    params: dict = field(default_factory=dict)
    label: str = ""  # how the table names it
    repeats: int | None = None  # overrides the group's repeats (big, slow variants)
    warmup: int | None = None
    timeout: float = 600.0
    #: folders put first on the child's PYTHONPATH (e.g. another version's ``src``, so the
    #: child imports that osteokg instead of this checkout's)
    pythonpath: tuple[str, ...] = ()


@dataclass
class Run:
    ok: bool
    metrics: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    maxrss_mb: float = 0.0
    wall_s: float = 0.0
    error: str = ""


@dataclass
class Measured:
    variant: Variant
    runs: list[Run] = field(default_factory=list)
    warmups: int = 0

    @property
    def ok_runs(self) -> list[Run]:
        return [r for r in self.runs if r.ok]

    def median(self, metric: str) -> float | None:
        """Median over runs of a scalar metric (or of all pooled samples of a list metric)."""
        values = self.samples(metric)
        return statistics.median(values) if values else None

    def samples(self, metric: str) -> list[float]:
        out: list[float] = []
        for r in self.ok_runs:
            v = r.metrics.get(metric)
            if isinstance(v, list):
                out.extend(v)
            elif isinstance(v, (int, float)):
                out.append(float(v))
        return out

    def peak_mb(self) -> float | None:
        rss = [r.maxrss_mb for r in self.ok_runs]
        return max(rss) if rss else None

    def error(self) -> str:
        errors = [r.error for r in self.runs if not r.ok]
        return errors[0] if errors else ""

    def to_json(self) -> dict:
        return {"variant": asdict(self.variant), "warmups": self.warmups,
                "runs": [asdict(r) for r in self.runs]}


def run_child(variant: Variant, *, log=None) -> Run:
    """Run ``variant`` once in a fresh process; return its metrics and peak memory."""
    spec = json.dumps({"workload": variant.workload, "params": variant.params})
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [*variant.pythonpath, str(REPO), str(REPO / "src"), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "benchmarks.child", spec], cwd=REPO,
                                stdout=out, stderr=err, env=env, start_new_session=True)
        status, rusage, timed_out = _wait(proc, variant.timeout)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    # ru_maxrss of a forked child starts at the parent's RSS at fork time (Linux keeps the
    # pre-exec high-water mark), so it is only a fallback: the child reports its own peak.
    maxrss_mb = rusage.ru_maxrss / 1024 if rusage else 0.0
    if timed_out:
        return Run(False, maxrss_mb=maxrss_mb, wall_s=wall,
                   error=f"timed out after {variant.timeout:.0f} s")
    result = None
    for line in stdout.splitlines():
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK):])
    if status != 0 or result is None:
        tail = (stderr.strip().splitlines() or ["(no output)"])[-1]
        if log:
            log(f"    ! {variant.key} failed (exit {status}): {tail}")
            if os.environ.get("OSTEOKG_BENCH_DEBUG"):
                log(stderr)
        return Run(False, maxrss_mb=maxrss_mb, wall_s=wall, error=f"exit {status}: {tail}")
    return Run(True, result.get("metrics", {}), result.get("info", {}),
               result.get("peak_mb") or maxrss_mb, wall)


def _wait(proc: subprocess.Popen, timeout: float):
    """Reap ``proc`` with wait4 (for its rusage), killing its process group on time-out."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, rusage, False
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, rusage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, rusage, True
        time.sleep(0.02)


def measure_group(variants: list[Variant], *, repeats: int, warmup: int,
                  log=print) -> dict[str, Measured]:
    """Warm-up runs, then ``repeats`` measured runs of every variant, interleaved."""
    measured = {v.key: Measured(v) for v in variants}
    plan_w = {v.key: v.warmup if v.warmup is not None else warmup for v in variants}
    plan_r = {v.key: v.repeats if v.repeats is not None else repeats for v in variants}
    for i in range(max(plan_w.values(), default=0)):
        for v in variants:
            if i < plan_w[v.key]:
                log(f"  warm-up {v.key}")
                run = run_child(v, log=log)
                measured[v.key].warmups += 1
                if not run.ok:  # a failing variant fails every time: record it, skip it
                    measured[v.key].runs.append(run)
                    plan_r[v.key] = 0
    for i in range(max(plan_r.values(), default=0)):
        for v in variants:
            if i < plan_r[v.key]:
                run = run_child(v, log=log)
                log(f"  run {i + 1}/{plan_r[v.key]} {v.key}: "
                    + (_brief(run) if run.ok else f"FAILED {run.error}"))
                measured[v.key].runs.append(run)
                if not run.ok:  # stop repeating a failing variant
                    plan_r[v.key] = i + 1
    return measured


def _brief(run: Run) -> str:
    scalars = {k: v for k, v in run.metrics.items() if isinstance(v, (int, float))}
    shown = ", ".join(f"{k}={v:.3f}s" for k, v in list(scalars.items())[:4])
    return f"{shown} peak={run.maxrss_mb:.0f} MB"
