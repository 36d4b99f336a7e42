"""``reason --agreement`` bounded: HermiT runs on batches of probes with a chosen Java heap.

Runs the real HermiT (owlready2's) on the mini curation (tests/resources/mini-seeds), on a
few probes; the figures for the real graph are in the README.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

MINI_SEEDS = Path(__file__).parent / "resources" / "mini-seeds"


@pytest.fixture(scope="module")
def mini():
    """The mini curation materialised, and the object with the most edges."""
    from collections import Counter

    from osteokg.build import compile_all
    from osteokg.reason import SUBCLASS, materialise_dataset

    result = compile_all(seeds_dir=MINI_SEEDS)
    m = materialise_dataset(result.dataset)
    counts = Counter(o for _s, p, o in m.all_edges() if p != SUBCLASS)
    return result, m, [o for o, _n in counts.most_common(1)]


@pytest.mark.java
@pytest.mark.slow
def test_agreement_runs_hermit_once_per_batch(java, mini) -> None:
    from osteokg.reason import SUBCLASS, agreement

    result, m, objects = mini
    probes = len({p for _s, p, _o in m.all_edges() if p != SUBCLASS}) * len(objects)
    runs: list[tuple[int, int]] = []
    found = agreement(result.dataset, m, java=java, objects=objects, java_memory_mb=1000,
                      batch=probes // 2 + 1,
                      progress=lambda done, total: runs.append((done, total)))
    assert found.probes == probes > 2
    assert runs == [(1, 2), (2, 2)]
    # batching changes how HermiT is run, not what it concludes
    whole = agreement(result.dataset, m, java=java, objects=objects, java_memory_mb=1000)
    assert found.unjustified == whole.unjustified == []
    assert found.missing == whole.missing
    assert found.left_out == whole.left_out
    assert (found.by_class, found.by_individual) == (whole.by_class, whole.by_individual)
    assert found.by_class + found.by_individual == found.checked_edges > 0


@pytest.mark.java
def test_too_small_a_heap_names_the_options_that_fix_it(java, mini) -> None:
    from osteokg.errors import OsteoKGError
    from osteokg.reason import agreement

    result, m, objects = mini
    with pytest.raises(OsteoKGError) as caught:
        agreement(result.dataset, m, java=java, objects=objects, java_memory_mb=8)
    message = str(caught.value)
    assert "8 MB Java heap" in message
    assert "--java-memory" in message and "--batch" in message


@pytest.mark.parametrize("args, option", [
    (["--batch", "0"], "--batch"),
    (["--batch", "many"], "--batch"),
    (["--java-memory", "-1"], "--java-memory"),
    (["--java-memory", "100"], "--java-memory"),
])
def test_bad_reasoner_options_are_clear_errors(args, option) -> None:
    from osteokg.cli import main

    out = CliRunner().invoke(main, ["reason", "--agreement", *args])
    assert out.exit_code == 2
    assert f"Invalid value for '{option}'" in out.output
    assert "Traceback" not in out.output
