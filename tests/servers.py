"""Test helpers to find or start SPARQL servers, and to make real misbehaving TCP peers.

A test that needs a server calls one of these; when the server cannot be had it is skipped
on a developer's machine, but fails when the environment variable CI is set, so that CI can
never pass by skipping the server tests.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

VIRTUOSO_URL_ENV = "OSTEOKG_VIRTUOSO_URL"
VIRTUOSO_USER_ENV = "OSTEOKG_VIRTUOSO_USER"
VIRTUOSO_PASSWORD_ENV = "OSTEOKG_VIRTUOSO_PASSWORD"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(what: str, how_to_get_it: str) -> None:
    """Skip the test (fail in CI) because a server it needs is not there."""
    message = f"{what} is not available: {how_to_get_it}"
    if in_ci():
        pytest.fail(f"CI is set, so server tests may not be skipped: {message}", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_oxigraph() -> str:
    """Path of the oxigraph server binary, or skip/fail."""
    from osteokg.errors import EndpointError
    from osteokg.server import oxigraph_binary

    try:
        return oxigraph_binary()
    except EndpointError as error:
        unavailable("the Oxigraph server binary", str(error))
        raise AssertionError("unreachable")  # pytest.skip/fail raise


def _sparql_answers(query_url: str, timeout: float = 5) -> bool:
    url = query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def require_virtuoso() -> dict[str, str]:
    """URL and credentials of a running Virtuoso (from the environment), or skip/fail.

    Defaults match .ci/start-servers.sh: http://127.0.0.1:8890, user dba, password dba.
    """
    url = os.environ.get(VIRTUOSO_URL_ENV, "http://127.0.0.1:8890").rstrip("/")
    config = {
        "url": url,
        "query_url": url + "/sparql",
        "user": os.environ.get(VIRTUOSO_USER_ENV, "dba"),
        "password": os.environ.get(VIRTUOSO_PASSWORD_ENV, "dba"),
    }
    if not _sparql_answers(config["query_url"]):
        unavailable(
            f"Virtuoso at {url}", "start it with .ci/start-servers.sh (installs it if needed)"
        )
    return config


@contextlib.contextmanager
def silent_server() -> Iterator[str]:
    """A real TCP server on loopback that accepts connections and never answers.

    Yields its base URL; a client with a timeout must give up on it.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_forever() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            accepted.append(connection)  # held open, never read from or written to

    thread = threading.Thread(target=accept_forever, name="silent-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        listener.close()


@contextlib.contextmanager
def http_server(handler) -> Iterator[int]:
    """A real HTTP server on a free loopback port, running ``handler`` (a
    BaseHTTPRequestHandler class) in a thread; yields the port, shuts down on exit."""
    import http.server

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def occupied_port() -> Iterator[int]:
    """A loopback port held by a listening socket for the duration of the block."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    try:
        yield holder.getsockname()[1]
    finally:
        holder.close()
