"""Shared fixtures: the mini curation (tests/resources/mini-seeds), the real build and a
release directory of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

RESOURCES = Path(__file__).parent / "resources"
MINI_SEEDS = RESOURCES / "mini-seeds"
#: The shared reference releases exist only in the development workspace, never for users.
REFERENCE_DIR = Path(os.environ.get("OSTEOKG_REFERENCE",
                                    Path(__file__).resolve().parents[2] / "shared" / "reference"))


@pytest.fixture(autouse=True, scope="session")
def _loopback_only():
    """The tests make no call to the internet, and this makes sure of it: a connection from
    this process to any address but loopback (or a Unix socket) fails, naming the address.
    The federated queries name public endpoints as their defaults; every test runs them
    against a loopback stand-in."""
    import ipaddress
    import socket

    original = socket.socket.connect, socket.socket.connect_ex

    def _check(sock, address) -> None:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return
        host = address[0]
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ConnectionRefusedError(f"tests may not reach {host}:{address[1]} - use a "
                                         "loopback server (tests/servers.py)")

    def connect(sock, address):
        _check(sock, address)
        return original[0](sock, address)

    def connect_ex(sock, address):
        _check(sock, address)
        return original[1](sock, address)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    yield
    socket.socket.connect, socket.socket.connect_ex = original


@pytest.fixture(scope="session")
def mini_build():
    """The mini curation compiled (no reasoning, no validation)."""
    from osteokg.build import compile_all

    return compile_all(seeds_dir=MINI_SEEDS)


@pytest.fixture(scope="session")
def real_build():
    """The real curation compiled (no reasoning, no validation)."""
    from osteokg.build import compile_all

    return compile_all()


@pytest.fixture(scope="session")
def built():
    """The real curation compiled and reasoned (no HermiT, no SHACL), with its store."""
    from osteokg.build import build

    return build(None, validate=False, use_java=False)


@pytest.fixture(scope="session")
def release_dir(built, tmp_path_factory) -> Path:
    """A release directory holding the built graph as osteokg.nq (what `osteokg query`
    reads by default)."""
    from pyoxigraph import RdfFormat, serialize

    out = tmp_path_factory.mktemp("release")
    nq = out / "osteokg.nq"
    nq.write_bytes(serialize(built.dataset.quads(), format=RdfFormat.N_QUADS))
    # Curators may save seed files while the tests run; this release must stay "current".
    future = nq.stat().st_mtime + 10 * 365 * 24 * 3600
    os.utime(nq, (future, future))
    return out


@pytest.fixture(scope="session")
def java() -> str:
    """The java executable for HermiT: skipped without one, except under CI, where the
    HermiT tests must run."""
    import shutil

    path = shutil.which("java")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but no Java runtime is installed: the HermiT tests must run "
                        "in CI (apt-get install default-jre-headless)")
        pytest.skip("no Java runtime: HermiT tests skipped")
    return path


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE_DIR.is_dir():
        pytest.skip("reference releases (../shared/reference) not available")
    return REFERENCE_DIR
