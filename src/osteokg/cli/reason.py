"""``osteokg reason``, ``osteokg explain`` and ``osteokg paths``.

All three work on the graph compiled from the curation (``seeds/``), or on a release file
given with ``--data`` (N-Quads or TriG holding the inferred and justifications graphs). Terms
may be given as CURIEs, IRIs, or English or Chinese labels (``破骨细胞``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from ..errors import OsteoKGError
from .tools import output_format, user_errors

_DATA = click.option("--data", "data", type=click.Path(path_type=Path, exists=True,
                     dir_okay=False), help="a release file (osteokg.nq / .trig) instead of "
                     "compiling seeds/")
_LANG = click.option("--lang", type=click.Choice(("en", "zh")), default="en",
                     show_default=True, help="label language")


def _store(data: Path | None):
    """The store to explain/walk: a release file, or the curation compiled and materialised
    (HermiT is not needed for that)."""
    if data is not None:
        from pyoxigraph import NamedNode

        from ..compile import graph_iri
        from ..store import load_files

        store = load_files([data])
        for key in ("inferred", "justifications"):
            g = NamedNode(graph_iri(key))
            if not any(True for _ in store.quads_for_pattern(None, None, None, g)):
                raise OsteoKGError(f"{data}: no {key} graph <{g.value}> - build the release "
                                   "with reasoning (osteokg build, without --no-reason)")
        return store
    from ..build import compile_all
    from ..reason import reason_dataset

    result = compile_all()
    reason_dataset(result, use_java=False)
    return result.store


@click.command()
@click.option("--no-java", is_flag=True, help="skip HermiT (materialise only)")
@click.option("--agreement", is_flag=True,
              help="also check the materialised edges against HermiT's entailments (slow)")
@click.option("--java-memory", "java_memory_mb", type=click.IntRange(256, 1 << 20),
              metavar="MB", help="HermiT's Java heap for --agreement [default: a quarter of "
              "this machine's memory, 2000-8000]")
@click.option("--batch", type=click.IntRange(1, 1 << 20), default=None,
              help="(P, O) probes per HermiT run for --agreement (fewer need less memory) "
              "[default: all in one run]")
@user_errors
def reason(no_java: bool, agreement: bool, java_memory_mb: int | None,
           batch: int | None) -> None:
    """Run the reasoner on the graph compiled from seeds/ and report what it found."""
    from ..build import compile_all
    from ..prefixes import compress
    from ..reason import agreement as check_agreement
    from ..reason import find_java, reason_dataset

    t0 = time.perf_counter()
    result = compile_all()
    report = reason_dataset(result, use_java=not no_java)
    echo = click.echo
    if report.hermit_ran:
        echo("HermiT: consistent" if report.consistent else "HermiT: INCONSISTENT")
        echo(f"unsatisfiable classes: {len(report.unsatisfiable)}")
        echo(f"inferred subClassOf edges between named classes: "
             f"{len(report.new_subclass_edges)}")
        for sub, sup in report.new_subclass_edges:
            echo(f"  {compress(sub)} SubClassOf {compress(sup)}")
    else:
        echo("HermiT: not run (--no-java)" if no_java else f"HermiT: {report.note}")
    echo(f"DL-checked: {'yes' if report.dl_checked else 'no'}")
    echo(f"inferred edges written: {report.inferred_edges} (of {report.derived_edges} derived "
         "over all RO relations)")
    for rule, n in report.rule_counts.items():
        echo(f"  {rule:<24} {n:>7}")
    echo(f"justification nodes: {report.justifications}")
    for stage, seconds in report.timings.items():
        echo(f"time {stage}: {seconds:.2f} s")
    if agreement:
        if not find_java():
            raise OsteoKGError("--agreement needs Java for HermiT - install a JRE "
                               "(apt-get install default-jre-headless)")
        from ..reason import default_java_memory_mb

        memory = java_memory_mb or default_java_memory_mb()
        echo(f"agreement: HermiT with a {memory} MB heap, "
             f"{f'{batch} probes per run' if batch else 'one run'}", err=True)
        a = check_agreement(result.dataset, report.materialisation, java_memory_mb=memory,
                            batch=batch, progress=lambda done, total: echo(
                                f"  HermiT run {done}/{total} done", err=True))
        echo(f"agreement with HermiT: {a.probes} (P, O) probes, {a.checked_edges} edges, "
             f"{len(a.unjustified)} not entailed, {len(a.missing)} entailed but missing "
             f"({a.seconds:.1f} s)")
        for e in a.unjustified[:20]:
            echo("  not entailed: " + " ".join(compress(x) for x in e) + f" ({a.why.get(e, '')})")
        for e in a.missing[:20]:
            echo("  missing: " + " ".join(compress(x) for x in e))
        for why, left in sorted(a.left_out.items()):
            echo(f"  entailed, left out by design: {len(left)} ({why})")
    echo(f"total time: {time.perf_counter() - t0:.2f} s")


@click.command()
@click.argument("subject")
@click.argument("predicate")
@click.argument("object_", metavar="OBJECT")
@_DATA
@_LANG
@output_format(("text", "json"), "text")
@user_errors
def explain(subject: str, predicate: str, object_: str, data: Path | None, lang: str,
            fmt: str) -> None:
    """Why SUBJECT PREDICATE OBJECT holds: the justification tree down to the review's
    sentences (Chinese text, quote, English rendering, references, certainty)."""
    from ..reason import explain as run_explain
    from ..reason import format_explanation, labels

    store = _store(data)
    s, p, o = edge_iris(store, subject, predicate, object_)
    expl = run_explain(store, s, p, o)
    if fmt == "json":
        click.echo(json.dumps(expl.to_dict(), ensure_ascii=False, indent=2))
        return
    for line in format_explanation(expl, labels(store, lang)):
        click.echo(line)


@click.command()
@click.argument("start", metavar="[FROM]", required=False)
@click.argument("end", metavar="[TO]", required=False)
@click.option("--max-length", default=5, show_default=True, type=click.IntRange(1, 8),
              help="most steps in a path")
@click.option("--include-hypotheses", is_flag=True,
              help="also walk hypotheses and open questions (marked in the output)")
@click.option("--targets", "mechanism", metavar="MECHANISM",
              help="instead of paths: agents that inhibit a driver of MECHANISM")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="most paths shown")
@_DATA
@_LANG
@output_format(("table", "json"), "table")
@user_errors
def paths(start: str | None, end: str | None, max_length: int, include_hypotheses: bool,
          mechanism: str | None, limit: int, data: Path | None, lang: str, fmt: str) -> None:
    """Signed causal paths FROM -> TO through the review's claims, with evidence per step.

    With --targets MECHANISM: candidate therapeutic targets, agents that inhibit something
    with a positive path to MECHANISM.
    """
    from ..paths import format_path, therapeutic_targets
    from ..paths import paths as find_paths
    from ..prefixes import compress
    from ..query import local_lookup
    from ..reason import labels
    from ..terms import resolve_iri

    if mechanism is None and (start is None or end is None):
        raise OsteoKGError("give FROM and TO (e.g. 'M1 macrophage' 骨吸收), or --targets "
                           "MECHANISM")
    if mechanism is not None and (start is not None or end is not None):
        raise OsteoKGError("--targets MECHANISM takes no FROM/TO: give either FROM TO or "
                           "--targets MECHANISM")
    store = _store(data)
    lookup = local_lookup(store)
    label = labels(store, lang)
    if mechanism is not None:
        target = resolve_iri(lookup, mechanism, param="MECHANISM").value
        found = therapeutic_targets(store, target, max_len=max_length,
                                    include_hypotheses=include_hypotheses)[:limit]
        if fmt == "json":
            click.echo(json.dumps([{
                "agent": compress(c.agent), "agent_label": label(c.agent),
                "inhibits": compress(c.target), "inhibits_label": label(c.target),
                "hypothetical": c.hypothetical,
                "inhibition_evidence": [vars(e) for e in c.inhibition.evidence],
                "drive": c.drive.to_dict(label) if c.drive else None,
            } for c in found], ensure_ascii=False, indent=2))
            return
        if not found:
            click.echo(f"no agent inhibits a driver of {compress(target)} within "
                       f"{max_length} steps")
        for i, c in enumerate(found, 1):
            mark = " [includes hypothesis]" if c.hypothetical else ""
            click.echo(f"{i}. {compress(c.agent)} ({label(c.agent)}) inhibits "
                       f"{compress(c.target)} ({label(c.target)}){mark}")
            for ev in c.inhibition.evidence:
                click.echo(f"      {ev.assertion} ({ev.certainty}, {ev.sentence}): {ev.english}")
            if c.drive:
                for line in format_path(c.drive, label)[1:]:
                    click.echo("  " + line)
        return
    s = resolve_iri(lookup, start, param="FROM").value
    o = resolve_iri(lookup, end, param="TO").value
    found = find_paths(store, s, o, max_len=max_length,
                       include_hypotheses=include_hypotheses)
    if fmt == "json":
        click.echo(json.dumps([p.to_dict(label) for p in found[:limit]], ensure_ascii=False,
                              indent=2))
        return
    if not found:
        hint = "" if include_hypotheses else " (try --include-hypotheses)"
        click.echo(f"no causal path from {compress(s)} to {compress(o)} within {max_length} "
                   f"steps{hint}")
        return
    click.echo(f"{len(found)} path(s) from {compress(s)} ({label(s)}) to {compress(o)} "
               f"({label(o)}){'' if len(found) <= limit else f', first {limit} shown'}")
    for i, p in enumerate(found[:limit], 1):
        for line in format_path(p, label, number=i):
            click.echo(line)


def edge_iris(store, s: str, p: str, o: str) -> tuple[str, str, str]:
    """Resolve user input (CURIEs, IRIs, English or Chinese labels) to an edge of IRIs."""
    from ..query import local_lookup
    from ..terms import resolve_iri

    lookup = local_lookup(store)
    return (resolve_iri(lookup, s, param="subject").value,
            resolve_iri(lookup, p, param="predicate").value,
            resolve_iri(lookup, o, param="object").value)
