"""Property tests: whatever a curator or a user types, osteokg answers with one of its own
errors (a message, exit 2), never another exception (a traceback).

Covers the YAML loader, the curation records, CURIE parsing and ``--param`` values. Each
property runs a bounded number of examples so the file stays fast.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osteokg.cli.query import _parse_params
from osteokg.curation import (
    ASSERTION_FIELDS,
    CONCEPT_FIELDS,
    EVIDENCE_FIELDS,
    VALUE_FIELDS,
    _YamlProblem,
    load_curation,
    read_yaml,
)
from osteokg.errors import CurationError, OsteoKGError, UnknownTermError
from osteokg.prefixes import check_concept_curie, compress, expand, is_curie
from osteokg.query import load_query, local_lookup, resolve_params

MINI_SEEDS = Path(__file__).parent / "resources" / "mini-seeds"
FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

#: Characters that make YAML do things: indicators, quotes, escapes, controls, CJK.
YAML_CHARS = st.sampled_from(list("ab1 :-[]{}&*!<>|'\"#?,.%@`\\\n\t\x00\x07é破") + ["<<", "!!"])
yaml_text = st.lists(YAML_CHARS, max_size=80).map("".join)
scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


@FAST
@given(text=yaml_text)
def test_any_text_is_read_or_refused_with_a_line(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            read_yaml(path)
        except _YamlProblem as exc:
            assert str(exc).startswith(str(path))


@pytest.fixture(scope="module")
def seeds_copy(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("props") / "seeds"
    shutil.copytree(MINI_SEEDS, target)
    return target


@pytest.fixture(scope="module")
def source():
    from osteokg.text import load_source

    return load_source()


EVIDENCE = {"sentence": "sec2-04", "quote": "其主要作用是骨吸收", "english": "Resorption.",
            "references": [7], "eco": "ECO:0000304"}
#: A valid record of each kind; the property replaces some of its fields by anything.
VALID = {
    "concepts": {"id": "CL:0000000", "category": "cell", "label": "cell"},
    "assertions": {"id": "A0099", "subject": "CL:0000092", "predicate": "RO:0002215",
                   "object": "GO:0045453", "certainty": "reported", "evidence": [EVIDENCE]},
}
FIELDS = {"concepts": CONCEPT_FIELDS, "assertions": (*ASSERTION_FIELDS, *VALUE_FIELDS)}


@FAST
@given(data=st.data(), raw=st.booleans())
@pytest.mark.parametrize("kind", list(VALID))
def test_any_record_is_loaded_or_a_curation_error(seeds_copy, source, kind, data, raw):
    record = data.draw(st.dictionaries(st.sampled_from(FIELDS[kind]), values, max_size=5))
    if data.draw(st.booleans()) and kind == "assertions":  # vary inside the evidence
        record["evidence"] = [{**EVIDENCE, **data.draw(st.dictionaries(
            st.sampled_from(EVIDENCE_FIELDS), values, max_size=3))}]
    if data.draw(st.booleans()) and kind == "assertions":  # a literal value of anything
        record.pop("object", None)
        record["predicate"] = "OSTEOKG:0900011"
        record["value"] = data.draw(st.dictionaries(st.sampled_from(VALUE_FIELDS), values,
                                                    max_size=4))
    extra = seeds_copy / kind / "extra.yaml"
    text = yaml.safe_dump([record if raw else {**VALID[kind], **record}], allow_unicode=True)
    extra.write_text(text, encoding="utf-8")
    try:
        load_curation(seeds_copy, source=source)
    except CurationError as exc:
        assert all(":" in p for p in exc.problems)
    finally:
        extra.unlink()


@FAST
@given(text=st.text(max_size=40))
def test_curie_parsing_raises_only_its_own_errors(text):
    assert isinstance(is_curie(text), bool)
    assert isinstance(compress(text), str)
    problem = check_concept_curie(text)
    assert problem is None or isinstance(problem, str)
    try:
        assert isinstance(expand(text), str)
    except UnknownTermError:
        pass


@pytest.fixture(scope="module")
def lookup(mini_build):
    return local_lookup(mini_build.store)


@FAST
@given(value=st.text(max_size=60) | st.text(alphabet="0123456789-+ ", max_size=30),
       name=st.sampled_from(["cell", "reference"]))
def test_any_param_value_is_bound_or_a_short_error(lookup, value, name):
    query = load_query("osteoclast-origins" if name == "cell" else "reference-claims")
    try:
        resolve_params(query, _parse_params((f"{name}={value}",)), lookup)
    except OsteoKGError as exc:
        assert len(str(exc)) < 600, str(exc)


def test_a_huge_param_value_gives_a_short_message(lookup):
    with pytest.raises(OsteoKGError) as info:
        _parse_params(("cell=" + "x" * 1_000_000,))
    assert len(str(info.value)) < 200
