"""The query engines behind ``osteokg serve``: ``oxigraph serve-read-only`` processes on
private loopback ports, each running one request at a time, which the gateway
(:mod:`osteokg.gateway`) can kill.

A supervisor thread starts them, replaces dead or killed ones, kills one whose resident memory
passes the limit, and moves one busy for more than ``LONG_QUERY_S`` to a low CPU priority with
a stand-in beside it. Engines start through a small launcher that sets ``RLIMIT_DATA`` and asks
the kernel to kill the engine when the gateway dies (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import collections
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from .limits import Limits

_WATCH_INTERVAL_S = 0.05
#: A query running longer than this moves to a lower CPU priority (nice 10).
LONG_QUERY_S = 1.0
LONG_QUERY_NICE = 10
_ENGINE_START_S = 30.0
_LAUNCHER = r"""
import ctypes, os, resource, signal, sys
limit, parent, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
if os.getppid() != parent:
    sys.exit(3)  # the gateway is already gone
if limit > 0:
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
os.execv(argv[0], argv)
"""


class Busy(Exception):
    """No engine became free in time (or the pool is shutting down)."""


def log(message: str) -> None:
    print(f"osteokg serve: {message}", file=sys.stderr, flush=True)


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


# --------------------------------------------------------------------------------------------
# Engines
# --------------------------------------------------------------------------------------------


class Engine:
    """One ``oxigraph serve`` process on a private loopback port, running one request at a time."""

    def __init__(self, slot: int, process: subprocess.Popen, port: int):
        self.slot = slot
        self.process = process
        self.port = port
        self.busy = False
        #: when its current request started (monotonic), and whether it was moved to low CPU
        #: priority for running long
        self.busy_since = 0.0
        self.lowered = False
        #: why the gateway killed it (``timeout``, ``memory``, ``client-gone``...), or None
        self.killed_for: str | None = None

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self, reason: str) -> None:
        if self.killed_for is None:
            self.killed_for = reason
        if self.process.poll() is None:
            try:
                self.process.kill()
            except OSError:
                pass

    def died_of_memory(self) -> bool:
        """Killed by the watchdog, or aborted by an allocation refused under RLIMIT_DATA."""
        if self.killed_for == "memory":
            return True
        code = self.process.poll()
        return code is not None and code in (-signal.SIGABRT, 134)


class Pool:
    """``workers`` engines over one store; a supervisor thread replaces dead ones and watches
    their memory. Engines are only started from that thread, which lives as long as the pool,
    so the kernel's parent-death signal (tied to the starting thread) fires only when the
    gateway goes."""

    def __init__(self, binary: str, store_dir: Path, *, read_only: bool, limits: Limits,
                 union_default_graph: bool = True):
        self.binary = binary
        self.store_dir = Path(store_dir)
        self.read_only = read_only
        self.limits = limits
        self.union_default_graph = union_default_graph
        size = limits.workers if read_only else 1  # a writable store has one writer
        #: slot -> its engine (None while one is being started); a slot is added for each
        #: engine lowered for a long query, so ``size`` engines stay at normal priority
        self.engines: dict[int, Engine | None] = dict.fromkeys(range(size))
        self.size = size
        self._next_slot = size
        self.changed = threading.Condition()
        #: requests waiting for an engine, oldest first: (event, list the engine goes into)
        self.waiters: collections.deque[tuple[threading.Event, list[Engine]]] = \
            collections.deque()
        self.stopping = False
        self.failure: str | None = None
        self._thread = threading.Thread(target=self._supervise, name="engine-supervisor",
                                        daemon=True)

    # -- life cycle ----------------------------------------------------------------------

    def start(self, wait_s: float = _ENGINE_START_S) -> None:
        """Start the supervisor and return once every engine answers (EngineStartError if not)."""
        self._thread.start()
        deadline = time.monotonic() + wait_s
        with self.changed:
            while not all(e is not None for e in self.engines.values()):
                if self.failure:
                    raise RuntimeError(self.failure)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RuntimeError(f"the Oxigraph engines did not start within {wait_s:g} s")
                self.changed.wait(remaining)

    def close(self) -> None:
        with self.changed:
            self.stopping = True
            for ready, _given in self.waiters:
                ready.set()
            self.changed.notify_all()
        self._thread.join(timeout=10)
        for engine in list(self.engines.values()):
            if engine is not None:
                engine.kill("shutdown")
                try:
                    engine.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass

    def _command(self, port: int) -> list[str]:
        command = [self.binary, "serve-read-only" if self.read_only else "serve",
                   "--location", str(self.store_dir), "--bind", f"127.0.0.1:{port}"]
        if self.union_default_graph:
            command.append("--union-default-graph")
        return command

    def _spawn(self, slot: int) -> Engine:
        failures = []
        for _attempt in range(3):
            port = _free_loopback_port()
            limit = self.limits.max_memory_mb << 20
            process = subprocess.Popen(
                [sys.executable, "-c", _LAUNCHER, str(limit), str(os.getpid()),
                 *self._command(port)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                env={**os.environ, "RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"},
            )
            engine = Engine(slot, process, port)
            deadline = time.monotonic() + _ENGINE_START_S
            while time.monotonic() < deadline and process.poll() is None:
                if _engine_answers(port):
                    threading.Thread(target=_drain, args=(process,), daemon=True).start()
                    return engine
                time.sleep(0.02)
            engine.kill("start")
            _, err = process.communicate(timeout=5)
            failures.append(err.decode("utf-8", "replace").strip()[-500:] or
                            f"exit code {process.returncode}")
        raise RuntimeError("cannot start an Oxigraph engine: " + " | ".join(failures))

    def _supervise(self) -> None:
        while True:
            with self.changed:
                if self.stopping:
                    return
                replace = [i for i, e in self.engines.items()
                           if e is None or (not e.busy and not e.alive())]
                for slot in replace:
                    self.engines[slot] = None
            for slot in replace:
                try:
                    engine = self._spawn(slot)
                except (RuntimeError, OSError) as error:
                    with self.changed:
                        self.failure = str(error)
                        self.changed.notify_all()
                    log(str(error))
                    time.sleep(1)
                    continue
                with self.changed:
                    if self.stopping:
                        engine.kill("shutdown")
                        return
                    if slot in self.engines:
                        self.engines[slot] = engine
                    else:  # its slot was retired meanwhile
                        engine.kill("retired")
                    self.failure = None
                    self._hand_over()
                    self.changed.notify_all()
            self._watch_memory()
            self._lower_long_queries()
            with self.changed:
                if not self.stopping:
                    self.changed.wait(_WATCH_INTERVAL_S)

    def _watch_memory(self) -> None:
        """Kill an engine past the memory limit: a busy one (its request is told why) or an
        idle one whose allocator kept what an earlier query used."""
        limit = self.limits.max_memory_mb
        for engine in list(self.engines.values()):
            if engine is not None and engine.alive() and _rss_mb(engine.process.pid) > limit:
                engine.kill("memory")

    def _lower_long_queries(self) -> None:
        """An engine busy for more than ``LONG_QUERY_S`` drops to nice 10 (every thread), so
        short queries on the other engines keep the CPU; it is replaced when it is done, as a
        process cannot raise its priority again."""
        now = time.monotonic()
        for engine in list(self.engines.values()):
            if engine is None or not engine.busy or engine.lowered or \
                    now - engine.busy_since < LONG_QUERY_S:
                continue
            engine.lowered = True
            with self.changed:
                if len(self.engines) < 2 * self.size:
                    self.engines[self._next_slot] = None  # a normal-priority stand-in
                    self._next_slot += 1
            for task in Path(f"/proc/{engine.process.pid}/task").glob("*"):
                try:
                    os.setpriority(os.PRIO_PROCESS, int(task.name), LONG_QUERY_NICE)
                except (OSError, ValueError):
                    continue  # the thread ended

    # -- use -------------------------------------------------------------------------------

    def _idle(self) -> Engine | None:
        for engine in self.engines.values():
            if engine is not None and not engine.busy and engine.killed_for is None \
                    and engine.alive():
                return engine
        return None

    def _hand_over(self) -> None:
        """Give idle engines to waiting requests, first come first served (lock held)."""
        while self.waiters:
            engine = self._idle()
            if engine is None:
                return
            ready, given = self.waiters.popleft()
            engine.busy = True
            engine.busy_since = time.monotonic()
            given.append(engine)
            ready.set()

    def acquire(self, wait_s: float) -> Engine:
        """An idle engine, reserved for the caller; requests wait in arrival order, at most
        ``wait_s`` seconds (then :class:`Busy`)."""
        ready = threading.Event()
        given: list[Engine] = []
        with self.changed:
            if self.stopping:
                raise Busy("the endpoint is shutting down")
            self.waiters.append((ready, given))
            self._hand_over()
        ready.wait(wait_s)
        with self.changed:
            if given:
                return given[0]
            self.waiters.remove((ready, given))
        if self.stopping:
            raise Busy("the endpoint is shutting down")
        raise Busy(f"every query engine stayed busy for {wait_s:g} s; retry later")

    def release(self, engine: Engine) -> None:
        """Give an engine back; a killed or dead one is reaped and its slot refilled."""
        if engine.lowered and engine.killed_for is None:
            engine.kill("lowered")  # retire it: a fresh engine runs at normal priority
        broken = engine.killed_for is not None or not engine.alive()
        if broken:
            engine.kill(engine.killed_for or "died")
            try:
                engine.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        with self.changed:
            engine.busy = False
            if broken and self.engines.get(engine.slot) is engine:
                if len(self.engines) > self.size:
                    del self.engines[engine.slot]  # a stand-in took its place
                else:
                    self.engines[engine.slot] = None  # the supervisor starts a new one
            self._hand_over()
            self.changed.notify_all()

    def resident_mb(self) -> float:
        return sum(_rss_mb(e.process.pid) for e in list(self.engines.values()) if e is not None)


def _engine_answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/query?query=ASK%7B%7D",
                           headers={"Accept": "application/sparql-results+json"})
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _drain(process: subprocess.Popen) -> None:
    """Pass an engine's messages (e.g. Rust's allocation failure) on to the gateway's stderr."""
    assert process.stderr is not None
    for line in process.stderr:
        text = line.decode("utf-8", "replace").rstrip()
        if text and not text.startswith("Listening for requests"):
            log(f"engine {process.pid}: {text}")


__all__ = ["LONG_QUERY_S", "Busy", "Engine", "Pool", "log"]
