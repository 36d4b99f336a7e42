"""``osteokg serve`` holds its limits against hostile queries and stops cleanly on signals.

Every test runs the real command line (``osteokg serve`` as a child process) on loopback over
tests/resources/small.nq (22 quads), with real queries: a cross product is the slow query, an
``ORDER BY`` over one the memory-hungry query. A real HTTP server on loopback records whether
a ``SERVICE`` call ever leaves the endpoint. Nothing is mocked.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

try:  # tests/ may or may not become a package
    from . import servers
except ImportError:
    import servers  # type: ignore[no-redef]

pytestmark = pytest.mark.server

SMALL = Path(__file__).parent / "resources" / "small.nq"
JSON = "application/sparql-results+json"


def cross_product(ways: int, *, count: bool = True, order: bool = False) -> str:
    """A query joining ``ways`` unrelated copies of every quad: 22**ways solutions."""
    patterns = " ".join(f"GRAPH ?g{i} {{ ?s{i} ?p{i} ?o{i} }}" for i in range(ways))
    if count:
        return f"SELECT (COUNT(*) AS ?n) WHERE {{ {patterns} }}"
    tail = " ORDER BY " + " ".join(f"?o{i}" for i in range(ways)) if order else ""
    return f"SELECT * WHERE {{ {patterns} }}{tail}"


def osteokg_command(*args: str) -> list[str]:
    script = Path(sys.executable).parent / "osteokg"
    if script.is_file():
        return [str(script), *args]
    return [sys.executable, "-c", "from osteokg.cli import main; main()", *args]


def ask(base: str, query: str = "ASK { ?s ?p ?o }", *, timeout: float = 30):
    """(status, headers, body text) of one query POSTed to ``base``/query."""
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(base + "/query", data=data, method="POST",
                                     headers={"Accept": JSON})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


class Served:
    """A running ``osteokg serve`` child: its URL, process and stderr."""

    def __init__(self, process: subprocess.Popen, url: str, stderr_path: Path):
        self.process = process
        self.url = url
        self.stderr_path = stderr_path

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def engines(self) -> list[int]:
        """Process ids of the Oxigraph engines serving now (the gateway's children)."""
        found = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            try:
                found += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
        return sorted(found)

    def engine_store(self) -> Path:
        engine = self.engines()[0]
        argv = Path(f"/proc/{engine}/cmdline").read_bytes().split(b"\0")
        return Path(argv[argv.index(b"--location") + 1].decode())


@contextlib.contextmanager
def serve(tmp_path: Path, *options: str, port: int | None = None) -> Iterator[Served]:
    servers.require_oxigraph()
    port = port or servers.free_port()
    stderr_path = tmp_path / f"serve-{port}.err"
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            osteokg_command("serve", "--release", str(SMALL), "--port", str(port), *options),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
    served = Served(process, f"http://127.0.0.1:{port}", stderr_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"osteokg serve exited with {process.returncode}:\n{served.stderr()}")
            with contextlib.suppress(OSError):
                if ask(served.url, "ASK {}", timeout=2)[0] == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"osteokg serve did not answer in 30 s:\n{served.stderr()}")
            time.sleep(0.1)
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy_engines(served: Served, over: float = 1.0) -> list[int]:
    """Engines that used more than a quarter of ``over`` seconds of CPU during ``over``."""
    before = {pid: cpu_seconds(pid) for pid in served.engines()}
    time.sleep(over)
    return [pid for pid, spent in before.items() if cpu_seconds(pid) - spent > over / 4]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


# ------------------------------------------------------------------------------------------
# Time, memory, size
# ------------------------------------------------------------------------------------------


def test_cross_product_is_stopped_at_the_timeout_and_the_server_keeps_answering(tmp_path):
    with serve(tmp_path, "--timeout", "2", "--workers", "2") as served:
        engines_before = served.engines()
        started = time.monotonic()
        # 22**7 = 2.5e9 solutions: hours of work; Oxigraph's own timeout never stopped it.
        status, headers, body = ask(served.url, cross_product(7))
        took = time.monotonic() - started
        assert status == 503, body
        assert headers["X-Osteokg-Limit"] == "timeout"
        assert "stopped after 2 s" in body
        assert took < 10
        # Stopped, not abandoned: no engine keeps computing it, and the server answers.
        assert busy_engines(served) == []
        assert ask(served.url)[0] == 200
        assert len(set(served.engines()) - set(engines_before)) == 1  # one engine replaced
        assert "stopped after 2 s" in served.stderr()


def test_a_query_whose_client_hangs_up_is_stopped(tmp_path):
    with serve(tmp_path, "--timeout", "60", "--workers", "1") as served:
        with pytest.raises(OSError):  # the client gives up after 1 s
            ask(served.url, cross_product(7), timeout=1)
        time.sleep(0.5)
        assert busy_engines(served) == []
        assert ask(served.url, timeout=10)[0] == 200  # the only engine is free again


def nice(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_a_long_query_gets_low_priority_and_a_stand_in_serves_the_rest(tmp_path):
    with serve(tmp_path, "--timeout", "8", "--workers", "1") as served:
        long_one = threading.Thread(target=ask, args=(served.url, cross_product(7)),
                                    daemon=True)
        long_one.start()
        time.sleep(2.5)  # past the 1 s mark: lowered, and a stand-in started
        assert sorted(nice(pid) for pid in served.engines()) == [0, 10]
        started = time.monotonic()
        assert ask(served.url, timeout=5)[0] == 200  # the only worker is busy, yet it answers
        assert time.monotonic() - started < 5
        long_one.join(timeout=15)
        time.sleep(0.5)
        assert [nice(pid) for pid in served.engines()] == [0]  # lowered engine retired


def test_memory_hungry_query_is_stopped_at_the_memory_limit(tmp_path):
    with serve(tmp_path, "--max-memory", "200", "--timeout", "25") as served:
        started = time.monotonic()
        status, headers, body = ask(served.url, cross_product(5, count=False, order=True))
        assert status == 503, body
        assert headers["X-Osteokg-Limit"] == "memory"
        assert "200 MB" in body
        assert time.monotonic() - started < 20  # the memory limit acted, not the timeout
        assert ask(served.url)[0] == 200


def test_an_answer_over_the_size_limit_is_refused_whole(tmp_path):
    with serve(tmp_path, "--max-result", "1") as served:
        # 22**3 = 10,648 rows of 9 values: about 2.5 MB of SPARQL JSON.
        status, headers, body = ask(served.url, cross_product(3, count=False))
        assert status == 503 and headers["X-Osteokg-Limit"] == "result-size"
        assert "larger than 1 MB" in body
        status, _, body = ask(served.url, cross_product(2, count=False))  # 484 rows: fine
        assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 484


# ------------------------------------------------------------------------------------------
# SERVICE
# ------------------------------------------------------------------------------------------


@contextlib.contextmanager
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """A SPARQL-ish HTTP server on loopback that records every request it gets."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
            self.send_response(200)
            self.send_header("Content-Type", JSON)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.do_GET()

        def log_message(self, *args):
            pass

    with servers.http_server(Handler) as port:
        yield f"http://127.0.0.1:{port}/sparql", seen


def service_queries(target: str) -> dict[str, str]:
    """SERVICE calls to ``target`` in the disguises a naive check misses."""
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        "lower case": f"select * where {{ service <{target}> {{ ?s ?p ?o }} }}",
        "after a comment marker in a string": (
            f'SELECT * WHERE {{ BIND("#" AS ?x) SERVICE <{target}> {{ ?s ?p ?o }} }}'),
        "after a # in an IRI": (
            f"SELECT * WHERE {{ BIND(<http://a/#> AS ?x) SERVICE <{target}> {{ ?s ?p ?o }} }}"),
        "after a comment ended by CR": (
            f"SELECT * WHERE {{ # hidden?\rSERVICE <{target}> {{ ?s ?p ?o }} }}"),
        "glued to a dot": f"SELECT * WHERE {{ ?a ?b ?c .SERVICE <{target}> {{ ?s ?p ?o }} }}",
        "unicode escape": f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
        "SILENT": f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
    }


def test_service_is_refused_and_nothing_is_fetched(tmp_path):
    with recording_server() as (target, seen), serve(tmp_path) as served:
        for name, query in service_queries(target).items():
            for method in ("POST", "GET"):
                if method == "POST":
                    status, headers, body = ask(served.url, query)
                else:
                    url = served.url + "/query?" + urllib.parse.urlencode({"query": query})
                    try:
                        with urllib.request.urlopen(url, timeout=30) as response:
                            status, headers, body = response.status, response.headers, ""
                    except urllib.error.HTTPError as error:
                        status, headers, body = error.code, error.headers, error.read().decode()
                assert status == 403, (name, method, body)
                assert headers["X-Osteokg-Limit"] == "service", name
                assert headers["Connection"] == "close"  # the body may be unread
                assert "--allow-service" in body
        # Words that only look like the keyword are fine.
        harmless = ("SELECT ?service WHERE { ?service <http://example.org/service> "
                    '"SERVICE <x>" } # SERVICE')
        assert ask(served.url, harmless)[0] == 200
        assert seen == []  # no request left the endpoint


def test_allow_service_lets_the_same_queries_through(tmp_path):
    """The disguises are real SERVICE calls: with --allow-service, Oxigraph makes each."""
    with recording_server() as (target, seen), serve(tmp_path, "--allow-service") as served:
        queries = service_queries(target)
        # SPARQL allows \u escapes anywhere, but Oxigraph 0.5 only decodes them in strings and
        # IRIs (the escaped keyword is a syntax error there); it is refused all the same.
        del queries["unicode escape"]
        for name, query in queries.items():
            status, _, body = ask(served.url, query)
            assert status == 200, (name, body)
        assert len(seen) == len(queries)


# ------------------------------------------------------------------------------------------
# Signals, host, options
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_signals_stop_everything_and_remove_the_temporary_store(tmp_path, signum):
    port = servers.free_port()
    with serve(tmp_path, "--workers", "2", port=port) as served:
        engines = served.engines()
        store = served.engine_store()
        assert len(engines) == 2 and store.is_dir()
        served.process.send_signal(signum)
        assert served.process.wait(timeout=15) == 0
        assert f"stopped ({signal.Signals(signum).name})" in served.stderr()
    assert port_is_free(port)
    assert not any(Path(f"/proc/{pid}").exists() for pid in engines)
    assert not store.exists() and not store.parent.exists()


def test_engines_die_with_a_killed_server_and_its_store_goes_at_the_next_start(tmp_path):
    with serve(tmp_path) as served:
        engines = served.engines()
        store = served.engine_store()
        served.process.kill()
        served.process.wait(timeout=5)
        deadline = time.monotonic() + 5
        while any(Path(f"/proc/{pid}").exists() for pid in engines) and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(Path(f"/proc/{pid}").exists() for pid in engines)
    assert store.is_dir()  # kill -9 leaves no chance to clean up...
    with serve(tmp_path):
        assert not store.parent.exists()  # ...so the next server removes what it left


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(osteokg_command(*args), capture_output=True, text=True,
                          timeout=timeout, check=False)


def test_non_loopback_host_prints_a_warning():
    servers.require_oxigraph()
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: the warning comes first, then a
    # clear failure to bind, and nothing ever listens beyond loopback.
    done = run_cli("serve", "--release", str(SMALL), "--host", "192.0.2.1",
                   "--port", str(servers.free_port()))
    assert done.returncode == 2
    assert "warning: --host 192.0.2.1 is not a loopback address" in done.stderr
    assert "cannot serve on http://192.0.2.1" in done.stderr
    assert "Traceback" not in done.stderr
    done = run_cli("serve", "--release", str(SMALL), "--host", "localhost",
                   "--port", "70000")
    assert "warning" not in done.stderr


def test_port_in_use_is_a_clear_error():
    servers.require_oxigraph()
    with servers.occupied_port() as port:
        done = run_cli("serve", "--release", str(SMALL), "--port", str(port))
    assert done.returncode == 2
    assert f"another program listens on port {port}" in done.stderr
    assert "Traceback" not in done.stderr and "Errno" not in done.stderr


@pytest.mark.parametrize(
    "args, option",
    [
        (["serve", "--timeout", "-1"], "--timeout"),
        (["serve", "--timeout", "0"], "--timeout"),
        (["serve", "--timeout", "nan"], "--timeout"),
        (["serve", "--port", "70000"], "--port"),
        (["serve", "--port", "-5"], "--port"),
        (["serve", "--workers", "0"], "--workers"),
        (["serve", "--max-memory", "1"], "--max-memory"),
        (["serve", "--max-result", "0"], "--max-result"),
        (["publish", "--endpoint", "http://127.0.0.1:9", "--timeout", "-1"], "--timeout"),
        (["publish", "--endpoint", "http://127.0.0.1:9", "--timeout", "0"], "--timeout"),
        (["publish", "--endpoint", "http://127.0.0.1:9", "--timeout", "soon"], "--timeout"),
    ],
)
def test_bad_numeric_options_are_clear_errors(args, option):
    done = run_cli(*args)
    assert done.returncode == 2, done.stderr
    assert f"Invalid value for '{option}'" in done.stderr
    assert "Traceback" not in done.stderr and "Errno" not in done.stderr
