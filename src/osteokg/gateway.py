"""The bounded front of ``osteokg serve``: a loopback proxy that owns the public port and runs
each query on an Oxigraph engine process it can kill.

Why: the Oxigraph server's own ``--timeout-s`` does not stop every query (a cross-product
``COUNT`` ran for minutes after its client left), it has no memory cap (an ``ORDER BY`` over a
cross product grew to 3.6 GB in 4 s) and it lets ``SERVICE`` fetch any host. So the gateway
keeps a pool of ``oxigraph serve-read-only`` engines on private loopback ports, gives each
engine one request at a time, and enforces the limits itself:

* **time** - a request still running ``timeout_s`` after it reached its engine gets HTTP 503
  and its engine is killed (SIGKILL) and replaced; so is one whose client hangs up. A request
  waits at most ``timeout_s`` for a free engine, else HTTP 503 with ``Retry-After``.
* **priority** - an engine still busy after ``LONG_QUERY_S`` (1 s) drops to nice 10 and a
  stand-in engine is started beside it, so short queries keep ``workers`` engines at normal
  priority while long ones run out their time (at most ``2 x workers`` engines in all); the
  lowered engine is retired when it is done.
* **memory** - every engine runs under ``RLIMIT_DATA`` of ``max_memory_mb`` (the allocation
  that passes it aborts the engine), and a watchdog kills an engine whose resident memory
  passes the same figure; the request gets HTTP 503 naming the limit. Killing the process is
  what frees the memory.
* **results** - an answer larger than ``max_result_bytes`` is not sent: HTTP 503 naming the
  limit (the gateway buffers each answer, so a client never gets a truncated ``200 OK``).
* **requests** - at most ``max_request_bytes`` of query text and ``max_clients`` open
  connections; idle connections close after ``idle_timeout_s``.
* **SERVICE** - queries using ``SERVICE`` (and updates using ``SERVICE`` or ``LOAD``) are
  refused with HTTP 403 unless ``allow_service`` (see :mod:`osteokg.sparqlscan`). The query
  the engine runs is exactly the text that was checked: the gateway re-sends it as one form
  field, whatever way the client sent it.

Each refusal carries the header ``X-Osteokg-Limit`` (``timeout``, ``memory``, ``result-size``,
``busy``, ``service``, ``request-size``, ``read-only``) and a one-line plain-text reason.

The engines and their supervisor are in :mod:`osteokg.engines`; they die with the gateway,
even after ``kill -9`` (``PR_SET_PDEATHSIG``). :func:`run` serves in the foreground and shuts everything down on SIGTERM,
SIGHUP and SIGINT; ``python -m osteokg.gateway`` runs it as a separate process (what
:func:`osteokg.server.start_server` starts).
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import select
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from .engines import Busy, Engine, Pool, log
from .limits import (
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_MAX_RESULT_MB,
    DEFAULT_TIMEOUT_S,
    DEFAULT_WORKERS,
    Limits,
)
from .sparqlscan import fetching_keyword

#: Graph Store Protocol uploads to a writable server may be whole releases.
WRITABLE_MAX_BODY_BYTES = 1 << 30
_PASSED_HEADERS = ("Content-Type", "Content-Disposition", "Location", "Allow", "Vary")


class Refusal(Exception):
    """A request the gateway answers itself: HTTP status, limit name and reason."""

    def __init__(self, status: int, limit: str, reason: str, *, retry_after: int | None = None):
        super().__init__(reason)
        self.status = status
        self.limit = limit
        self.reason = reason
        self.retry_after = retry_after


# --------------------------------------------------------------------------------------------
# HTTP front
# --------------------------------------------------------------------------------------------


class _Front(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], pool: Pool, limits: Limits, family: int):
        self.address_family = family
        self.pool = pool
        self.limits = limits
        self.open_connections = 0
        self.counter_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request, client_address):
        with self.counter_lock:
            crowded = self.open_connections >= self.limits.max_clients
            if not crowded:
                self.open_connections += 1
        if crowded:
            try:
                request.sendall(_plain_response(
                    503, "busy", f"more than {self.limits.max_clients} open connections; "
                    "retry later", retry_after=1))
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (OSError, http.client.HTTPException)):
            return  # the client went away mid-answer
        log(f"internal error on a request from {client_address[0]}: {error!r}")

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.counter_lock:
                self.open_connections -= 1


def _plain_response(status: int, limit: str, reason: str, *, retry_after: int | None = None
                    ) -> bytes:
    body = (reason + "\n").encode("utf-8")
    lines = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}",
             "Content-Type: text/plain; charset=utf-8", f"Content-Length: {len(body)}",
             f"X-Osteokg-Limit: {limit}", "Connection: close"]
    if retry_after is not None:
        lines.append(f"Retry-After: {retry_after}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Front
    server_version = "osteokg-gateway"

    def setup(self) -> None:
        self.timeout = self.server.limits.idle_timeout_s
        super().setup()

    def log_message(self, format: str, *args) -> None:
        pass  # one line per request is noise; limits are logged where they act

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    # -- one request ---------------------------------------------------------------------

    def _serve(self) -> None:
        try:
            method, target, headers, body = self._checked_request()
            try:
                engine = self.server.pool.acquire(self.server.limits.timeout_s)
            except Busy as busy:
                raise Refusal(503, "busy", str(busy),
                              retry_after=max(1, int(self.server.limits.timeout_s))) from None
            try:
                status, reply_headers, reply = self._forward(engine, method, target, headers,
                                                             body)
            finally:
                self.server.pool.release(engine)
        except Refusal as refusal:
            if refusal.limit == "client-gone":
                self.close_connection = True
                return
            if refusal.limit in ("timeout", "memory", "result-size"):
                log(f"{self.client_address[0]}: {refusal.reason}")
            # The request body may be unread: close rather than read the next request from it.
            self.close_connection = True
            self._send(refusal.status, [("Content-Type", "text/plain; charset=utf-8"),
                                        ("X-Osteokg-Limit", refusal.limit)]
                       + ([("Retry-After", str(refusal.retry_after))]
                          if refusal.retry_after is not None else []),
                       (refusal.reason + "\n").encode("utf-8"))
            return
        self._send(status, reply_headers, reply)

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")  # so a keep-alive client reconnects
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _read_body(self, limit: int) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            raise Refusal(411, "request-size", "send the request with a Content-Length "
                          "(chunked request bodies are not accepted)")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise Refusal(400, "request-size", "the Content-Length header is not a number")
        if length < 0 or length > limit:
            self.close_connection = True
            raise Refusal(413, "request-size",
                          f"the request body has {length} bytes; this endpoint accepts at "
                          f"most {limit}")
        return self.rfile.read(length) if length else b""

    def _checked_request(self) -> tuple[str, str, dict[str, str], bytes]:
        """(method, path?query, headers, body) to send to the engine, after every check."""
        limits = self.server.limits
        read_only = self.server.pool.read_only
        split = urllib.parse.urlsplit(self.path)
        path = split.path.rstrip("/") or "/"
        if len(self.path) > limits.max_request_bytes:
            raise Refusal(414, "request-size", "the request URL is too long; POST the query")
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        accept = self.headers.get("Accept", "*/*")
        if path in ("/query", "/update"):
            update = path == "/update"
            if update and read_only:
                self._read_body(limits.max_request_bytes)
                raise Refusal(403, "read-only", "this endpoint is read-only: SPARQL updates "
                              "are refused (start the server with --writable to accept them)")
            if self.command not in ("GET", "POST") or (update and self.command != "POST"):
                raise Refusal(405, "method", f"{self.command} is not allowed on {path}")
            body = self._read_body(limits.max_request_bytes) if self.command == "POST" else b""
            params = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
            field = "update" if update else "query"
            if self.command == "POST" and content_type == "application/x-www-form-urlencoded":
                params += urllib.parse.parse_qsl(_utf8(body), keep_blank_values=True)
            elif self.command == "POST" and content_type in ("application/sparql-query",
                                                             "application/sparql-update"):
                params.append((field, _utf8(body)))
            elif self.command == "POST":
                raise Refusal(415, "request", f"send the {field} as "
                              "application/x-www-form-urlencoded or application/sparql-"
                              f"{field}, not {content_type or 'no content type'}")
            texts = [value for name, value in params if name == field]
            if len(texts) != 1:
                raise Refusal(400, "request", f"give exactly one {field} (got {len(texts)})")
            if not limits.allow_service:
                word = fetching_keyword(texts[0], update=update)
                if word:
                    raise Refusal(403, "service", f"{word} is not allowed on this endpoint: "
                                  "it would make the server fetch other hosts (start it with "
                                  "--allow-service to permit it)")
            form = urllib.parse.urlencode(params).encode("utf-8")
            return "POST", path, {"Accept": accept, "Content-Type":
                                  "application/x-www-form-urlencoded"}, form
        if path not in ("/", "/store"):
            self._read_body(limits.max_request_bytes)
            raise Refusal(404, "request", f"no service at {path}: SPARQL queries go to /query, "
                          "updates to /update, Graph Store Protocol requests to /store")
        if read_only and self.command not in ("GET", "HEAD"):
            self._read_body(limits.max_request_bytes)
            raise Refusal(403, "read-only", f"this endpoint is read-only: {self.command} "
                          "is refused (start the server with --writable to accept it)")
        limit = WRITABLE_MAX_BODY_BYTES if not read_only else limits.max_request_bytes
        body = self._read_body(limit) if self.command not in ("GET", "HEAD") else b""
        headers = {"Accept": accept}
        if self.headers.get("Content-Type"):
            headers["Content-Type"] = self.headers["Content-Type"]
        return self.command, self.path, headers, body

    def _forward(self, engine: Engine, method: str, target: str, headers: dict[str, str],
                 body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        limits = self.server.limits
        deadline = time.monotonic() + limits.timeout_s
        connection = http.client.HTTPConnection("127.0.0.1", engine.port,
                                                timeout=limits.timeout_s)
        try:
            connection.request(method, target, body=body or None,
                               headers={**headers, "Connection": "close"})
            self._wait_for_answer(engine, connection, deadline)
            response = connection.getresponse()
            reply = bytearray()
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._stop(engine, "timeout")
                connection.sock.settimeout(remaining)
                chunk = response.read1(1 << 16) if method != "HEAD" else b""
                if not chunk:
                    break
                reply += chunk
                if len(reply) > limits.max_result_bytes:
                    raise self._stop(engine, "result-size")
            passed = [(k, v) for k, v in response.getheaders() if k.title() in _PASSED_HEADERS]
            return response.status, passed, bytes(reply)
        except (OSError, http.client.HTTPException):
            if engine.killed_for is None and time.monotonic() >= deadline:
                raise self._stop(engine, "timeout") from None
            if engine.killed_for in ("timeout", "client-gone", "result-size"):
                raise self._stop(engine, engine.killed_for) from None
            if engine.died_of_memory() or _wait_dead(engine):
                raise self._stop(engine, "memory") from None
            engine.kill("failed")
            raise Refusal(502, "engine", "the query engine failed while answering; the "
                          "request was not completed") from None
        finally:
            connection.close()

    def _wait_for_answer(self, engine: Engine, connection: http.client.HTTPConnection,
                         deadline: float) -> None:
        """Block until the engine starts answering; stop it at the deadline or when the client
        hangs up (a query nobody waits for is not left running)."""
        watched = [connection.sock, self.connection]
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._stop(engine, "timeout")
            readable, _, _ = select.select(watched, [], [], min(remaining, 0.25))
            if connection.sock in readable:
                return
            if self.connection in readable:
                try:
                    gone = self.connection.recv(1, socket.MSG_PEEK) == b""
                except OSError:
                    gone = True
                if gone:
                    raise self._stop(engine, "client-gone")
                watched = [connection.sock]  # a pipelined request: stop watching the client
            if not engine.alive() and engine.died_of_memory():
                raise self._stop(engine, "memory")

    def _stop(self, engine: Engine, why: str) -> Refusal:
        engine.kill(why)
        limits = self.server.limits
        if why == "timeout":
            return Refusal(503, "timeout", f"the query was stopped after {limits.timeout_s:g} s "
                           "(this endpoint's time limit); simplify it or add LIMIT")
        if why == "memory":
            return Refusal(503, "memory", "the query was stopped: it needed more than "
                           f"{limits.max_memory_mb} MB (this endpoint's memory limit); "
                           "simplify it or add LIMIT")
        if why == "result-size":
            return Refusal(503, "result-size", "the answer was not sent: it is larger than "
                           f"{limits.max_result_bytes >> 20} MB (this endpoint's result "
                           "limit); add LIMIT or select fewer variables")
        self.close_connection = True
        return Refusal(499 if why == "client-gone" else 502, why, "the client left; the query "
                       "was stopped")


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "request", "the request body is not UTF-8") from None


def _wait_dead(engine: Engine, wait_s: float = 0.5) -> bool:
    """True when the engine is dead (or dies within ``wait_s``) of a memory failure."""
    try:
        engine.process.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        return False
    return engine.died_of_memory()


# --------------------------------------------------------------------------------------------
# Running it
# --------------------------------------------------------------------------------------------


class Shutdown(Exception):
    """Raised in the main thread by the first SIGTERM, SIGHUP or SIGINT (see
    :func:`stop_on_signals`); later signals are ignored so that the cleanup runs to its end."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
_signalled = threading.Event()


def _raise_shutdown(signum, _frame) -> None:
    if _signalled.is_set():
        return  # already shutting down: let the cleanup finish
    _signalled.set()
    raise Shutdown(signum)


def stop_on_signals() -> dict:
    """Make SIGTERM, SIGHUP and SIGINT raise :class:`Shutdown` (once) in the main thread;
    returns the previous handlers for :func:`restore_signals`."""
    previous = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS}
    if previous[signal.SIGTERM] is not _raise_shutdown:
        _signalled.clear()
    for signum in _STOP_SIGNALS:
        signal.signal(signum, _raise_shutdown)
    return previous


def restore_signals(previous: dict) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


class Gateway:
    """The pool and the HTTP front together; ``start()`` then ``serve_forever()``/``close()``."""

    def __init__(self, binary: str, store_dir: Path, *, host: str, port: int,
                 read_only: bool = True, limits: Limits | None = None,
                 union_default_graph: bool = True):
        self.limits = limits or Limits()
        self.pool = Pool(binary, store_dir, read_only=read_only, limits=self.limits,
                         union_default_graph=union_default_graph)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.front = _Front((host.strip("[]"), port), self.pool, self.limits, family)

    def start(self) -> None:
        try:
            self.pool.start()
        except BaseException:
            self.close()
            raise

    def serve_forever(self) -> None:
        self.front.serve_forever(poll_interval=0.2)

    def close(self) -> None:
        self.front.server_close()
        self.pool.close()


def run(binary: str, store_dir: Path, *, host: str, port: int, read_only: bool = True,
        limits: Limits | None = None, union_default_graph: bool = True,
        on_ready=None) -> str:
    """Serve in the foreground until SIGTERM, SIGHUP or SIGINT; returns the signal's name.

    Every engine is stopped before this returns; the caller removes its temporary store.
    Call it from the main thread (signals are only delivered there).
    """
    previous = stop_on_signals()
    gateway = None
    try:
        gateway = Gateway(binary, store_dir, host=host, port=port, read_only=read_only,
                          limits=limits, union_default_graph=union_default_graph)
        gateway.start()
        if on_ready is not None:
            on_ready()
        gateway.serve_forever()
        return "stopped"
    except Shutdown as stop:
        return str(stop)
    finally:
        if gateway is not None:
            gateway.close()
        restore_signals(previous)


def main(argv: list[str] | None = None) -> int:
    """``python -m osteokg.gateway``: what :func:`osteokg.server.start_server` runs."""
    parser = argparse.ArgumentParser(prog="python -m osteokg.gateway")
    parser.add_argument("--binary", required=True)
    parser.add_argument("--store", required=True, type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--writable", action="store_true")
    parser.add_argument("--no-union-default-graph", action="store_true")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S)
    parser.add_argument("--max-memory-mb", type=int, default=DEFAULT_MAX_MEMORY_MB)
    parser.add_argument("--max-result-mb", type=int, default=DEFAULT_MAX_RESULT_MB)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--allow-service", action="store_true")
    args = parser.parse_args(argv)
    limits = Limits(timeout_s=args.timeout, max_memory_mb=args.max_memory_mb,
                    max_result_bytes=args.max_result_mb << 20, workers=args.workers,
                    allow_service=args.allow_service)
    try:
        stopped_by = run(args.binary, args.store, host=args.host, port=args.port,
                         read_only=not args.writable, limits=limits,
                         union_default_graph=not args.no_union_default_graph)
    except (OSError, RuntimeError) as error:
        log(f"cannot serve on {args.host}:{args.port}: "
             f"{getattr(error, 'strerror', None) or error}")
        return 2
    log(f"stopped ({stopped_by})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
