"""Entry point of one measured run: ``python -m benchmarks.child '{"workload": ..., "params": ...}'``.

Runs the named workload once and prints its result as the last stdout line (see
:mod:`benchmarks.harness`). Kept tiny so that what the parent measures is the workload.
"""

from __future__ import annotations

import json
import sys

from .harness import RESULT_MARK
from .workloads import REGISTRY


def peak_mb() -> float:
    """Peak resident memory of this process and of the processes it waited for, in MB.

    This process's own peak is VmHWM (reset at exec, so it is not inflated by the parent's
    memory at fork time, as ``ru_maxrss`` of a forked child is); children (HermiT's JVM,
    the Oxigraph server) count through ``RUSAGE_CHILDREN``. The larger of the two is the
    workload's peak: they do not add up, because they are separate processes whose peaks
    need not coincide - a lower bound of the sum, stated as such in the report.
    """
    import resource

    own = 0.0
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    own = int(line.split()[1]) / 1024
    except OSError:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return max(own, children)


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    fn = REGISTRY[spec["workload"]]
    metrics, info = fn(**spec.get("params", {}))
    sys.stdout.flush()
    print(RESULT_MARK + json.dumps({"metrics": metrics, "info": info,
                                    "peak_mb": peak_mb()}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
