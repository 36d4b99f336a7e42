"""Compile the curation and the ontology files into the named graphs of the dataset.

Every assertion is curated once and compiled to three views:

1. a **direct edge** ``S P O`` in the *asserted* graph (what a SPARQL user queries first);
2. an **assertion node** ``okga:Annnn`` with ``rdf:subject/predicate/object``, qualifiers,
   certainty and evidence (sentence, Web Annotation quote and position selectors, English
   rendering, cited references, ECO type) in the *assertions* graph;
3. an **OWL rendering** in the *axioms* graph, for reasoners and Protégé, that says what
   the sentence says and no more (MODEL.md section 5). A claim is read existentially by
   default ("some S, in the stated context, stands in P to some O", as GO annotations and
   GO-CAM models are read) and becomes a small GO-CAM-style model: two individuals
   ``okgm:Annnn-s`` (typed S) and ``okgm:Annnn-o`` (typed O) linked by P, each annotated
   with the assertion. Only a claim curated ``reading: universal`` (a defining property of
   every S: lineage, morphology, definitional facts) becomes the class axiom
   ``S SubClassOf (P some O)``, annotated with the assertion.

Hypotheses and open questions (certainty ``hypothesis`` or ``unclear``) get only the
assertion node: a reasoner or a plain SPARQL query must never take a speculation for a fact.

Blank nodes (OWL restrictions and axiom annotations) get labels derived from the assertion
ID, so output is byte-identical for identical input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, parse

from .constants import BASE, GRAPHS, IMPORTS_DIR, ONTOLOGY_DIR, ONTOLOGY_IRI, PREFIXES, REVIEW_IRI
from .curation import CATEGORIES, Assertion, Concept, Curation
from .mappings import mapping_triples
from .prefixes import expand
from .relations import RELATIONS, SIGN_NAMES
from .text import SOURCE_SHA256

FACTUAL = frozenset(
    {"established", "reported", "reported_in_vitro", "reported_in_vivo",
     "reported_in_vitro_and_in_vivo"}
)  # fmt: skip
CERTAINTY_IRIS = {
    "established": "Established",
    "reported": "Reported",
    "reported_in_vitro": "ReportedInVitro",
    "reported_in_vivo": "ReportedInVivo",
    "reported_in_vitro_and_in_vivo": "ReportedInVitroAndInVivo",
    "hypothesis": "Hypothesis",
    "unclear": "Unclear",
}
QUALIFIER_PROPERTIES = {
    "disease": "diseaseContext",
    "cell_context": "cellContext",
    "anatomical_site": "anatomicalSite",
    "condition": "condition",
    "mediator": "mediator",
}


def iri(curie_or_iri: str) -> NamedNode:
    """A NamedNode from a CURIE of the prefix map or a full IRI."""
    if curie_or_iri.startswith(("http://", "https://")):
        return NamedNode(curie_or_iri)
    return NamedNode(expand(curie_or_iri))


RDF_TYPE = iri("rdf:type")
RDFS_LABEL = iri("rdfs:label")
RDFS_SUBCLASS = iri("rdfs:subClassOf")
OWL_CLASS = iri("owl:Class")
XSD_INT = iri("xsd:integer")


def okg(local: str) -> NamedNode:
    return NamedNode(PREFIXES["okg"] + local)


def zh(text: str) -> Literal:
    return Literal(text, language="zh")


def en(text: str) -> Literal:
    return Literal(text, language="en")


def integer(n: int) -> Literal:
    return Literal(str(n), datatype=XSD_INT)


def assertion_iri(aid: str) -> NamedNode:
    return NamedNode(PREFIXES["okga"] + aid)


def sentence_iri(sid: str) -> NamedNode:
    return NamedNode(PREFIXES["okgs"] + sid)


def reference_iri(number: int) -> NamedNode:
    return NamedNode(PREFIXES["okgr"] + str(number))


def section_iri(key: str) -> NamedNode:
    return NamedNode(BASE + "section/" + key)


@dataclass
class Dataset:
    """Named graphs as lists of triples; graph key -> triples (see ``constants.GRAPHS``)."""

    graphs: dict[str, list[Triple]] = field(default_factory=dict)

    def add(self, graph: str, s, p, o) -> None:
        self.graphs.setdefault(graph, []).append(Triple(s, p, o))

    def extend(self, graph: str, triples: Iterable[Triple]) -> None:
        self.graphs.setdefault(graph, []).extend(triples)

    def iter_quads(self) -> Iterator[Quad]:
        """Every quad, in no particular order and possibly repeated (what a store needs)."""
        for key, triples in self.graphs.items():
            g = NamedNode(graph_iri(key))
            for t in triples:
                yield Quad(t.subject, t.predicate, t.object, g)

    def quads(self) -> list[Quad]:
        """Every quad, deduplicated and sorted by its N-Quads text (the release order)."""
        return sorted(set(self.iter_quads()), key=str)

    def counts(self) -> dict[str, int]:
        return {k: len(set(v)) for k, v in sorted(self.graphs.items())}


def graph_iri(key: str) -> str:
    return GRAPHS.get(key) or BASE + "graph/" + key


def _parse_file(path: Path) -> list[Triple]:
    triples = [q.triple for q in parse(path=str(path), format=RdfFormat.TURTLE)]
    return stable_blank_nodes(triples)


def stable_blank_nodes(triples: list[Triple]) -> list[Triple]:
    """Relabel blank nodes from their content and position, so parsing is deterministic.

    A parser names ``[ ... ]`` nodes at random. Here a blank node's label is a hash of what
    it contains (its outgoing triples, nested nodes included) and of where it hangs (the
    subject and predicate pointing at it, or its parent node's label), so the same file
    always gives the same labels and two distinct restrictions never merge.
    """
    outgoing: dict[BlankNode, list[Triple]] = {}
    incoming: dict[BlankNode, list[Triple]] = {}
    for t in triples:
        if isinstance(t.subject, BlankNode):
            outgoing.setdefault(t.subject, []).append(t)
        if isinstance(t.object, BlankNode):
            incoming.setdefault(t.object, []).append(t)
    if not outgoing and not incoming:
        return triples
    content: dict[BlankNode, str] = {}

    def content_of(node: BlankNode, seen: frozenset = frozenset()) -> str:
        if node in content:
            return content[node]
        if node in seen:
            return "cycle"
        parts = sorted(
            f"{t.predicate} "
            + (content_of(t.object, seen | {node}) if isinstance(t.object, BlankNode)
               else str(t.object))
            for t in outgoing.get(node, [])
        )
        content[node] = hashlib.sha256("|".join(parts).encode()).hexdigest()
        return content[node]

    labels: dict[BlankNode, str] = {}

    def label_of(node: BlankNode, seen: frozenset = frozenset()) -> str:
        if node in labels:
            return labels[node]
        anchors = sorted(
            (label_of(t.subject, seen | {node}) if isinstance(t.subject, BlankNode)
             and t.subject not in seen else str(t.subject)) + f" {t.predicate}"
            for t in incoming.get(node, [])
        )
        digest = hashlib.sha256(("|".join(anchors) + "#" + content_of(node)).encode())
        labels[node] = "b" + digest.hexdigest()[:24]
        return labels[node]

    def relabel(term):
        return BlankNode(label_of(term)) if isinstance(term, BlankNode) else term

    return [Triple(relabel(t.subject), t.predicate, relabel(t.object)) for t in triples]


# --- ontology graph -----------------------------------------------------------------------


def _concept_triples(c: Concept) -> Iterable[Triple]:
    s = iri(c.id)
    if c.is_project_term:
        yield Triple(s, RDF_TYPE, OWL_CLASS)
        yield Triple(s, RDFS_LABEL, en(c.label))
        if c.parent:
            yield Triple(s, RDFS_SUBCLASS, iri(c.parent))
        if c.definition:
            yield Triple(s, iri("IAO:0000115"), en(c.definition))
    if c.label_zh:
        yield Triple(s, RDFS_LABEL, zh(c.label_zh))
    for syn in c.synonyms_en:
        yield Triple(s, iri("oboInOwl:hasExactSynonym"), en(syn))
    for syn in c.synonyms_zh:
        yield Triple(s, iri("oboInOwl:hasExactSynonym"), zh(syn))
    yield Triple(s, iri("biolink:category"), iri("biolink:" + CATEGORIES[c.category]))
    for x in c.xrefs:
        yield Triple(s, iri("oboInOwl:hasDbXref"), Literal(x))
        yield Triple(s, iri("skos:exactMatch"), iri(x))
    for m in c.members:
        yield Triple(s, iri("RO:0002351"), iri(m))
    if c.note:
        yield Triple(s, iri("skos:editorialNote"), en(c.note))


def compile_ontology(curation: Curation, ds: Dataset) -> None:
    ds.extend("ontology", _parse_file(ONTOLOGY_DIR / "osteokg.ttl"))
    ds.extend("ontology", _parse_file(ONTOLOGY_DIR / "vocab.ttl"))
    ds.extend("ontology", _parse_file(ONTOLOGY_DIR / "axioms.ttl"))
    for c in curation.concepts.values():
        ds.extend("ontology", _concept_triples(c))
    ds.extend("ontology", mapping_triples(curation.mappings))
    # Annotation properties the OWL release uses, declared so it stays OWL 2 DL.
    for p in ("biolink:category", "oboInOwl:hasExactSynonym", "oboInOwl:hasDbXref",
              "skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch",
              "skos:editorialNote", "IAO:0000115", "dcterms:title", "dcterms:description",
              "dcterms:license", "dcterms:source", "dcterms:creator", "dcterms:publisher",
              "foaf:homepage"):
        ds.add("ontology", iri(p), RDF_TYPE, iri("owl:AnnotationProperty"))


def compile_imports(ds: Dataset, imports_dir: Path = IMPORTS_DIR) -> None:
    for path in sorted(imports_dir.glob("*_import.ttl")):
        ds.extend("imports", _merged_module(_parse_file(path)))


def _merged_module(triples: list[Triple]) -> list[Triple]:
    """An import module's triples with its ``owl:Ontology`` header folded into osteokg's.

    The release is one ontology (one header, the project IRI), as OBO tools expect: the
    module's header is dropped, and its ``dcterms:source`` (the reference release, its
    version and checksum) is kept as a ``dcterms:source`` of the osteokg ontology.
    """
    headers = {t.subject for t in triples
               if t.predicate == RDF_TYPE and t.object == iri("owl:Ontology")}
    if not headers:
        return triples
    merged = [t for t in triples if t.subject not in headers]
    source = iri("dcterms:source")
    merged += [Triple(NamedNode(ONTOLOGY_IRI), source, t.object) for t in triples
               if t.subject in headers and t.predicate == source]
    return merged


# --- source graph: the review, its sections, sentences and references ---------------------


def compile_source(curation: Curation, ds: Dataset) -> None:
    review = NamedNode(REVIEW_IRI)
    meta = curation.review
    ds.add("source", review, RDF_TYPE, okg("Review"))
    ds.add("source", review, iri("dcterms:title"), zh(meta["title_zh"]))
    if meta.get("title_en"):
        ds.add("source", review, iri("dcterms:alternative"), en(meta["title_en"]))
    for author in meta["authors"]:
        ds.add("source", review, iri("dcterms:creator"), Literal(author))
    ds.add("source", review, iri("dcterms:language"), Literal(meta.get("language", "zh")))
    ds.add("source", review, okg("sha256"), Literal(SOURCE_SHA256))
    if meta.get("note"):
        ds.add("source", review, iri("skos:editorialNote"), en(meta["note"]))
    for n in range(1, int(meta["reference_count"]) + 1):
        r = reference_iri(n)
        ds.add("source", r, RDF_TYPE, okg("CitedReference"))
        ds.add("source", r, okg("referenceNumber"), integer(n))
        ds.add("source", r, RDFS_LABEL, en(f"reference {n} of the review"))
        ds.add("source", r, RDFS_LABEL, zh(f"综述参考文献［{n}］"))
        ds.add("source", r, iri("dcterms:isReferencedBy"), review)
    source = curation.source
    for sec in source.sections:
        s = section_iri(sec.key)
        ds.add("source", s, RDF_TYPE, okg("Section"))
        ds.add("source", s, RDFS_LABEL, zh(sec.title) if sec.key != "abs-en" else en(sec.title))
        if sec.number:
            ds.add("source", s, okg("sectionNumber"), Literal(sec.number))
        ds.add("source", s, iri("dcterms:isPartOf"), review)
    for sent in source.sentences:
        s = sentence_iri(sent.id)
        ds.add("source", s, RDF_TYPE, okg("Sentence"))
        ds.add("source", s, okg("text"), Literal(sent.text, language=sent.language))
        ds.add("source", s, iri("dcterms:isPartOf"), section_iri(sent.section))
        ds.add("source", s, okg("ordinal"), integer(sent.ordinal))
        ds.add("source", s, okg("start"), integer(sent.start))
        ds.add("source", s, okg("end"), integer(sent.end))
        ds.add("source", s, okg("rawStart"), integer(sent.raw_start))
        ds.add("source", s, okg("rawEnd"), integer(sent.raw_end))
        for n in sent.references:
            ds.add("source", s, iri("dcterms:references"), reference_iri(n))


# --- assertions: direct edge, assertion node, OWL axiom -----------------------------------


def _object_term(a: Assertion):
    if a.value is not None:
        return Literal(a.value.number, datatype=iri(a.value.datatype))
    return iri(a.object or "")


def compile_assertion(a: Assertion, curation: Curation, ds: Dataset) -> None:
    s, p, o = iri(a.subject), iri(a.predicate), _object_term(a)
    node = assertion_iri(a.id)
    add = ds.add
    add("assertions", node, RDF_TYPE, okg("Assertion"))
    add("assertions", node, RDF_TYPE, iri("rdf:Statement"))
    add("assertions", node, iri("rdf:subject"), s)
    add("assertions", node, iri("rdf:predicate"), p)
    add("assertions", node, iri("rdf:object"), o)
    add("assertions", node, okg("certainty"), okg(CERTAINTY_IRIS[a.certainty]))
    add("assertions", node, iri("dcterms:source"), NamedNode(REVIEW_IRI))
    add("assertions", node, okg("curatedIn"), Literal(str(a.where)))
    for name, values in a.qualifiers:
        for v in values:
            add("assertions", node, okg(QUALIFIER_PROPERTIES[name]), iri(v))
    if a.value is not None:
        if a.value.unit:
            add("assertions", node, iri("qudt:unit"), iri(a.value.unit))
        if a.value.as_of:
            add("assertions", node, okg("asOf"),
                Literal(str(a.value.as_of), datatype=iri("xsd:gYear")))
    if a.note:
        add("assertions", node, iri("skos:editorialNote"), en(a.note))
    if a.value is None:
        add("assertions", node, okg("reading"),
            okg("Universal" if a.universal else "Existential"))
    for i, ev in enumerate(a.evidence, start=1):
        e = NamedNode(f"{PREFIXES['okge']}{a.id}-{i}")
        sentence = curation.source.sentence_ids[ev.sentence]
        add("assertions", node, okg("hasEvidence"), e)
        add("assertions", e, RDF_TYPE, okg("Evidence"))
        add("assertions", e, okg("sentence"), sentence_iri(ev.sentence))
        add("assertions", e, okg("englishRendering"), en(ev.english))
        add("assertions", e, okg("evidenceType"), iri(ev.eco))
        for n in ev.references:
            add("assertions", e, iri("dcterms:references"), reference_iri(n))
        # W3C Web Annotation selectors: the exact quote and its position in the normalised text.
        offset = sentence.text.index(ev.quote)
        start = sentence.start + offset
        quote, position = NamedNode(f"{e.value}-quote"), NamedNode(f"{e.value}-position")
        add("assertions", e, iri("oa:hasSource"), sentence_iri(ev.sentence))
        add("assertions", e, iri("oa:hasSelector"), quote)
        add("assertions", e, iri("oa:hasSelector"), position)
        lang = sentence.language
        add("assertions", quote, RDF_TYPE, iri("oa:TextQuoteSelector"))
        add("assertions", quote, iri("oa:exact"), Literal(ev.quote, language=lang))
        add("assertions", quote, iri("oa:prefix"),
            Literal(sentence.text[max(0, offset - 8):offset], language=lang))
        add("assertions", quote, iri("oa:suffix"),
            Literal(sentence.text[offset + len(ev.quote):offset + len(ev.quote) + 8],
                    language=lang))
        add("assertions", position, RDF_TYPE, iri("oa:TextPositionSelector"))
        add("assertions", position, iri("oa:start"), integer(start))
        add("assertions", position, iri("oa:end"), integer(start + len(ev.quote)))
    if a.certainty not in FACTUAL:
        return
    add("asserted", s, p, o)
    if a.value is not None:
        return
    if not a.universal:
        compile_model(a, ds, curation)
        return
    restriction = BlankNode(f"r{a.id}")
    axiom = BlankNode(f"x{a.id}")
    add("axioms", s, RDFS_SUBCLASS, restriction)
    add("axioms", restriction, RDF_TYPE, iri("owl:Restriction"))
    add("axioms", restriction, iri("owl:onProperty"), p)
    add("axioms", restriction, iri("owl:someValuesFrom"), o)
    add("axioms", axiom, RDF_TYPE, iri("owl:Axiom"))
    add("axioms", axiom, iri("owl:annotatedSource"), s)
    add("axioms", axiom, iri("owl:annotatedProperty"), RDFS_SUBCLASS)
    add("axioms", axiom, iri("owl:annotatedTarget"), restriction)
    add("axioms", axiom, okg("assertion"), node)


def model_individuals(aid: str) -> tuple[NamedNode, NamedNode]:
    """The subject and object individuals of an existential assertion's model."""
    return NamedNode(f"{PREFIXES['okgm']}{aid}-s"), NamedNode(f"{PREFIXES['okgm']}{aid}-o")


def compile_model(a: Assertion, ds: Dataset, curation: Curation) -> None:
    """An existential claim as a GO-CAM-style model: ``x a S . y a O . x P y``, each
    individual labelled by its class and the assertion ("macrophage in A0010")."""
    x, y = model_individuals(a.id)
    node = assertion_iri(a.id)
    for individual, cls in ((x, a.subject), (y, a.object or "")):
        ds.add("axioms", individual, RDF_TYPE, iri("owl:NamedIndividual"))
        ds.add("axioms", individual, RDF_TYPE, iri(cls))
        concept = curation.concepts.get(cls)
        ds.add("axioms", individual, RDFS_LABEL,
               en(f"{concept.label if concept else cls} in {a.id}"))
        ds.add("axioms", individual, okg("assertion"), node)
    ds.add("axioms", x, iri(a.predicate), y)


def compile_signs(ds: Dataset) -> None:
    """``P okg:sign okg:Positive|Negative|Unsigned`` for every causal relation
    (:data:`osteokg.relations.RELATIONS`), so queries can ask by sign."""
    for curie, rel in sorted(RELATIONS.items()):
        if rel.sign is not None:
            ds.add("ontology", iri(curie), okg("sign"), okg(SIGN_NAMES[rel.sign]))


def compile_dataset(curation: Curation, *, imports_dir: Path = IMPORTS_DIR) -> Dataset:
    """All named graphs except ``inferred`` and ``justifications`` (added by the reasoner)."""
    ds = Dataset()
    compile_ontology(curation, ds)
    compile_signs(ds)
    compile_imports(ds, imports_dir)
    compile_source(curation, ds)
    for a in curation.assertions:
        compile_assertion(a, curation, ds)
    return ds
