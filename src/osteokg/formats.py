"""Render query results for people (table, Markdown) and programs (CSV, TSV, JSON).

``json`` is the W3C SPARQL 1.1 Query Results JSON Format, exactly what a SPARQL endpoint
returns for ``Accept: application/sparql-results+json`` (no labels, full IRIs), so a script
reads the CLI's answer and an endpoint's with the same code.

Otherwise identifiers are shown as CURIEs with their label beside them when the graph has
one: ``CL:0000092 (osteoclast)`` in tables and Markdown; CSV and TSV add a ``<var>_label``
column after each column that holds identifiers; ``json-rows`` (osteokg's own JSON) keeps the
full IRI and adds ``curie`` and ``label`` fields. Labels are English by default (``lang="zh"``: Chinese where the review
names the term, English otherwise) and are fetched in one query per result, from the
embedded store or from the endpoint that answered the query.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable

from .prefixes import compress
from .query import Result, Value

FORMATS = ("table", "csv", "tsv", "json", "json-rows", "md")
LANGUAGES = ("en", "zh")
#: Runs a SELECT text (prefixes included) and returns its Result: local store or endpoint.
Runner = Callable[[str], Result]
# IRIs that can be written between <> in a query without escaping (others get no label).
_SAFE_IRI = re.compile(r'^[^\s<>"{}|\\^`]+$')
_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?term ?label WHERE {{
  VALUES ?term {{ {terms} }}
  GRAPH ?g {{ ?term rdfs:label ?label }}
  FILTER(isLiteral(?label))
}} ORDER BY ?term ?label
"""


class Labeller:
    """Labels of IRIs in one language, fetched in batches and cached.

    ``runner`` is None for no labels at all (``--no-labels``).
    """

    def __init__(self, runner: Runner | None, lang: str = "en"):
        if lang not in LANGUAGES:
            raise ValueError(f"unknown label language {lang!r}; use one of {LANGUAGES}")
        self.runner = runner
        self.lang = lang
        self.cache: dict[str, str | None] = {}

    @classmethod
    def for_store(cls, store, lang: str = "en") -> Labeller:
        """Labels from the embedded store (None: no labels)."""
        if store is None:
            return cls(None, lang)
        from .query import _execute

        return cls(lambda text: _execute(store, text, {}, name="<labels>"), lang)

    def prefetch(self, iris: Iterable[str]) -> None:
        """Look up every IRI not seen yet, 200 per query."""
        todo = sorted({i for i in iris if i not in self.cache})
        for i in todo:
            self.cache[i] = None
        if self.runner is None:
            return
        safe = [i for i in todo if _SAFE_IRI.match(i)]
        for start in range(0, len(safe), 200):
            chunk = safe[start:start + 200]
            result = self.runner(_LABELS.format(terms=" ".join(f"<{i}>" for i in chunk)))
            found: dict[str, dict[str, str]] = {}
            for term, label in result.rows:
                if term is None or label is None:
                    continue
                lang = (label[2] or "")[1:] if (label[2] or "").startswith("@") else ""
                found.setdefault(term[1], {}).setdefault(lang.split("-")[0], label[1])
            for iri, by_lang in found.items():
                self.cache[iri] = (by_lang.get(self.lang) or by_lang.get("en")
                                   or by_lang.get("") or next(iter(by_lang.values()), None))

    def __call__(self, iri: str) -> str | None:
        if iri not in self.cache:
            self.prefetch([iri])
        return self.cache[iri]


def cell(value: Value, labeller: Labeller | None = None, *, with_label: bool = True) -> str:
    """One value as text: CURIE (label) for IRIs, the lexical form for literals."""
    if value is None:
        return ""
    kind, lexical, _extra = value
    if kind == "uri":
        curie = compress(lexical)
        label = labeller(lexical) if (labeller and with_label) else None
        return f"{curie} ({label})" if label else curie
    if kind == "bnode":
        return f"_:{lexical}"
    return lexical


def render(result: Result, fmt: str = "table", store=None, *,
           labeller: Labeller | None = None, width: int | None = None) -> str:
    """The result as text in ``fmt``; labels from ``labeller`` (or the embedded ``store``).

    A table wider than ``width`` columns (None: no limit) has its widest columns cut, each
    cut cell ending in "…"; the other formats are never cut.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "json":
        return sparql_results_json(result)
    labeller = labeller if labeller is not None else Labeller.for_store(store)
    labeller.prefetch(v[1] for row in result.rows for v in row if v and v[0] == "uri")
    if fmt == "json-rows":
        return _json(result, labeller)
    if fmt in ("csv", "tsv"):
        return _delimited(result, labeller, "," if fmt == "csv" else "\t")
    cells = [[_one_line(cell(v, labeller)) for v in row] for row in result.rows]
    if fmt == "md":
        lines = ["| " + " | ".join(result.variables) + " |",
                 "|" + "|".join("---" for _ in result.variables) + "|"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines) + "\n"
    widths = [max([_width(v)] + [_width(r[i]) for r in cells])
              for i, v in enumerate(result.variables)]
    if width is not None:
        widths = _fit(widths, width)
        cells = [[_cut(c, w) for c, w in zip(row, widths)] for row in cells]
    out = ["  ".join(_pad(_cut(v, w), w) for v, w in zip(result.variables, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"


#: A column is never cut narrower than this.
_MIN_COLUMN = 10


def _fit(widths: list[int], limit: int) -> list[int]:
    """Column widths capped (the widest first) so that the table fits in ``limit`` columns."""
    room = limit - 2 * (len(widths) - 1)
    if sum(widths) <= room:
        return widths
    low, high = _MIN_COLUMN, max(widths)  # the largest cap that fits, by bisection
    while low < high:
        cap = (low + high + 1) // 2
        if sum(min(w, cap) for w in widths) <= room:
            low = cap
        else:
            high = cap - 1
    return [min(w, low) for w in widths]


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns, ending in "…" when cut."""
    if _width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = 2 if _is_wide(ch) else 1
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def sparql_results_json(result: Result) -> str:
    """The result in the SPARQL 1.1 Query Results JSON Format (W3C Recommendation).

    An ASK answer is ``{"head": {}, "boolean": ...}``; a SELECT answer lists ``head.vars``
    and one binding object per row (unbound variables left out). CONSTRUCT and DESCRIBE
    answers, for which the format has no form, are written as bindings of ``?subject
    ?predicate ?object``.
    """
    if result.form == "ASK":
        value = bool(result.rows) and result.rows[0][0] is not None \
            and result.rows[0][0][1] == "true"
        doc: dict = {"head": {}, "boolean": value}
    else:
        bindings = [{var: _term_json(value, "xml:lang")
                     for var, value in zip(result.variables, row) if value is not None}
                    for row in result.rows]
        doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _term_json(value, lang_key: str) -> dict:
    """An RDF term as SPARQL JSON results write it (``lang_key``: "xml:lang" there, "lang" in
    osteokg's own row format)."""
    kind, lexical, extra = value
    entry = {"type": kind, "value": lexical}
    if extra and extra.startswith("@"):
        entry[lang_key] = extra[1:]
    elif extra:
        entry["datatype"] = extra
    return entry


def _json(result: Result, labeller: Labeller) -> str:
    rows = []
    for row in result.rows:
        item = {}
        for var, value in zip(result.variables, row):
            if value is None:
                continue
            entry = _term_json(value, "lang")
            kind, lexical, _extra = value
            if kind == "uri":
                entry["curie"] = compress(lexical)
                label = labeller(lexical)
                if label:
                    entry["label"] = label
            item[var] = entry
        rows.append(item)
    return json.dumps({"variables": result.variables, "rows": rows}, ensure_ascii=False,
                      indent=2) + "\n"


def _delimited(result: Result, labeller: Labeller, delimiter: str) -> str:
    labelled = [i for i, _ in enumerate(result.variables)
                if any(row[i] and row[i][0] == "uri" and labeller(row[i][1])
                       for row in result.rows)]
    header: list[str] = []
    for i, var in enumerate(result.variables):
        header.append(var)
        if i in labelled:
            header.append(f"{var}_label")
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in result.rows:
        out: list[str] = []
        for i, value in enumerate(row):
            out.append(cell(value, with_label=False))
            if i in labelled:
                out.append((labeller(value[1]) or "") if value and value[0] == "uri" else "")
        writer.writerow(out)
    return buf.getvalue()


def _one_line(text: str) -> str:
    return " ".join(text.split()) if ("\n" in text or "\t" in text) else text


def _width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if _is_wide(ch) else 1 for ch in text)


def _is_wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F")


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
