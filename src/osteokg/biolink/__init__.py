"""The Biolink model files kgx and bmt need, from local copies instead of the network.

``kgx`` builds a ``bmt.Toolkit()`` when it is imported, and ``Toolkit()`` by default reads the
Biolink schema and ``predicate_mapping.yaml`` from GitHub; kgx also downloads JSON-LD
contexts (Biolink's, and prefixcommons' Monarch and OBO contexts) the first time it needs a
prefix map. Without network both fail. Every one of those files is on disk already:

* the Biolink 4.4 schema and its prefix map, in the ``biolink-model`` package (a dependency
  of bmt);
* ``predicate_mapping.yaml``, shipped beside this module (Biolink 4.4.4, CC0; the package
  does not carry it);
* the Monarch and OBO contexts, in the ``prefixcommons`` package (a dependency of kgx).

:func:`use_local_biolink` points bmt's ``Toolkit()`` defaults and kgx's context cache
(``kgx.config.jsonld_context_map``, its documented hook) at those files. Call it before
importing anything from ``kgx``; or run the kgx command line through it::

    python -m osteokg.biolink validate -i tsv release/kgx/osteokg_nodes.tsv \\
        release/kgx/osteokg_edges.tsv

which is ``kgx validate ...`` with the local files (with network, plain ``kgx`` works too).
Needs ``pip install 'osteokg[kgx]'``.

One difference, on purpose: ``kgx validate`` accepts only identifiers whose prefix is in
Biolink's JSON-LD context, and osteokg's own terms (``OSTEOKG:0000054``, the review's
concepts no reference ontology has) have a prefix no registry lists yet. So the validator's
context is Biolink's plus that one prefix (:data:`OSTEOKG_PREFIXES`), as a KGX producer
declares its own prefixes; everything else is checked against Biolink alone. Plain ``kgx
validate`` reports the ``OSTEOKG:`` identifiers as its only errors (tests/test_kgx.py checks
both).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREDICATE_MAPPING = HERE / "predicate_mapping.yaml"
KGX_HINT = "the KGX tools are not installed - pip install 'osteokg[kgx]'"
#: osteokg's own identifier prefixes, added to Biolink's context for validation.
OSTEOKG_PREFIXES = {"OSTEOKG": "https://w3id.org/osteokg/OSTEOKG_"}


def schema_path() -> Path:
    """The Biolink schema YAML shipped by the ``biolink-model`` package."""
    return Path(str(resources.files("biolink_model") / "schema" / "biolink_model.yaml"))


def prefix_map() -> dict[str, str]:
    """Biolink's prefix map (prefix -> IRI namespace), from the ``biolink-model`` package."""
    path = resources.files("biolink_model") / "prefixmaps" / "biolink-model-prefix-map.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _prefixcommons_context(name: str) -> dict:
    path = resources.files("prefixcommons") / "registry" / f"{name}.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))["@context"]


def use_local_biolink(extra_prefixes: dict[str, str] | None = None) -> None:
    """Make bmt and kgx read the Biolink files from disk (may be called again).

    ``extra_prefixes`` (prefix -> namespace) are added to the Biolink context kgx checks
    identifiers against. Raises ``ModuleNotFoundError`` when bmt or kgx is not installed.
    """
    from bmt import toolkit

    init = toolkit.Toolkit.__init__
    defaults = init.__defaults__ or ()
    if len(defaults) != 2:  # (schema, predicate_map) in bmt 1.x; anything else is unknown
        raise RuntimeError(f"unexpected bmt Toolkit signature (defaults {defaults!r}); "
                           "osteokg.biolink supports bmt 1.x")
    init.__defaults__ = (str(schema_path()), str(PREDICATE_MAPPING))
    from kgx import config

    config.jsonld_context_map["biolink"] = {**prefix_map(), **(extra_prefixes or {})}
    for name in ("monarch_context", "obo_context"):
        config.jsonld_context_map.setdefault(name, _prefixcommons_context(name))


def validate_kgx(files: list[Path], *, extra_prefixes: dict[str, str] | None = None,
                 report: Path | None = None) -> dict:
    """Run kgx's validator on KGX TSV files; its errors by level, type and message.

    An empty dict means no problem at all. ``extra_prefixes`` defaults to
    :data:`OSTEOKG_PREFIXES` (pass ``{}`` for Biolink's context alone); ``report`` is where
    kgx writes its JSON report (a temporary file by default).
    """
    import tempfile

    use_local_biolink(OSTEOKG_PREFIXES if extra_prefixes is None else extra_prefixes)
    from kgx.cli.cli_utils import validate

    with tempfile.TemporaryDirectory(prefix="osteokg-kgx-") as tmp:
        out = Path(report) if report else Path(tmp) / "report.json"
        errors = validate([str(f) for f in files], "tsv", None, str(out))
    return dict(errors or {})


def main(argv: list[str] | None = None) -> None:
    """``kgx`` with the local Biolink files and osteokg's prefix: ``python -m osteokg.biolink``."""
    import sys

    try:
        use_local_biolink(OSTEOKG_PREFIXES)
        from kgx.cli import cli
    except ModuleNotFoundError as exc:
        sys.exit(f"error: {KGX_HINT} ({exc})")
    cli.main(args=list(sys.argv[1:] if argv is None else argv), prog_name="kgx")
