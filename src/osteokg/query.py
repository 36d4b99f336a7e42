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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, Store, Variable

from .constants import PREFIXES, QUERIES_DIR
from .errors import QueryError, UnknownTermError
from .prefixes import CURIE_RE, compress, expand

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

#: How a parameter value is looked up: ``lookup(query_text, bindings)`` runs a SELECT with
#: the given variables bound as RDF terms (locally or remotely) and returns its Result.
Lookup = Callable[[str, dict[str, object]], Result]

# Labels and synonyms, lower-cased in a sub-query so that the bound ?key joins with it
# whether it is bound by substitution, a leading or a trailing VALUES block. Lookups name
# their graphs (GRAPH ?g), so they work whether or not a server's default graph is the
# union of its named graphs. ?concept and
# ?declared rank the candidates: a curated concept (it has a Biolink category) before an
# ontology class or property, before anything else with that label (a section title).
_LABEL_LOOKUP = """
SELECT DISTINCT ?key ?term ?concept ?declared WHERE {
  { SELECT DISTINCT ?term (LCASE(STR(?name)) AS ?key) WHERE {
      GRAPH ?g {
        { ?term rdfs:label ?name } UNION { ?term oboInOwl:hasExactSynonym ?name }
      }
      FILTER(isIRI(?term))
  } }
  OPTIONAL { GRAPH ?categoryGraph { ?term biolink:category ?concept } }
  OPTIONAL {
    GRAPH ?declaringGraph { ?term a ?declared }
    FILTER(?declared IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty))
  }
} ORDER BY ?term
"""
_TERM_EXISTS = """
SELECT ?term WHERE {
  { GRAPH ?g { ?term ?p ?o } } UNION { GRAPH ?g { ?s ?p ?term } }
  UNION { GRAPH ?g { ?s ?term ?o } } UNION { GRAPH ?term { ?s ?p ?o } }
} LIMIT 1
"""


def local_lookup(store: Store) -> Lookup:
    """A :data:`Lookup` on the embedded store (union of all named graphs)."""

    def lookup(text: str, bindings: dict[str, object]) -> Result:
        return _execute(store, prefix_block() + text, bindings, name="<lookup>")

    return lookup


#: Longest value a parameter may have (the longest label in the graph is under 200).
MAX_VALUE_LENGTH = 1000
#: Characters an IRI cannot hold (RFC 3987), nor a CURIE's local part.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def shorten(text: str, limit: int = 80) -> str:
    """``text`` as shown in a message: repr'd, cut to about ``limit`` characters."""
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"... ({len(text)} characters)"


def check_value(text: str, where: str) -> str:
    """``text`` if it can be an RDF term's value; else a :class:`QueryError` (short message)."""
    if not text.strip():
        raise QueryError(f"{where}empty value - give a value, or leave the parameter out to "
                         "use its default")
    if len(text) > MAX_VALUE_LENGTH:
        raise QueryError(f"{where}{shorten(text)} is too long - at most {MAX_VALUE_LENGTH} "
                         "characters are allowed")
    bad = _CONTROL.search(text)
    if bad:
        raise QueryError(f"{where}{shorten(text)} contains the control character "
                         f"U+{ord(bad.group()):04X} (or bytes that are not UTF-8) - remove it")
    return text


def _iri_node(text: str, iri: str, where: str) -> NamedNode:
    bad = _NOT_IN_IRI.search(iri)
    if bad is None:
        try:
            return NamedNode(iri)
        except ValueError:
            pass
    char = f" (it contains {bad.group()!r})" if bad else ""
    raise QueryError(f"{where}{shorten(text)} is not a valid IRI or CURIE{char} - give a CURIE "
                     "such as CL:0000092, a full IRI, or a label")


def resolve_iri(lookup: Lookup, text: str, *, param: str | None = None) -> NamedNode:
    """The IRI a user means by ``text``: a full IRI, a CURIE, or a label or synonym.

    A CURIE or IRI must occur in the graph; a label must name exactly one term.
    """
    where = f"parameter {param!r}: " if param else ""
    text = check_value(text, where).strip()
    if text.startswith(("http://", "https://")):
        return _existing(lookup, _iri_node(text, text, where), text, where)
    curie = CURIE_RE.match(text)
    if curie and curie.group("prefix") in PREFIXES:
        return _existing(lookup, _iri_node(text, expand(text), where), text, where)
    found = _best_candidates(lookup(_LABEL_LOOKUP, {"key": Literal(text.lower())}))
    if len(found) == 1:
        return NamedNode(found[0])
    if len(found) > 1:
        shown = ", ".join(compress(f) for f in found)
        raise UnknownTermError(f"{where}{shorten(text)} names several terms ({shown}) - pass a "
                               "CURIE")
    if curie:
        known = ", ".join(p for p in PREFIXES if p[0].isupper())
        raise UnknownTermError(f"{where}unknown prefix {shorten(curie.group('prefix'))} in "
                               f"{shorten(text)} and no term has that label - use one of {known}")
    raise UnknownTermError(
        f"{where}{shorten(text)} is not a CURIE, an IRI, or a label or synonym in the graph - "
        "try a CURIE such as CL:0000092 or an English or Chinese label such as 破骨细胞"
    )


def _best_candidates(result: Result) -> list[str]:
    """The label lookup's candidates of the best rank (concept, then declared term, then any)."""
    rank: dict[str, int] = {}
    for _key, term, concept, declared in result.rows:
        if term is None:
            continue
        r = 0 if concept is not None else 1 if declared is not None else 2
        rank[term[1]] = min(r, rank.get(term[1], r))
    if not rank:
        return []
    best = min(rank.values())
    return sorted(t for t, r in rank.items() if r == best)


def _existing(lookup: Lookup, node: NamedNode, text: str, where: str) -> NamedNode:
    if not lookup(_TERM_EXISTS, {"term": node}).rows:
        shown = text if len(text) <= 80 else shorten(text)
        raise UnknownTermError(f"{where}{shown} does not occur in the graph - check the "
                               "identifier, or give an English or Chinese label instead")
    return node


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


def open_graph(release_dir: Path | None = None, *, data: tuple[Path, ...] | list[Path] = (),
               rebuild: bool = False) -> tuple[Store, str | None]:
    """The store ``osteokg query`` answers from, and a note for the user (or None).

    * ``data`` given: exactly those RDF files, loaded into memory.
    * ``release_dir/osteokg.nq`` present and newer than every file under ``seeds/`` and
      ``ontology/``: that release, through an on-disk index of it (see below).
    * otherwise (or ``rebuild``): the graph compiled and reasoned in memory, as
      ``osteokg build`` would, without writing anything.

    Why an on-disk index: with its inferred graph the release holds about 80 000 quads
    (15 MB of N-Quads); parsing them into memory takes about 0.4 s on every command, opening
    a pyoxigraph store kept on disk 0.01-0.08 s (measured on the development machine). So
    the first query after a build writes ``release_dir/store/`` (about 1 s, once) and later
    ones open it read-only; several commands may read it at once. The index records the
    size and modification time of the ``osteokg.nq`` it was made from and the pyoxigraph
    version, and is remade when any of them differs. When it cannot be written (a
    read-only release), the N-Quads are loaded into memory instead. Compiling in memory
    skips SHACL validation and HermiT (about 1.5 s). A change to the compiler's code (rather
    than to seeds/ or ontology/) needs ``osteokg build`` or
    ``--rebuild`` to show up.
    """
    from .constants import DEFAULT_RELEASE_DIR
    from .store import load_files, refuse_merged_release

    if data:
        for path in data:
            refuse_merged_release(path)
        return load_files([Path(p) for p in data]), None
    release_dir = Path(release_dir if release_dir is not None else DEFAULT_RELEASE_DIR)
    nquads = release_dir / "osteokg.nq"
    reason = None
    if rebuild:
        reason = "--rebuild given"
    elif not nquads.is_file():
        reason = f"no release at {nquads}"
    else:
        newer = _newer_input(nquads.stat().st_mtime)
        if newer is not None:
            reason = f"{nquads} is older than {newer}"
    if reason is None:
        return _indexed_release(nquads, release_dir / STORE_DIR_NAME)
    store, how = _compile_in_memory()
    return store, f"{reason}; {how} - run 'osteokg build' to write the release"


STORE_DIR_NAME = "store"
_STAMP = "osteokg-store.json"


def _stamp_of(nquads: Path) -> dict:
    import pyoxigraph

    info = nquads.stat()
    return {"source": nquads.name, "size": info.st_size, "mtime_ns": info.st_mtime_ns,
            "pyoxigraph": pyoxigraph.__version__}


def _indexed_release(nquads: Path, store_dir: Path) -> tuple[Store, str | None]:
    """The release opened from its on-disk index, made (atomically) when missing or stale."""
    import json
    import os
    import shutil
    import tempfile

    from pyoxigraph import RdfFormat

    from .store import load_files

    stamp = _stamp_of(nquads)
    stamp_file = store_dir / _STAMP
    try:
        if json.loads(stamp_file.read_text(encoding="utf-8")) == stamp:
            return Store.read_only(str(store_dir)), None
    except (OSError, ValueError):
        pass
    staging = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=".store-", dir=store_dir.parent))
        store = Store(str(staging / "db"))
        store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
        store.flush()
        del store
        (staging / "db" / _STAMP).write_text(json.dumps(stamp, indent=1), encoding="utf-8")
        if store_dir.exists():
            shutil.rmtree(store_dir, ignore_errors=True)
        try:
            os.replace(staging / "db", store_dir)
        except OSError:
            pass  # another command made it at the same moment: use theirs
    except OSError as exc:
        note = f"could not write an index of the release ({exc}); loaded it into memory"
        return load_files([nquads]), note
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return Store.read_only(str(store_dir)), None


def _newer_input(mtime: float) -> Path | None:
    from .constants import ONTOLOGY_DIR, SEEDS_DIR

    for folder in (SEEDS_DIR, ONTOLOGY_DIR):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.stat().st_mtime > mtime:
                return path
    return None


def _compile_in_memory() -> tuple[Store, str]:
    from .build import build, compile_all

    try:
        result = build(None, validate=False, reason=True, use_java=False)
        return result.store, "compiled and reasoned the graph in memory"
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("osteokg"):
            raise
        note = ("compiled the graph in memory (no reasoner available: the inferred graph "
                "is empty)")
        return compile_all().store, note


# --- expected answers ----------------------------------------------------------------------


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
