"""``python -m benchmarks.concurrency``: many clients at once against ``osteokg serve``.

Starts the endpoint (:func:`osteokg.server.start_server`, 127.0.0.1 only) on a release file,
then runs ``--clients`` client threads for ``--seconds``, spread over a few client processes
so that the clients' own Python does not become the bottleneck. Each client sends the
catalogue queries (``queries/*.rq``, default parameters bound as ``osteokg query`` binds
them) in turn over one keep-alive connection and times every answer. With ``--hostile N``,
N more clients send a query the endpoint must stop (a cross product over the whole release)
over and over, and the well-behaved clients' figures show what that costs them.

Reports: requests, errors (anything but HTTP 200 for a well-behaved client), latency p50 /
p95 / p99 / max, throughput, and the peak resident memory of the endpoint (gateway plus
engines, sampled every 0.1 s). Writes ``benchmarks/results/concurrency.{json,md}`` (or
``--out``). Loopback only; no unit test asserts these times.

    .venv/bin/python -m benchmarks.concurrency --release release/osteokg.nq
    .venv/bin/python -m benchmarks.concurrency --release release/osteokg.nq --hostile 2
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import statistics
import threading
import time
import urllib.parse
from pathlib import Path

HOSTILE_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RESULTS = Path(__file__).parent / "results"


def catalogue_texts(query_url: str) -> dict[str, str]:
    """Each catalogue query as sent to the endpoint: prefixes, default parameters bound."""
    from osteokg.endpoint import bind_values
    from osteokg.query import Remote, catalogue, full_text, resolve_params, without_comment_lines

    remote = Remote(query_url)
    texts = {}
    for name, query in catalogue().items():
        bindings = resolve_params(query, {}, remote.lookup)
        texts[name] = bind_values(without_comment_lines(full_text(query)), bindings)
    return texts


def _client(port: int, queries: list[str], stop_at: float, offset: int, out: list) -> None:
    """One client: its queries in turn until ``stop_at``; appends (ok, seconds, status)."""
    connection = None
    i = offset
    while time.monotonic() < stop_at:
        body = urllib.parse.urlencode({"query": queries[i % len(queries)]}).encode()
        i += 1
        started = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("POST", "/query", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json"})
            response = connection.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
            if connection is not None:
                connection.close()
            connection = None
        out.append((status == 200, time.perf_counter() - started, status))


def _client_process(port: int, queries: list[str], threads: int, stop_at_wall: float,
                    first: int, results) -> None:
    """A client process running ``threads`` clients; sends its samples back on ``results``."""
    stop_at = time.monotonic() + (stop_at_wall - time.time())
    samples: list = []
    workers = [threading.Thread(target=_client, args=(port, queries, stop_at, first + k,
                                                      samples)) for k in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put(samples)


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    for one in pids:
        try:
            total += int(Path(f"/proc/{one}/statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _summary(samples: list) -> dict:
    latencies = [s for _ok, s, _status in samples]
    errors = [str(status) for ok, _s, status in samples if not ok]
    if not latencies:
        return {"requests": 0}
    return {
        "requests": len(samples),
        "errors": len(errors),
        "error_kinds": {kind: errors.count(kind) for kind in sorted(set(errors))},
        "p50_s": round(statistics.median(latencies), 4),
        "p95_s": round(_percentile(latencies, 0.95), 4),
        "p99_s": round(_percentile(latencies, 0.99), 4),
        "max_s": round(max(latencies), 4),
    }


def _load(port: int, queries: list[str], *, clients: int, seconds: float, hostile: int,
          processes: int, pid: int) -> dict:
    """Run the clients against the endpoint on ``port`` (process ``pid`` and its children
    are the endpoint whose memory is sampled)."""
    for text in queries:  # warm up: every query once
        _client(port, [text], time.monotonic() + 0.001, 0, [])
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    stop_at = time.time() + seconds + 2  # the processes need a moment to start
    jobs = []
    per_process = -(-clients // processes)
    for n in range(processes):
        threads = min(per_process, clients - n * per_process)
        if threads > 0:
            jobs.append(context.Process(target=_client_process, args=(
                port, queries, threads, stop_at, n * per_process, results)))
    if hostile:
        jobs.append(context.Process(target=_client_process, args=(
            port, [HOSTILE_QUERY], hostile, stop_at, 0, results)))
    peak = [0.0]
    sampling = threading.Event()

    def sample_memory() -> None:
        while not sampling.wait(0.1):
            peak[0] = max(peak[0], _tree_rss_mb(pid))

    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    for job in jobs:
        job.start()
    collected = [results.get(timeout=seconds + 600) for _ in jobs]
    for job in jobs:
        job.join()
    sampling.set()
    sampler.join()
    benign = [s for batch in (collected[:-1] if hostile else collected) for s in batch]
    report = {
        "clients": clients,
        "hostile_clients": hostile,
        "seconds": seconds,
        "queries": len(queries),
        "well_behaved": _summary(benign),
        "throughput_per_s": round(len(benign) / max(seconds, 1e-9), 1),
        "peak_rss_mb": round(peak[0], 1),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average": os.getloadavg()},
    }
    if hostile:
        report["hostile"] = _summary(collected[-1])
    return report


def run(release: Path, *, clients: int, seconds: float, hostile: list[int], processes: int,
        workers: int | None, timeout_s: float, direct: bool) -> list[dict]:
    """One run per value of ``hostile`` through ``osteokg serve``; with ``direct``, the same
    against a bare ``oxigraph serve-read-only`` on the same store (its own --timeout-s)."""
    import subprocess

    from osteokg.server import oxigraph_binary, start_server

    options = {"workers": workers} if workers else {}
    reports = []
    with start_server(release, host="127.0.0.1", port=_free_port(), timeout_s=timeout_s,
                      **options) as server:
        port = int(server.url.rsplit(":", 1)[1])
        queries = list(catalogue_texts(server.query_url).values())
        for n in hostile:
            report = _load(port, queries, clients=clients, seconds=seconds, hostile=n,
                           processes=processes, pid=server.pid)
            report.update(endpoint="osteokg serve", engines=workers or "default",
                          timeout_s=timeout_s, release=str(release))
            print(json.dumps(report, indent=1), flush=True)
            reports.append(report)
        store = server.store_dir  # stays until the handle stops
        if direct:
            for n in hostile:
                port = _free_port()
                bare = subprocess.Popen(
                    [oxigraph_binary(), "serve-read-only", "--location", str(store),
                     "--bind", f"127.0.0.1:{port}", "--union-default-graph",
                     "--timeout-s", str(max(1, int(timeout_s)))],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    deadline = time.monotonic() + 30
                    while time.monotonic() < deadline:
                        samples: list = []
                        _client(port, ["ASK {}"], time.monotonic() + 0.001, 0, samples)
                        if samples and samples[0][0]:
                            break
                        time.sleep(0.1)
                    report = _load(port, queries, clients=clients, seconds=seconds,
                                   hostile=n, processes=processes, pid=bare.pid)
                    report.update(endpoint="bare oxigraph serve-read-only", engines=1,
                                  timeout_s=timeout_s, release=str(release))
                    print(json.dumps(report, indent=1), flush=True)
                    reports.append(report)
                finally:
                    bare.kill()
                    bare.wait()
    return reports


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def markdown(reports: list[dict]) -> str:
    header = ("| endpoint | clients | hostile | requests | errors | p50 | p95 | p99 | max | "
              "req/s | peak RSS |")
    lines = ["# osteokg serve under concurrent clients", "", header,
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in reports:
        w = r["well_behaved"]
        lines.append(
            f"| {r['endpoint']} | {r['clients']} | {r['hostile_clients']} | {w['requests']} | "
            f"{w['errors']} | "
            f"{w['p50_s'] * 1000:.0f} ms | {w['p95_s'] * 1000:.0f} ms | "
            f"{w['p99_s'] * 1000:.0f} ms | {w['max_s'] * 1000:.0f} ms | "
            f"{r['throughput_per_s']} | {r['peak_rss_mb']:.0f} MB |")
    note = ("Well-behaved clients only (hostile clients send a cross-product COUNT the "
            "endpoint must stop at its timeout). Latency is per request, queue wait included. "
            f"Machine: {reports[0]['machine']['cpus']} CPUs, shared; load average at the "
            f"end {reports[-1]['machine']['load_average'][0]:.1f}.")
    lines += ["", note, ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.concurrency",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", type=Path, default=Path("release/osteokg.nq"))
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--hostile", type=int, nargs="*", default=[0],
                        help="hostile clients; several values give several runs")
    parser.add_argument("--processes", type=int, default=8, help="client processes")
    parser.add_argument("--workers", type=int, default=None, help="engines (default: serve's)")
    parser.add_argument("--timeout", type=float, default=5.0, help="the endpoint's timeout")
    parser.add_argument("--direct", action="store_true",
                        help="also measure a bare oxigraph server on the same store")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not args.release.is_file():
        parser.error(f"{args.release}: no release file; run 'osteokg build' or pass --release")
    reports = run(args.release, clients=args.clients, seconds=args.seconds,
                  hostile=args.hostile, processes=args.processes, workers=args.workers,
                  timeout_s=args.timeout, direct=args.direct)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "concurrency.json").write_text(json.dumps(reports, indent=1) + "\n",
                                               encoding="utf-8")
    (args.out / "concurrency.md").write_text(markdown(reports), encoding="utf-8")
    print(markdown(reports))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
