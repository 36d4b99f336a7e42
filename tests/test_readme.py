"""The README shows real output: every ``$ osteokg query ...`` example in a console block is
run on the built graph and must print exactly what the README shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from osteokg.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"```console\n\$ (osteokg query [^\n]+)\n(.*?)\n```", re.DOTALL)


def examples() -> list[tuple[str, str]]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def test_the_readme_has_three_query_examples():
    assert len(examples()) >= 3


@pytest.mark.parametrize(("command", "shown"), examples(), ids=[c for c, _ in examples()])
def test_readme_example_output_is_real(command, shown, release_dir):
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(main, [*args, "--release", str(release_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip("\n") == shown
