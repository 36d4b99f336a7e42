"""The comment header of a stored query file: fields, indented continuation lines, params."""

from __future__ import annotations

import pytest

from osteokg.errors import QueryError
from osteokg.query import parse_query_file


def test_indented_lines_continue_the_field_above(tmp_path):
    rq = tmp_path / "lineage.rq"
    rq.write_text(
        "# title: Lineage\n"
        "# question: Which cells does a cell develop from,\n"
        "#   and how firmly?\n"
        "# param: cell | iri | CL:0000092 | the cell\n"
        "# returns: one row per precursor:\n"
        "#   ?cell ?precursor\n"
        "#   notes: a word and a colon inside a continuation is not a new field\n"
        "SELECT ?cell ?precursor WHERE { ?cell RO:0002202 ?precursor } ORDER BY ?precursor\n",
        encoding="utf-8")
    q = parse_query_file(rq)
    assert q.title == "Lineage"
    assert q.question == "Which cells does a cell develop from, and how firmly?"
    assert q.returns == ("one row per precursor: ?cell ?precursor notes: a word and a colon "
                         "inside a continuation is not a new field")
    assert [(p.name, p.type, p.default) for p in q.params] == [("cell", "iri", "CL:0000092")]


def test_malformed_param_line_names_file_and_line(tmp_path):
    rq = tmp_path / "bad.rq"
    rq.write_text("# title: Bad\n# param: cell | cell-type\nSELECT * WHERE {}\n",
                  encoding="utf-8")
    with pytest.raises(QueryError, match=r"bad\.rq:2: malformed param header"):
        parse_query_file(rq)
