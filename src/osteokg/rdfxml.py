"""RDF/XML with typed node elements, for the OWL release (``osteokg.owl``).

pyoxigraph writes every node as ``rdf:Description`` with ``rdf:type`` children. That is
valid RDF/XML, but OBO tooling reads the XML tree rather than the graph: pronto looks for an
``owl:Ontology`` element and ``owl:Class`` elements, and refuses a file without them. So the
OWL release is written here the way the OWL API writes it: each node is one element named
by its OWL type (``owl:Class``, ``owl:ObjectProperty``, ``owl:Axiom`` ...), the ontology
header first, then the other nodes in the order of their first triple. Blank nodes are
``rdf:nodeID`` references (their labels are already stable), so output is byte-identical
for identical triples.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_TYPE = RDF + "type"
#: The types an element may be named by, most specific use first (the rest stay rdf:type).
_ELEMENT_TYPES = tuple(OWL + t for t in (
    "Ontology", "Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty",
    "NamedIndividual", "Restriction", "Axiom", "AllDisjointClasses",
))  # fmt: skip
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


class _Names:
    """QNames for IRIs: the longest declared namespace whose remainder is an XML name;
    otherwise a namespace ``ns1``, ``ns2`` ... cut at the IRI's last ``/`` or ``#``."""

    def __init__(self, prefixes: dict[str, str]):
        self.namespaces = {"rdf": RDF, "owl": OWL, **prefixes}
        self._by_length = sorted(self.namespaces.items(), key=lambda kv: -len(kv[1]))
        self.used: dict[str, str] = {"rdf": RDF}
        self._cache: dict[str, str] = {}

    def qname(self, iri: str) -> str:
        name = self._cache.get(iri)
        if name is None:
            name = self._cache[iri] = self._qname(iri)
        return name

    def _qname(self, iri: str) -> str:
        for prefix, ns in self._by_length:
            if iri.startswith(ns) and _NCNAME.match(iri[len(ns):]):
                self.used[prefix] = ns
                return f"{prefix}:{iri[len(ns):]}"
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        ns, local = iri[:cut], iri[cut:]
        if not _NCNAME.match(local):
            raise ValueError(f"cannot write {iri} as an RDF/XML element name")
        prefix = next((p for p, n in self.used.items() if n == ns), None)
        if prefix is None:
            prefix = next(f"ns{i}" for i in range(1, len(self.used) + 2)
                          if f"ns{i}" not in self.namespaces)
            self.used[prefix] = ns
            self.namespaces[prefix] = ns
        return f"{prefix}:{local}"


_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord("\r"): "&#13;"}
_ATTR_ESCAPES = {**_ESCAPES, ord('"'): "&quot;", ord("\n"): "&#10;", ord("\r"): "&#13;",
                 ord("\t"): "&#9;"}


def _text(value: str) -> str:
    """Element text, escaped (a carriage return too: XML parsers would read it as a newline)."""
    if "&" in value or "<" in value or ">" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def _attr(value: str) -> str:
    """A double-quoted attribute value, escaped."""
    return '"' + value.translate(_ATTR_ESCAPES) + '"'


def _node_label(node: BlankNode) -> str:
    return node.value if _NCNAME.match(node.value) else "b" + node.value


def _node_attr(term) -> str:
    if type(term) is BlankNode:
        return f"rdf:nodeID={_attr(_node_label(term))}"
    return f"rdf:about={_attr(term.value)}"


def _property(p: str, o) -> str:
    """One property element: ``p`` is the predicate's QName, ``o`` the object."""
    kind = type(o)
    if kind is NamedNode:
        return f"\t\t<{p} rdf:resource={_attr(o.value)}/>"
    if kind is BlankNode:
        return f"\t\t<{p} rdf:nodeID={_attr(_node_label(o))}/>"
    if kind is not Literal:
        raise ValueError(f"cannot write {o!r} in RDF/XML")
    language = o.language
    if language:
        return f"\t\t<{p} xml:lang={_attr(language)}>{_text(o.value)}</{p}>"
    datatype = o.datatype.value
    if datatype != XSD_STRING:
        return f"\t\t<{p} rdf:datatype={_attr(datatype)}>{_text(o.value)}</{p}>"
    return f"\t\t<{p}>{_text(o.value)}</{p}>"


def serialize(triples: Iterable[Triple], prefixes: dict[str, str]) -> bytes:
    """RDF/XML of ``triples``: one element per subject, in the order subjects first occur."""
    names = _Names(prefixes)
    # Keyed by text: hashing pyoxigraph terms costs more than reading their value (a blank
    # node's label never equals an IRI, which has a colon).
    nodes: dict[str, object] = {}
    by_subject: dict[str, list] = {}
    types: dict[str, set] = {}
    for s, p, o in triples:  # unpacking is cheaper than the triple's attributes
        key = s.value
        members = by_subject.get(key)
        if members is None:
            members = by_subject[key] = []
            nodes[key] = s
        p = p.value
        members.append((p, o))
        if p == _TYPE and type(o) is NamedNode:
            types.setdefault(key, set()).add(o.value)
    element_of = {s: next((k for k in _ELEMENT_TYPES if k in ts), None)
                  for s, ts in types.items()}
    headers = [s for s, k in element_of.items() if k == OWL + "Ontology"]
    order = headers + [s for s in by_subject if s not in headers] if headers else by_subject
    qnames: dict[str, str] = {}
    body: list[str] = []
    for key in order:
        element_type = element_of.get(key)
        element = names.qname(element_type) if element_type else "rdf:Description"
        body.append(f"\t<{element} {_node_attr(nodes[key])}>")
        for p, o in by_subject[key]:
            if element_type and p == _TYPE and o.value == element_type:
                continue
            q = qnames.get(p)
            if q is None:
                q = qnames[p] = names.qname(p)
            body.append(_property(q, o))
        body.append(f"\t</{element}>")
    xmlns = " ".join(f"xmlns:{p}={_attr(ns)}" for p, ns in sorted(names.used.items()))
    head = ['<?xml version="1.0" encoding="UTF-8"?>', f"<rdf:RDF {xmlns}>"]
    return ("\n".join(head + body + ["</rdf:RDF>"]) + "\n").encode("utf-8")

