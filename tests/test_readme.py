"""The README shows real output: every ``$ osteokg query ...`` example in a console block is
run on the built graph and must print exactly what the README shows."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat, serialize

from osteokg.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"```console\n\$ (osteokg query [^\n]+)\n(.*?)\n```", re.S)


def examples() -> list[tuple[str, str]]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def test_the_readme_has_three_query_examples():
    assert len(examples()) >= 3


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory) -> Path:
    from osteokg.build import build

    built = build(None, validate=False, use_java=False)
    out = tmp_path_factory.mktemp("readme-release")
    nq = out / "osteokg.nq"
    nq.write_bytes(serialize(built.dataset.quads(), format=RdfFormat.N_QUADS))
    future = nq.stat().st_mtime + 10 * 365 * 24 * 3600  # stays newer than the seeds
    os.utime(nq, (future, future))
    return out


@pytest.mark.parametrize(("command", "shown"), examples(), ids=[c for c, _ in examples()])
def test_readme_example_output_is_real(command, shown, release_dir):
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(main, [*args, "--release", str(release_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip("\n") == shown
