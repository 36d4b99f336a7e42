"""SHACL validation of the graph (and of graph + imports) by several engines, verdicts kept.

Engines:

* ``osteokg``: :func:`osteokg.validate.validate_store` - pySHACL over the pyoxigraph store
  (what ``osteokg build`` and ``osteokg validate`` run);
* ``pyshacl-rdflib``: pySHACL over an rdflib memory Dataset, the usual way to run pySHACL
  (the obvious alternative);
* ``osteokg-booltrue``: the same, with one change to osteokg's data-graph wrapper
  (``__bool__`` returns True): pySHACL writes ``datagraph or shapes_graph`` for every
  (intermediate) result, and on pySHACL's Oxigraph wrapper truthiness falls back to
  ``__len__``, a ``COUNT(DISTINCT TRIPLE(?s, ?p, ?o))`` over the whole store - so validation
  time grows with results x store size. This variant measures the suggested fix in
  ``src/osteokg/validate.py``; it changes nothing else;
* ``turbo``: ``pyshacl_turbo.validate`` (a Rust engine with pySHACL's API, from PyPI) over
  the same pyoxigraph store;
* ``osteokg-baseline``: ``osteokg.validate`` as it was at a git revision (``rev``; run.py's
  ``--shacl-baseline``), loaded from ``git show REV:src/osteokg/validate.py`` beside today's
  package, so a change to the validator is timed against what it replaces in the same run.

Shape sets: ``full`` is ``shapes/`` as it is; ``portable`` leaves out the SPARQL constraints
that SHACL 1.0's rules for pre-bound variables forbid - a sub-SELECT that does not project
``$this``, or ``VALUES``, ``MINUS``, ``SERVICE`` - since the Rust engines refuse the whole
shapes graph because of one of them (pySHACL accepts them). Every engine run on
the same shape set must give the same results; the parent compares the ``verdict digest``.
"""

from __future__ import annotations

import hashlib
import re
import sys
import tempfile
from pathlib import Path

from .common import Stopwatch, rdflib_dataset

SH = "http://www.w3.org/ns/shacl#"
_SELECT_HEAD = re.compile(r"SELECT\b(.*?)\bWHERE", re.DOTALL | re.IGNORECASE)
_FORBIDDEN = re.compile(r"\b(VALUES|MINUS|SERVICE)\b", re.IGNORECASE)


def non_portable_constraints(graph) -> list:
    """SPARQL constraints (and SPARQL targets) outside SHACL 1.0's pre-binding rules:
    a (sub-)SELECT that does not project ``$this``, or VALUES / MINUS / SERVICE."""
    import rdflib

    out = []
    for node, query in graph.subject_objects(rdflib.URIRef(SH + "select")):
        text = re.sub(r'"[^"\n]*"|#[^\n]*', "", str(query))  # not inside strings/comments
        heads = _SELECT_HEAD.findall(text)
        if any(not re.search(r"[?$]this\b", h) for h in heads) or _FORBIDDEN.search(text):
            out.append(node)
    return out


def shapes_graph(shape_set: str):
    """The shapes as one rdflib graph, and the IRIs of constraints left out."""
    import rdflib

    from osteokg.validate import load_shapes

    full = load_shapes().graph
    if shape_set == "full":
        return full, []
    g = rdflib.Graph()
    for prefix, ns in full.namespaces():
        g.bind(prefix, ns)
    for t in full:
        g.add(t)
    dropped = non_portable_constraints(g)
    for node in dropped:
        for s in list(g.subjects(rdflib.URIRef(SH + "sparql"), node)):
            g.remove((s, rdflib.URIRef(SH + "sparql"), node))
        g.remove((node, None, None))
    return g, [str(n) for n in dropped]


def by_constraint(results_graph) -> dict[str, int]:
    """Number of results per named source constraint (or shape) and constraint component."""
    import rdflib

    from osteokg.prefixes import compress

    sh = rdflib.Namespace(SH)
    counts: dict[str, int] = {}
    for r in results_graph.subjects(rdflib.RDF.type, sh.ValidationResult):
        source = (results_graph.value(r, sh.sourceConstraint)
                  or results_graph.value(r, sh.sourceShape))
        component = str(results_graph.value(r, sh.sourceConstraintComponent)).rsplit("#", 1)[-1]
        name = compress(str(source)) if isinstance(source, rdflib.URIRef) else "(anonymous shape)"
        key = f"{name.replace('https://w3id.org/osteokg/shapes/', 'okgsh:')} {component}"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def verdict(results_graph) -> tuple[int, int, str]:
    """(violations, all results, digest of the results) from a SHACL results graph.

    Each result is keyed by focus node, severity, constraint component, named source shape
    or constraint, path (when an IRI) and value, so blank-node labels do not matter.
    """
    import rdflib

    sh = rdflib.Namespace(SH)

    def iri(x):
        return str(x) if isinstance(x, rdflib.URIRef) else ("" if x is None else "_")

    keys = []
    violations = 0
    for r in results_graph.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = results_graph.value(r, sh.resultSeverity)
        violations += severity == sh.Violation
        value = results_graph.value(r, sh.value)
        keys.append("|".join([
            iri(results_graph.value(r, sh.focusNode)), iri(severity),
            iri(results_graph.value(r, sh.sourceConstraintComponent)),
            iri(results_graph.value(r, sh.sourceShape)),
            iri(results_graph.value(r, sh.sourceConstraint)),
            iri(results_graph.value(r, sh.resultPath)),
            value.n3() if isinstance(value, (rdflib.URIRef, rdflib.Literal)) else iri(value)]))
    digest = hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:16]
    return violations, len(keys), digest


def validate_module_at(rev: str):
    """``osteokg.validate`` as it was at git revision ``rev``, imported under another name
    (its relative imports point at today's package: the modules it uses kept their API)."""
    import importlib.util
    import subprocess

    repo = Path(__file__).resolve().parents[2]
    text = subprocess.run(["git", "show", f"{rev}:src/osteokg/validate.py"], cwd=repo,
                          check=True, capture_output=True, text=True).stdout
    text = re.sub(r"^(\s*)from \.(\w+) import", r"\1from osteokg.\2 import", text,
                  flags=re.MULTILINE)
    path = Path(tempfile.mkdtemp(prefix="osteokg-baseline-")) / "validate_baseline.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("osteokg_validate_baseline", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def shacl(engine: str, files: list[str], shape_set: str = "full",
          rev: str | None = None) -> tuple[dict, dict]:
    sw = Stopwatch()
    shapes, dropped = shapes_graph(shape_set)
    info: dict = {"dropped constraints": dropped}
    if engine in ("osteokg", "osteokg-booltrue", "osteokg-baseline"):
        from osteokg import validate as osteokg_validate
        from osteokg.store import load_files

        if engine == "osteokg-baseline":
            osteokg_validate = validate_module_at(rev)
            info["revision"] = rev
        validate_store = osteokg_validate.validate_store

        if engine == "osteokg-booltrue":
            wrap = osteokg_validate._shacl_store

            def truthy_store(store):
                graph = wrap(store)
                type(graph).__bool__ = lambda self: True
                return graph

            osteokg_validate._shacl_store = truthy_store

        with sw("load"):
            store = load_files([Path(f) for f in files])
        with tempfile.TemporaryDirectory(prefix="osteokg-bench-shapes-") as tmp:
            shapes_dir = Path(tmp)
            shapes.serialize(shapes_dir / "shapes.ttl", format="turtle")
            if shape_set == "full":
                from osteokg.constants import SHAPES_DIR

                shapes_dir = SHAPES_DIR
            osteokg_validate.load_shapes(shapes_dir)  # parsing shapes is not validation
            with sw("validate"):
                report = validate_store(store, shapes_dir)
        results_graph = report.graph
        if not hasattr(results_graph, "subjects"):  # pySHACL returned a failure object
            raise SystemExit(f"pySHACL could not validate: {str(results_graph)[:300]}")
        info["summary"] = report.summary()
    elif engine == "pyshacl-rdflib":
        import pyshacl

        with sw("load"):
            ds = rdflib_dataset(files)
        with sw("validate"):
            _, results_graph, _ = pyshacl.validate(ds, shacl_graph=shapes, inference="none",
                                                   advanced=True, inplace=True,
                                                   allow_warnings=True, allow_infos=True)
    elif engine == "turbo":
        import pyshacl_turbo

        from osteokg.store import load_files

        with sw("load"):
            store = load_files([Path(f) for f in files])
        with sw("validate"):
            _, results_graph, text = pyshacl_turbo.validate(
                store, shacl_graph=shapes, inference="none", advanced=True,
                allow_warnings=True, allow_infos=True)
        if "Validation Failure" in text[:200]:  # the engine refused the shapes
            raise SystemExit(f"pyshacl-turbo refused the shapes: {text.strip()[:300]}")
    else:
        raise ValueError(f"unknown engine {engine!r}")
    violations, n, digest = verdict(results_graph)
    sw.metrics["load + validate"] = sw.metrics["load"] + sw.metrics["validate"]
    info.update({"violations": violations, "results": n, "verdict digest": digest,
                 "by constraint": by_constraint(results_graph)})
    return sw.metrics, info


WORKLOADS = {"shacl": shacl}
