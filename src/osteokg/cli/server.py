"""``osteokg serve`` (a local SPARQL endpoint over the release) and ``osteokg publish``
(load the release into a triple store)."""

from __future__ import annotations

import math
from pathlib import Path

import click

from ..constants import DEFAULT_RELEASE_DIR
from ..errors import DataFileError
from ..limits import DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_RESULT_MB, DEFAULT_WORKERS
from .tools import user_errors

RELEASE_NQ = DEFAULT_RELEASE_DIR / "osteokg.nq"


class Seconds(click.FloatRange):
    """A positive number of seconds, at most a day (click's FloatRange lets NaN through)."""

    name = "seconds"

    def __init__(self) -> None:
        super().__init__(0, 86400, min_open=True)

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return number


def _release_file(path: Path) -> Path:
    if path.is_dir():
        path = path / "osteokg.nq"
    if not path.exists():
        raise DataFileError(f"{path}: no release here - run 'osteokg build' first (or pass "
                            "--release FILE)")
    return path


@click.command()
@click.option("--release", "release", type=click.Path(path_type=Path), default=RELEASE_NQ,
              show_default=True, help="release N-Quads/TriG file, its directory, or a store")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on (anything but loopback prints a warning)")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535))
@click.option("--writable", is_flag=True, help="accept SPARQL updates (read-only by default)")
@click.option("--timeout", "timeout_s", default=30.0, show_default=True,
              type=Seconds(), help="seconds a query may run; then it is stopped (HTTP 503)")
@click.option("--max-memory", "max_memory_mb", default=DEFAULT_MAX_MEMORY_MB, show_default=True,
              type=click.IntRange(64, 1 << 20), metavar="MB",
              help="memory per query engine; a query needing more is stopped (HTTP 503)")
@click.option("--max-result", "max_result_mb", default=DEFAULT_MAX_RESULT_MB,
              show_default=True, type=click.IntRange(1, 1 << 20), metavar="MB",
              help="largest answer sent; a larger one is refused (HTTP 503)")
@click.option("--workers", default=DEFAULT_WORKERS, show_default=True,
              type=click.IntRange(1, 64), help="query engines (queries run at the same time)")
@click.option("--allow-service", is_flag=True,
              help="let queries use SERVICE (the server then fetches other hosts)")
@user_errors
def serve(release: Path, host: str, port: int, writable: bool, timeout_s: float,
          max_memory_mb: int, max_result_mb: int, workers: int, allow_service: bool) -> None:
    """Serve the built graph as a SPARQL 1.1 endpoint on HOST:PORT (Oxigraph engines behind
    a gateway that enforces the limits), until Ctrl-C, SIGTERM or SIGHUP.

    Results are content-negotiated (JSON, XML, CSV, TSV; Turtle for CONSTRUCT). The default
    graph is the union of all named graphs, as in 'osteokg query'. Memory in use stays under
    about WORKERS x (2 x MAX-MEMORY + MAX-RESULT) MB."""
    from ..server import serve as run_server

    source = release if (release.is_dir() and not (release / "osteokg.nq").exists()) \
        else _release_file(release)
    raise SystemExit(run_server(source, host=host, port=port, read_only=not writable,
                                timeout_s=timeout_s, max_memory_mb=max_memory_mb,
                                max_result_mb=max_result_mb, workers=workers,
                                allow_service=allow_service))


@click.command()
@click.option("--endpoint", required=True, help="server base URL, e.g. http://127.0.0.1:8890")
@click.option("--kind", type=click.Choice(["oxigraph", "virtuoso", "gsp"]), default="oxigraph",
              show_default=True, help="server type (gsp: any Graph Store Protocol server)")
@click.option("--query-endpoint", help="SPARQL query URL for the count check (kind gsp)")
@click.option("--release", "release", type=click.Path(path_type=Path), default=RELEASE_NQ,
              show_default=True, help="release N-Quads/TriG file or its directory")
@click.option("--graph", "graphs", multiple=True, help="only these graphs (name or IRI)")
@click.option("--user", envvar="OSTEOKG_ENDPOINT_USER", help="env OSTEOKG_ENDPOINT_USER")
@click.option("--password", envvar="OSTEOKG_ENDPOINT_PASSWORD",
              help="env OSTEOKG_ENDPOINT_PASSWORD")
@click.option("--timeout", default=300.0, show_default=True,
              type=Seconds(), help="seconds to wait for each request to the store")
@user_errors
def publish(endpoint: str, kind: str, query_endpoint: str | None, release: Path,
            graphs: tuple[str, ...], user: str | None, password: str | None,
            timeout: float) -> None:
    """Load every named graph of the release into a triple store, replacing each graph's
    previous version in one Graph Store Protocol PUT, and check the triple counts."""
    from ..endpoint import publish as run_publish
    from ..endpoint import redact_url

    counts = run_publish(_release_file(release), endpoint, kind=kind, user=user,
                         password=password, graphs=graphs or None,
                         query_endpoint=query_endpoint, timeout=timeout)
    for graph, n in sorted(counts.items()):
        click.echo(f"{n:>8}  {graph}")
    click.echo(f"published {sum(counts.values())} triples in {len(counts)} graphs to "
               f"{redact_url(endpoint)}")
