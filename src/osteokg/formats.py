"""Render query results for people (table, Markdown) and programs (CSV, TSV, JSON).

Identifiers are shown as CURIEs with their English label beside them when the graph has
one (``CL:0000092 (osteoclast)``); JSON keeps full IRIs and adds a ``label`` field.
"""

from __future__ import annotations

import csv
import io
import json

from pyoxigraph import NamedNode, Store, Variable

from .prefixes import compress
from .query import Result, Value

FORMATS = ("table", "csv", "tsv", "json", "md")
_LABEL_QUERY = (
    "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
    "FILTER(LANGMATCHES(LANG(?l), 'en') || LANG(?l) = '') } ORDER BY ?l LIMIT 1"
)


class Labeller:
    """English labels of IRIs, looked up once each in a store (or none without a store)."""

    def __init__(self, store: Store | None):
        self.store = store
        self.cache: dict[str, str | None] = {}

    def __call__(self, iri: str) -> str | None:
        if self.store is None:
            return None
        if iri not in self.cache:
            sols = self.store.query(_LABEL_QUERY, substitutions={Variable("s"): NamedNode(iri)},
                                    use_default_graph_as_union=True)
            self.cache[iri] = next((s["l"].value for s in sols), None)
        return self.cache[iri]


def cell(value: Value, labeller: Labeller | None = None, *, with_label: bool = True) -> str:
    """One value as text: CURIE (label) for IRIs, the lexical form for literals."""
    if value is None:
        return ""
    kind, lexical, _extra = value
    if kind == "uri":
        shown = compress(lexical)
        label = labeller(lexical) if (labeller and with_label) else None
        return f"{shown} ({label})" if label else shown
    if kind == "bnode":
        return f"_:{lexical}"
    return lexical


def render(result: Result, fmt: str = "table", store: Store | None = None) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    labeller = Labeller(store)
    if fmt == "json":
        rows = []
        for row in result.rows:
            item = {}
            for var, value in zip(result.variables, row):
                if value is None:
                    continue
                kind, lexical, extra = value
                entry = {"type": kind, "value": lexical}
                if extra and extra.startswith("@"):
                    entry["lang"] = extra[1:]
                elif extra:
                    entry["datatype"] = extra
                if kind == "uri":
                    entry["curie"] = compress(lexical)
                    label = labeller(lexical)
                    if label:
                        entry["label"] = label
                item[var] = entry
            rows.append(item)
        return json.dumps({"variables": result.variables, "rows": rows}, ensure_ascii=False,
                          indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([cell(v, labeller, with_label=False) for v in row])
        return buf.getvalue()
    cells = [[cell(v, labeller) for v in row] for row in result.rows]
    if fmt == "md":
        lines = ["| " + " | ".join(result.variables) + " |",
                 "|" + "|".join("---" for _ in result.variables) + "|"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines) + "\n"
    widths = [max([len(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    out = ["  ".join(_pad(v, w) for v, w in zip(result.variables, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
