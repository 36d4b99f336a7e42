"""The prefix map (Biolink's, extended with osteokg's own, on ``curies``) and the Biolink
categories of the concepts, checked against the ``biolink-model`` package."""

from __future__ import annotations

import json
from importlib import resources

import pytest
import yaml

from osteokg.constants import BIOLINK_PREFIX_MAP_FILE, FROM_BIOLINK, OWN_PREFIXES, PREFIXES
from osteokg.curation import CATEGORIES
from osteokg.errors import UnknownTermError
from osteokg.prefixes import compress, converter, expand

BIOLINK = "https://w3id.org/biolink/vocab/"


def _package_file(*parts: str):
    pytest.importorskip("biolink_model", reason="pip install -e '.[dev]' (biolink-model)")
    path = resources.files("biolink_model").joinpath("/".join(parts))
    if not path.is_file():
        pytest.fail(f"biolink-model no longer ships {'/'.join(parts)}")
    return path


@pytest.fixture(scope="module")
def biolink_classes() -> dict[str, dict]:
    """Biolink 4.4 classes by CamelCase name, from the package's schema."""
    text = _package_file("schema", "biolink_model.yaml").read_text(encoding="utf-8")
    schema = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert str(schema["version"]).startswith("4.4."), schema["version"]
    return {"".join(w[:1].upper() + w[1:] for w in name.split()): {"name": name, **(c or {})}
            for name, c in schema["classes"].items()}


def test_shipped_biolink_prefix_map_is_the_packages():
    shipped = json.loads(BIOLINK_PREFIX_MAP_FILE.read_text(encoding="utf-8"))
    package = json.loads(_package_file("prefixmaps", "biolink_model_prefix_map.json")
                         .read_text(encoding="utf-8"))
    assert shipped == package


def test_external_prefixes_are_biolinks():
    biolink = json.loads(BIOLINK_PREFIX_MAP_FILE.read_text(encoding="utf-8"))
    for prefix, name in FROM_BIOLINK.items():
        assert PREFIXES[prefix] == biolink[name], prefix
    # osteokg's own prefixes never redefine one Biolink has.
    for prefix, namespace in OWN_PREFIXES.items():
        assert biolink.get(prefix, namespace) == namespace, prefix
        assert namespace not in biolink.values() or prefix in biolink, prefix


def test_uniprot_follows_biolink():
    assert expand("UniProtKB:O14788") == "http://purl.uniprot.org/uniprot/O14788"
    assert compress("http://purl.uniprot.org/uniprot/O14788") == "UniProtKB:O14788"
    # the identifiers.org form older releases wrote is standardised
    assert compress("http://identifiers.org/uniprot/O14788") == "UniProtKB:O14788"
    assert expand("HGNC:11926") == "http://identifiers.org/hgnc/11926"


def test_every_prefix_round_trips():
    for prefix, namespace in PREFIXES.items():
        curie = f"{prefix}:X0000001"
        assert expand(curie) == namespace + "X0000001"
        assert compress(namespace + "X0000001") == curie


def test_longest_namespace_wins_and_bare_namespaces_stay_iris():
    assert compress("http://purl.obolibrary.org/obo/CL_0000092") == "CL:0000092"
    assert compress("http://purl.obolibrary.org/obo/go.owl") == "obo:go.owl"
    assert compress("http://purl.obolibrary.org/obo/CL_") == "http://purl.obolibrary.org/obo/CL_"
    assert compress("https://example.org/x") == "https://example.org/x"


def test_biolink_synonym_expands_to_the_preferred_prefix():
    assert expand("dct:title") == expand("dcterms:title") == "http://purl.org/dc/terms/title"
    assert compress("http://purl.org/dc/terms/title") == "dcterms:title"
    assert converter().standardize_curie("dct:title") == "dcterms:title"


@pytest.mark.parametrize("bad", ["FOO:1", "CL 0000092", "osteoclast"])
def test_unknown_or_malformed_curies_are_named(bad):
    with pytest.raises(UnknownTermError, match=repr(bad.split(":")[0] if ":" in bad else bad)):
        expand(bad)


def test_categories_are_biolink_classes(biolink_classes):
    for key, name in CATEGORIES.items():
        cls = biolink_classes.get(name)
        assert cls is not None, f"category {key}: biolink:{name} is not a Biolink 4.4 class"
        assert not cls.get("mixin") and not cls.get("abstract"), f"biolink:{name} is a mixin"


def _id_prefixes(cls: dict, classes: dict[str, dict]) -> set[str]:
    """The class's id_prefixes, or its nearest ancestor's when it declares none."""
    by_name = {c["name"]: c for c in classes.values()}
    while cls is not None:
        if cls.get("id_prefixes"):
            return set(cls["id_prefixes"])
        cls = by_name.get(cls.get("is_a"))
    return set()


def test_categories_used_in_the_graph_are_biolink_classes(real_build, biolink_classes):
    used = {t.object.value for t in real_build.dataset.graphs["ontology"]
            if t.predicate.value == BIOLINK + "category"}
    assert used, "no biolink:category in the ontology graph"
    unknown = sorted(u for u in used if u.removeprefix(BIOLINK) not in biolink_classes)
    assert not unknown, f"not Biolink 4.4 classes: {unknown}"
    assert BIOLINK + "GeneProduct" not in used


def test_hgnc_concepts_are_genes(real_build):
    hgnc = [c for c in real_build.curation.concepts.values() if c.id.startswith("HGNC:")]
    assert len(hgnc) >= 50  # 51 since issue 15 dropped unused STAT5, p38, JNK, TREM2, IL7R genes
    assert {CATEGORIES[c.category] for c in hgnc} == {"Gene"}


def test_external_identifiers_fit_their_category(real_build, biolink_classes):
    """Each external concept's prefix is one Biolink lists for its category's class."""
    wrong = []
    for c in real_build.curation.concepts.values():
        if c.is_project_term:
            continue
        allowed = _id_prefixes(biolink_classes[CATEGORIES[c.category]], biolink_classes)
        if c.id.split(":")[0] not in allowed:
            wrong.append(f"{c.id} ({c.label}): biolink:{CATEGORIES[c.category]} takes "
                         f"{', '.join(sorted(allowed))}")
    assert not wrong, "\n".join(wrong)
