"""Open the graph a command reads: the release (indexed once into an on-disk store), data
files the user names, or the curation compiled and reasoned in memory when no release is
current.

This sits above the pipeline (it may run ``build``) and below the CLI; the query runner
(:mod:`osteokg.query`) only executes queries on a store it is given.
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Store


def open_graph(release_dir: Path | None = None, *, data: tuple[Path, ...] | list[Path] = (),
               rebuild: bool = False) -> tuple[Store, str | None]:
    """The store ``osteokg query`` answers from, and a note for the user (or None).

    * ``data`` given: exactly those RDF files, loaded into memory.
    * ``release_dir/osteokg.nq`` present and newer than every file under ``seeds/`` and
      ``ontology/``: that release, through an on-disk index of it (see below).
    * otherwise (or ``rebuild``): the graph compiled and reasoned in memory, as
      ``osteokg build`` would, without writing anything.

    Why an on-disk index: with its inferred graph the release holds about 80 000 quads
    (15 MB of N-Quads); parsing them into memory takes about 0.4 s on every command, opening
    a pyoxigraph store kept on disk 0.01-0.08 s (measured on the development machine). So
    the first query after a build writes ``release_dir/store/`` (about 1 s, once) and later
    ones open it read-only; several commands may read it at once. The index records the
    size and modification time of the ``osteokg.nq`` it was made from and the pyoxigraph
    version, and is remade when any of them differs. When it cannot be written (a
    read-only release), the N-Quads are loaded into memory instead. Compiling in memory
    skips SHACL validation and HermiT (about 1.5 s). A change to the compiler's code (rather
    than to seeds/ or ontology/) needs ``osteokg build`` or
    ``--rebuild`` to show up.
    """
    from .constants import DEFAULT_RELEASE_DIR
    from .store import load_files, refuse_merged_release

    if data:
        for path in data:
            refuse_merged_release(path)
        return load_files([Path(p) for p in data]), None
    release_dir = Path(release_dir if release_dir is not None else DEFAULT_RELEASE_DIR)
    if release_dir.is_symlink():  # resolved once: a build swapping it meanwhile is not seen
        release_dir = release_dir.resolve()
    nquads = release_dir / "osteokg.nq"
    reason = None
    if rebuild:
        reason = "--rebuild given"
    elif not nquads.is_file():
        reason = f"no release at {nquads}"
    else:
        newer = _newer_input(nquads.stat().st_mtime)
        if newer is not None:
            reason = f"{nquads} is older than {newer}"
    if reason is None:
        return _indexed_release(nquads, release_dir / STORE_DIR_NAME)
    store, how = _compile_in_memory()
    return store, f"{reason}; {how} - run 'osteokg build' to write the release"


STORE_DIR_NAME = "store"
_STAMP = "osteokg-store.json"


def _stamp_of(nquads: Path) -> dict:
    import pyoxigraph

    info = nquads.stat()
    return {"source": nquads.name, "size": info.st_size, "mtime_ns": info.st_mtime_ns,
            "pyoxigraph": pyoxigraph.__version__}


def _indexed_release(nquads: Path, store_dir: Path) -> tuple[Store, str | None]:
    """The release opened from its on-disk index, made (atomically) when missing or stale."""
    import json
    import os
    import shutil
    import tempfile

    from pyoxigraph import RdfFormat

    from .store import load_files

    stamp = _stamp_of(nquads)
    stamp_file = store_dir / _STAMP
    try:
        if json.loads(stamp_file.read_text(encoding="utf-8")) == stamp:
            return Store.read_only(str(store_dir)), None
    except (OSError, ValueError):
        pass
    staging = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=".store-", dir=store_dir.parent))
        store = Store(str(staging / "db"))
        store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
        store.flush()
        del store
        (staging / "db" / _STAMP).write_text(json.dumps(stamp, indent=1), encoding="utf-8")
        if store_dir.exists():
            shutil.rmtree(store_dir, ignore_errors=True)
        try:
            os.replace(staging / "db", store_dir)
        except OSError:
            pass  # another command made it at the same moment: use theirs
    except OSError as exc:
        note = f"could not write an index of the release ({exc}); loaded it into memory"
        return load_files([nquads]), note
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return Store.read_only(str(store_dir)), None


def _newer_input(mtime: float) -> Path | None:
    from .constants import ONTOLOGY_DIR, SEEDS_DIR

    for folder in (SEEDS_DIR, ONTOLOGY_DIR):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.stat().st_mtime > mtime:
                return path
    return None


def _compile_in_memory() -> tuple[Store, str]:
    from .build import build, compile_all

    try:
        result = build(None, validate=False, reason=True, use_java=False)
        return result.store, "compiled and reasoned the graph in memory"
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("osteokg"):
            raise
        note = ("compiled the graph in memory (no reasoner available: the inferred graph "
                "is empty)")
        return compile_all().store, note


# --- expected answers ----------------------------------------------------------------------
