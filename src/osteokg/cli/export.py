"""``osteokg export``: the graph in formats other knowledge-graph tools merge.

Example::

    osteokg export --kgx out/kgx            # out/kgx/osteokg_nodes.tsv, osteokg_edges.tsv
    osteokg export --kgx out/kgx --validate # and check them with kgx (pip install 'osteokg[kgx]')

Exit codes: 0 written (and valid); 1 kgx found errors; 2 bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import OsteoKGError
from .tools import graph_source, user_errors


@click.command()
@click.option("--kgx", "kgx_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="write KGX nodes and edges TSV files into this directory")
@click.option("--validate", is_flag=True,
              help="check the files with kgx's validator against the Biolink model (local "
                   "copies, no network; needs pip install 'osteokg[kgx]')")
@graph_source("export", "exported")
@user_errors
def export(kgx_dir: Path, validate: bool, release_dir: Path, data_files: tuple[Path, ...],
           rebuild: bool) -> None:
    """Export the graph as KGX (Biolink) nodes and edges files.

    Edges are the review's claims (knowledge_assertion, manual_agent) and the inferred
    edges (logical_entailment, automated_agent), with Biolink predicates and qualifiers and
    the RO relation as original_predicate. Claims the review states only as hypotheses or
    calls unclear are left out.
    """
    from ..graph import open_graph
    from ..kgx import write_kgx

    store, note = open_graph(release_dir, data=data_files, rebuild=rebuild)
    if note:
        click.echo(f"note: {note}", err=True)
    files = write_kgx(store, kgx_dir)
    for path in files.values():
        click.echo(f"wrote {path}", err=True)
    if not validate:
        return
    from ..biolink import KGX_HINT, validate_kgx

    try:
        errors = validate_kgx(list(files.values()), report=kgx_dir / "kgx-validate.json")
    except ModuleNotFoundError as exc:
        raise OsteoKGError(f"{KGX_HINT} ({exc.name} is missing)") from exc
    count = sum(len(messages) for types in errors.values() for messages in types.values())
    if count:
        click.echo(f"kgx validate: {count} problem(s), see {kgx_dir / 'kgx-validate.json'}",
                   err=True)
        for level, types in sorted(errors.items()):
            for kind, messages in sorted(types.items()):
                for message in list(messages)[:5]:
                    click.echo(f"  {level} {kind}: {message}", err=True)
        sys.exit(1)
    click.echo("kgx validate: no error", err=True)
