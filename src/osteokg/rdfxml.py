"""RDF/XML with typed node elements, for the OWL release (``osteokg.owl``).

pyoxigraph writes every node as ``rdf:Description`` with ``rdf:type`` children. That is
valid RDF/XML, but OBO tooling reads the XML tree rather than the graph: pronto looks for an
``owl:Ontology`` element and ``owl:Class`` elements, and refuses a file without them. So the
OWL release is written here the way the OWL API writes it: each node is one element named
by its OWL type (``owl:Class``, ``owl:ObjectProperty``, ``owl:Axiom`` ...), the ontology
header first, then the other nodes in canonical (N-Triples) order. Blank nodes are
``rdf:nodeID`` references (their labels are already stable), so output is byte-identical
for identical triples.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_TYPE = NamedNode(RDF + "type")
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
            prefix = f"ns{sum(p.startswith('ns') for p in self.used) + 1}"
            self.used[prefix] = ns
            self.namespaces[prefix] = ns
        return f"{prefix}:{local}"


def _node_attr(term) -> str:
    if isinstance(term, BlankNode):
        label = term.value if _NCNAME.match(term.value) else "b" + term.value
        return f"rdf:nodeID={quoteattr(label)}"
    return f"rdf:about={quoteattr(term.value)}"


def _property(names: _Names, t: Triple) -> str:
    p, o = names.qname(t.predicate.value), t.object
    if isinstance(o, NamedNode):
        return f"<{p} rdf:resource={quoteattr(o.value)}/>"
    if isinstance(o, BlankNode):
        label = o.value if _NCNAME.match(o.value) else "b" + o.value
        return f"<{p} rdf:nodeID={quoteattr(label)}/>"
    if not isinstance(o, Literal):
        raise ValueError(f"cannot write {o!r} in RDF/XML")
    if o.language:
        return f"<{p} xml:lang={quoteattr(o.language)}>{escape(o.value)}</{p}>"
    if o.datatype.value != XSD_STRING:
        return f"<{p} rdf:datatype={quoteattr(o.datatype.value)}>{escape(o.value)}</{p}>"
    return f"<{p}>{escape(o.value)}</{p}>"


def serialize(triples: Iterable[Triple], prefixes: dict[str, str]) -> bytes:
    """RDF/XML of ``triples`` (given in canonical order: each subject's triples together)."""
    names = _Names(prefixes)
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    headers = [s for s, ts in by_subject.items()
               if any(t.predicate == _TYPE and t.object.value == OWL + "Ontology" for t in ts)]
    order = headers + [s for s in by_subject if s not in headers]
    body: list[str] = []
    for s in order:
        ts = by_subject[s]
        types = [t.object.value for t in ts if t.predicate == _TYPE
                 and isinstance(t.object, NamedNode)]
        element_type = next((k for k in _ELEMENT_TYPES if k in types), None)
        element = names.qname(element_type) if element_type else "rdf:Description"
        body.append(f"\t<{element} {_node_attr(s)}>")
        for t in ts:
            # the element names one type; the others (a model individual's class, such as
            # a gene product whose IRI ends in digits) stay rdf:type resources
            if t.predicate == _TYPE and t.object.value == element_type:
                continue
            body.append("\t\t" + _property(names, t))
        body.append(f"\t</{element}>")
    xmlns = " ".join(f"xmlns:{p}={quoteattr(ns)}" for p, ns in sorted(names.used.items()))
    head = ['<?xml version="1.0" encoding="UTF-8"?>', f"<rdf:RDF {xmlns}>"]
    return ("\n".join(head + body + ["</rdf:RDF>"]) + "\n").encode("utf-8")


def owl_types_first(triples: Iterable) -> list:
    """Triples grouped by subject, each subject's ``rdf:type owl:…`` triples first, for
    pyoxigraph's own RDF/XML writer (HermiT's input, :func:`osteokg.reason.write_owl`).

    pyoxigraph 0.5 names a node element after the subject's first rdf:type; when that is a
    class whose IRI cannot be split into an XML QName (``HGNC:12400`` ends in digits: a model
    individual typed by a gene product) it writes an element with an empty local name, which
    no XML parser reads. An owl: type (owl:NamedIndividual, owl:Class...) always splits, so it
    goes first. The order is otherwise kept (the sort is stable).
    """
    def key(t) -> tuple[str, int]:
        owl_type = t.predicate.value == RDF + "type" and t.object.value.startswith(OWL)
        return (str(t.subject), 0 if owl_type else 1)

    return sorted(triples, key=key)
