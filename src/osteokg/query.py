"""Stored SPARQL queries: parse their headers, bind parameters as RDF terms, run them.

A stored query is ``queries/<name>.rq`` whose first comment lines form a header::

    # title: Where do osteoclasts come from?
    # question: Which cell types does the review say osteoclasts develop from?
    # param: cell | iri | CL:0000092 | the cell type whose origins are listed
    # returns: one row per precursor: ?precursor ?precursorLabel ?certainty ?sentence

Parameters are bound with SPARQL substitutions (embedded store) or a ``VALUES`` block
(remote endpoints): a value is always one RDF term and can never change the query.
An ``iri`` parameter accepts a CURIE, a full IRI, or an English or Chinese label or synonym.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Store, Variable

from .constants import PREFIXES, QUERIES_DIR
from .errors import QueryError, UnknownTermError
from .prefixes import CURIE_RE, compress, expand

PARAM_TYPES = ("iri", "string", "integer")
#: A value is None (unbound) or (kind, lexical value, datatype IRI or "@lang" or None).
Value = tuple[str, str, str | None] | None
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Param:
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


@dataclass
class Result:
    variables: list[str]
    rows: list[tuple[Value, ...]] = field(default_factory=list)


def prefix_block() -> str:
    """PREFIX declarations for the project's prefix map."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def parse_query_file(path: Path) -> StoredQuery:
    """Read a ``.rq`` file and its comment header (errors name the file and line)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query ({exc})") from exc
    meta: dict[str, str] = {}
    params: list[Param] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = re.match(r"#\s*(\w+):\s*(.*)$", line)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "param":
            parts = [p.strip() for p in value.split("|")]
            if len(parts) != 4 or parts[1] not in PARAM_TYPES:
                raise QueryError(
                    f"{path}:{lineno}: malformed param header {value!r} - write "
                    f"'# param: name | {'|'.join(PARAM_TYPES)} | default | description'"
                )
            name, ptype, default, desc = parts
            params.append(Param(name, ptype, default or None, desc))
        else:
            meta[key] = (meta.get(key, "") + " " + value).strip()
    return StoredQuery(path.stem, path, text, meta.get("title", ""), meta.get("question", ""),
                       meta.get("returns", ""), tuple(params))


def catalogue(queries_dir: Path = QUERIES_DIR) -> dict[str, StoredQuery]:
    """Every stored query, by name."""
    return {p.stem: parse_query_file(p) for p in sorted(Path(queries_dir).glob("*.rq"))}


def load_query(name_or_path: str, queries_dir: Path = QUERIES_DIR) -> StoredQuery:
    """A stored query by catalogue name, or any ``.rq`` file by path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".rq" or candidate.is_file():
        if not candidate.is_file():
            raise QueryError(f"{candidate}: no such query file")
        return parse_query_file(candidate)
    path = Path(queries_dir) / f"{name_or_path}.rq"
    if not path.is_file():
        names = sorted(p.stem for p in Path(queries_dir).glob("*.rq"))
        close = [n for n in names if name_or_path.lower() in n.lower()]
        hint = f"did you mean {', '.join(close)}?" if close else "see 'osteokg query --list'"
        raise QueryError(f"unknown query {name_or_path!r} - {hint}")
    return parse_query_file(path)


def _resolve_iri(store: Store, text: str) -> NamedNode:
    if text.startswith(("http://", "https://")):
        return NamedNode(text)
    if CURIE_RE.match(text) and text.split(":", 1)[0] in PREFIXES:
        return NamedNode(expand(text))
    found = set()
    lookup = (
        "SELECT DISTINCT ?s WHERE { { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
        "UNION { ?s <http://www.geneontology.org/formats/oboInOwl#hasExactSynonym> ?l } "
        "FILTER(LCASE(STR(?l)) = LCASE(STR(?text))) }"
    )
    for sol in store.query(lookup, substitutions={Variable("text"): Literal(text)},
                           use_default_graph_as_union=True):
        found.add(sol["s"].value)
    if not found:
        raise UnknownTermError(
            f"{text!r} is not a CURIE, an IRI, or a label or synonym in the graph - try a "
            "CURIE such as CL:0000092 or an English or Chinese label such as 破骨细胞"
        )
    if len(found) > 1:
        shown = ", ".join(sorted(compress(f) for f in found))
        raise UnknownTermError(f"{text!r} names several terms ({shown}) - pass a CURIE")
    return NamedNode(found.pop())


def bind_params(store: Store, query: StoredQuery, values: dict[str, str]):
    """RDF terms for the query's parameters: given values, else defaults."""
    declared = {p.name: p for p in query.params}
    for name in values:
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise QueryError(f"query {query.name!r} has no parameter {name!r} (parameters: "
                             f"{known})")
    terms = {}
    for p in query.params:
        raw = values.get(p.name, p.default)
        if raw is None:
            continue
        if p.type == "iri":
            terms[p.name] = _resolve_iri(store, raw)
        elif p.type == "integer":
            if not re.fullmatch(r"-?[0-9]+", raw):
                raise QueryError(f"parameter {p.name!r} of {query.name!r} must be an integer, "
                                 f"got {raw!r}")
            terms[p.name] = Literal(raw, datatype=NamedNode(PREFIXES["xsd"] + "integer"))
        else:
            terms[p.name] = Literal(raw)
    return terms


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


def _syntax_error(query: StoredQuery, exc: Exception) -> QueryError:
    where = str(query.path) if query.path else query.name
    message = str(exc)
    m = re.search(r"(\d+):(\d+)", message)
    if m:
        header = len(prefix_block().splitlines())
        line = int(m.group(1)) - header
        return QueryError(f"{where}:{line}:{m.group(2)}: SPARQL syntax error: {message}")
    return QueryError(f"{where}: SPARQL syntax error: {message}")


def run_query(store: Store, query: StoredQuery | str, params: dict[str, str] | None = None,
              ) -> Result:
    """Run a stored query (or raw SPARQL text) on the embedded store, union default graph."""
    if isinstance(query, str):
        query = StoredQuery("<inline>", None, query)
    substitutions = {Variable(k): v for k, v in bind_params(store, query, params or {}).items()}
    try:
        solutions = store.query(prefix_block() + query.text, substitutions=substitutions,
                                use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise _syntax_error(query, exc) from exc
    if isinstance(solutions, QuerySolutions):
        variables = [v.value for v in solutions.variables]
        rows = [tuple(term_value(sol[v]) for v in variables) for sol in solutions]
        return Result(variables, rows)
    if isinstance(solutions, bool):
        return Result(["result"], [(("literal", str(solutions).lower(),
                                     PREFIXES["xsd"] + "boolean"),)])
    triples = [tuple(term_value(x) for x in (t.subject, t.predicate, t.object)) for t in solutions]
    return Result(["subject", "predicate", "object"], sorted(triples))
