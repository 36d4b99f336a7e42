"""The measured workloads, by name. Each takes JSON-able keyword parameters and returns
``(metrics, info)``: metrics are seconds (a number, or a list of samples for latencies),
info is anything worth reporting (counts, verdicts, notes). Only the work is timed."""

from __future__ import annotations

from . import build, load, queries, reason, shacl

REGISTRY = {**build.WORKLOADS, **load.WORKLOADS, **queries.WORKLOADS, **shacl.WORKLOADS,
            **reason.WORKLOADS}
