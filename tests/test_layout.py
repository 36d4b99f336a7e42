"""The package's import graph runs one way, down the pipeline.

Read statically from the source (every ``from .x import`` / ``from ..x import``, also inside
functions, where the package defers heavy imports): no module may reach itself through
imports, term resolution sits below the stages that resolve user input, and the CLI is
imported by nothing but itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import osteokg

PACKAGE = Path(osteokg.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
                if node.module is None:  # from . import a, b
                    deps.update(f"{target}.{a.name}" for a in node.names)
                else:
                    deps.add(target)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("osteokg"))
        graph[name] = {d for d in deps if d != name}
    known = set(graph)
    return {m: {d for d in deps if d in known} for m, deps in graph.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle():
    graph = _imports()
    assert "osteokg.terms" in graph and "osteokg.cli.query" in graph
    assert _cycles(graph) == []


def test_the_cycle_detector_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_term_resolution_is_below_the_stages():
    graph = _imports()
    assert graph["osteokg.terms"] <= {"osteokg.constants", "osteokg.errors", "osteokg.prefixes"}
    for stage in ("osteokg.reason", "osteokg.query", "osteokg.inference", "osteokg.compile"):
        assert not graph[stage] & {"osteokg.build", "osteokg.graph"}, stage


def test_only_the_cli_imports_the_cli():
    graph = _imports()
    for module, deps in graph.items():
        if not module.startswith("osteokg.cli"):
            assert not [d for d in deps if d.startswith("osteokg.cli")], module


def test_public_api_is_importable_from_the_package():
    import subprocess
    import sys

    for name in osteokg.__all__:
        assert callable(getattr(osteokg, name)), name
    # importing the package loads none of the pipeline
    code = "import sys, osteokg; print(sorted(m for m in sys.modules if m.startswith('osteokg')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['osteokg']"
