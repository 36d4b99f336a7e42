"""Paths, namespaces and the one prefix map used everywhere (files, queries, CLI output)."""

from __future__ import annotations

import json
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

#: Biolink's prefix map (biolink-model 4.4.6, ``biolink_model/prefixmaps/
#: biolink_model_prefix_map.json``), shipped with the package so nothing is fetched; a test checks
#: it against the installed ``biolink-model`` package.
BIOLINK_PREFIX_MAP_FILE = PACKAGE_DIR / "biolink_prefix_map.json"

#: The external prefixes osteokg uses that Biolink's prefix map defines: osteokg's prefix ->
#: Biolink's name for it. Their namespaces are Biolink's (UniProtKB is ``purl.uniprot.org``,
#: HGNC and NCBI Gene ``identifiers.org``); osteokg keeps ``dcterms`` (the Bioregistry's
#: preferred prefix) where Biolink writes ``dct``, which stays a synonym.
FROM_BIOLINK: dict[str, str] = {
    "BFO": "BFO",
    "CHEBI": "CHEBI",
    "CL": "CL",
    "DOID": "DOID",
    "ECO": "ECO",
    "GO": "GO",
    "HGNC": "HGNC",
    "HP": "HP",
    "IAO": "IAO",
    "MONDO": "MONDO",
    "NCBIGene": "NCBIGene",
    "NCBITaxon": "NCBITaxon",
    "PATO": "PATO",
    "RO": "RO",
    "UBERON": "UBERON",
    "UniProtKB": "UniProtKB",
    "biolink": "biolink",
    "dcterms": "dct",
    "foaf": "foaf",
    "oboInOwl": "oboInOwl",
    "owl": "owl",
    "pav": "pav",
    "prov": "prov",
    "rdf": "rdf",
    "rdfs": "rdfs",
    "skos": "skos",
    "xsd": "xsd",
}

#: osteokg's own namespaces and the vocabularies it uses that Biolink's map lacks.
OWN_PREFIXES: dict[str, str] = {
    "OSTEOKG": BASE + "OSTEOKG_",
    "oa": "http://www.w3.org/ns/oa#",
    "obo": OBO,
    "okg": BASE + "vocab/",
    "okga": BASE + "assertion/",
    "okge": BASE + "evidence/",
    "okgg": BASE + "graph/",
    "okgi": BASE + "inference/",
    "okgm": BASE + "model/",
    "okgr": BASE + "reference/",
    "okgs": BASE + "sentence/",
    "qudt": "http://qudt.org/schema/qudt/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "sh": "http://www.w3.org/ns/shacl#",
    "sssom": "https://w3id.org/sssom/",
    "unit": "http://qudt.org/vocab/unit/",
}


def _prefix_map() -> dict[str, str]:
    biolink = json.loads(BIOLINK_PREFIX_MAP_FILE.read_text(encoding="utf-8"))
    merged = {prefix: biolink[name] for prefix, name in FROM_BIOLINK.items()}
    merged.update(OWN_PREFIXES)
    return dict(sorted(merged.items()))


#: The one prefix map (CURIE prefix -> IRI namespace), Biolink's extended with osteokg's own;
#: ``osteokg.prefixes`` builds the ``curies`` converter on it. Sorted: the output order.
PREFIXES: dict[str, str] = _prefix_map()

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
