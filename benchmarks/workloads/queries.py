"""Latency of every catalogue query (``queries/*.rq``), default parameters.

``embedded``: :func:`osteokg.query.run_query` on a store loaded from the release (and the
external ontologies, when given): parameter binding and label lookup included, as a user of
``osteokg query`` gets it. ``served``: the same queries through ``osteokg serve``
(:mod:`osteokg.server`) with :func:`osteokg.endpoint.run_remote`, HTTP included. The store is
loaded before the clock starts; each query is run ``warmup`` times, then ``iterations``
times, and every run is one latency sample.
"""

from __future__ import annotations

import time
from pathlib import Path


def _catalogue(only: list[str] | None):
    from osteokg.query import catalogue

    queries = catalogue()
    return {k: v for k, v in queries.items() if not only or k in only}


def _sample(fn, warmup: int, iterations: int) -> tuple[list[float], object]:
    out = None
    for _ in range(warmup):
        out = fn()
    samples = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        out = fn()
        samples.append(time.perf_counter() - t0)
    return samples, out


def catalogue_latency(files: list[str], mode: str = "embedded", iterations: int = 20,
                      warmup: int = 2, only: list[str] | None = None) -> tuple[dict, dict]:
    from osteokg.query import run_query
    from osteokg.store import load_files

    metrics: dict = {}
    runner = server = store = None
    if mode == "served":
        server, runner = _served(files)
        info: dict = {"rows": {}, "errors": {}}
    else:
        store = load_files([Path(f) for f in files])
        info = {"triples": len(store), "rows": {}, "errors": {}}
    try:
        for name, q in _catalogue(only).items():
            if mode == "embedded":
                def fn(q=q):
                    return run_query(store, q)
            else:
                def fn(q=q):
                    return runner(q)
            try:
                samples, result = _sample(fn, warmup, iterations)
            except Exception as exc:  # a failing query is reported, not hidden
                info["errors"][name] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
                continue
            metrics[f"q {name}"] = samples
            info["rows"][name] = len(result.rows)
    finally:
        if server is not None:
            _stop(server)
    return metrics, info


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _served(files: list[str]):
    """Start ``osteokg serve``'s server (:func:`osteokg.server.start_server`, loopback only)
    on the release file, and a runner for stored queries
    (:func:`osteokg.query.run_query_remote`: parameters resolved and bound remotely)."""
    from osteokg.query import Remote, run_query_remote
    from osteokg.server import start_server

    if len(files) != 1:
        raise SystemExit("the served measurement takes exactly one release file")
    handle = start_server(files[0], host="127.0.0.1", port=_free_port(),
                          union_default_graph=True)
    remote = Remote(handle.query_url)

    def runner(q):
        return run_query_remote(remote, q)

    return handle, runner


def _stop(handle) -> None:
    handle.stop()


WORKLOADS = {"catalogue_latency": catalogue_latency}
