"""RDF/XML that every XML parser reads, from pyoxigraph's writer."""

from __future__ import annotations

from collections.abc import Iterable

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL_NS = "http://www.w3.org/2002/07/owl#"


def owl_types_first(triples: Iterable) -> list:
    """Triples grouped by subject, each subject's ``rdf:type owl:…`` triples first.

    pyoxigraph 0.5's RDF/XML writer names a node element after the subject's first rdf:type;
    when that is a class whose IRI cannot be split into an XML QName (``HGNC:12400`` ends in
    digits: a model individual typed by a gene product) it writes an element with an empty
    local name, which no XML parser reads. An owl: type (owl:NamedIndividual, owl:Class...)
    always splits, so it goes first. The order is otherwise kept (the sort is stable).
    """
    def key(t) -> tuple[str, int]:
        owl_type = t.predicate.value == RDF_TYPE and t.object.value.startswith(OWL_NS)
        return (str(t.subject), 0 if owl_type else 1)

    return sorted(triples, key=key)
