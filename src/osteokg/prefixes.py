"""CURIE <-> IRI conversion with the project's one prefix map, on the ``curies`` library.

The converter is built once from :data:`osteokg.constants.PREFIXES` (Biolink's prefix map for
the external vocabularies, extended with osteokg's own namespaces), with the synonyms a user
or an older release may write: Biolink's ``dct`` for ``dcterms``, and the ``identifiers.org``
UniProt namespace that osteokg used before it followed Biolink (compressed, and so
standardised, to ``UniProtKB:``).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from .constants import CONCEPT_ID_PATTERNS, FROM_BIOLINK, PREFIXES
from .errors import UnknownTermError

if TYPE_CHECKING:
    from curies import Converter

CURIE_RE = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9_.-]*):(?P<local>[^\s:][^\s]*)$")

#: Namespaces that older osteokg releases wrote, each standardised to today's prefix.
URI_PREFIX_SYNONYMS: dict[str, tuple[str, ...]] = {
    "UniProtKB": ("http://identifiers.org/uniprot/",),
}


@cache
def converter() -> Converter:
    """The project's :class:`curies.Converter` (built on first use; ``curies`` imports pydantic,
    so ``osteokg --help`` does not pay for it)."""
    from curies import Converter, Record

    records = []
    for prefix, namespace in PREFIXES.items():
        biolink_name = FROM_BIOLINK.get(prefix, prefix)
        records.append(Record(
            prefix=prefix, uri_prefix=namespace,
            prefix_synonyms=[biolink_name] if biolink_name != prefix else [],
            uri_prefix_synonyms=list(URI_PREFIX_SYNONYMS.get(prefix, ())),
        ))
    return Converter(records)


@cache
def _namespaces() -> dict[str, str]:
    """Every prefix and prefix synonym -> its namespace, from the converter, taken once
    (``Converter.prefix_map`` is rebuilt on each access, and ``Converter.expand`` reads it
    for every CURIE: 0.1 ms each, with thousands of CURIEs per build)."""
    return dict(converter().prefix_map)


def is_curie(text: str) -> bool:
    """True when ``text`` is syntactically a CURIE with a known prefix."""
    m = CURIE_RE.match(text)
    return bool(m) and m.group("prefix") in PREFIXES


def expand(curie: str) -> str:
    """``CL:0000092`` -> ``http://purl.obolibrary.org/obo/CL_0000092``.

    Raises :class:`~osteokg.errors.UnknownTermError` for text that is not a CURIE or whose
    prefix the map lacks (the message lists the known prefixes).
    """
    if not CURIE_RE.match(curie):
        raise UnknownTermError(f"{curie!r} is not a CURIE (expected PREFIX:LOCAL, e.g. CL:0000092)")
    prefix, local = curie.split(":", 1)
    namespace = _namespaces().get(prefix)
    if namespace is None:
        known = ", ".join(sorted(PREFIXES))
        raise UnknownTermError(f"unknown prefix {prefix!r} in {curie!r}; known prefixes: {known}")
    return namespace + local


@lru_cache(maxsize=1 << 16)
def compress(iri: str) -> str:
    """The CURIE of ``iri`` if a prefix covers it (the longest namespace wins), else ``iri``.

    A namespace alone (nothing after it) is not compressed.
    """
    reference = converter().parse_uri(iri)
    if reference is None or not reference.identifier:
        return iri
    return f"{reference.prefix}:{reference.identifier}"


def check_concept_curie(curie: str) -> str | None:
    """Return a problem description if ``curie`` is not a well-formed concept CURIE."""
    m = CURIE_RE.match(curie)
    if not m:
        return f"{curie!r} is not a CURIE (expected PREFIX:LOCAL, e.g. CL:0000092)"
    prefix, local = m.group("prefix"), m.group("local")
    if prefix not in CONCEPT_ID_PATTERNS:
        allowed = ", ".join(sorted(CONCEPT_ID_PATTERNS))
        return f"{curie!r} has prefix {prefix!r}, which is not a concept prefix ({allowed})"
    if not re.match(CONCEPT_ID_PATTERNS[prefix], local):
        return f"{curie!r}: the local id {local!r} does not match {CONCEPT_ID_PATTERNS[prefix]}"
    return None
