"""What a newcomer tripped over (issue 14, item 7), and query parameters that cannot be a
term (item 4): each through the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata

import pytest
from click.testing import CliRunner

from osteokg.cli import main


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env or {})


def display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


# --- the build summary ------------------------------------------------------------------------


def test_build_summary_explains_its_numbers(built, capsys):
    from osteokg.cli.report import print_build_summary

    print_build_summary(built, question=None)
    out = capsys.readouterr().out
    concepts = len(built.curation.concepts)
    # "Class 557" beside the README's "225 concepts": the summary says what the 557 are
    m = re.search(r"OWL classes +(\d+)  (\d+) curated concepts, (\d+) from the import modules",
                  out)
    assert m, out
    assert int(m[2]) == concepts and int(m[1]) == int(m[2]) + int(m[3])
    assert "justifications" in out and "one per inferred edge written" in out
    assert "(derived: every new edge the rules draw from the assertions" in out
    certainty = next(line for line in out.splitlines() if "by certainty:" in line)
    assert "_" not in certainty, certainty


# --- tables and listings ------------------------------------------------------------------------


def test_wide_tables_fit_columns(release_dir):
    result = run("query", "osteoclast-origins", "--release", str(release_dir),
                 env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(map(display_width, lines)) <= 100
    assert any("…" in line for line in lines[2:])


def test_tables_are_whole_without_columns_when_not_a_terminal(release_dir):
    result = run("query", "osteoclast-origins", "--release", str(release_dir),
                 env={"COLUMNS": None})
    assert result.exit_code == 0, result.output
    assert max(map(display_width, result.stdout.splitlines())) > 100
    assert "…" not in result.stdout


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "md"])
def test_query_list_ends_with_a_newline(fmt):
    result = run("query", "--list", "--format", fmt)
    assert result.exit_code == 0 and result.stdout.endswith("\n") and result.stdout.strip()


def test_evidence_shows_predicate_labels():
    from osteokg.curation import load_curation

    a = next(a for a in load_curation().assertions if a.predicate.startswith("RO:"))
    result = run("evidence", a.id)
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert re.search(rf"{re.escape(a.predicate)} \([a-z][^)]*\)", first), first


def test_paths_usage_shows_from_and_to_as_optional():
    result = run("paths", "--help")
    assert result.stdout.splitlines()[0].endswith(" paths [OPTIONS] [FROM] [TO]")


def test_reason_without_java_says_it_once():
    result = run("reason", "--no-java")
    assert result.exit_code == 0, result.output
    assert "HermiT: not run (--no-java)" in result.stdout
    assert result.stdout.count("not run") == 1


# --- query parameters that cannot be a term --------------------------------------------------

BAD_PARAMS = {
    "CL:0000092>": "'CL:0000092>' is not a valid IRI or CURIE (it contains '>')",
    'HGNC:11926"': "'HGNC:11926\"' is not a valid IRI or CURIE (it contains '\"')",
    "http://example.org/a b": "is not a valid IRI or CURIE (it contains ' ')",
    "": "empty value",
    "   ": "empty value",
    "x" * 1_000_000: "characters) is too long - at most 1000 characters are allowed",
    "osteo\x07clast": "contains the control character U+0007",
}


@pytest.mark.parametrize("value", list(BAD_PARAMS), ids=lambda v: repr(v[:20]))
def test_a_param_that_cannot_be_a_term_is_exit_2(value, release_dir):
    result = run("query", "osteoclast-origins", "--release", str(release_dir),
                 "-p", f"cell={value}")
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert BAD_PARAMS[value] in result.stderr, result.stderr
    assert len(result.stderr) < 300 and result.stdout == ""


@pytest.mark.parametrize(("value", "message"), [
    ("9" * 5000, "characters) is too long"),
    ("9" * 40, "has 40 digits - at most 18 are allowed"),
    ("forty-two", "must be an integer, got 'forty-two'"),
])
def test_a_bad_integer_param_is_exit_2(value, message, release_dir):
    result = run("query", "reference-claims", "--release", str(release_dir),
                 "-p", f"reference={value}")
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert len(result.stderr) < 300


def test_an_empty_param_does_not_unbind_it(release_dir):
    """Before, `-p factor=` silently dropped the parameter (49 rows instead of 6)."""
    result = run("query", "rankl-sources", "--release", str(release_dir), "-p", "factor=")
    assert result.exit_code == 2 and "empty value" in result.stderr


def test_chinese_labels_under_a_c_locale(release_dir):
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    env.pop("PYTHONUTF8", None)
    proc = subprocess.run(
        [sys.executable, "-m", "osteokg.cli", "query", "osteoclast-origins", "--release",
         str(release_dir), "-p", "cell=破骨细胞", "--lang", "zh", "--format", "tsv"],
        capture_output=True, env=env, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    out = proc.stdout.decode("utf-8")
    assert "CL:0000092" in out and "破骨细胞" in out


def test_readme_gives_the_real_coverage_reasons():
    """The README listed reasons (scope, methodological, duplicate) that were not the
    curation's; it now gives each reason with its count, checked here."""
    from collections import Counter
    from pathlib import Path

    from osteokg.curation import load_curation

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    m = re.search(r"one's reason \(([^)]*)\)", readme)
    assert m, "README: the sentence giving the coverage reasons is gone"
    shown = {reason: int(n) for n, reason in re.findall(r"(\d+) ([a-z]+)", m[1])}
    real = Counter(entry.reason for entry in load_curation().coverage)
    assert shown == dict(real), f"README says {shown}, the curation has {dict(real)}"
