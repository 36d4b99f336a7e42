"""A local SPARQL server: the Oxigraph server binary over an on-disk copy of a release.

``oxigraph`` comes from the PyPI package of the same name (``pip install 'osteokg[server]'``).
The release file is loaded with ``oxigraph load`` into a store directory, which is then served
with ``oxigraph serve-read-only`` (or ``oxigraph serve`` when ``read_only=False``), by default
on 127.0.0.1 only. The server offers:

* ``/query`` — SPARQL 1.1 Protocol queries (GET or POST), with content negotiation done by
  Oxigraph: SPARQL JSON, XML, CSV and TSV for SELECT/ASK; Turtle, N-Triples, RDF/XML, N-Quads,
  TriG... for CONSTRUCT/DESCRIBE.
* ``/update`` and ``/store`` (Graph Store Protocol) — refused with HTTP 403 when read-only.

By default the query's default graph is the union of all named graphs (``--union-default-graph``),
as the embedded runner (``osteokg.query``) and Virtuoso query it, so a stored query without
``GRAPH`` gives the same rows everywhere; ``union_default_graph=False`` keeps SPARQL's plain
(empty) default graph.

Limits. ``timeout_s`` becomes ``--timeout-s``: Oxigraph cancels a query still being evaluated
after that many seconds. As the answer is streamed, a cancelled query may already have sent
``200 OK`` and a partial body, which ends with an error text instead of valid results; clients
(``endpoint.run_remote``) report that as an error. Oxigraph 0.5 has no option to cap the number
of results, so ``limit`` cannot be enforced by this server: passing one is an error, and a
caller who needs a cap adds ``LIMIT n`` to the query.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataFileError, EndpointError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 30
DEFAULT_START_WAIT_S = 30.0
BINARY_ENV = "OSTEOKG_OXIGRAPH_BIN"
MISSING_BINARY_HINT = (
    "Oxigraph server binary not found; install it with: pip install 'osteokg[server]'"
)

#: File suffix -> the format name ``oxigraph load --format`` understands.
LOAD_FORMATS = {
    ".nq": "nq",
    ".nquads": "nq",
    ".trig": "trig",
    ".nt": "nt",
    ".ttl": "ttl",
    ".rdf": "rdf",
    ".owl": "rdf",
}
_MARKER = ".osteokg-store.json"
_LIVE: weakref.WeakSet[ServerHandle] = weakref.WeakSet()


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` executable: $OSTEOKG_OXIGRAPH_BIN, this venv's, or on PATH."""
    override = os.environ.get(BINARY_ENV)
    if override:
        if Path(override).is_file() and os.access(override, os.X_OK):
            return override
        raise EndpointError(
            f"{BINARY_ENV}={override} is not an executable file. {MISSING_BINARY_HINT}"
        )
    beside_python = Path(sys.executable).parent / "oxigraph"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise EndpointError(MISSING_BINARY_HINT)


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["RUST_BACKTRACE"] = "0"
    env["RUST_LIB_BACKTRACE"] = "0"
    return env


def _tail(text: str, lines: int = 20) -> str:
    kept = [line for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_store(release_file: str | Path, store_dir: str | Path) -> Path:
    """Load an RDF file into an Oxigraph store directory with ``oxigraph load``.

    An existing directory is reused when it was loaded by osteokg from a file with the same
    content (checked by SHA-256), reloaded when it was loaded by osteokg from something else,
    and refused when it is a directory osteokg did not make.
    """
    source = Path(release_file)
    target = Path(store_dir)
    if not source.is_file():
        raise DataFileError(
            f"{source}: file not found; give a release file (.nq/.trig) or a store directory"
        )
    rdf_format = LOAD_FORMATS.get(source.suffix.lower())
    if rdf_format is None:
        raise DataFileError(
            f"{source}: unknown RDF format {source.suffix!r}; use one of {', '.join(sorted(LOAD_FORMATS))}"
        )
    digest = _sha256(source)
    marker = target / _MARKER
    if target.exists() and any(target.iterdir()):
        if not marker.is_file():
            raise EndpointError(
                f"{target} is not empty and was not made by osteokg; give an empty or new "
                "directory as the store directory"
            )
        try:
            recorded = json.loads(marker.read_text(encoding="utf-8"))
        except ValueError:
            recorded = {}
        if recorded.get("sha256") == digest:
            return target
        shutil.rmtree(target)
    target.mkdir(parents=True, exist_ok=True)
    command = [
        oxigraph_binary(),
        "load",
        "--location",
        str(target),
        "--format",
        rdf_format,
        "--file",
        str(source),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=_child_env(), check=False)
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if "rror" in line]
        shutil.rmtree(target, ignore_errors=True)
        raise DataFileError(
            f"{source}: oxigraph load failed (exit {done.returncode}): "
            + ("; ".join(errors) or _tail(done.stderr, 5))
        )
    marker.write_text(
        json.dumps({"source": str(source.resolve()), "sha256": digest}, indent=1), encoding="utf-8"
    )
    return target


def _empty_store(store_dir: Path) -> Path:
    """Create an empty Oxigraph store (for a writable server started without data)."""
    store_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [oxigraph_binary(), "load", "--location", str(store_dir), "--format", "nq"],
        input="",
        capture_output=True,
        text=True,
        env=_child_env(),
        check=False,
    )
    if done.returncode != 0:
        raise EndpointError(
            f"cannot create an empty Oxigraph store in {store_dir}: {_tail(done.stderr, 5)}"
        )
    return store_dir


@dataclass(eq=False)
class ServerHandle:
    """A running Oxigraph server started by :func:`start_server`; ``stop()`` ends it."""

    url: str
    process: subprocess.Popen
    store_dir: Path
    log_path: Path
    read_only: bool
    timeout_s: int | None
    _temp_dir: Path | None = field(default=None, repr=False)
    _log_file: object = field(default=None, repr=False)

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def update_url(self) -> str:
        return self.url + "/update"

    @property
    def store_url(self) -> str:
        return self.url + "/store"

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        try:
            return _tail(self.log_path.read_text(encoding="utf-8", errors="replace"), lines)
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> int | None:
        """Terminate the server (SIGTERM, then SIGKILL) and remove its temporary files."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self._log_file is not None:
            self._log_file.close()  # type: ignore[attr-defined]
            self._log_file = None
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None
        _LIVE.discard(self)
        return self.process.returncode

    def wait(self) -> int:
        """Block until the server process ends; returns its exit code."""
        return self.process.wait()

    def __enter__(self) -> ServerHandle:  # noqa: PYI034 (typing.Self needs Python 3.11)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _stop_all() -> None:
    for handle in list(_LIVE):
        try:
            handle.stop(timeout=5)
        except (OSError, subprocess.SubprocessError):
            continue  # best effort at interpreter exit


atexit.register(_stop_all)


def _bind_address(host: str, port: int) -> tuple[str, str]:
    if ":" in host and not host.startswith("["):
        return f"[{host}]:{port}", f"http://[{host}]:{port}"
    return f"{host}:{port}", f"http://{host}:{port}"


def _answers(query_url: str) -> bool:
    probe = query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    request = urllib.request.Request(probe, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_server(
    source: str | Path | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    read_only: bool = True,
    timeout_s: int | None = DEFAULT_TIMEOUT_S,
    limit: int | None = None,
    store_dir: str | Path | None = None,
    wait_s: float = DEFAULT_START_WAIT_S,
    union_default_graph: bool = True,
) -> ServerHandle:
    """Start Oxigraph's server and return once its ``/query`` endpoint answers.

    ``source`` is a release file (loaded into ``store_dir``, or into a temporary directory
    removed by ``stop()``), an existing Oxigraph store directory, or ``None`` for an empty
    store (useful with ``read_only=False`` as a target for ``endpoint.publish``). If the server
    does not answer within ``wait_s`` seconds, or exits, an EndpointError carries its log tail.
    """
    if limit is not None:
        raise EndpointError(
            f"a result limit ({limit}) cannot be enforced: oxigraph serve has no option to cap "
            "results (only --timeout-s); put LIMIT in the query instead"
        )
    if timeout_s is not None and timeout_s <= 0:
        raise EndpointError(f"timeout_s must be a positive number of seconds, got {timeout_s}")
    binary = oxigraph_binary()
    temp_dir = Path(tempfile.mkdtemp(prefix="osteokg-oxigraph-"))
    try:
        if source is None:
            location = Path(store_dir) if store_dir else temp_dir / "store"
            if not (location.is_dir() and any(location.iterdir())):
                _empty_store(location)
        elif Path(source).is_dir():
            location = Path(source)
        else:
            location = load_store(source, Path(store_dir) if store_dir else temp_dir / "store")
        bind, url = _bind_address(host, port)
        command = [
            binary,
            "serve-read-only" if read_only else "serve",
            "--location",
            str(location),
            "--bind",
            bind,
        ]
        if timeout_s is not None:
            command += ["--timeout-s", str(int(timeout_s))]
        if union_default_graph:
            command.append("--union-default-graph")
        log_path = temp_dir / "oxigraph.log"
        log_file = log_path.open("w", encoding="utf-8")
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=_child_env(),
            start_new_session=True,
        )
    except BaseException:
        shutil.rmtree(temp_dir, ignore_errors=True)
        raise
    handle = ServerHandle(
        url=url,
        process=process,
        store_dir=location,
        log_path=log_path,
        read_only=read_only,
        timeout_s=timeout_s,
        _temp_dir=temp_dir,
        _log_file=log_file,
    )
    _LIVE.add(handle)
    deadline = time.monotonic() + wait_s
    while True:
        if process.poll() is not None:
            tail = handle.log_tail()
            handle.stop()
            raise EndpointError(
                f"the Oxigraph server for {url} exited at start (code {process.returncode}); "
                f"is port {port} already in use? Its log ends with:\n{tail}"
            )
        if _answers(handle.query_url):
            return handle
        if time.monotonic() > deadline:
            tail = handle.log_tail()
            handle.stop()
            raise EndpointError(
                f"the Oxigraph server did not answer at {url}/query within {wait_s:g} s; "
                f"its log ends with:\n{tail}"
            )
        time.sleep(0.1)


def serve(
    store_path_or_release_file: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    read_only: bool = True,
    timeout_s: int | None = DEFAULT_TIMEOUT_S,
    limit: int | None = None,
    store_dir: str | Path | None = None,
    union_default_graph: bool = True,
) -> int:
    """Serve a release file or store directory until interrupted (Ctrl-C); returns exit code.

    See :func:`start_server` for the arguments and the module docstring for the limits.
    """
    handle = start_server(
        store_path_or_release_file,
        host=host,
        port=port,
        read_only=read_only,
        timeout_s=timeout_s,
        limit=limit,
        store_dir=store_dir,
        union_default_graph=union_default_graph,
    )
    mode = "read-only" if read_only else "read-write"
    print(
        f"SPARQL endpoint ({mode}): {handle.query_url}  (Ctrl-C to stop)",
        file=sys.stderr,
        flush=True,
    )
    try:
        code = handle.wait()
    except KeyboardInterrupt:
        handle.stop()
        return 0
    tail = handle.log_tail()
    handle.stop()
    if code != 0:
        raise EndpointError(
            f"the Oxigraph server stopped with exit code {code}; its log ends with:\n{tail}"
        )
    return code


__all__ = [
    "DEFAULT_PORT",
    "MISSING_BINARY_HINT",
    "ServerHandle",
    "load_store",
    "oxigraph_binary",
    "serve",
    "start_server",
]
