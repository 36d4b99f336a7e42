"""Paths, namespaces and the one prefix map used everywhere (files, queries, CLI output)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _find_project_dir() -> Path:
    """The directory holding ``seeds/``, ``ontology/``, ``shapes/`` and ``queries/``.

    In a source checkout (or an editable install) that is the repository root; in an
    installed wheel the same folders are shipped inside the package as ``_data``.
    """
    override = os.environ.get("OSTEOKG_HOME")
    if override:
        return Path(override).resolve()
    checkout = PACKAGE_DIR.parents[1]
    if (checkout / "seeds").is_dir() and (checkout / "ontology").is_dir():
        return checkout
    return PACKAGE_DIR / "_data"


PROJECT_DIR = _find_project_dir()
SEEDS_DIR = PROJECT_DIR / "seeds"
ONTOLOGY_DIR = PROJECT_DIR / "ontology"
IMPORTS_DIR = ONTOLOGY_DIR / "imports"
SHAPES_DIR = PROJECT_DIR / "shapes"
QUERIES_DIR = PROJECT_DIR / "queries"
SOURCE_TEXT = SEEDS_DIR / "000_b335aac3ed2f8940.txt"
#: SHA-256 of the review exactly as given; the seed is never edited.
SOURCE_SHA256 = "see text.py"
DEFAULT_RELEASE_DIR = Path("release")

VERSION = "0.1.0"
BASE = "https://w3id.org/osteokg/"
OBO = "http://purl.obolibrary.org/obo/"

#: The one prefix map (CURIE prefix -> IRI namespace). Order is the output order.
PREFIXES: dict[str, str] = {
    "BFO": OBO + "BFO_",
    "CHEBI": OBO + "CHEBI_",
    "CL": OBO + "CL_",
    "DOID": OBO + "DOID_",
    "ECO": OBO + "ECO_",
    "GO": OBO + "GO_",
    "HGNC": "http://identifiers.org/hgnc/",
    "IAO": OBO + "IAO_",
    "MONDO": OBO + "MONDO_",
    "NCBIGene": "http://identifiers.org/ncbigene/",
    "NCBITaxon": OBO + "NCBITaxon_",
    "OSTEOKG": BASE + "OSTEOKG_",
    "PATO": OBO + "PATO_",
    "RO": OBO + "RO_",
    "UBERON": OBO + "UBERON_",
    "UniProtKB": "http://identifiers.org/uniprot/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
    "obo": OBO,
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "okg": BASE + "vocab/",
    "okga": BASE + "assertion/",
    "okge": BASE + "evidence/",
    "okgg": BASE + "graph/",
    "okgi": BASE + "inference/",
    "okgm": BASE + "model/",
    "okgr": BASE + "reference/",
    "okgs": BASE + "sentence/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "pav": "http://purl.org/pav/",
    "prov": "http://www.w3.org/ns/prov#",
    "qudt": "http://qudt.org/schema/qudt/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "unit": "http://qudt.org/vocab/unit/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

#: Prefixes of terms that are concepts (classes), with the pattern their local id follows.
CONCEPT_ID_PATTERNS: dict[str, str] = {
    "CHEBI": r"^[0-9]+$",
    "CL": r"^[0-9]{7}$",
    "GO": r"^[0-9]{7}$",
    "HGNC": r"^[0-9]+$",
    "MONDO": r"^[0-9]{7}$",
    "OSTEOKG": r"^[0-9]{7}$",
    "UBERON": r"^[0-9]{7}$",
}

#: Named graphs of the dataset.
GRAPHS: dict[str, str] = {
    "ontology": BASE + "graph/ontology",
    "imports": BASE + "graph/imports",
    "source": BASE + "graph/source",
    "asserted": BASE + "graph/asserted",
    "assertions": BASE + "graph/assertions",
    "axioms": BASE + "graph/axioms",
    "inferred": BASE + "graph/inferred",
    "justifications": BASE + "graph/justifications",
}

ONTOLOGY_IRI = BASE + "osteokg.owl"
VERSION_IRI = BASE + f"releases/{VERSION}/osteokg.owl"
REVIEW_IRI = BASE + "review/b335aac3ed2f8940"
