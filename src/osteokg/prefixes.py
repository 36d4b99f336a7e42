"""CURIE <-> IRI conversion with the project's one prefix map."""

from __future__ import annotations

import re

from .constants import CONCEPT_ID_PATTERNS, PREFIXES
from .errors import UnknownTermError

CURIE_RE = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9_.-]*):(?P<local>[^\s:][^\s]*)$")
# Longest namespace first, so "okga" wins over a shorter namespace it extends.
_BY_NAMESPACE = sorted(PREFIXES.items(), key=lambda kv: len(kv[1]), reverse=True)


def is_curie(text: str) -> bool:
    """True when ``text`` is syntactically a CURIE with a known prefix."""
    m = CURIE_RE.match(text)
    return bool(m) and m.group("prefix") in PREFIXES


def expand(curie: str) -> str:
    """``CL:0000092`` -> ``http://purl.obolibrary.org/obo/CL_0000092``."""
    m = CURIE_RE.match(curie)
    if not m:
        raise UnknownTermError(f"{curie!r} is not a CURIE (expected PREFIX:LOCAL, e.g. CL:0000092)")
    prefix = m.group("prefix")
    if prefix not in PREFIXES:
        known = ", ".join(sorted(PREFIXES))
        raise UnknownTermError(f"unknown prefix {prefix!r} in {curie!r}; known prefixes: {known}")
    return PREFIXES[prefix] + m.group("local")


def compress(iri: str) -> str:
    """The CURIE of ``iri`` if a prefix covers it, else the IRI unchanged."""
    for prefix, namespace in _BY_NAMESPACE:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


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
