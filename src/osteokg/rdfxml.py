"""RDF/XML that XML parsers accept, whatever the class IRIs look like.

RDF/XML writes a node typed ``C`` as an element named by the QName of ``C``. pyoxigraph's
serialiser (0.5, oxigraph issue #1859) takes the first ``rdf:type`` triple of a subject for
that element even when ``C`` has no QName - an IRI ending in digits, such as HGNC's
``http://identifiers.org/hgnc/124`` - and then writes ``<oxprefix: ...>``, which is not XML:
owlready2, Protégé and every XML parser refuse the file. A GO-CAM model individual typed by a
gene (``okgm:A0051-o a hgnc:124``) is such a node.

:func:`rdf_xml_order` keeps the given order but moves, within each subject, the ``rdf:type``
triples whose class has no QName after the subject's other triples, so the element is named
by another type (``owl:NamedIndividual``) or is a plain ``rdf:Description``; the class is then
written as an ``rdf:type`` property, which RDF/XML can always express.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyoxigraph import NamedNode, RdfFormat, serialize

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: the local part an XML QName needs at the end of an IRI (an NCName: not starting with a
#: digit, a dot or a hyphen)
_LOCAL_NAME = re.compile(r"[A-Za-z_\u00c0-\ufffd][\w.\-\u00b7\u00c0-\ufffd]*$")


def has_qname(iri: str) -> bool:
    """Whether an IRI ends in a local part that can name an XML element."""
    return _LOCAL_NAME.search(iri) is not None


def _untypable(t) -> bool:
    return (t.predicate.value == RDF_TYPE and isinstance(t.object, NamedNode)
            and not has_qname(t.object.value))


def rdf_xml_order(triples: Iterable) -> list:
    """The triples (pyoxigraph Triples, grouped by subject) in the same order, except that a
    subject's ``rdf:type`` triples whose class has no QName come after its other triples.

    Raises ValueError for a subject whose only triples are such types: nothing can name its
    element (give it another type, e.g. ``owl:NamedIndividual``).
    """
    out: list = []
    held: list = []
    subject, others = None, 0

    def flush() -> None:
        if held and not others:
            raise ValueError(f"RDF/XML cannot write {held[0].subject}: its only triples are "
                             f"rdf:type {held[0].object}, a class IRI without a QName")
        out.extend(held)
        held.clear()

    for t in triples:
        if t.subject != subject:
            flush()
            subject, others = t.subject, 0
        if _untypable(t):
            held.append(t)
        else:
            out.append(t)
            others += 1
    flush()
    return out


def serialize_rdf_xml(triples: Iterable, prefixes: dict[str, str] | None = None) -> bytes:
    """RDF/XML of triples grouped by subject (e.g. sorted), well-formed for any class IRI."""
    return serialize(rdf_xml_order(triples), format=RdfFormat.RDF_XML, prefixes=prefixes or {})
