"""``osteokg evidence`` (the sentences behind an edge) and ``osteokg coverage`` (every
sentence of the review: covered by which assertions, or why not)."""

from __future__ import annotations

import json
import sys

import click

from ..errors import UnknownTermError
from ..prefixes import compress
from .tools import output_format, user_errors


def _resolve(store, text: str) -> str:
    from ..query import _resolve_iri

    return compress(_resolve_iri(store, text).value)


@click.command()
@click.argument("terms", nargs=-1, required=True)
@output_format(("text", "json"), "text")
@user_errors
def evidence(terms: tuple[str, ...], fmt: str) -> None:
    """The evidence behind an edge: SUBJECT PREDICATE OBJECT (CURIEs or English/Chinese
    labels; '*' for any), or an assertion ID such as A0401."""
    from ..build import compile_all
    from ..evidence import assertions_matching, describe
    from ..formats import Labeller
    from ..prefixes import expand
    from ..terms import shorten

    result = compile_all()
    if len(terms) == 1:
        found = [a for a in result.curation.assertions if a.id == terms[0]]
        if not found:
            raise UnknownTermError(f"no assertion {shorten(terms[0])} - IDs look like A0001")
    elif len(terms) == 3:
        s, p, o = (None if t == "*" else _resolve(result.store, t) for t in terms)
        found = assertions_matching(result.curation, s, p, o)
        if not found:
            raise UnknownTermError(f"the review makes no assertion {shorten(' '.join(terms))}")
    else:
        raise click.UsageError("give SUBJECT PREDICATE OBJECT or one assertion ID")
    records = [describe(a, result.curation) for a in found]
    labeller = Labeller.for_store(result.store)
    for rec in records:
        rec["predicate_label"] = labeller(expand(rec["predicate"]))
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for rec in records:
        predicate = rec["predicate"] + (f" ({rec['predicate_label']})"
                                         if rec["predicate_label"] else "")
        click.echo(f"{rec['id']}  {rec['subject']} {predicate} {rec['object']}")
        click.echo(f"  certainty: {rec['certainty']}    curated in {rec['curated_in']}")
        for name, values in rec["qualifiers"].items():
            click.echo(f"  {name}: {', '.join(values)}")
        for ev in rec["evidence"]:
            refs = ", ".join(f"［{n}］" for n in ev["references"]) or "none cited"
            click.echo(f"  sentence {ev['sentence']} (references: {refs}; {ev['eco']})")
            click.echo(f"    zh: {ev['sentence_text']}")
            click.echo(f"    quote: {ev['quote']}")
            click.echo(f"    en: {ev['english']}")
        click.echo("")


@click.command()
@output_format(("text", "json"), "text")
@click.option("--uncovered", is_flag=True, help="only sentences without an assertion")
@user_errors
def coverage(fmt: str, uncovered: bool) -> None:
    """Every sentence of the review: its assertions, or the reason it has none.

    Exits 1 if a sentence has neither (a claim may be missing)."""
    from ..curation import load_curation
    from ..evidence import coverage_report

    rows = coverage_report(load_curation())
    missing = [r for r in rows if r["status"] == "missing"]
    shown = [r for r in rows if r["status"] != "covered"] if uncovered else rows
    if fmt == "json":
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
    else:
        for r in shown:
            detail = " ".join(r["assertions"]) if r["status"] == "covered" else r["reason"]
            click.echo(f"{r['sentence']:<11} {r['status']:<9} {detail}")
        n_cov = sum(r["status"] == "covered" for r in rows)
        click.echo(f"{n_cov} of {len(rows)} sentences covered by assertions, "
                   f"{len(rows) - n_cov - len(missing)} without a claim, {len(missing)} missing")
    if missing:
        sys.exit(1)
