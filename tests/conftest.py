"""Shared fixtures: the mini curation (tests/resources/mini-seeds) and the real build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

RESOURCES = Path(__file__).parent / "resources"
MINI_SEEDS = RESOURCES / "mini-seeds"
#: The shared reference releases exist only in the development workspace, never for users.
REFERENCE_DIR = Path(os.environ.get("OSTEOKG_REFERENCE",
                                    Path(__file__).resolve().parents[2] / "shared" / "reference"))


@pytest.fixture(scope="session")
def mini_build():
    """The mini curation compiled (no reasoning, no validation)."""
    from osteokg.build import compile_all

    return compile_all(seeds_dir=MINI_SEEDS)


@pytest.fixture(scope="session")
def real_build():
    """The real curation compiled (no reasoning, no validation)."""
    from osteokg.build import compile_all

    return compile_all()


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE_DIR.is_dir():
        pytest.skip("reference releases (../shared/reference) not available")
    return REFERENCE_DIR
