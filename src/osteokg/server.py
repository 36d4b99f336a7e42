"""A local SPARQL server: Oxigraph engines over an on-disk copy of a release, behind a gateway.

``oxigraph`` comes from the PyPI package of the same name (``pip install 'osteokg[server]'``).
The release file is loaded with ``oxigraph load`` into a store directory, which is then served
by :mod:`osteokg.gateway`: a proxy on the public host and port (by default 127.0.0.1 only) in
front of a few ``oxigraph serve-read-only`` engines (one ``oxigraph serve`` when
``read_only=False``) on private loopback ports. The endpoint offers:

* ``/query`` - SPARQL 1.1 Protocol queries (GET or POST), with content negotiation done by
  Oxigraph: SPARQL JSON, XML, CSV and TSV for SELECT/ASK; Turtle, N-Triples, RDF/XML, N-Quads,
  TriG... for CONSTRUCT/DESCRIBE.
* ``/update`` and ``/store`` (Graph Store Protocol) - refused with HTTP 403 when read-only.

By default the query's default graph is the union of all named graphs (``--union-default-graph``),
as the embedded runner (``osteokg.query``) and Virtuoso query it, so a stored query without
``GRAPH`` gives the same rows everywhere; ``union_default_graph=False`` keeps SPARQL's plain
(empty) default graph.

Limits (enforced by the gateway, which can kill an engine; see :mod:`osteokg.gateway`): every
query stops after ``timeout_s`` seconds or when its client hangs up; each engine may use
``max_memory_mb`` MB; an answer may be ``max_result_mb`` MB; ``SERVICE`` is refused unless
``allow_service``. A stopped query gets HTTP 503 with a one-line reason, never a truncated
``200 OK``. There is no cap on the number of rows (``limit`` is refused): the size cap stands
in for it, and a caller who wants fewer rows adds ``LIMIT n``.
"""

from __future__ import annotations

import atexit
import hashlib
import ipaddress
import json
import os
import shutil
import socket
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
from .limits import DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_RESULT_MB, DEFAULT_WORKERS, Limits

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


_TEMP_PREFIX = "osteokg-oxigraph-"
_OWNER = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _temp_dir() -> Path:
    """A new temporary directory for a server's store and log, marked with this process's id;
    those left behind by a server that was killed outright (``kill -9``) are removed first."""
    for stale in Path(tempfile.gettempdir()).glob(_TEMP_PREFIX + "*"):
        try:
            owner = int((stale / _OWNER).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue  # not marked: not ours to judge
        if owner != os.getpid() and not _alive(owner):
            shutil.rmtree(stale, ignore_errors=True)
    made = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX))
    (made / _OWNER).write_text(str(os.getpid()), encoding="ascii")
    return made


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
    """A running endpoint started by :func:`start_server`: ``process`` is the gateway (its
    engines are its children); ``stop()`` ends it all and removes the temporary store."""

    url: str
    process: subprocess.Popen
    store_dir: Path
    log_path: Path
    read_only: bool
    timeout_s: float
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


def check_limits(
    *,
    port: int,
    timeout_s: float,
    max_memory_mb: int,
    max_result_mb: int,
    workers: int,
    limit: int | None = None,
) -> None:
    """EndpointError naming the first argument out of range (CLI options are checked by click
    first; this guards the Python API)."""
    if limit is not None:
        raise EndpointError(
            f"a row limit ({limit}) cannot be enforced: the server caps the size of an answer "
            "(max_result_mb) but not its rows; put LIMIT in the query instead"
        )
    checks = [
        ("port", port, 0, 65535, "a TCP port between 0 and 65535"),
        ("timeout_s", timeout_s, 0.001, 86400, "a positive number of seconds (at most a day)"),
        ("max_memory_mb", max_memory_mb, 64, 1 << 20, "megabytes, at least 64"),
        ("max_result_mb", max_result_mb, 1, 1 << 20, "megabytes, at least 1"),
        ("workers", workers, 1, 64, "a number of engines from 1 to 64"),
    ]
    for name, value, low, high, what in checks:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not low <= value <= high:
            raise EndpointError(f"{name} must be {what}, got {value!r}")


def is_loopback(host: str) -> bool:
    """True when every address ``host`` names is a loopback address (127.0.0.0/8, ::1)."""
    name = host.strip("[]")
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(name, None)
    except OSError:
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback
                                   for a in addresses)


def exposure_warning(host: str, *, read_only: bool = True) -> str | None:
    """The warning to print when the endpoint would listen beyond this machine, or None."""
    if is_loopback(host):
        return None
    who = "anyone who can reach this machine" + ("" if read_only else ", and change the data")
    return (
        f"warning: --host {host} is not a loopback address: {who} can query the endpoint. "
        "Put it behind a reverse proxy with access control, or use --host 127.0.0.1."
    )


def _prepare_store(source: str | Path | None, store_dir: str | Path | None,
                   temp_dir: Path) -> Path:
    if source is None:
        location = Path(store_dir) if store_dir else temp_dir / "store"
        if not (location.is_dir() and any(location.iterdir())):
            _empty_store(location)
        return location
    if Path(source).is_dir():
        return Path(source)
    return load_store(source, Path(store_dir) if store_dir else temp_dir / "store")


def start_server(
    source: str | Path | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    read_only: bool = True,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    limit: int | None = None,
    store_dir: str | Path | None = None,
    wait_s: float = DEFAULT_START_WAIT_S,
    union_default_graph: bool = True,
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB,
    max_result_mb: int = DEFAULT_MAX_RESULT_MB,
    workers: int = DEFAULT_WORKERS,
    allow_service: bool = False,
) -> ServerHandle:
    """Start the endpoint (gateway and engines, in a separate process) and return once its
    ``/query`` answers.

    ``source`` is a release file (loaded into ``store_dir``, or into a temporary directory
    removed by ``stop()``), an existing Oxigraph store directory, or ``None`` for an empty
    store (useful with ``read_only=False`` as a target for ``endpoint.publish``). If the server
    does not answer within ``wait_s`` seconds, or exits, an EndpointError carries its log tail.
    The limits are described in :mod:`osteokg.gateway`.
    """
    check_limits(port=port, timeout_s=timeout_s, max_memory_mb=max_memory_mb,
                 max_result_mb=max_result_mb, workers=workers, limit=limit)
    binary = oxigraph_binary()
    temp_dir = _temp_dir()
    try:
        location = _prepare_store(source, store_dir, temp_dir)
        _, url = _bind_address(host, port)
        command = [
            sys.executable, "-m", "osteokg.gateway",
            "--binary", binary,
            "--store", str(location),
            "--host", host,
            "--port", str(port),
            "--timeout", str(timeout_s),
            "--max-memory-mb", str(max_memory_mb),
            "--max-result-mb", str(max_result_mb),
            "--workers", str(workers),
        ]
        if not read_only:
            command.append("--writable")
        if not union_default_graph:
            command.append("--no-union-default-graph")
        if allow_service:
            command.append("--allow-service")
        log_path = temp_dir / "server.log"
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
                f"the SPARQL server for {url} exited at start (code {process.returncode}); "
                f"is port {port} already in use? Its log ends with:\n{tail}"
            )
        if _answers(handle.query_url):
            return handle
        if time.monotonic() > deadline:
            tail = handle.log_tail()
            handle.stop()
            raise EndpointError(
                f"the SPARQL server did not answer at {url}/query within {wait_s:g} s; "
                f"its log ends with:\n{tail}"
            )
        time.sleep(0.1)


def serve(
    store_path_or_release_file: str | Path | None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    read_only: bool = True,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    limit: int | None = None,
    store_dir: str | Path | None = None,
    union_default_graph: bool = True,
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB,
    max_result_mb: int = DEFAULT_MAX_RESULT_MB,
    workers: int = DEFAULT_WORKERS,
    allow_service: bool = False,
) -> int:
    """Serve a release file or store directory in this process until SIGINT (Ctrl-C), SIGTERM
    or SIGHUP; then stop every engine, remove the temporary store and return 0.

    See :func:`start_server` for the arguments and :mod:`osteokg.gateway` for the limits.
    """
    from . import gateway

    check_limits(port=port, timeout_s=timeout_s, max_memory_mb=max_memory_mb,
                 max_result_mb=max_result_mb, workers=workers, limit=limit)
    binary = oxigraph_binary()
    warning = exposure_warning(host, read_only=read_only)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    limits = Limits(timeout_s=timeout_s, max_memory_mb=max_memory_mb,
                    max_result_bytes=max_result_mb << 20,
                    workers=workers if read_only else 1,  # a writable store has one writer
                    allow_service=allow_service)
    _, url = _bind_address(host, port)
    mode = "read-only" if read_only else "read-write"

    def ready() -> None:
        print(f"SPARQL endpoint ({mode}): {url}/query  ({limits.describe()}; Ctrl-C to stop)",
              file=sys.stderr, flush=True)

    previous = gateway.stop_on_signals()
    temp_dir = _temp_dir()
    try:
        location = _prepare_store(store_path_or_release_file, store_dir, temp_dir)
        stopped_by = gateway.run(binary, location, host=host, port=port, read_only=read_only,
                                 limits=limits, union_default_graph=union_default_graph,
                                 on_ready=ready)
    except gateway.Shutdown as stop:
        stopped_by = str(stop)
    except (OSError, RuntimeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        hint = {98: f"another program listens on port {port}: pick another --port",
                99: f"{host} is no address of this machine: pick another --host",
                13: f"port {port} needs privileges: pick one above 1023"}.get(
                    getattr(error, "errno", None) or 0, "")
        raise EndpointError(f"cannot serve on {url}: {reason}" + (f" - {hint}" if hint
                                                                   else "")) from None
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)
        gateway.restore_signals(previous)
    print(f"stopped ({stopped_by}); engines stopped, temporary store removed",
          file=sys.stderr, flush=True)
    return 0


__all__ = [
    "DEFAULT_PORT",
    "MISSING_BINARY_HINT",
    "ServerHandle",
    "check_limits",
    "exposure_warning",
    "is_loopback",
    "load_store",
    "oxigraph_binary",
    "serve",
    "start_server",
]
