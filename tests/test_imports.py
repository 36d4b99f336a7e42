"""Reference parsers and the generated import modules (ontology/imports/).

Most tests run on small fixture releases written into tmp_path; the tests marked as needing
the real reference releases skip when ../shared/reference is absent.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from osteokg.constants import IMPORTS_DIR, PROJECT_DIR
from osteokg.errors import DataFileError, UnknownTermError
from osteokg.imports import (
    ROOTS,
    check_imports_current,
    curie_sort_key,
    external_curies,
    generate_imports,
    regenerate_imports,
)
from osteokg.prefixes import compress, expand
from osteokg.reference import (
    HgncRecord,
    OboTerm,
    OwlEntity,
    ReferenceIndex,
    Synonym,
    iter_hgnc,
    iter_obo,
    parse_hgnc,
    parse_obo,
    parse_owl,
)

# --------------------------------------------------------------------------------------
# Fixture releases
# --------------------------------------------------------------------------------------

CL_OBO = """\
format-version: 1.2
data-version: v2099-01-01
ontology: cl
remark: test extract (parents = ancestors at distance 1)

[Term]
id: CL:0000000
name: cell
def: "A \\"material\\" entity.\\nSecond line." [PMID:1]

[Term]
id: CL:0000988
name: hematopoietic cell
synonym: "haemopoietic cell" EXACT []
synonym: "blood cell" BROAD [FOO:1]
is_a: CL:0000000 ! cell

[Term]
id: CL:0000092
name: osteoclast
def: "A specialized phagocytic cell associated with bone resorption." []
synonym: "OC" RELATED OMO:0003000 []
is_a: CL:0000988 {source="x"}
relationship: part_of UBERON:0002481 ! bone tissue
alt_id: CL:0000091

[Term]
id: CL:0000003
name: obsolete native cell
is_obsolete: true

[Typedef]
id: part_of
name: part of
"""

GO_OBO = """\
format-version: 1.2
data-version: test-go
ontology: go

[Term]
id: GO:0008150
name: biological_process

[Term]
id: GO:0046849
name: bone remodeling
is_a: GO:0008150

[Term]
id: GO:0045453
name: bone resorption
synonym: "bone catabolism" EXACT []
is_a: GO:0008150
relationship: part_of GO:0046849
relationship: regulates GO:0008150
"""

CHEBI_OBO = """\
format-version: 1.2
data-version: test-chebi
ontology: chebi

[Term]
id: CHEBI:24431
name: chemical entity

[Term]
id: CHEBI:36080
name: protein
is_a: CHEBI:24431

[Term]
id: CHEBI:33697
name: ribonucleic acid
is_a: CHEBI:24431

[Term]
id: CHEBI:33695
name: information biomacromolecule
is_a: CHEBI:24431
"""

HGNC_TSV = (
    "HGNC ID\tApproved symbol\tApproved name\tStatus\tAlias symbols\t"
    "NCBI Gene ID(supplied by NCBI)\tUniProt ID(supplied by UniProt)\tPrevious symbols\t"
    "Locus type\n"
    "HGNC:11926\tTNFSF11\tTNF superfamily member 11\tApproved\tTRANCE, RANKL\t8600\tO14788\t\t"
    "gene with protein product\n"
    "HGNC:377\tAKAP7\tA-kinase anchoring protein 7\tApproved\t\t9465\tO43687, Q9P0M2\tAKAP18\t"
    "gene with protein product\n"
    "HGNC:6\tA1S9T\tsymbol withdrawn\tSymbol Withdrawn\t\t\t\t\tunknown\n"
)

RO_OWL = """\
<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
         xmlns:owl="http://www.w3.org/2002/07/owl#"
         xmlns:obo="http://purl.obolibrary.org/obo/">
  <owl:Ontology rdf:about="http://purl.obolibrary.org/obo/ro.owl">
    <owl:versionIRI rdf:resource="http://purl.obolibrary.org/obo/ro/releases/2099-01-01/ro.owl"/>
  </owl:Ontology>
  <owl:AnnotationProperty rdf:about="http://purl.obolibrary.org/obo/IAO_0000115">
    <rdfs:label xml:lang="en">definition</rdfs:label>
  </owl:AnnotationProperty>
  <owl:ObjectProperty rdf:about="http://purl.obolibrary.org/obo/RO_0002410">
    <rdfs:label xml:lang="en">causally related to</rdfs:label>
  </owl:ObjectProperty>
  <owl:ObjectProperty rdf:about="http://purl.obolibrary.org/obo/RO_0002211">
    <rdf:type rdf:resource="http://www.w3.org/2002/07/owl#TransitiveProperty"/>
    <rdfs:subPropertyOf rdf:resource="http://purl.obolibrary.org/obo/RO_0002410"/>
    <rdfs:label xml:lang="en">regulates</rdfs:label>
  </owl:ObjectProperty>
  <owl:ObjectProperty rdf:about="http://purl.obolibrary.org/obo/RO_0002213">
    <rdf:type rdf:resource="http://www.w3.org/2002/07/owl#TransitiveProperty"/>
    <rdfs:subPropertyOf rdf:resource="http://purl.obolibrary.org/obo/RO_0002211"/>
    <owl:inverseOf rdf:resource="http://purl.obolibrary.org/obo/RO_0002336"/>
    <rdfs:label xml:lang="en">positively regulates</rdfs:label>
    <rdfs:label xml:lang="fr">régule positivement</rdfs:label>
    <obo:IAO_0000115>p positively regulates q iff ...</obo:IAO_0000115>
  </owl:ObjectProperty>
  <owl:ObjectProperty rdf:about="http://purl.obolibrary.org/obo/RO_0002336">
    <rdfs:label xml:lang="en">positively regulated by</rdfs:label>
  </owl:ObjectProperty>
  <owl:ObjectProperty rdf:about="http://purl.obolibrary.org/obo/RO_0002131">
    <rdf:type rdf:resource="http://www.w3.org/2002/07/owl#SymmetricProperty"/>
    <rdfs:label xml:lang="en">overlaps</rdfs:label>
  </owl:ObjectProperty>
  <owl:ObjectProperty rdf:about="http://purl.obolibrary.org/obo/BFO_0000050">
    <rdf:type rdf:resource="http://www.w3.org/2002/07/owl#TransitiveProperty"/>
    <rdfs:subPropertyOf rdf:resource="http://purl.obolibrary.org/obo/RO_0002131"/>
    <rdfs:label xml:lang="en">part of</rdfs:label>
  </owl:ObjectProperty>
</rdf:RDF>
"""


def _gz(path: Path, text: str) -> Path:
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    return path


@pytest.fixture()
def fixture_reference(tmp_path: Path) -> Path:
    """A miniature reference directory with the real file names."""
    ref = tmp_path / "reference"
    ref.mkdir()
    _gz(ref / "cl.obo.gz", CL_OBO)
    _gz(ref / "go.obo.gz", GO_OBO)
    _gz(ref / "chebi.obo.gz", CHEBI_OBO)
    _gz(ref / "hgnc.tsv.gz", HGNC_TSV)
    _gz(ref / "ro.owl.gz", RO_OWL)
    return ref


def _project(root: Path, concepts: str = "", assertions: str = "", ttl: str = "") -> Path:
    """A minimal project tree: seeds/concepts, seeds/assertions, ontology/."""
    (root / "seeds" / "concepts").mkdir(parents=True)
    (root / "seeds" / "assertions").mkdir(parents=True)
    (root / "ontology" / "imports").mkdir(parents=True)
    if concepts:
        (root / "seeds" / "concepts" / "cells.yaml").write_text(concepts, encoding="utf-8")
    if assertions:
        (root / "seeds" / "assertions" / "a.yaml").write_text(assertions, encoding="utf-8")
    if ttl:
        (root / "ontology" / "osteokg.ttl").write_text(ttl, encoding="utf-8")
    return root


TERMS = ["CL:0000092", "GO:0045453", "HGNC:11926", "RO:0002213", "IAO:0000115"]

# --------------------------------------------------------------------------------------
# Parsers
# --------------------------------------------------------------------------------------


def test_parse_obo_exact_content(tmp_path: Path) -> None:
    terms, header = parse_obo(_gz(tmp_path / "cl.obo.gz", CL_OBO))
    assert header["data-version"] == "v2099-01-01"
    assert header["ontology"] == "cl"
    assert list(terms) == ["CL:0000000", "CL:0000988", "CL:0000092", "CL:0000003"]
    assert terms["CL:0000092"] == OboTerm(
        id="CL:0000092",
        name="osteoclast",
        synonyms=(Synonym("OC", "RELATED"),),
        is_a=("CL:0000988",),
        relationships=(("part_of", "UBERON:0002481"),),
        definition="A specialized phagocytic cell associated with bone resorption.",
        obsolete=False,
        alt_ids=("CL:0000091",),
    )
    assert terms["CL:0000988"].synonyms == (
        Synonym("haemopoietic cell", "EXACT"),
        Synonym("blood cell", "BROAD"),
    )
    assert terms["CL:0000000"].definition == 'A "material" entity.\nSecond line.'
    assert terms["CL:0000000"].is_a == ()
    assert terms["CL:0000003"].obsolete is True


def test_parse_obo_plain_and_gzip_agree(tmp_path: Path) -> None:
    plain = tmp_path / "go.obo"
    plain.write_text(GO_OBO, encoding="utf-8")
    assert parse_obo(plain) == parse_obo(_gz(tmp_path / "go.obo.gz", GO_OBO))


def test_parse_obo_skips_typedefs() -> None:
    ids = [t.id for t in iter_obo(CL_OBO.splitlines(keepends=True))]
    assert "part_of" not in ids


def test_parse_hgnc_exact_content(tmp_path: Path) -> None:
    records = parse_hgnc(_gz(tmp_path / "hgnc.tsv.gz", HGNC_TSV))
    assert records["HGNC:11926"] == HgncRecord(
        curie="HGNC:11926",
        symbol="TNFSF11",
        name="TNF superfamily member 11",
        status="Approved",
        alias_symbols=("TRANCE", "RANKL"),
        previous_symbols=(),
        ncbi_gene="8600",
        uniprot_ids=("O14788",),
        locus_type="gene with protein product",
    )
    assert records["HGNC:377"].uniprot_ids == ("O43687", "Q9P0M2")
    assert records["HGNC:377"].previous_symbols == ("AKAP18",)
    assert records["HGNC:6"].obsolete and records["HGNC:6"].ncbi_gene is None
    assert [s.text for s in records["HGNC:11926"].synonyms] == [
        "TNF superfamily member 11",
        "TRANCE",
        "RANKL",
    ]
    assert len(list(iter_hgnc(HGNC_TSV.splitlines(keepends=True)))) == 3


def test_parse_owl_exact_content(tmp_path: Path) -> None:
    entities, header = parse_owl(_gz(tmp_path / "ro.owl.gz", RO_OWL))
    assert header["versionIRI"].endswith("/2099-01-01/ro.owl")
    assert entities["RO:0002213"] == OwlEntity(
        curie="RO:0002213",
        label="positively regulates",
        kind="ObjectProperty",
        parents=("RO:0002211",),
        transitive=True,
        symmetric=False,
        inverse_of=("RO:0002336",),
        definition="p positively regulates q iff ...",
    )
    assert entities["RO:0002131"].symmetric and not entities["RO:0002131"].transitive
    assert entities["IAO:0000115"].kind == "AnnotationProperty"
    assert entities["BFO:0000050"].sub_property_of == ("RO:0002131",)


def test_reference_index_answers(fixture_reference: Path) -> None:
    ref = ReferenceIndex(fixture_reference)
    assert ref.exists("CL:0000092")
    assert not ref.exists("CL:0000003")  # obsolete
    assert not ref.exists("CL:9999999")
    assert not ref.exists("PATO:0000001")  # no release for PATO
    assert ref.label("HGNC:11926") == "TNFSF11"
    assert ref.parents("CL:0000092") == ("CL:0000988",)
    assert ref.ancestors("CL:0000092") == {"CL:0000988", "CL:0000000"}
    assert ref.ancestors("RO:0002213") == {"RO:0002211", "RO:0002410"}
    assert Synonym("haemopoietic cell", "EXACT") in ref.synonyms("CL:0000988")
    with pytest.raises(UnknownTermError, match="alt_id of CL:0000092"):
        ref.label("CL:0000091")


# --------------------------------------------------------------------------------------
# Generation on the fixture releases
# --------------------------------------------------------------------------------------


def test_generation_is_deterministic(fixture_reference: Path, tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    first = generate_imports(fixture_reference, project, terms=TERMS)
    second = generate_imports(fixture_reference, project, terms=list(reversed(TERMS)))
    assert first.files == second.files
    sources = ("chebi", "cl", "go", "hgnc", "ro")
    assert set(first.files) == {f"{s}_{k}" for s in sources for k in ("terms.txt", "import.ttl")}


def test_modules_content(fixture_reference: Path, tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    counts = regenerate_imports(fixture_reference, project, terms=TERMS)
    # CHEBI:36080 is added for the HGNC gene; BFO:0000050 for GO's part_of restriction.
    assert counts == {"chebi": 1, "cl": 1, "go": 1, "hgnc": 1, "ro": 3}
    imports = project / "ontology" / "imports"
    assert (imports / "ro_terms.txt").read_text() == (
        "# generated by: osteokg imports\nBFO:0000050\nIAO:0000115\nRO:0002213\n"
    )
    g = rdflib.Graph()
    for path in sorted(imports.glob("*_import.ttl")):
        g.parse(path, format="turtle")

    def u(curie: str) -> rdflib.URIRef:
        return rdflib.URIRef(expand(curie))

    oboinowl = rdflib.Namespace("http://www.geneontology.org/formats/oboInOwl#")
    iao_def = u("IAO:0000115")

    assert g.value(u("CL:0000092"), RDFS.label) == rdflib.Literal("osteoclast", lang="en")
    assert (u("CL:0000092"), RDFS.subClassOf, u("CL:0000988")) in g
    assert (u("CL:0000988"), RDFS.subClassOf, u("CL:0000000")) in g
    # synonyms and definitions for listed terms only, by scope
    assert (u("CL:0000092"), oboinowl.hasRelatedSynonym, rdflib.Literal("OC")) in g
    assert g.value(u("CL:0000988"), oboinowl.hasExactSynonym) is None
    assert g.value(u("CL:0000000"), iao_def) is None
    # GO part_of as an existential restriction on BFO:0000050
    parents = g.objects(u("GO:0045453"), RDFS.subClassOf)
    restrictions = [o for o in parents if isinstance(o, rdflib.BNode)]
    assert len(restrictions) == 1
    assert g.value(restrictions[0], OWL.onProperty) == u("BFO:0000050")
    assert g.value(restrictions[0], OWL.someValuesFrom) == u("GO:0046849")
    assert (u("GO:0046849"), RDFS.subClassOf, u("GO:0008150")) in g
    # HGNC gene product
    gene = u("HGNC:11926")
    assert g.value(gene, RDFS.label) == rdflib.Literal("TNFSF11", lang="en")
    assert (gene, oboinowl.hasDbXref, rdflib.Literal("NCBIGene:8600")) in g
    assert (gene, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"),
            rdflib.URIRef("http://identifiers.org/ncbigene/8600")) in g
    assert (gene, oboinowl.hasExactSynonym, rdflib.Literal("RANKL")) in g
    assert (gene, RDFS.subClassOf, u("CHEBI:36080")) in g
    assert (u("CHEBI:36080"), RDFS.subClassOf, u("CHEBI:24431")) in g
    # RO: super-properties, inverse, characteristics
    assert (u("RO:0002213"), RDF.type, OWL.ObjectProperty) in g
    assert (u("RO:0002213"), RDF.type, OWL.TransitiveProperty) in g
    assert (u("RO:0002213"), RDFS.subPropertyOf, u("RO:0002211")) in g
    assert (u("RO:0002211"), RDFS.subPropertyOf, u("RO:0002410")) in g
    assert (u("RO:0002213"), OWL.inverseOf, u("RO:0002336")) in g
    assert (u("RO:0002131"), RDF.type, OWL.SymmetricProperty) in g
    assert (u("IAO:0000115"), RDF.type, OWL.AnnotationProperty) in g
    # the definition with quotes and a newline survives the round trip
    assert str(g.value(u("RO:0002213"), iao_def)) == "p positively regulates q iff ..."


def test_literal_escaping_round_trips(fixture_reference: Path, tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    regenerate_imports(fixture_reference, project, terms=["CL:0000000"])
    g = rdflib.Graph().parse(project / "ontology" / "imports" / "cl_import.ttl", format="turtle")
    definition = g.value(rdflib.URIRef(expand("CL:0000000")), rdflib.URIRef(expand("IAO:0000115")))
    assert str(definition) == 'A "material" entity.\nSecond line.'


def test_check_imports_current_and_leftovers(fixture_reference: Path, tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    imports = project / "ontology" / "imports"
    assert check_imports_current(fixture_reference, project, terms=TERMS)  # nothing written yet
    regenerate_imports(fixture_reference, project, terms=TERMS)
    assert check_imports_current(fixture_reference, project, terms=TERMS) == []
    (imports / "cl_import.ttl").write_text("# edited by hand\n")
    stale = check_imports_current(fixture_reference, project, terms=TERMS)
    assert stale == [imports / "cl_import.ttl"]
    # a source no longer used: its generated files are stale, and regeneration removes them
    stale = check_imports_current(fixture_reference, project, terms=["CL:0000092"])
    assert imports / "go_import.ttl" in stale and imports / "hgnc_terms.txt" in stale
    regenerate_imports(fixture_reference, project, terms=["CL:0000092"])
    assert sorted(p.name for p in imports.iterdir()) == ["cl_import.ttl", "cl_terms.txt"]


def test_unknown_curie_names_it_and_its_file(fixture_reference: Path, tmp_path: Path) -> None:
    project = _project(
        tmp_path / "p",
        concepts="- id: CL:0000092\n  label: osteoclast\n- id: CL:9999999\n  label: nothing\n",
        assertions=(
            "- id: A1\n  subject: CL:0000092\n  predicate: RO:0002213\n  object: CL:0000003\n"
        ),
    )
    with pytest.raises(UnknownTermError) as err:
        regenerate_imports(fixture_reference, project)
    message = str(err.value)
    assert "CL:9999999" in message and "seeds/concepts/cells.yaml:3" in message
    assert str(fixture_reference / "cl.obo.gz") in message
    assert "CL:0000003" in message and "obsolete" in message
    assert "seeds/assertions/a.yaml:4" in message
    assert "nothing was written" in message
    assert list((project / "ontology" / "imports").iterdir()) == []


def test_external_curies_scans_the_right_fields(tmp_path: Path) -> None:
    project = _project(
        tmp_path / "p",
        concepts=(
            "- id: HGNC:11926\n  label: TNFSF11\n  xrefs: [NCBIGene:8600, UniProtKB:O14788]\n"
            "  note: not CL:0000001, only mentioned\n"
            "- id: OSTEOKG:0000001\n  parent: CHEBI:36080\n  members: [HGNC:11926, HGNC:377]\n"
        ),
        assertions=(
            "- id: A1\n  subject: CL:0000092\n  predicate: RO:0002213\n  object: GO:0045453\n"
            "  qualifiers:\n    disease: MONDO:0005298\n    cell_context: [CL:0000988]\n"
            "  evidence:\n    - sentence: intro-03\n      eco: ECO:0000304\n"
            "      quote: CL:0000002\n"
        ),
        ttl=(
            "@prefix obo: <http://purl.obolibrary.org/obo/> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "<https://w3id.org/osteokg/OSTEOKG_0900001> rdfs:subPropertyOf obo:RO_0002410 .\n"
        ),
    )
    usages = external_curies(project)
    assert set(usages) == {
        "CHEBI:36080", "CL:0000092", "CL:0000988", "ECO:0000304", "GO:0045453", "HGNC:11926",
        "HGNC:377", "IAO:0000115", "MONDO:0005298", "RO:0002213", "RO:0002351", "RO:0002410",
    }
    assert usages["HGNC:11926"] == ("seeds/concepts/cells.yaml:1", "seeds/concepts/cells.yaml:7")
    assert usages["RO:0002410"] == ("ontology/osteokg.ttl",)


def test_prefix_without_release_is_skipped(fixture_reference: Path, tmp_path: Path) -> None:
    terms = ["CL:0000092", "PATO:0000001"]
    build = generate_imports(fixture_reference, _project(tmp_path / "p"), terms=terms)
    assert build.skipped == {"PATO": ("PATO:0000001",)}
    assert build.counts == {"cl": 1}


# A release that writes every ancestor at distance 1 as is_a, as the reduced UBERON does:
# synovial cavity of joint is an anatomical cavity and part of a synovial joint.
UBERON_OBO = """\
format-version: 1.2
data-version: v2099-01-01
ontology: uberon
remark: test extract (parents = ancestors at distance 1)

[Term]
id: UBERON:0001062
name: anatomical entity

[Term]
id: UBERON:0000465
name: material anatomical entity
is_a: UBERON:0001062

[Term]
id: UBERON:0000466
name: immaterial anatomical entity
is_a: UBERON:0001062

[Term]
id: UBERON:0002553
name: anatomical cavity
is_a: UBERON:0000466

[Term]
id: UBERON:0002217
name: synovial joint
is_a: UBERON:0000465

[Term]
id: UBERON:0007617
name: synovial cavity of joint
is_a: UBERON:0002553
is_a: UBERON:0002217

[Term]
id: UBERON:0009999
name: recess of synovial cavity
is_a: UBERON:0007617

[Term]
id: UBERON:0000104
name: life cycle

[Term]
id: UBERON:0009998
name: confused term
is_a: UBERON:0000104
is_a: UBERON:0002217
"""


def test_distance_one_part_of_parent_becomes_restriction(
    fixture_reference: Path, tmp_path: Path
) -> None:
    """A class with material and immaterial parents in a release that merges is_a and
    part_of is immaterial: its material parents become part_of restrictions, its subclasses
    keep their is_a parent, and BFO:0000050 joins the RO module."""
    _gz(fixture_reference / "uberon.obo.gz", UBERON_OBO)
    project = _project(tmp_path / "p")
    terms = ["UBERON:0009999", "UBERON:0002217"]
    build = generate_imports(fixture_reference, project, terms=terms)
    assert b"BFO:0000050" in build.files["ro_terms.txt"]
    g = rdflib.Graph()
    for name in ("uberon_import.ttl", "ro_import.ttl"):
        g.parse(data=build.files[name].decode("utf-8"), format="turtle")

    def u(curie: str) -> rdflib.URIRef:
        return rdflib.URIRef(expand(curie))

    cavity = u("UBERON:0007617")
    [restriction] = [r for r in g.objects(cavity, RDFS.subClassOf) if isinstance(r, rdflib.BNode)]
    assert set(g.objects(cavity, RDFS.subClassOf)) == {u("UBERON:0002553"), restriction}
    assert g.value(restriction, OWL.onProperty) == u("BFO:0000050")
    assert g.value(restriction, OWL.someValuesFrom) == u("UBERON:0002217")
    assert (u("UBERON:0009999"), RDFS.subClassOf, cavity) in g
    assert (u("UBERON:0002217"), RDFS.subClassOf, u("UBERON:0000465")) in g
    assert _subclass_path_to_root(g, "UBERON:0009999")[-1] == "UBERON:0001062"
    assert (u("BFO:0000050"), RDF.type, OWL.ObjectProperty) in g
    # without a class of mixed kinds there is no restriction and no BFO:0000050
    plain = generate_imports(fixture_reference, project, terms=["UBERON:0002553"])
    assert b"owl:Restriction" not in plain.files["uberon_import.ttl"]
    assert "ro_terms.txt" not in plain.files


def test_parents_of_disjoint_kinds_are_an_error(fixture_reference: Path, tmp_path: Path) -> None:
    """A continuant parent and an occurrent parent cannot both hold, as is_a or part_of."""
    _gz(fixture_reference / "uberon.obo.gz", UBERON_OBO)
    with pytest.raises(DataFileError, match=r"UBERON:0009998.*UBERON:0000104.*occurrent"):
        generate_imports(fixture_reference, _project(tmp_path / "p"), terms=["UBERON:0009998"])
    # a release with typed relations writes only true is_a parents: no split, an error
    typed = UBERON_OBO.replace("(parents = ancestors at distance 1)", "(is_a only)")
    _gz(fixture_reference / "uberon.obo.gz", typed)
    with pytest.raises(DataFileError, match=r"UBERON:0007617.*UBERON:0002217"):
        generate_imports(fixture_reference, _project(tmp_path / "q"), terms=["UBERON:0007617"])


# --------------------------------------------------------------------------------------
# The real reference releases (skipped without them)
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_index(request: pytest.FixtureRequest) -> ReferenceIndex:
    reference_dir = request.getfixturevalue("reference_dir")
    return ReferenceIndex(reference_dir)


def _subclass_path_to_root(g: rdflib.Graph, curie: str) -> list[str]:
    """Follow the first named rdfs:subClassOf parent until a term without one."""
    path = [curie]
    while True:
        parents = sorted(
            compress(str(o)) for o in g.objects(rdflib.URIRef(expand(path[-1])), RDFS.subClassOf)
            if isinstance(o, rdflib.URIRef)
        )
        if not parents:
            return path
        assert parents[0] not in path, f"cycle at {parents[0]}"
        path.append(parents[0])


def test_real_modules_osteoclast_and_rankl(real_index: ReferenceIndex, tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    build = generate_imports(None, project, terms=["CL:0000092", "HGNC:11926"], index=real_index)
    g = rdflib.Graph()
    for name in ("cl_import.ttl", "hgnc_import.ttl", "chebi_import.ttl"):
        g.parse(data=build.files[name].decode("utf-8"), format="turtle")
    osteoclast = rdflib.URIRef(expand("CL:0000092"))
    assert g.value(osteoclast, RDFS.label) == rdflib.Literal("osteoclast", lang="en")
    assert _subclass_path_to_root(g, "CL:0000092")[-1] == "CL:0000000"
    gene = rdflib.URIRef(expand("HGNC:11926"))
    assert g.value(gene, RDFS.label) == rdflib.Literal("TNFSF11", lang="en")
    xrefs = {str(o) for o in g.objects(gene, rdflib.URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref"))}
    assert "NCBIGene:8600" in xrefs
    assert _subclass_path_to_root(g, "HGNC:11926")[:2] == ["HGNC:11926", "CHEBI:36080"]
    assert _subclass_path_to_root(g, "HGNC:11926")[-1] in ROOTS
    chebi_terms = build.files["chebi_terms.txt"].decode().splitlines()
    assert chebi_terms == ["# generated by: osteokg imports", "CHEBI:36080"]


def test_roots_are_true_roots(real_index: ReferenceIndex) -> None:
    for root in sorted(ROOTS):
        assert real_index.exists(root), root
        assert real_index.parents(root) == (), f"{root} has parents in the reference"


@pytest.mark.slow
def test_committed_imports_are_current(reference_dir: Path) -> None:
    if not list((PROJECT_DIR / "seeds" / "concepts").glob("*.yaml")):
        pytest.skip("no curated concepts yet")
    stale = check_imports_current(reference_dir, PROJECT_DIR)
    assert stale == [], f"run `osteokg imports --reference DIR`; stale: {[p.name for p in stale]}"


# --------------------------------------------------------------------------------------
# The committed modules (no reference needed)
# --------------------------------------------------------------------------------------

_TERMS_FILES = sorted(IMPORTS_DIR.glob("*_terms.txt"))


@pytest.fixture(scope="module")
def committed_graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted(IMPORTS_DIR.glob("*_import.ttl")):
        g.parse(path, format="turtle")
    return g


@pytest.mark.skipif(not _TERMS_FILES, reason="no import modules committed yet")
@pytest.mark.parametrize("terms_file", _TERMS_FILES, ids=lambda p: p.name)
def test_committed_terms_have_label_and_path_to_root(
    terms_file: Path, committed_graph: rdflib.Graph
) -> None:
    lines = terms_file.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# generated by: osteokg imports"
    terms = [line for line in lines[1:] if line and not line.startswith("#")]
    assert terms == sorted(set(terms), key=curie_sort_key)
    assert (IMPORTS_DIR / terms_file.name.replace("_terms.txt", "_import.ttl")).is_file()
    g = committed_graph
    problems = []
    for curie in terms:
        node = rdflib.URIRef(expand(curie))
        labels = [o for o in g.objects(node, RDFS.label) if getattr(o, "language", None) == "en"]
        if not labels:
            problems.append(f"{curie}: no English label")
        types = set(g.objects(node, RDF.type))
        if OWL.Class in types:
            top = _subclass_path_to_root(g, curie)[-1]
            if top not in ROOTS:
                problems.append(f"{curie}: its subClassOf path ends at {top}, which is not a root")
        elif types & {OWL.ObjectProperty, OWL.AnnotationProperty, OWL.DatatypeProperty}:
            # RO has ~90 top-level relations, so properties may be roots; their declared
            # super-properties must be in the module with a label.
            for parent in g.objects(node, RDFS.subPropertyOf):
                if g.value(parent, RDFS.label) is None:
                    missing = compress(str(parent))
                    problems.append(f"{curie}: super-property {missing} not in the module")
        else:
            problems.append(f"{curie}: not declared as a class or property")
    assert problems == []
