"""Shared pieces of the command line: error handling and options used by several verbs."""

from __future__ import annotations

import functools
import os
import shutil
import sys

import click

from ..errors import OsteoKGError


def user_errors(fn):
    """Print an osteokg error as one message on stderr and exit with its code (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except OsteoKGError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


def output_format(choices: tuple[str, ...], default: str):
    """A ``--format`` option."""
    return click.option("-f", "--format", "fmt", type=click.Choice(choices), default=default,
                        show_default=True, help="output format")


def graph_source(do: str, done: str):
    """The --release / --data / --rebuild options of a verb that reads the graph, as
    :func:`osteokg.graph.open_graph` takes them (``do``/``done``: what the verb does with the
    graph, e.g. "query"/"queried")."""
    from pathlib import Path

    from ..constants import DEFAULT_RELEASE_DIR

    def decorate(fn):
        for option in reversed((
            click.option("--release", "release_dir",
                          type=click.Path(file_okay=False, path_type=Path),
                          default=DEFAULT_RELEASE_DIR, show_default=True,
                          help=f"release directory whose osteokg.nq is {done} when up to date"),
            click.option("--data", "data_files", multiple=True,
                         type=click.Path(exists=True, dir_okay=False, path_type=Path),
                         help=f"{do} these RDF files instead of the release (repeatable)"),
            click.option("--rebuild", is_flag=True,
                         help="compile the graph from seeds/ in memory even if the release "
                              "is current"),
        )):
            fn = option(fn)
        return fn

    return decorate


def terminal_columns() -> int | None:
    """How wide tables may be: ``COLUMNS`` if set, else the terminal's width when stdout is
    a terminal, else None (no limit: output for a file or another program)."""
    value = os.environ.get("COLUMNS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None
