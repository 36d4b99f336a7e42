"""What ``osteokg build`` prints: counts per graph and node type, time per stage, and the
answer to one stored question."""

from __future__ import annotations

import textwrap
from collections import Counter

import click

from ..build import BuildResult
from ..compile import graph_iri
from ..formats import render
from ..query import load_query, run_query
from .tools import terminal_columns

_TYPE_COUNTS = """
SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?type .
  VALUES ?type { okg:Assertion okg:Evidence okg:Sentence okg:CitedReference owl:Class
                 owl:ObjectProperty okg:Justification }
} GROUP BY ?type ORDER BY ?type
"""
_CLASSES = "SELECT DISTINCT ?s WHERE { ?s a owl:Class FILTER(isIRI(?s)) }"

#: What each node type counts, in words (the local name of the type -> description).
_NODE_TYPES = {
    "Assertion": ("assertions", "curated claims of the review"),
    "CitedReference": ("cited references", "the review's reference list, by number"),
    "Class": ("OWL classes", ("{curated} curated concepts, {other} from the import modules "
                             "and osteokg's vocabulary")),
    "Evidence": ("evidence records", "one per assertion and sentence it rests on"),
    "Justification": ("justifications", "one per inferred edge written: rule and premises"),
    "ObjectProperty": ("relations", "OWL object properties (RO and osteokg's own)"),
    "Sentence": ("sentences", "of the review, each with its Chinese text"),
}


def _node_lines(result: BuildResult) -> list[str]:
    """One line per node type: the count, what it is and what it counts."""
    from ..prefixes import expand

    rows = []
    for type_, n in run_query(result.store, _TYPE_COUNTS).rows:
        local = type_[1].rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        name, what = _NODE_TYPES.get(local, (local, ""))
        if local == "Class":
            classes = {row[0][1] for row in run_query(result.store, _CLASSES).rows}
            curated = len(classes & {expand(c) for c in result.curation.concepts})
            what = what.format(curated=curated, other=int(n[1]) - curated)
        rows.append((name, n[1], what))
    width = max((len(name) for name, _, _ in rows), default=0)
    return [f"{name:<{width}} {n:>6}  {what}".rstrip() for name, n, what in rows]


def print_build_summary(result: BuildResult, *, question: str | None) -> None:
    echo = click.echo
    echo("osteokg build")
    echo(f"  review: {len(result.source.sentences)} sentences in "
         f"{len(result.source.sections)} sections")
    echo(f"  curation: {len(result.curation.concepts)} concepts, "
         f"{len(result.curation.assertions)} assertions")
    certainty = Counter(a.certainty for a in result.curation.assertions)
    echo("  assertions by certainty: " + ", ".join(
        f"{k.replace('_', ' ')} {v}" for k, v in sorted(certainty.items())))
    echo("  triples per named graph:")
    counts = result.dataset.counts()
    width = max((len(k) for k in counts), default=0)
    for key, n in counts.items():
        echo(f"    {key:<{width}} {n:>7}  <{graph_iri(key)}>")
    echo("  nodes per type:")
    for line in _node_lines(result):
        echo(f"    {line}")
    if result.validation is not None:
        echo(f"  validation: {result.validation.summary()}")
    if result.reasoning is not None:
        echo(f"  reasoning: {result.reasoning.summary()}")
        if getattr(result.reasoning, "derived_edges", 0):
            echo("    (derived: every new edge the rules draw from the assertions, for any "
                 "relation; written: the edges of the relations the curation uses or marks "
                 "okg:materialised, and the edges they rest on, each with a justification)")
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
        echo(render(run_query(result.store, q), "table", result.store,
                    width=terminal_columns()))
