"""``osteokg serve`` (a local SPARQL endpoint over the release) and ``osteokg publish``
(load the release into a triple store)."""

from __future__ import annotations

from pathlib import Path

import click

from .clitools import user_errors
from .constants import DEFAULT_RELEASE_DIR
from .errors import DataFileError

RELEASE_NQ = DEFAULT_RELEASE_DIR / "osteokg.nq"


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
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7878, show_default=True, type=int)
@click.option("--writable", is_flag=True, help="accept SPARQL updates (read-only by default)")
@click.option("--timeout", "timeout_s", default=30, show_default=True, type=int,
              help="query timeout in seconds")
@user_errors
def serve(release: Path, host: str, port: int, writable: bool, timeout_s: int) -> None:
    """Serve the built graph as a SPARQL 1.1 endpoint (Oxigraph server) on HOST:PORT.

    Results are content-negotiated (JSON, XML, CSV, TSV; Turtle for CONSTRUCT). The default
    graph is the union of all named graphs, as in 'osteokg query'."""
    from .server import serve as run_server

    source = release if (release.is_dir() and not (release / "osteokg.nq").exists()) \
        else _release_file(release)
    raise SystemExit(run_server(source, host=host, port=port, read_only=not writable,
                                timeout_s=timeout_s))


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
@click.option("--timeout", default=300.0, show_default=True, type=float)
@user_errors
def publish(endpoint: str, kind: str, query_endpoint: str | None, release: Path,
            graphs: tuple[str, ...], user: str | None, password: str | None,
            timeout: float) -> None:
    """Load every named graph of the release into a triple store, replacing each graph's
    previous version in one Graph Store Protocol PUT, and check the triple counts."""
    from .endpoint import publish as run_publish

    counts = run_publish(_release_file(release), endpoint, kind=kind, user=user,
                         password=password, graphs=graphs or None,
                         query_endpoint=query_endpoint, timeout=timeout)
    for graph, n in sorted(counts.items()):
        click.echo(f"{n:>8}  {graph}")
    click.echo(f"published {sum(counts.values())} triples in {len(counts)} graphs to {endpoint}")
