"""Stored SPARQL queries: parse their headers, bind parameters as RDF terms, run them.

A stored query is ``queries/<name>.rq`` whose first comment lines form a header::

    # title: Where do osteoclasts come from?
    # question: Which cell types does the review say osteoclasts develop from?
    # param: cell | iri | CL:0000092 | the cell type whose origins are listed
    # returns: one row per precursor: ?precursor ?certainty ?sentence

Parameters are bound as RDF terms, never pasted into the query text: with pyoxigraph
substitutions on the embedded store, with a ``VALUES`` block on a remote endpoint
(:func:`osteokg.endpoint.bind_values`). A value is always one RDF term and cannot change the
query. An ``iri`` parameter accepts a CURIE, a full IRI, or an English or Chinese label or
synonym; labels are looked up in the graph (locally, or on the endpoint with the label bound
the same way). A parameter with an empty default is optional: left unbound, it matches
anything.

Rules a stored query follows so that both binding methods give the same answer: every
parameter variable is projected by the ``SELECT`` (pyoxigraph requires it) and is bound by
a triple pattern in every solution of the WHERE clause (not only inside ``OPTIONAL``,
``BIND``, ``FILTER`` or a sub-query). Queries name their graphs (``GRAPH okgg:asserted``,
``GRAPH ?g``), so they answer the same whether or not a server's default graph is the union
of its named graphs. ``tests/test_queries.py`` checks the projection, and that substitution
and a VALUES block give identical answers, for every parameterised query.

A stored query is self-contained: it declares every prefix it uses (``PREFIX`` lines after
its header, spelled as in the project's prefix map), so its text runs verbatim in any
SPARQL 1.1 client (an endpoint's query page, YASGUI, rdflib, SPARQLWrapper). The runner
sends the file's text as it is and adds nothing; :func:`used_prefixes` and
:func:`prefix_declarations` let a test or an editor check and write the declarations.

Expected answers of the catalogue are kept in ``queries/expected.yaml`` and read by
:func:`expected_answers`; :func:`check_answer` compares a result (from the embedded store
or an endpoint: the row shape is the same) with one of them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, Store, Variable

from .constants import PREFIXES, QUERIES_DIR
from .errors import QueryError
from .prefixes import compress
from .terms import Lookup, check_value, resolve_iri, shorten

PARAM_TYPES = ("iri", "string", "integer", "url")
#: Folder (under the queries directory) of the federated queries: they call remote endpoints
#: through SERVICE, so they are not part of the catalogue checked against the built graph.
FEDERATED_DIR = "federated"
#: A value is None (unbound) or (kind, lexical value, datatype IRI or "@lang" or None).
Value = tuple[str, str, str | None] | None
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_PARAM_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Param:
    """One declared parameter: ``# param: name | type | default | description``."""

    name: str
    type: str
    default: str | None
    description: str


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path | None
    text: str
    title: str = ""
    question: str = ""
    returns: str = ""
    params: tuple[Param, ...] = ()

    @property
    def is_violation(self) -> bool:
        """QC queries (``*-violation``) must return nothing on a correct build."""
        return self.name.endswith("-violation")


@dataclass
class Result:
    """An answer: variable names and rows of values; ``form`` is the query form (SELECT,
    ASK: one row with a boolean ``?result``, CONSTRUCT/DESCRIBE: subject, predicate, object)."""

    variables: list[str]
    rows: list[tuple[Value, ...]] = field(default_factory=list)
    form: str = "SELECT"


def prefix_block() -> str:
    """PREFIX declarations for the whole prefix map (for the runner's own helper queries)."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def full_text(query: StoredQuery) -> str:
    """The text sent to an engine: the query file exactly as it is (it declares its prefixes)."""
    return query.text


#: Strings, IRIs and comments, blanked before looking for prefixed names in SPARQL code.
_NOT_CODE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                       r"|'(?:[^'\\\n]|\\.)*'|<[^<>\s\"{}|^`]*>|#[^\n]*")
_PREFIXED_NAME = re.compile(r"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:(?=[\w:%]|\s|[;,.)}\]])")
_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)


def _code(text: str) -> str:
    return _NOT_CODE.sub(lambda m: " " * len(m.group(0)) if m.group(0)[0] != "<" else "<>", text)


def used_prefixes(text: str) -> list[str]:
    """The prefixes of the prefixed names in a query's code (not in comments, strings or
    IRIs), in the order of the project's prefix map, then any others alphabetically."""
    code = _PREFIX_DECL.sub("", _code(text))
    found = {m.group(1) or "" for m in _PREFIXED_NAME.finditer(code)}
    return [p for p in PREFIXES if p in found] + sorted(found - set(PREFIXES))


def declared_prefixes(text: str) -> dict[str, str]:
    """The ``PREFIX`` declarations of a query's code: prefix -> namespace IRI."""
    return {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(_code_keep_iris(text))}


def _code_keep_iris(text: str) -> str:
    return _NOT_CODE.sub(lambda m: m.group(0) if m.group(0)[0] == "<" else " " * len(m.group(0)),
                         text)


def prefix_declarations(text: str) -> str:
    """``PREFIX`` lines, from the project's prefix map, for every prefix ``text`` uses and
    does not declare (raises :class:`QueryError` for a prefix the map does not have)."""
    declared = declared_prefixes(text)
    missing = [p for p in used_prefixes(text) if p not in declared]
    unknown = [p for p in missing if p not in PREFIXES]
    if unknown:
        raise QueryError(f"prefix(es) {', '.join(unknown)} are not in the project's prefix map "
                         "- declare them in the query with PREFIX lines")
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing)


# --- the catalogue -------------------------------------------------------------------------


def parse_query_file(path: Path) -> StoredQuery:
    """Read a ``.rq`` file and its comment header (errors name the file and line)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query ({exc})") from exc
    meta: dict[str, str] = {}
    params: list[Param] = []
    last_key: str | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = re.match(r"#\s?(\w+):\s*(.*)$", line)
        if not m:
            more = re.match(r"#\s{2,}(\S.*)$", line)  # an indented line continues the field
            if more and last_key and last_key != "param":
                meta[last_key] = f"{meta[last_key]} {more.group(1).strip()}"
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        last_key = key
        if key == "param":
            parts = [p.strip() for p in value.split("|")]
            if (len(parts) != 4 or parts[1] not in PARAM_TYPES
                    or not _PARAM_NAME_RE.match(parts[0])):
                raise QueryError(
                    f"{path}:{lineno}: malformed param header {value!r} - write "
                    f"'# param: name | {'|'.join(PARAM_TYPES)} | default | description'"
                )
            name, ptype, default, desc = parts
            if any(p.name == name for p in params):
                raise QueryError(f"{path}:{lineno}: parameter {name!r} declared twice")
            params.append(Param(name, ptype, default or None, desc))
        else:
            meta[key] = (meta.get(key, "") + " " + value).strip()
    return StoredQuery(path.stem, path, text, meta.get("title", ""), meta.get("question", ""),
                       meta.get("returns", ""), tuple(params))


def catalogue(queries_dir: Path = QUERIES_DIR) -> dict[str, StoredQuery]:
    """Every stored query, by name (sorted)."""
    return {p.stem: parse_query_file(p) for p in sorted(Path(queries_dir).glob("*.rq"))}


def federated_catalogue(queries_dir: Path = QUERIES_DIR) -> dict[str, StoredQuery]:
    """The federated queries (``queries/federated/*.rq``), by name ``federated/<stem>``.

    Each joins osteokg with a public endpoint through ``SERVICE ?endpoint``, the endpoint a
    ``url`` parameter whose default is the public one; run them with ``osteokg query``
    (the embedded store binds ``?endpoint`` before evaluation, which Oxigraph requires).
    """
    found = sorted((Path(queries_dir) / FEDERATED_DIR).glob("*.rq"))
    return {f"{FEDERATED_DIR}/{p.stem}": replace(parse_query_file(p),
                                                 name=f"{FEDERATED_DIR}/{p.stem}")
            for p in found}


def load_query(name_or_path: str, queries_dir: Path = QUERIES_DIR) -> StoredQuery:
    """A stored query by catalogue name, or any ``.rq`` file by path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".rq" or candidate.is_file():
        if not candidate.is_file():
            raise QueryError(f"{candidate}: no such query file")
        return parse_query_file(candidate)
    path = Path(queries_dir) / f"{name_or_path}.rq"
    if not path.is_file():
        raise QueryError(f"unknown query {name_or_path!r} - {_suggest(name_or_path, queries_dir)}")
    query = parse_query_file(path)
    return replace(query, name=name_or_path) if "/" in name_or_path else query


def _suggest(name: str, queries_dir: Path) -> str:
    names = sorted(p.stem for p in Path(queries_dir).glob("*.rq"))
    close = [n for n in names if name.lower() in n.lower()]
    close += [n for n in difflib.get_close_matches(name.lower(), names, n=4, cutoff=0.5)
              if n not in close]
    if close:
        return f"did you mean {', '.join(close[:5])}? ('osteokg query --list' shows all)"
    return "'osteokg query --list' shows the catalogue"


# --- resolving and binding parameters ------------------------------------------------------

def local_lookup(store: Store) -> Lookup:
    """A :data:`Lookup` on the embedded store (union of all named graphs)."""

    def lookup(text: str, bindings: dict[str, object]) -> Result:
        return _execute(store, prefix_block() + text, bindings, name="<lookup>")

    return lookup


def _resolve_iri(store: Store, text: str) -> NamedNode:
    """Resolve on the embedded store (kept for ``osteokg evidence``)."""
    return resolve_iri(local_lookup(store), text)


def resolve_params(query: StoredQuery, values: Mapping[str, str], lookup: Lookup,
                   ) -> dict[str, object]:
    """RDF terms for the query's parameters (given values, else defaults; empty = unbound)."""
    declared = {p.name: p for p in query.params}
    for name in values:
        if name not in declared:
            known = ", ".join(declared) or "none"
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint = f" - did you mean {close[0]!r}?" if close else ""
            raise QueryError(f"query {query.name!r} has no parameter {shorten(name)} (parameters: "
                             f"{known}){hint}")
    terms: dict[str, object] = {}
    for p in query.params:
        raw = values.get(p.name, p.default)
        if raw is None or (raw == "" and p.name not in values):
            continue  # no default: unbound, matches anything
        what = f"parameter {p.name!r} of {query.name!r}"
        if p.type == "iri":
            terms[p.name] = resolve_iri(lookup, raw, param=p.name)
        elif p.type == "url":  # an endpoint: an IRI that need not occur in the graph
            value = raw.strip()
            if not re.fullmatch(r'https?://[^\s<>"{}|\\^`]+', value):
                raise QueryError(f"parameter {p.name!r} of {query.name!r} must be an http(s) "
                                 f"URL, got {raw!r}")
            terms[p.name] = NamedNode(value)
        elif p.type == "integer":
            terms[p.name] = Literal(_integer(check_value(raw, what + ": "), what),
                                    datatype=NamedNode(XSD_INTEGER))
        else:
            terms[p.name] = Literal(check_value(raw, what + ": "))
    return terms


#: An integer parameter has at most this many digits (a count or a limit).
MAX_INTEGER_DIGITS = 18


def _integer(raw: str, what: str) -> str:
    """The canonical xsd:integer form of ``raw`` (without converting huge numbers)."""
    m = re.fullmatch(r"\s*([+-]?)0*([0-9]+)\s*", raw)
    if not m:
        raise QueryError(f"{what} must be an integer, got {shorten(raw)}")
    sign, digits = m.groups()
    if len(digits) > MAX_INTEGER_DIGITS:
        raise QueryError(f"{what} has {len(digits)} digits - at most {MAX_INTEGER_DIGITS} are "
                         "allowed")
    return ("-" if sign == "-" and digits != "0" else "") + digits


def bind_params(store: Store, query: StoredQuery, values: Mapping[str, str]):
    """RDF terms for the query's parameters, labels resolved on the embedded store."""
    return resolve_params(query, values, local_lookup(store))


# --- running -------------------------------------------------------------------------------


def term_value(term) -> Value:
    """The row shape shared by the embedded store and remote endpoints."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return ("uri", term.value, None)
    if isinstance(term, BlankNode):
        return ("bnode", term.value, None)
    if term.language:
        return ("literal", term.value, "@" + term.language.lower())
    dt = term.datatype.value
    return ("literal", term.value, None if dt == XSD_STRING else dt)


def syntax_error(query: StoredQuery, exc: Exception) -> QueryError:
    """A QueryError naming the line and column *in the query file*.

    pyoxigraph reports ``error at LINE:COLUMN`` in the text it parsed, which is the file's
    text unchanged, so the position is the file's.
    """
    where = str(query.path) if query.path else query.name
    message = str(exc)
    m = re.search(r"\bat (\d+):(\d+)", message)
    if not m:
        return QueryError(f"{where}: SPARQL syntax error: {message}")
    line = int(m.group(1))
    column = int(m.group(2))
    detail = message[m.end():].lstrip(": ") or message
    if len(detail) > 160:  # pyoxigraph lists every acceptable character class
        detail = detail[:160].rsplit(",", 1)[0] + ", ..."
    lines = query.text.splitlines()
    shown = ""
    if 1 <= line <= len(lines):
        text = lines[line - 1]
        shown = f"\n    {text}\n    {' ' * max(column - 1, 0)}^"
        hint = _unknown_prefix_hint(query.text, text)
        if hint:
            detail = hint if "Prefix not found" in message else f"{detail} ({hint})"
    return QueryError(f"{where}:{line}:{column}: SPARQL syntax error: {detail}{shown}")


def _unknown_prefix_hint(text: str, line: str) -> str | None:
    declared = declared_prefixes(text)
    for prefix in used_prefixes(line):
        if prefix not in declared:
            fix = (f"add 'PREFIX {prefix}: <{PREFIXES[prefix]}>' after the header"
                   if prefix in PREFIXES else "declare it with a PREFIX line")
            return (f"the prefix {prefix!r} is not declared - a stored query declares every "
                    f"prefix it uses; {fix}")
    return None


def _execute(store: Store, text: str, bindings: Mapping[str, object], *, name: str) -> Result:
    substitutions = {Variable(k): v for k, v in bindings.items()}
    try:
        solutions = store.query(text, substitutions=substitutions,
                                use_default_graph_as_union=True)
    except RuntimeError as exc:
        if "projection" in str(exc):
            raise QueryError(f"{name}: a parameter variable is not in the SELECT projection - "
                             f"project every ?param variable ({exc})") from exc
        raise QueryError(f"{name}: the query failed: {exc}") from exc
    if isinstance(solutions, QuerySolutions):
        variables = [v.value for v in solutions.variables]
        rows = [tuple(term_value(sol[v]) for v in variables) for sol in solutions]
        return Result(variables, rows)
    if isinstance(solutions, QueryBoolean):
        return Result(["result"], [(("literal", str(bool(solutions)).lower(),
                                     PREFIXES["xsd"] + "boolean"),)], form="ASK")
    triples = [tuple(term_value(x) for x in (t.subject, t.predicate, t.object)) for t in solutions]
    return Result(["subject", "predicate", "object"], sorted(triples, key=_sort_key),
                  form="CONSTRUCT")


def _sort_key(row):
    return tuple((v or ("", "", None))[:2] for v in row)


def check_syntax(query: StoredQuery) -> None:
    """Parse the query (on an empty store) and raise a positioned QueryError if it is wrong.

    Used before sending a query to an endpoint, so a typo gets the same message locally and
    remotely.
    """
    try:
        Store().query(full_text(query), use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise syntax_error(query, exc) from exc
    except RuntimeError:
        pass  # parsed fine; evaluation details do not matter on an empty store


def without_comment_lines(text: str) -> str:
    """``text`` with every whole-line comment blanked (line numbers are kept).

    Sent to endpoints instead of the file text: SPARQLWrapper guesses the query form by
    searching the text for keywords even inside comments, so a header saying "unclear"
    would make it send the query as a CLEAR update.
    """
    return "\n".join("" if line.lstrip().startswith("#") else line
                     for line in text.split("\n"))


def as_stored(query: StoredQuery | str) -> StoredQuery:
    """A stored query as it is; SPARQL text given in Python (not a file) gets the project's
    declarations of the prefixes it uses and does not declare, for convenience."""
    if isinstance(query, StoredQuery):
        return query
    try:
        declarations = prefix_declarations(query)
    except QueryError:
        declarations = ""  # an unknown prefix: the engine's error names it
    return StoredQuery("<inline>", None, declarations + query)


def run_query(store: Store, query: StoredQuery | str, params: Mapping[str, str] | None = None,
              ) -> Result:
    """Run a stored query (or raw SPARQL text) on the embedded store, union default graph."""
    query = as_stored(query)
    bindings = bind_params(store, query, params or {})
    try:
        return _execute(store, full_text(query), bindings, name=query.name)
    except SyntaxError as exc:
        raise syntax_error(query, exc) from exc


# --- remote endpoints ----------------------------------------------------------------------


@dataclass(frozen=True)
class Remote:
    """A SPARQL endpoint and how to talk to it (see :func:`osteokg.endpoint.run_remote`)."""

    url: str
    user: str | None = None
    password: str | None = None
    timeout: float = 60.0
    auth: str = "basic"

    def run(self, text: str, bindings: Mapping[str, object] | None = None) -> Result:
        """Run SPARQL text (prefixes included); ``bindings`` go into a VALUES block."""
        from .endpoint import run_remote

        variables, rows = run_remote(text, self.url, bindings=bindings or None,
                                     user=self.user, password=self.password,
                                     timeout=self.timeout, auth=self.auth)
        return Result(list(variables), [tuple(r) for r in rows])

    def lookup(self, text: str, bindings: dict[str, object]) -> Result:
        """A :data:`Lookup`: ``text`` without prefixes, values bound by the endpoint module."""
        return self.run(prefix_block() + text, bindings)


def run_query_remote(remote: Remote, query: StoredQuery | str,
                     params: Mapping[str, str] | None = None) -> Result:
    """Run a stored query on a SPARQL endpoint, with the same row shape as :func:`run_query`.

    The query is parsed locally first, so a syntax error gets its file line and column;
    CURIE and label parameters are resolved on the endpoint (the label bound as a literal,
    never spliced), and every parameter is bound by :func:`osteokg.endpoint.bind_values`
    (a ``VALUES`` block first in the WHERE clause).
    """
    query = as_stored(query)
    check_syntax(query)
    bindings = resolve_params(query, params or {}, remote.lookup)
    from .endpoint import query_form

    result = remote.run(without_comment_lines(full_text(query)), bindings)
    result.form = query_form(query.text) or "SELECT"
    outer = _SELECT_RE.search(without_comment_lines(query.text))
    if outer and outer.group(1):
        # Virtuoso 7 sometimes returns repeated rows for SELECT DISTINCT after a heavy query
        # (seen on the catalogue); a DISTINCT answer never has them, so drop them here.
        result.rows = list(dict.fromkeys(result.rows))
    return result


#: The first (outer) SELECT of a query, and whether it is DISTINCT.
_SELECT_RE = re.compile(r"\bSELECT\s+(DISTINCT\b)?", re.IGNORECASE)


# --- the built graph -----------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    """An expected answer of a stored query (one entry of ``queries/expected.yaml``).

    ``rows`` lists rows as mappings ``variable -> shown value`` (CURIE for IRIs, lexical form
    for literals, None for unbound), giving only the variables worth checking. With
    ``exact`` the answer projected on those variables must equal ``rows`` in order; without,
    every listed row must occur. ``count`` is the exact number of rows when given.
    """

    query: str
    params: dict[str, str]
    rows: tuple[dict[str, str | None], ...]
    exact: bool = False
    count: int | None = None
    note: str = ""


def expected_answers(path: Path | None = None) -> dict[str, list[Expectation]]:
    """The catalogue's expected answers, by query name (see :class:`Expectation`).

    Reusable by any test that runs the catalogue somewhere else (e.g. on a SPARQL server
    after publishing): run ``e.query`` with ``e.params`` and call :func:`check_answer`.
    """
    import yaml

    path = Path(path) if path else QUERIES_DIR / "expected.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, list[Expectation]] = {}
    for name, entries in data.items():
        for entry in entries if isinstance(entries, list) else [entries]:
            rows = tuple({k: _shown_expected(v) for k, v in row.items()}
                         for row in entry.get("rows") or [])
            out.setdefault(name, []).append(Expectation(
                name, {k: str(v) for k, v in (entry.get("params") or {}).items()}, rows,
                bool(entry.get("exact", False)), entry.get("count"), entry.get("note", "")))
    return out


def _shown_expected(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def shown(value: Value) -> str | None:
    """How a value is written in ``expected.yaml``: CURIE for IRIs, lexical form otherwise."""
    if value is None:
        return None
    kind, lexical, _ = value
    return compress(lexical) if kind == "uri" else lexical


def check_answer(result: Result, expectation: Expectation) -> list[str]:
    """Problems with ``result`` against ``expectation`` (an empty list when it matches)."""
    problems: list[str] = []
    label = expectation.query + (f" {expectation.params}" if expectation.params else "")
    if expectation.count is not None and len(result.rows) != expectation.count:
        problems.append(f"{label}: expected {expectation.count} rows, got {len(result.rows)}")
    columns = sorted({k for row in expectation.rows for k in row})
    missing = [c for c in columns if c not in result.variables]
    if missing:
        return problems + [f"{label}: the result has no variable(s) {', '.join(missing)}"]
    if expectation.exact:
        index = [result.variables.index(c) for c in columns]
        got = [tuple(shown(row[i]) for i in index) for row in result.rows]
        want = [tuple(row.get(c) for c in columns) for row in expectation.rows]
        if got != want:
            problems.append(f"{label}: the answer differs on {', '.join(columns)}:\n"
                            + _diff(want, got))
        return problems
    shown_rows = [{v: shown(x) for v, x in zip(result.variables, row)} for row in result.rows]
    for row in expectation.rows:
        if not any(all(got.get(k) == w for k, w in row.items()) for got in shown_rows):
            problems.append(f"{label}: missing row {row}")
    return problems


def _diff(want: list[tuple], got: list[tuple]) -> str:
    lines = difflib.unified_diff([" | ".join(map(str, r)) for r in want],
                                 [" | ".join(map(str, r)) for r in got],
                                 "expected", "got", lineterm="", n=1)
    return "\n".join(lines)
