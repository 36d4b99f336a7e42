"""``osteokg validate``: check a graph against the SHACL shapes in ``shapes/``.

Without files it validates the graph built from ``seeds/`` (with the inferred graph, unless
``--no-reason``), or a release directory given with ``--with-release``. With files it
validates those files alone (a user's extension must stand on its own: every node it adds
meets the contract); ``--with-release DIR`` adds the released graph, so an extension that
points at osteokg's concepts, sentences and references is checked against them.

Exit codes: 0 the graph conforms (warnings allowed), 1 violations, 2 bad input. The SHACL
report (``-f turtle``) says ``sh:conforms false`` whenever it holds a result, warnings
included, as SHACL defines it; the exit code is osteokg's verdict.

The release's ``osteokg.ttl`` and ``osteokg.owl`` lack the named graphs the shapes read and
are refused with the file to use (``osteokg.nq``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..constants import SHAPES_DIR
from .tools import output_format, user_errors


def _release_file(release_dir: Path) -> Path:
    from ..errors import DataFileError
    from ..release import RELEASE_FILES

    path = Path(release_dir) / RELEASE_FILES["nquads"]
    if not path.is_file():
        raise DataFileError(f"{release_dir}: no {RELEASE_FILES['nquads']} - build a release "
                            "first with 'osteokg build -o DIR'")
    return path


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--with-release", "release_dir", type=click.Path(path_type=Path, file_okay=False),
              help="add the release in DIR (its osteokg.nq) to the graph validated")
@click.option("--shapes", "shapes_dir", type=click.Path(path_type=Path),
              default=SHAPES_DIR, show_default=True,
              help="folder of SHACL shapes (*.ttl), or one Turtle shapes file")
@click.option("--no-reason", is_flag=True,
              help="validate the built graph without its inferred edges")
@output_format(("text", "turtle", "json"), "text")
@user_errors
def validate(files: tuple[Path, ...], release_dir: Path | None, shapes_dir: Path,
             no_reason: bool, fmt: str) -> None:
    """Validate the built graph, a release (--with-release DIR) or RDF FILES against the
    SHACL shapes. Exit code 0: conforms, 1: violations, 2: bad input."""
    import logging

    from ..validate import validate_files, validate_store

    # rdflib logs a traceback for every ill-formed literal it reads ("aldi"^^xsd:integer);
    # SHACL reports those values as results, so the log only hides the report.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    paths = list(files)
    if release_dir is not None:
        paths.append(_release_file(release_dir))
    if paths:
        report = validate_files(paths, shapes_dir)
    else:
        from ..build import compile_all

        result = compile_all()
        if not no_reason:
            from ..reason import reason_dataset

            reason_dataset(result, use_java=False)
        report = validate_store(result.store, shapes_dir)
    if fmt == "json":
        click.echo(report.json(), nl=False)
    elif fmt == "turtle":
        click.echo(report.turtle(), nl=False)
    else:
        click.echo(report.text(), nl=False)
    sys.exit(0 if report.conforms else 1)
