"""Which relation may join which kinds of terms, and the sign each causal relation carries.

This is term-level knowledge that every stage uses (the curation loader rejects a misuse,
compile writes the signs into the ontology graph, the materialiser and ``osteokg paths`` read
signs from them), so it lives below all of them and imports nothing from the package.

**Kinds.** Each curation category is one kind of entity in BFO terms:

==============  =======================================================  ====================
kind            categories                                               BFO / RO class
==============  =======================================================  ====================
``anatomical``  cell, anatomical_entity                                  anatomical entity
                                                                         (UBERON:0001062), a
                                                                         material entity
``material``    gene, gene_family, complex, chemical, material           material entity
                                                                         (BFO:0000040)
``process``     biological_process, pathway, procedure                   process (BFO:0000015)
``disease``    disease                                                    disposition
                                                                          (BFO:0000016)
``phenotype``  phenotype                                                  phenotype
                                                                          (UPHENO:0001001)
==============  =======================================================  ====================

**Domains and ranges.** :data:`RELATIONS` gives, for every relation the curation may use, the
kinds its subject and object may have. Each entry is no looser than what RO itself declares on
the relation or any of its super-properties (``tests/test_relations.py`` reads RO's release and
checks that); where RO declares nothing (``contributes to condition``, ``has member``) the
entry follows the relation's definition. MODEL.md section 3 lists the choices: a process
regulates a process (``RO:0002211`` family); a gene product or chemical acts on a process
through ``RO:0002264`` / ``RO:0004034`` / ``RO:0004035``; a cell type is capable of
(regulating) a process through ``RO:0002215`` / ``RO:0002596`` / ``RO:0002598`` /
``RO:0002597``; one material entity regulates another's activity through ``RO:0002448`` /
``RO:0002450`` / ``RO:0002449``.

**Signs.** A causal relation is positive (+1), negative (-1) or unsigned (0); a relation that
is not causal has no sign (``None``). The sign is a property of the predicate alone, so a
SPARQL user asks "what promotes X" as ``?p okg:sign okg:Positive`` (compile writes these
annotations into the ontology graph).
"""

from __future__ import annotations

from dataclasses import dataclass

#: curation category -> kind
CATEGORY_KIND: dict[str, str] = {
    "anatomical_entity": "anatomical",
    "biological_process": "process",
    "cell": "anatomical",
    "chemical": "material",
    "disease": "disease",
    "complex": "material",
    "gene": "material",
    "gene_family": "material",
    "material": "material",
    "pathway": "process",
    "phenotype": "phenotype",
    "procedure": "process",
}
KINDS = ("anatomical", "material", "process", "disease", "phenotype")

#: The BFO/RO classes each kind falls under (itself and its ancestors up to BFO's entity);
#: a domain or range RO declares must be one of these for the kind to fit it.
_MATERIAL = frozenset({"BFO:0000040", "BFO:0000004", "BFO:0000002", "BFO:0000001"})
KIND_CLASSES: dict[str, frozenset[str]] = {
    "anatomical": _MATERIAL | {"UBERON:0001062", "UBERON:0000465", "CARO:0000000",
                               "CARO:0000006"},
    "material": _MATERIAL,
    "process": frozenset({"BFO:0000015", "BFO:0000003", "BFO:0000001"}),
    "disease": frozenset({"BFO:0000016", "BFO:0000017", "BFO:0000020", "BFO:0000002",
                          "BFO:0000001", "MONDO:0000001", "OGMS:0000031"}),
    "phenotype": frozenset({"UPHENO:0001001", "BFO:0000019", "BFO:0000020", "BFO:0000002",
                            "BFO:0000001"}),
}

_M = frozenset({"anatomical", "material"})  # material entities
_A = frozenset({"anatomical"})
_P = frozenset({"process"})
_C = frozenset({"anatomical", "material", "disease", "phenotype"})  # continuants
_CONDITION = frozenset({"disease", "phenotype"})
_ANY = frozenset(KINDS)

POSITIVE, NEGATIVE, UNSIGNED = 1, -1, 0
SIGN_NAMES = {POSITIVE: "Positive", NEGATIVE: "Negative", UNSIGNED: "Unsigned"}


@dataclass(frozen=True)
class Relation:
    """What a relation may join, and its sign (None: not a causal relation)."""

    label: str
    domain: frozenset[str]
    range: frozenset[str]
    sign: int | None = None
    #: offered by :func:`suggest` for a misused relation of the same sign (False for a
    #: relation that says more than the sign: "treats" is not any negative effect)
    general: bool = True


RELATIONS: dict[str, Relation] = {
    # process -> process: the regulates family and RO's causal relations between processes
    "RO:0002211": Relation("regulates", _P, _P, UNSIGNED),
    "RO:0002213": Relation("positively regulates", _P, _P, POSITIVE),
    "RO:0002212": Relation("negatively regulates", _P, _P, NEGATIVE),
    "RO:0002411": Relation("causally upstream of", _P, _P, UNSIGNED),
    "RO:0002304": Relation("causally upstream of, positive effect", _P, _P, POSITIVE),
    "RO:0002305": Relation("causally upstream of, negative effect", _P, _P, NEGATIVE),
    "RO:0002418": Relation("causally upstream of or within", _P, _P, UNSIGNED),
    "RO:0002018": Relation("has component process", _P, _P),
    # gene product or chemical (any material entity) -> process
    "RO:0002264": Relation("acts upstream of or within", _M, _P, UNSIGNED),
    "RO:0004034": Relation("acts upstream of, positive effect", _M, _P, POSITIVE),
    "RO:0004035": Relation("acts upstream of, negative effect", _M, _P, NEGATIVE),
    # cell type (any material entity) -> process
    "RO:0002215": Relation("capable of", _M, _P),
    "RO:0002596": Relation("capable of regulating", _M, _P, UNSIGNED),
    "RO:0002598": Relation("capable of positively regulating", _M, _P, POSITIVE),
    "RO:0002597": Relation("capable of negatively regulating", _M, _P, NEGATIVE),
    "RO:0002606": Relation("is substance that treats", _M, _P, NEGATIVE, general=False),
    # material entity -> the activity of a material entity
    "RO:0002448": Relation("directly regulates activity of", _M, _M, UNSIGNED),
    "RO:0002450": Relation("directly positively regulates activity of", _M, _M, POSITIVE),
    "RO:0002449": Relation("directly negatively regulates activity of", _M, _M, NEGATIVE),
    # between material entities
    "RO:0003000": Relation("produces", _M, _M),
    "RO:0002434": Relation("interacts with", _M, _M),
    "RO:0002436": Relation("molecularly interacts with", _M, _M),
    "RO:0001025": Relation("located in", _M, _M),
    "RO:0002202": Relation("develops from", _A, _A),
    "RO:0002220": Relation("adjacent to", _M, _M),
    "RO:0002226": Relation("develops in", _A, _C),
    "RO:0002292": Relation("expresses", _C, _C),
    # continuant and process
    "RO:0000056": Relation("participates in", _C, _P),
    "RO:0002234": Relation("has output", _P, _C),
    # conditions (RO declares no domain or range; the object is a disease or phenotype)
    # RO:0003304 is unsigned in RO's own hierarchy: "ameliorates condition" is a
    # sub-property of it (through "contributes to severity of condition")
    "RO:0003304": Relation("contributes to condition", _ANY, _CONDITION, UNSIGNED),
    "RO:0003307": Relation("ameliorates condition", _ANY, _CONDITION, NEGATIVE,
                           general=False),
    "RO:0002200": Relation("has phenotype", frozenset({"anatomical", "disease"}),
                           frozenset({"phenotype"})),
    "RO:0020327": Relation("diagnostic for", _ANY, _CONDITION),
    "RO:0002351": Relation("has member", _ANY, _ANY),
    # project relations (ontology/osteokg.ttl)
    "OSTEOKG:0900001": Relation("is proposed therapeutic target for", _ANY, _CONDITION),
    "OSTEOKG:0900002": Relation("is a cause of", _CONDITION, _ANY, POSITIVE),
    "OSTEOKG:0900003": Relation("contributes to development of condition", _ANY, _CONDITION,
                                POSITIVE),
}


def kind_of(category: str) -> str:
    return CATEGORY_KIND[category]


def sign_of(predicate: str) -> int | None:
    """+1, -1, 0 (unsigned causal) or None (not causal) for a CURIE."""
    rel = RELATIONS.get(predicate)
    return rel.sign if rel else None


def misuse(predicate: str, subject_category: str, object_category: str | None) -> str | None:
    """Why ``subject predicate object`` is outside the relation's domain or range (None: fits).

    Relations absent from :data:`RELATIONS` (data properties) are not checked here.
    """
    rel = RELATIONS.get(predicate)
    if rel is None:
        return None
    s_kind = CATEGORY_KIND.get(subject_category)
    if s_kind is not None and s_kind not in rel.domain:
        return (f"{predicate} ({rel.label}) needs a subject that is a "
                f"{' or '.join(sorted(rel.domain))}, but the subject is {_article(s_kind)} "
                f"({subject_category}) - {suggest(rel, s_kind, 'subject')}")
    o_kind = CATEGORY_KIND.get(object_category) if object_category else None
    if o_kind is not None and o_kind not in rel.range:
        return (f"{predicate} ({rel.label}) needs an object that is a "
                f"{' or '.join(sorted(rel.range))}, but the object is {_article(o_kind)} "
                f"({object_category}) - {suggest(rel, o_kind, 'object')}")
    return None


def _article(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def suggest(rel: Relation, kind: str, role: str) -> str:
    """A relation with the same sign that takes ``kind`` in ``role``, as a hint."""
    fits = sorted(
        curie for curie, other in RELATIONS.items()
        if other.sign == rel.sign and rel.sign is not None and other.general
        and kind in (other.domain if role == "subject" else other.range)
        and (rel.range & other.range if role == "subject" else rel.domain & other.domain)
    )
    if fits:
        return "use " + " or ".join(f"{c} ({RELATIONS[c].label})" for c in fits)
    return "choose a relation whose domain and range fit (src/osteokg/relations.py)"
