"""Rules of reading from seeds/README.md that a pattern in the review's wording can check."""

from __future__ import annotations

import re

import pytest

from osteokg.curation import load_curation

#: 认为 / 被认为 / 传统观点认为 and their English renderings attribute a view: `reported`.
VIEW = re.compile(r"认为|considered to be|holds that")


@pytest.fixture(scope="module")
def curation():
    return load_curation()


def test_attributed_views_are_reported_never_established(curation):
    wrong = [f"{a.id} ({a.where}, {a.certainty}, {a.reading}): {e.quote}"
             for a in curation.assertions for e in a.evidence
             if VIEW.search(e.quote) and (a.certainty != "reported" or a.reading == "universal")]
    assert not wrong, "claims under 认为 are reported, never universal:\n" + "\n".join(wrong)


def test_the_traditional_view_covers_its_whole_clause(curation):
    """sec4.3-04: the imbalance and its causes are inside 传统观点认为; the newer finding is not."""
    sentence = curation.source.sentence("sec4.3-04").text
    boundary = sentence.index("最新研究发现")
    inside = {a.id: a.certainty for a in curation.assertions_for_sentence("sec4.3-04")
              if any(e.sentence == "sec4.3-04" and sentence.index(e.quote) < boundary
                     for e in a.evidence)}
    assert {"A0409", "A0410", "A0411"} <= set(inside)
    assert set(inside.values()) == {"reported"}


def test_m1_as_proinflammatory_is_a_view_the_secretion_is_not(curation):
    by_id = {a.id: a for a in curation.assertions}
    assert {by_id[i].certainty for i in ("A0475", "A0476", "A0477")} == {"reported"}
    assert by_id["A0473"].certainty == "established"


def test_an_attempt_is_a_hypothesis_not_a_result(curation):
    """sec4.1-08 reports that biomaterial immunomodulation 已有人进行了尝试: no outcome is given."""
    attempted = [a for a in curation.assertions for e in a.evidence if "已有人进行了尝试" in e.quote]
    assert {a.id for a in attempted} >= {"A0488", "A0583", "A0584", "A0585"}
    assert {a.certainty for a in attempted} == {"hypothesis"}
    assert all(not a.universal for a in attempted)


#: 调节/控制 X ("modulating X") is the regulation of X, not X.
REGULATED = {"巨噬细胞极化": ("GO:0043030", "GO:0042116"), "巨噬细胞的极化": ("GO:0043030", "GO:0042116"),
             "抑制或促进破骨细胞分化": ("GO:0045670", "GO:0030316")}


def test_modulating_a_process_is_its_regulation(curation):
    wrong = []
    for a in curation.assertions:
        for e in a.evidence:
            for phrase, (regulation, process) in REGULATED.items():
                if re.search(r"(调节|控制)" + phrase + "|" + "抑制或促进破骨细胞分化", e.quote) \
                        and phrase in e.quote and a.subject == process:
                    wrong.append(f"{a.id}: {a.subject} should be {regulation} ({e.quote})")
    assert not wrong, "\n".join(wrong)
    by_id = {a.id: a for a in curation.assertions}
    assert {by_id[i].subject for i in ("A0096", "A0097", "A0098", "A0099", "A0500", "A0501")} \
        == {"GO:0043030"}
    assert {by_id[i].subject for i in ("A0100", "A0101", "A0102", "A0103")} == {"GO:0045670"}
    # macrophage activation as such is never said to promote bone formation
    assert not [a.id for a in curation.assertions
                if a.subject == "GO:0042116" and a.object == "GO:0001503"]


def test_signs_come_from_the_sentence_that_gives_them(curation):
    """sec4.2-09: 促进或抑制 over four cytokines together gives no sign to any one of them."""
    both = [a for a in curation.assertions
            if all("促进或抑制" in e.quote for e in a.evidence) and a.evidence]
    assert {"A0545", "A0546", "A0547", "A0548", "A0587"} <= {a.id for a in both}
    signed = {"RO:0004034", "RO:0004035", "RO:0002598", "RO:0002597", "RO:0002213",
              "RO:0002212", "RO:0002450", "RO:0002449", "OSTEOKG:0900003", "RO:0003307"}
    assert not [a.id for a in both if a.predicate in signed]
    by_id = {a.id: a for a in curation.assertions}
    # the signs given elsewhere are kept: IFN-γ inhibits osteoclastogenesis, RANKL activates RANK
    assert (by_id["A0541"].subject, by_id["A0541"].predicate, by_id["A0541"].object) == \
        ("HGNC:5438", "RO:0004035", "GO:0030316")
    assert by_id["A0422"].predicate == "RO:0002450" and "激活" in by_id["A0422"].evidence[0].quote


SCOPE = re.compile(r"本文综述|本文就.*综述|[Tt]his review (summari[sz]es|reviews)")


def test_a_claim_its_note_calls_unsigned_has_an_unsigned_predicate(curation):
    """A0471 (polarisation 影响, affects, periprosthetic osteolysis) and A0577 (the IL-7/IL-7R
    balance broken in RA, no direction given) were filed under the positive 'contributes to
    development of condition'; their notes said the effect has no sign."""
    from osteokg.relations import sign_of

    unsigned_note = re.compile(r"unsigned|in which direction|no direction", re.IGNORECASE)
    wrong = [a.id for a in curation.assertions
             if unsigned_note.search(a.note or "") and sign_of(a.predicate) in (1, -1)]
    assert wrong == []
    by_id = {a.id: a for a in curation.assertions}
    assert by_id["A0471"].predicate == by_id["A0577"].predicate == "RO:0003304"


def test_the_review_describing_itself_is_scope_not_evidence(curation):
    quoted = [f"{a.id}: {e.quote}" for a in curation.assertions for e in a.evidence
              if SCOPE.search(e.quote)]
    assert not quoted, "scope clauses quoted as evidence:\n" + "\n".join(quoted)
    scope = {c.sentence for c in curation.coverage if c.reason == "scope"}
    assert {"abs-zh-06", "abs-en-06", "intro-06"} <= scope
    # what sec5-08 summarises is curated where the review states it, e.g. fracture healing
    healing = [a for a in curation.assertions_for_sentence("abs-zh-03")
               if a.object == "OSTEOKG:0000032"]
    assert healing and healing[0].certainty == "established"
    assert not {"A0092", "A0093", "A0094", "A0095"} & {a.id for a in curation.assertions}


def test_the_fracture_count_label_counts_people():
    """sec4.3-01: 每年有 900 万人发生...骨折 counts people, and the label says so."""
    import pathlib

    import rdflib

    ttl = pathlib.Path(__file__).resolve().parents[1] / "ontology" / "osteokg.ttl"
    g = rdflib.Graph().parse(ttl)
    prop = rdflib.URIRef("https://w3id.org/osteokg/OSTEOKG_0900012")
    labels = {str(lbl): lbl.language for lbl in g.objects(prop, rdflib.RDFS.label)}
    en = [lbl for lbl, lang in labels.items() if lang == "en"]
    zh = [lbl for lbl, lang in labels.items() if lang == "zh"]
    assert en and "people" in en[0], labels
    assert zh and "人数" in zh[0], labels


def test_diagnosis_timing_is_not_a_diagnostic_criterion(curation):
    """sec4.3-03: diagnosed only after the first fracture (才被诊断出) is timing, not a criterion."""
    timing = [a for a in curation.assertions for e in a.evidence if "才被诊断" in e.quote]
    assert timing, "sec4.3-03 is curated"
    assert not [a.id for a in timing if a.predicate == "RO:0020327"]
    assert not [a.id for a in curation.assertions
                if a.predicate == "RO:0020327" and a.object == "MONDO:0005298"]


def test_evidence_belongs_to_the_sentence_that_says_it(curation):
    by_id = {a.id: a for a in curation.assertions}
    # abs-en-01 speaks of regulating bone state, not of a disease
    assert "abs-en-01" not in {e.sentence for e in by_id["A0001"].evidence}
    assert "abs-en-01" in {e.sentence for e in by_id["A0088"].evidence}
    # sec4.1-09: 这些作用 (these effects) are all the crocin effects, each with the same mediators
    mediated = [a for a in curation.assertions for e in a.evidence
                if e.quote.startswith("这些作用可能是通过抑制 p38 和 JNK")
                and a.qualifier("mediator")]
    effects = {(a.predicate, a.object) for a in mediated}
    reported = {(by_id[i].predicate, by_id[i].object) for i in ("A0492", "A0493", "A0494", "A0495")}
    assert reported <= effects
    assert {a.certainty for a in mediated} == {"hypothesis"}
    assert all("these effects" in e.english.lower() for a in mediated for e in a.evidence)


def test_english_renderings_translate(curation):
    """表达后 is 'after expression'; 彼此之间有调控作用 names no process, so the English adds none."""
    for a in curation.assertions:
        for e in a.evidence:
            if "RANK-RANKL 表达后" in e.quote:
                assert "after rank-rankl expression" in e.english.lower(), a.id
                assert "engagement" not in e.english, a.id
            if "彼此之间有调控作用" in e.quote:
                assert "regulat" in e.english and "differentiation" not in e.english, a.id
    by_id = {a.id: a for a in curation.assertions}
    assert by_id["A0457"].object == "OSTEOKG:0000035"


def test_one_quote_one_rendering(curation):
    """The English renders the quote, not the claim drawn from it: a sentence that lists four
    cytokines is translated with all four in every assertion that cites it (the claim's own
    reading is its triple and, where needed, its note)."""
    from collections import defaultdict

    renderings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a in curation.assertions:
        for e in a.evidence:
            renderings[(e.sentence, e.quote)].add(e.english)
    assert {k: v for k, v in renderings.items() if len(v) > 1} == {}
    (text,) = next(v for (s, q), v in renderings.items()
                   if s == "sec4.2-07" and q.startswith("RANKL 的表达受到破骨因子"))
    assert all(x in text for x in ("PTH", "TNF-α", "IL-1", "IL-6", "1,25-dihydroxyvitamin D3"))


def test_chinese_labels_of_reference_terms_are_no_narrower(curation):
    """A generic GO or CL term does not get a bone-specific Chinese label (GO:0043277)."""
    bony = re.compile(r"bone|osteo|ossif|skelet|marrow|fractur|joint|periost|cartilag|chondr", re.IGNORECASE)
    wrong = [f"{c.id} {c.label} / {c.label_zh}" for c in curation.concepts.values()
             if c.id.split(":")[0] in ("GO", "CL") and "骨" in (c.label_zh or "")
             and not bony.search(c.label)]
    assert not wrong, "\n".join(wrong)
    assert curation.concepts["GO:0043277"].label_zh == "凋亡细胞清除"


def test_wandering_macrophages_are_not_inflammation_recruited(curation):
    """sec1-03: 游走巨噬细胞 are widely distributed in connective tissue; CL:0000861 elicited
    macrophage is defined by recruitment in an inflammatory response (and holds M1 and M2)."""
    wandering = [c for c in curation.concepts.values() if c.label_zh == "游走巨噬细胞"]
    assert [c.id for c in wandering] == ["OSTEOKG:0000062"]
    assert wandering[0].parent == "CL:0000235"
    by_id = {a.id: a for a in curation.assertions}
    assert {by_id[i].subject for i in ("A0033", "A0034", "A0035", "A0036")} == {"OSTEOKG:0000062"}
    assert not [a.id for a in curation.assertions
                if "CL:0000861" in (a.subject, a.object, *(q for _, v in a.qualifiers for q in v))]
    close = {(m.predicate_id, m.object_id) for m in curation.mappings
             if m.subject_id == "OSTEOKG:0000062"}
    assert ("skos:closeMatch", "CL:0000861") in close and ("skos:exactMatch", "CL:0000861") not in close


def _used(curation) -> set[str]:
    """Concepts a claim uses (subject, object, qualifier), the members of a family in use, and
    the parents of project terms (the hierarchy the OWL view needs)."""
    used: set[str] = set()
    for a in curation.assertions:
        used.add(a.subject)
        if a.object:
            used.add(a.object)
        for _, values in a.qualifiers:
            used.update(values)
    grew = True
    while grew:
        more = {m for c in curation.concepts.values() if c.id in used for m in c.members}
        more |= {c.parent for c in curation.concepts.values() if c.id in used and c.parent}
        grew = not more <= used
        used |= more
    return used


def test_no_declared_concept_is_unused(curation):
    unused = sorted(set(curation.concepts) - _used(curation))
    assert not unused, ("declared but used by no claim, family or project term - use it where "
                        "the review does or drop it: " + ", ".join(unused))


SENTENCE_ID = re.compile(r"\b(?:abs-zh|abs-en|intro|sec[0-9.]+)-[0-9]{2}\b")


def _names(concept) -> set[str]:
    names = {concept.label, *concept.synonyms_en, *concept.synonyms_zh}
    if concept.label_zh:
        names.add(concept.label_zh)
    return {n.replace("(", "").replace(")", "") for n in names} | {
        n for n in concept.synonyms_en if len(n) <= 8}


def test_family_members_come_from_the_review_or_are_marked_background(curation):
    """A membership is the review's when a sentence the family's note cites names the class and
    the member together ("促炎细胞因子如 IL-6 和 TNF-α"); otherwise the note marks the members as
    background and names its source (HGNC nomenclature, a GO complex)."""
    background = {"OSTEOKG:0000001", "OSTEOKG:0000002", "OSTEOKG:0000003", "GO:0070743"}
    wrong = []
    for family in curation.concepts.values():
        if not family.members:
            continue
        note = family.note or ""
        if family.id in background:
            if not ("background" in note and ("HGNC" in note or "GO:" in note)):
                wrong.append(f"{family.id}: background members without their source")
            continue
        sentences = [curation.source.sentence(s).text for s in SENTENCE_ID.findall(note)]
        family_names = {n for n in (family.label_zh, *family.synonyms_zh) if n}
        for m in family.members:
            member = curation.concepts[m]
            if not any(any(f in s for f in family_names) and any(n in s for n in _names(member))
                       for s in sentences):
                wrong.append(f"{family.id} has member {m} ({member.label}) with no sentence of "
                             "the review naming both in its note")
    assert not wrong, "\n".join(wrong)
    # the classes the review names without examples have no members
    for cid in ("OSTEOKG:0000010", "OSTEOKG:0000011"):
        assert not curation.concepts[cid].members, cid
    assert "HGNC:17761" not in curation.concepts  # TREM2: from a paper the review does not cite


def _iri(term) -> str:
    return getattr(term, "value", "") if type(term).__name__ == "NamedNode" else ""


def test_membership_is_never_a_premise(built):
    """Nothing said of a class reaches its members: 'macrophages secrete chemokines' (A0474)
    never becomes 'macrophages make CXCL12', whatever the chemokine class lists."""
    from osteokg.prefixes import expand

    member = expand("RO:0002351")
    for key in ("inferred", "justifications"):
        assert not [t for t in built.dataset.graphs.get(key, [])
                    if member in (_iri(t.predicate), _iri(t.object))], key
    cxcl12 = expand("HGNC:10672")
    made = [t for key in ("asserted", "inferred") for t in built.dataset.graphs.get(key, [])
            if _iri(t.object) == cxcl12
            and _iri(t.subject).endswith(("CL_0000235", "CL_0000863", "CL_0000890"))]
    assert not made, made


def test_the_missed_claims_are_curated(curation):
    by_id = {a.id: a for a in curation.assertions}
    claims = {(a.subject, a.predicate, a.object) for a in curation.assertions}
    # sec4.1-09: anti-inflammatory and osteogenic cytokines, each with its own effect (分别)
    assert by_id["A0493"].object == "OSTEOKG:0000063" and by_id["A0596"].object == "OSTEOKG:0000064"
    assert by_id["A0494"].qualifier("mediator") == ("OSTEOKG:0000010",)
    assert by_id["A0495"].qualifier("mediator") == ("OSTEOKG:0000011",)
    # sec4.1-11: maintaining bone homeostasis by enhancing bone formation, a hypothesis (潜在)
    assert by_id["A0598"].object == "OSTEOKG:0000034" and by_id["A0598"].certainty == "hypothesis"
    # sec2-06, abs-zh-02, sec4.2-04, sec4.3-03, sec4.1-01
    assert {("GO:0030225", "RO:0002211", "GO:0046849"), ("GO:0030316", "RO:0002211", "GO:0046849"),
            ("UBERON:0000479", "RO:0002292", "HGNC:10672"),
            ("OSTEOKG:0000025", "RO:0003000", "OSTEOKG:0000022"),
            ("MONDO:0005298", "RO:0002200", "OSTEOKG:0000065"),
            ("MONDO:0005178", "OSTEOKG:0900003", "OSTEOKG:0000061")} <= claims
    assert by_id["A0604"].value.number == "1" and by_id["A0604"].evidence[0].references == (10,)
    # abs-zh-02: the wear particles come from the artificial joint (A0601; and it is the
    # condition of A0003, A0590)
    assert {by_id[i].qualifier("condition") for i in ("A0003", "A0590")} == {("OSTEOKG:0000025",)}


#: Predicates that can state a defining property of every member of a type: lineage, a
#: disease's defining phenotype, a process's defining parts, a cell type's defining function
#: or marker (seeds/README.md, "Reading").
DEFINING = {"RO:0002202", "RO:0002200", "RO:0002018", "RO:0002215", "RO:0002292"}
#: Wording that makes a claim something less than a definition: a hedge, an attributed view,
#: a typicality (一般来说), alternatives (既可以…也可以, 或), "an important source", a list of some.
NOT_DEFINING = re.compile(r"可能|推测|或许|提示|潜在|尚不清楚|认为|一般来说|既可以|也可以|"
                          r"重要来源|包括|研究表明|研究证明|已有证据表明|已有人进行了尝试|可以")


def test_universal_reading_only_for_definitions(curation):
    """Existential by default; universal only for an established claim with a predicate that
    can be definitional and a quote with no hedge, view, typicality or alternative."""
    wrong = []
    for a in curation.assertions:
        if not a.universal:
            continue
        if a.certainty != "established":
            wrong.append(f"{a.id}: universal but {a.certainty}")
        if a.predicate not in DEFINING or a.object is None:
            wrong.append(f"{a.id}: universal with {a.predicate}, which states no definition")
        for e in a.evidence:
            if NOT_DEFINING.search(e.quote):
                wrong.append(f"{a.id}: universal but {e.sentence} says {e.quote!r}")
    assert not wrong, "\n".join(wrong)
    # the decision, claim by claim (issue 15): these and only these are universal
    assert {a.id for a in curation.assertions if a.universal} == {
        "A0022",  # osteoclasts are the only bone-resorbing cells (intro-04)
        "A0024",  # osteoclasts derive from the monocyte/macrophage lineage (intro-05)
        "A0048", "A0049",  # from myeloid precursors, by fusion (sec2-03, sec2-04)
        "A0430", "A0431",  # precursors fuse into TRAP-positive osteoclasts (sec4.3-07)
        "A0403", "A0579",  # osteoporosis is characterised by bone loss, weaker bone (sec4.3-02)
        "A0550", "A0551",  # RA is characterised by systemic inflammation, joint damage (sec4.4-01)
        "A0588", "A0589",  # bone resorption involves demineralisation, proteolysis (sec4.4-03)
    }
