"""The ``osteokg`` command line. Verbs read like the pipeline; user errors never print a
traceback and map to exit codes (0 ok, 1 validation/consistency failure, 2 bad input)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..constants import DEFAULT_RELEASE_DIR
from ..errors import OsteoKGError
from . import evidence as cli_evidence
from . import export as cli_export
from . import query as cli_query
from . import reason as cli_reason
from . import server as cli_server
from . import validate as cli_validate
from .tools import user_errors as _user_errors


@click.group()
@click.version_option(package_name="osteokg")
def main() -> None:
    """osteokg: a knowledge graph of the macrophage-osteoclast axis in bone disease."""


@main.command()
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path),
              default=DEFAULT_RELEASE_DIR, show_default=True, help="release directory")
@click.option("--no-reason", is_flag=True,
              help="skip reasoning (no inferred or justifications graph)")
@click.option("--no-java", is_flag=True, help="do not start HermiT even if Java is present")
@click.option("--question", default="osteoclast-origins", show_default=True,
              help="stored query answered at the end")
@_user_errors
def build(out_dir: Path, no_reason: bool, no_java: bool, question: str) -> None:
    """Build, validate, reason, write the release and answer a stored question."""
    from ..build import build as run_build
    from .report import print_build_summary

    result = run_build(out_dir, reason=not no_reason, use_java=not no_java)
    print_build_summary(result, question=question)


@main.command()
@click.argument("sentence_ids", nargs=-1)
@click.option("--raw", is_flag=True, help="also show offsets into the raw seed")
@_user_errors
def sentences(sentence_ids: tuple[str, ...], raw: bool) -> None:
    """List the normalised sentences with their IDs (all, or the ones given)."""
    from ..text import load_source

    source = load_source()
    wanted = set(sentence_ids)
    unknown = wanted - set(source.sentence_ids)
    if unknown:
        raise OsteoKGError(f"unknown sentence ID(s): {', '.join(sorted(unknown))} - run "
                           "'osteokg sentences' to list them")
    for s in source.sentences:
        if wanted and s.id not in wanted:
            continue
        where = f" [{s.start}:{s.end} raw {s.raw_start}:{s.raw_end}]" if raw else ""
        click.echo(f"{s.id}{where}\t{s.text}")


@main.command()
@click.option("--check", is_flag=True, help="only report files that are not canonical")
@_user_errors
def fmt(check: bool) -> None:
    """Rewrite the curation files in their canonical form (sorted, fixed indent)."""
    from ..canonical import canonical_files

    changed = canonical_files(write=not check)
    for path in changed:
        click.echo(f"{'not canonical' if check else 'rewrote'}: {path}")
    if check and changed:
        sys.exit(1)


@main.command()
@click.option("--reference", "reference_dir", type=click.Path(path_type=Path, exists=True,
              file_okay=False), envvar="OSTEOKG_REFERENCE", required=True,
              help="directory of OBO/OWL/TSV reference releases (env OSTEOKG_REFERENCE)")
@_user_errors
def imports(reference_dir: Path) -> None:
    """Regenerate ontology/imports/ from the reference releases."""
    from ..imports import regenerate_imports

    for src, n in sorted(regenerate_imports(reference_dir).items()):
        click.echo(f"{src}: {n} terms")


# Verbs that live in their own modules (each defines click commands).
for _verb in (cli_query.query, cli_validate.validate, cli_reason.reason, cli_reason.explain,
              cli_reason.paths, cli_server.serve, cli_server.publish, cli_evidence.evidence,
              cli_evidence.coverage, cli_export.export):
    main.add_command(_verb)


if __name__ == "__main__":  # pragma: no cover
    main()
