"""osteokg: a knowledge graph of the macrophage-osteoclast axis in bone disease.

The public API, importable from the package without knowing its layout::

    from osteokg import compile_all, open_graph, run_query
    store, note = open_graph()  # the release, or the curation compiled in memory
    print(run_query(store, "osteoclast-origins").rows[:3])

(``osteokg.build.build`` writes a release and ``osteokg.paths.paths`` finds causal paths;
they are not re-exported because their names are those of their modules.) Names are
resolved on first use, so ``import osteokg`` (and ``osteokg --help``) stays instant.
The modules follow the pipeline: ``text`` -> ``curation`` -> ``compile`` -> ``inference`` /
``reason`` -> ``validate`` -> ``release``, with ``build`` running them; ``terms``,
``relations``, ``prefixes`` and ``constants`` sit below all stages; ``query``, ``graph``,
``paths``, ``kgx``, ``server`` and ``endpoint`` use the built graph; ``cli`` is the command
line.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "compile_all": "build",
    "explain": "reason",
    "load_curation": "curation",
    "load_query": "query",
    "open_graph": "graph",
    "reason_dataset": "reason",
    "run_query": "query",
    "validate_files": "validate",
    "validate_store": "validate",
    "write_kgx": "kgx",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'osteokg' has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
