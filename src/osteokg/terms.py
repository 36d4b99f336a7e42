"""What a user means by a term: a full IRI, a CURIE or a label (English or Chinese), checked
against the graph.

Below every stage that resolves user input (stored-query parameters, ``explain``, ``paths``,
``evidence``): it runs its two small lookups through the :data:`Lookup` it is given, on the
embedded store or a remote endpoint, and imports nothing from the pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pyoxigraph import Literal, NamedNode

from .constants import PREFIXES
from .errors import QueryError, UnknownTermError
from .prefixes import CURIE_RE, compress, expand

#: How a parameter value is looked up: ``lookup(query_text, bindings)`` runs a SELECT with
#: the given variables bound as RDF terms (locally or remotely) and returns its Result.
Lookup = Callable[[str, dict[str, object]], Any]

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


def _best_candidates(result: Any) -> list[str]:
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
