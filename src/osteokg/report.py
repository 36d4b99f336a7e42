"""What ``osteokg build`` prints: counts per graph and node type, time per stage, and the
answer to one stored question."""

from __future__ import annotations

import textwrap
from collections import Counter

import click

from .build import BuildResult
from .compile import graph_iri
from .formats import render
from .query import load_query, run_query

_TYPE_COUNTS = """
SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?type .
  VALUES ?type { okg:Assertion okg:Evidence okg:Sentence okg:CitedReference owl:Class
                 owl:ObjectProperty okg:Justification }
} GROUP BY ?type ORDER BY ?type
"""


def print_build_summary(result: BuildResult, *, question: str | None) -> None:
    echo = click.echo
    echo("osteokg build")
    echo(f"  review: {len(result.source.sentences)} sentences in "
         f"{len(result.source.sections)} sections")
    echo(f"  curation: {len(result.curation.concepts)} concepts, "
         f"{len(result.curation.assertions)} assertions")
    certainty = Counter(a.certainty for a in result.curation.assertions)
    echo("  certainty: " + ", ".join(f"{k} {v}" for k, v in sorted(certainty.items())))
    echo("  triples per named graph:")
    counts = result.dataset.counts()
    width = max((len(k) for k in counts), default=0)
    for key, n in counts.items():
        echo(f"    {key:<{width}} {n:>7}  <{graph_iri(key)}>")
    echo("  nodes per type:")
    for row in run_query(result.store, _TYPE_COUNTS).rows:
        echo(f"    {row[0][1].rsplit('/', 1)[-1].rsplit('#', 1)[-1]:<16} {row[1][1]:>6}")
    if result.validation is not None:
        echo(f"  validation: {result.validation.summary()}")
    if result.reasoning is not None:
        echo(f"  reasoning: {result.reasoning.summary()}")
    for note in result.notes:
        echo(f"  note: {note}")
    echo("  time per stage:")
    for stage, seconds in result.timings.items():
        echo(f"    {stage:<15} {seconds:7.3f} s")
    if result.files:
        echo("  release files:")
        for path in result.files.values():
            echo(f"    {path}")
    if question:
        q = load_query(question)
        echo("")
        echo(f"{q.title or q.name}")
        if q.question:
            echo(textwrap.fill(q.question, width=96, initial_indent="  ",
                               subsequent_indent="  "))
        echo(render(run_query(result.store, q), "table", result.store))
