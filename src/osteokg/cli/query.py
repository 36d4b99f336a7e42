"""``osteokg query``: run a stored question (or any ``.rq`` file) on the built graph or on a
remote SPARQL endpoint, and print the answer for people or programs.

Examples::

    osteokg query --list
    osteokg query osteoclast-origins
    osteokg query concept-profile --param concept=破骨细胞 --format md
    osteokg query edge-evidence -p subject=IL-7 -p predicate="negatively regulates" \\
        -p object="osteoclast differentiation"
    osteokg query rankl-sources --endpoint http://localhost:7878/query --format csv

Exit codes: 0 answered; 1 a ``*-violation`` query found rows (a QC failure); 2 bad input
(unknown query or parameter, syntax error, unreachable endpoint).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import QueryError
from .tools import graph_source, user_errors

#: Output formats (osteokg.formats.FORMATS; spelled out so `--help` imports no engine).
FORMATS = ("table", "csv", "tsv", "json", "json-rows", "md")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """``NAME=VALUE`` pairs as a mapping; an empty or unreadable value is an error."""
    from ..terms import check_value, shorten

    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = _from_argv(pair).partition("=")
        name = name.strip()
        if not sep or not name:
            raise QueryError(f"--param {shorten(pair)}: write NAME=VALUE, e.g. --param "
                             "concept=CL:0000092 or --param concept=破骨细胞")
        if name in values:
            raise QueryError(f"--param {shorten(name)} given twice")
        values[name] = check_value(value, f"--param {shorten(name)}: ")
    return values


def _from_argv(text: str) -> str:
    """Undo Python's surrogate escapes of UTF-8 bytes (an argument read under a locale that is
    not UTF-8, e.g. LC_ALL=C with PYTHONUTF8=0); bytes that are not UTF-8 stay escaped."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return text


@click.command()
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="bind a parameter (CURIE, IRI, English or Chinese label; repeatable)")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True, help="output format: json is W3C SPARQL 1.1 Query Results "
              "JSON (what an endpoint returns); json-rows is osteokg's JSON with CURIEs and "
              "labels")
@click.option("--list", "list_", is_flag=True, help="list the stored queries and exit")
@click.option("--show", is_flag=True, help="print the query text instead of running it "
              "(it declares its prefixes: paste it into any SPARQL 1.1 client)")
@click.option("--check", is_flag=True,
              help="run the whole catalogue and compare with queries/expected.yaml; every "
                   "*-violation query must return nothing (exit 1 otherwise)")
@click.option("--lang", type=click.Choice(("en", "zh")), default="en", show_default=True,
              help="language of the labels shown beside identifiers")
@click.option("--no-labels", is_flag=True, help="identifiers only, no labels")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write the answer to a file instead of stdout")
@click.option("--endpoint", metavar="URL", envvar="OSTEOKG_ENDPOINT",
              help="run on this SPARQL endpoint instead of the embedded store "
                   "(env OSTEOKG_ENDPOINT)")
@click.option("--user", envvar="OSTEOKG_ENDPOINT_USER", help="endpoint user name "
              "(env OSTEOKG_ENDPOINT_USER)")
@click.option("--password", envvar="OSTEOKG_ENDPOINT_PASSWORD", help="endpoint password "
              "(env OSTEOKG_ENDPOINT_PASSWORD)")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="seconds to wait for the endpoint")
@click.option("--auth", type=click.Choice(("basic", "digest")), default="basic",
              show_default=True, help="HTTP authentication with --user (Virtuoso's "
              "/sparql-auth uses digest)")
@graph_source("query", "queried")
@user_errors
def query(name: str | None, params: tuple[str, ...], fmt: str, list_: bool, show: bool,
          check: bool,
          lang: str, no_labels: bool, output: Path | None, endpoint: str | None,
          user: str | None, password: str | None, timeout: float, auth: str,
          release_dir: Path,
          data_files: tuple[Path, ...], rebuild: bool) -> None:
    """Answer a stored question (NAME from --list, or a .rq file) on the built graph.

    The embedded store holds the release (RELEASE/osteokg.nq) when it is newer than every
    file in seeds/ and ontology/; otherwise the graph is compiled and reasoned in memory
    (a note on stderr says so). Parameters are bound as RDF terms, never pasted into the
    query: labels are looked up in the graph (or on the endpoint).
    """
    from ..query import catalogue, federated_catalogue, load_query

    if list_:
        _emit(_listing({**catalogue(), **federated_catalogue()}, fmt), output)
        return
    if check:
        run = _runner(endpoint, user, password, timeout, auth, release_dir, data_files,
                      rebuild)
        failures = _check_catalogue(run)
        sys.exit(1 if failures else 0)
    if not name:
        raise click.UsageError("give a query NAME (see 'osteokg query --list') or a .rq file")
    stored = load_query(name)
    if show:
        _emit(stored.text if stored.text.endswith("\n") else stored.text + "\n", output)
        return
    values = _parse_params(params)
    if endpoint:
        from ..query import Remote

        remote = Remote(endpoint, user, password, timeout, auth)
        text, count = _run_remote(stored, values, fmt, remote, lang=lang, labels=not no_labels,
                                  width=_width(output))
    else:
        from ..formats import Labeller, render
        from ..graph import open_graph
        from ..query import run_query

        store, note = open_graph(release_dir, data=data_files, rebuild=rebuild)
        if note:
            click.echo(f"note: {note}", err=True)
        result = run_query(store, stored, values)
        labeller = Labeller.for_store(None if no_labels else store, lang)
        text = render(result, fmt, labeller=labeller, width=_width(output))
        count = len(result.rows)
    _emit(text, output)
    if stored.is_violation and count:
        click.echo(f"{stored.name}: {count} violation(s)", err=True)
        sys.exit(1)


def _runner(endpoint, user, password, timeout, auth, release_dir, data_files, rebuild):
    """``run(query, params) -> Result`` on the endpoint or the embedded store."""
    from ..graph import open_graph
    from ..query import Remote, run_query, run_query_remote

    if endpoint:
        remote = Remote(endpoint, user, password, timeout, auth)
        return lambda q, values: run_query_remote(remote, q, values)
    store, note = open_graph(release_dir, data=data_files, rebuild=rebuild)
    if note:
        click.echo(f"note: {note}", err=True)
    return lambda q, values: run_query(store, q, values)


def _check_catalogue(run) -> int:
    """Print one line per expected answer and QC check; return the number of failures."""
    from ..query import Expectation, catalogue, check_answer, expected_answers, shown

    cases: list[Expectation] = [e for es in expected_answers().values() for e in es]
    queries = catalogue()
    cases += [Expectation(n, {}, (), count=0) for n, q in queries.items() if q.is_violation]
    failures = 0
    for case in cases:
        label = case.query + "".join(f" {k}={v}" for k, v in case.params.items())
        result = run(queries[case.query], case.params)
        problems = check_answer(result, case)
        if problems and queries[case.query].is_violation:
            problems = [f"{len(result.rows)} violation(s):"] + [
                " | ".join(str(shown(v)) for v in row) for row in result.rows[:10]]
        failures += bool(problems)
        click.echo(f"{'FAIL' if problems else 'ok'}  {label}")
        for problem in problems:
            click.echo("      " + problem.replace("\n", "\n      "))
    click.echo(f"{len(cases) - failures} of {len(cases)} checks passed")
    return failures


def _width(output: Path | None) -> int | None:
    """Tables fit the terminal (or ``COLUMNS``); a file gets them whole."""
    from .tools import terminal_columns

    return terminal_columns() if output is None else None


def _run_remote(stored, values, fmt, remote, *, lang, labels, width=None) -> tuple[str, int]:
    from ..formats import Labeller, render
    from ..query import run_query_remote

    result = run_query_remote(remote, stored, values)
    text = render(result, fmt, labeller=Labeller(remote.run if labels else None, lang),
                  width=width)
    return text, len(result.rows)


def _listing(queries: dict, fmt: str) -> str:
    if fmt in ("json", "json-rows"):
        items = [{"name": q.name, "title": q.title, "question": q.question,
                  "returns": q.returns, "violation": q.is_violation,
                  "params": [{"name": p.name, "type": p.type, "default": p.default,
                              "description": p.description} for p in q.params]}
                 for q in queries.values()]
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(["name", "title", "params"])
        for q in queries.values():
            writer.writerow([q.name, q.title, " ".join(_param_usage(p) for p in q.params)])
        return buf.getvalue()
    if fmt == "md":
        lines = ["| query | question | parameters |", "|---|---|---|"]
        for q in queries.values():
            ps = "<br>".join(f"`{_param_usage(p)}` {p.description}" for p in q.params)
            lines.append(f"| `{q.name}` | {q.title} | {ps} |")
        return "\n".join(lines) + "\n"
    out: list[str] = []
    federated = [q for q in queries.values() if q.name.startswith("federated/")]
    questions = [q for q in queries.values() if not q.is_violation and q not in federated]
    checks = [q for q in queries.values() if q.is_violation]
    width = max((len(q.name) for q in queries.values()), default=0)
    for heading, group in (("questions", questions), ("quality checks (must return nothing)",
                                                      checks),
                           ("federated (join a public endpoint through SERVICE; network)",
                            federated)):
        if not group:
            continue
        out.append(f"{heading}:")
        for q in group:
            out.append(f"  {q.name:<{width}}  {q.title}")
            for p in q.params:
                out.append(f"  {'':<{width}}    --param {_param_usage(p)}  {p.description}")
        out.append("")
    out.append("run one: osteokg query NAME [--param NAME=VALUE] [--format "
               f"{'|'.join(FORMATS)}]")
    return "\n".join(out) + "\n"


def _param_usage(p) -> str:
    default = p.default if p.default is not None else "(any)"
    return f"{p.name}={default} [{p.type}]"


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from .. import atomic

    atomic.write_text(output, text)
    click.echo(f"wrote {output}", err=True)
