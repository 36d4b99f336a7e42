"""Malformed curation input, through ``osteokg build``: exit 2, one message naming the file
and line, no traceback, and the release directory exactly as it was.

Each case breaks one thing in a copy of the mini curation (tests/resources/mini-seeds); the
CLI runs in-process (click's CliRunner) with the curation folder pointed at the copy, and a
few cases also run as a real ``osteokg`` process on a copy of the whole project.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from osteokg.cli import main

PROJECT = Path(__file__).resolve().parents[1]
MINI_SEEDS = Path(__file__).parent / "resources" / "mini-seeds"


@pytest.fixture()
def seeds(tmp_path, monkeypatch) -> Path:
    """A copy of the mini curation that ``osteokg build`` reads."""
    target = tmp_path / "seeds"
    shutil.copytree(MINI_SEEDS, target)
    monkeypatch.setattr("osteokg.curation.SEEDS_DIR", target)
    return target


@pytest.fixture()
def out(tmp_path) -> Path:
    """A release directory holding an earlier release (whose files must survive)."""
    out = tmp_path / "release"
    out.mkdir()
    (out / "osteokg.nq").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    (out / "manifest.json").write_text('{"version": "old"}\n', encoding="utf-8")
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path`` by ``new``; return the line where it starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path}"
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return text.count("\n", 0, at) + 1


def build_fails(out: Path, *messages: str) -> str:
    """Run ``osteokg build -o OUT``; check exit 2, no traceback, OUT untouched; give stderr."""
    before = snapshot(out)
    result = CliRunner().invoke(main, ["build", "-o", str(out), "--no-reason"])
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    stderr = result.stderr
    assert "Traceback" not in result.output
    assert stderr.startswith("error: "), stderr
    for message in messages:
        assert message in stderr, f"{message!r} not in:\n{stderr}"
    assert snapshot(out) == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []
    return stderr


CONCEPTS = Path("concepts") / "mini.yaml"
ASSERTIONS = Path("assertions") / "mini.yaml"
OSTEOCLAST = "  label: osteoclast\n  label_zh: 破骨细胞\n"

#: (file, text to replace, replacement, what the message must say). The message must also
#: name the file and the line where the replacement starts (or the line given after "@+").
BREAKS = {
    "label_zh as a list": (CONCEPTS, "  label_zh: 破骨细胞\n", "  label_zh: [破骨细胞, 破骨]\n",
                           "label_zh must be text, got a list"),
    "label_zh as a number": (CONCEPTS, "  label_zh: 破骨细胞\n", "  label_zh: 42\n",
                             "label_zh must be text, got the number 42"),
    "label as a list": (CONCEPTS, OSTEOCLAST, "  label: [osteoclast, OC]\n  label_zh: 破骨细胞\n",
                        "label must be text, got a list"),
    "note as a mapping": (CONCEPTS, OSTEOCLAST, OSTEOCLAST + "  note: {why: because}\n",
                          "note must be text, got a mapping"),
    "definition as a list": (CONCEPTS, "  definition: A test family.\n",
                             "  definition: [A test family.]\n",
                             "definition must be text, got a list"),
    "category as a list": (CONCEPTS, "  category: cell\n", "  category: [cell]\n",
                           "category must be text, got a list"),
    "a list as a key": (CONCEPTS, OSTEOCLAST, OSTEOCLAST + "  [a, b]: c\n",
                        "a key must be a field name, not a list"),
    "a mapping as a key": (CONCEPTS, OSTEOCLAST, OSTEOCLAST + "  ? {a: b}\n  : c\n",
                           "a key must be a field name, not a mapping"),
    "a merge key": (CONCEPTS, OSTEOCLAST, OSTEOCLAST + "  <<: {note: merged}\n",
                    "merge keys (<<) are not allowed"),
    "an unknown tag": (CONCEPTS, OSTEOCLAST, "  label: !foo osteoclast\n  label_zh: 破骨细胞\n",
                       "YAML tag '!foo' is not allowed"),
    "a NUL in a label": (CONCEPTS, OSTEOCLAST, '  label: "osteo\\0clast"\n  label_zh: 破骨细胞\n',
                         "label: contains the control character U+0000"),
    "a line break in a label": (CONCEPTS, OSTEOCLAST,
                                '  label: "osteo\\nclast"\n  label_zh: 破骨细胞\n',
                                "label: contains the control character U+000A"),
    "a wrong label on an external term": (
        CONCEPTS, OSTEOCLAST, "  label: osteoblast\n  label_zh: 破骨细胞\n",
        "label 'osteoblast' is not the label of CL:0000092 in ontology/imports/cl_import.ttl "
        "('osteoclast')"),
    "an English rendering as a list": (
        ASSERTIONS, "    english: The main role of osteoclasts is bone resorption.\n",
        "    english: [The main role, of osteoclasts]\n", "english must be text, got a list"),
    "a control character in an English rendering": (
        ASSERTIONS, "    english: The main role of osteoclasts is bone resorption.\n",
        '    english: "The main role\\a of osteoclasts"\n', "contains the control character U+0007"),
    "a reference given as true": (ASSERTIONS, "    references: [7]\n", "    references: [true]\n",
                                  "references must be a list of reference numbers"),
    "number: not-a-number typed xsd:integer": (
        ASSERTIONS, "{number: 200000000,", "{number: not-a-number,",
        "number the text 'not-a-number' is not a valid xsd:integer"),
    "number: 1873.5 typed xsd:integer": (ASSERTIONS, "{number: 200000000,", "{number: 1873.5,",
                                         "number the number 1873.5 is not a valid xsd:integer"),
    "a 5000-digit number": (ASSERTIONS, "{number: 200000000,", "{number: " + "9" * 5000 + ",",
                            "cannot read this value"),
    "as_of that is not a year": (ASSERTIONS, "as_of: 2020}", "as_of: twenty}",
                                 "as_of must be a year such as 2020"),
    "certainty as a list": (ASSERTIONS, "  certainty: established\n",
                            "  certainty: [established]\n", "certainty must be text, got a list"),
    "predicate as a mapping": (ASSERTIONS, "  predicate: RO:0002215\n",
                               "  predicate: {RO: 0002215}\n", "predicate must be text"),
    "reference_count: forty-two": (Path("review.yaml"), "reference_count: 42",
                                   "reference_count: forty-two",
                                   "reference_count must be a whole number from 0 to 10000, got "
                                   "the text 'forty-two'"),
    "a record that is not a mapping": (ASSERTIONS, "- id: A0005\n", "- just text\n- id: A0005\n",
                                       "item 5 is not a record"),
    "a file that is a mapping": (Path("coverage") / "mini.yaml",
                                 "- sentence: abs-zh-06\n  reason: scope\n  note:",
                                 "sentence: abs-zh-06\nreason: scope\nnote:",
                                 "expected a YAML list of records"),
}


@pytest.mark.parametrize("case", list(BREAKS))
def test_malformed_curation_is_a_file_line_error(case, seeds, out):
    rel, old, new, message = BREAKS[case]
    line = replace_once(seeds / rel, old, new)
    if new.startswith(old):  # a line was added after the matched text
        line += old.count("\n")
    stderr = build_fails(out, message)
    assert re.search(rf"{re.escape(str(seeds / rel))}:{line}: ", stderr), (line, stderr)


def test_alias_bomb_fails_fast(seeds, out):
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    bomb = "\n".join(levels) + "\n"
    assert len(bomb.encode()) < 500
    (seeds / "concepts" / "bomb.yaml").write_text(bomb, encoding="utf-8")
    started = time.perf_counter()
    build_fails(out, f"{seeds / 'concepts' / 'bomb.yaml'}:1: YAML anchor &a - anchors and "
                "aliases are not allowed")
    assert time.perf_counter() - started < 1.0


def test_empty_curation_file(seeds, out):
    (seeds / "assertions" / "mini.yaml").write_text("# nothing here\n", encoding="utf-8")
    build_fails(out, f"{seeds / ASSERTIONS}:1: the file is empty")


def test_missing_assertions_folder(seeds, out):
    shutil.rmtree(seeds / "assertions")
    build_fails(out, f"{seeds / 'assertions'}: no assertion files")


def test_emptied_assertions_of_a_complete_curation(seeds, out):
    """With coverage complete (the real curation's default), an emptied assertions file
    leaves sentences uncovered: an error, not a smaller release."""
    replace_once(seeds / "review.yaml", "coverage: partial\n", "")
    build_fails(out, "sentence(s) of the review have neither an assertion nor a coverage "
                "entry")


def _project_copy(tmp_path: Path) -> Path:
    """OSTEOKG_HOME for a subprocess: the real project's folders, seeds copied."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("ontology", "shapes", "queries"):
        (home / name).symlink_to(PROJECT / name)
    shutil.copytree(PROJECT / "seeds", home / "seeds")
    return home


def _osteokg(*args: str, home: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "OSTEOKG_HOME": str(home), **env}
    return subprocess.run([sys.executable, "-m", "osteokg.cli", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=120)


def test_real_curation_emptied_section_fails_in_a_real_process(tmp_path, out):
    """The real curation with assertions/sec4.yaml emptied: before, 110 assertions were
    written over the good release with exit 0."""
    home = _project_copy(tmp_path)
    (home / "seeds" / "assertions" / "sec4.yaml").write_text("[]\n", encoding="utf-8")
    before = snapshot(out)
    proc = _osteokg("build", "-o", str(out), "--no-reason", home=home, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert "nothing was written" in proc.stderr
    assert re.search(r"\d+ sentence\(s\) of the review have neither", proc.stderr)
    assert snapshot(out) == before


def test_nul_in_a_label_in_a_real_process(tmp_path, out):
    """Before, a NUL in a label crashed owlready2 (or, with --no-java, wrote an osteokg.owl
    that is not well-formed XML)."""
    home = _project_copy(tmp_path)
    core = home / "seeds" / "concepts" / "core.yaml"
    text = core.read_text(encoding="utf-8")
    at = text.index("\n  label_zh: ") + 1
    core.write_text(text[:at] + '  label_zh: "破骨\\0细胞"\n' + text[at:].split("\n", 1)[1],
                    encoding="utf-8")
    before = snapshot(out)
    proc = _osteokg("build", "-o", str(out), "--no-java", home=home, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert re.search(r"core\.yaml:\d+: concept \S+: label_zh: contains the control character "
                     r"U\+0000", proc.stderr), proc.stderr
    assert snapshot(out) == before


@pytest.mark.parametrize(("text", "message"), [
    ("- &a {id: CL:0000092}\n- *a\n", ":1: YAML anchor &a"),
    ("- id: CL:0000092\n  <<: {label: x}\n", ":2: merge keys (<<) are not allowed"),
    ("", ":1: the file is empty"),
])
def test_fmt_never_expands_or_empties_a_file(seeds, monkeypatch, text, message):
    """`osteokg fmt` read files with yaml.safe_load: it expanded aliases and merge keys into
    the rewritten file, and turned an emptied file into `[]`."""
    monkeypatch.setattr("osteokg.canonical.SEEDS_DIR", seeds)
    path = seeds / "concepts" / "extra.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt"])
    assert result.exit_code == 2, result.output
    assert f"{path}{message}" in result.stderr
    assert path.read_text(encoding="utf-8") == text
