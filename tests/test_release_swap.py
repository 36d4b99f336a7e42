"""The release folder is replaced as a whole: a kill at any step of a build's write, or a
reader at any moment, finds the old release or the new one, never a mix; what a killed
write leaves behind is removed by the next one.

Faults are injected in a real process: a forked child writes a release through
``osteokg.release.write_release`` with ``os.rename``, ``os.replace``, ``os.symlink``,
``os.fsync``, ``os.unlink`` and ``os.rmdir`` wrapped so that the N-th call kills the
process with SIGKILL before it happens; N runs over every step until a write completes.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
from pathlib import Path

import pytest

from osteokg.atomic import versions_dir
from osteokg.errors import OsteoKGError
from osteokg.release import RELEASE_FILES, write_release

#: The os functions a release write calls at each of its steps.
STEPS = ("rename", "replace", "symlink", "fsync", "unlink", "rmdir")


def write_killed_at(out: Path, generation: str, kill_at: int) -> bool:
    """Write a release in a child process that SIGKILLs itself before its ``kill_at``-th
    step; True if it was killed, False if the write completed first."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            calls = 0

            def trap(fn):
                def wrapped(*args, **kwargs):
                    nonlocal calls
                    calls += 1
                    if calls == kill_at:
                        os.kill(os.getpid(), signal.SIGKILL)
                    return fn(*args, **kwargs)
                return wrapped

            for name in STEPS:
                setattr(os, name, trap(getattr(os, name)))
            write_release(release_files(generation), out)
            os._exit(0)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0, "the write failed without being killed"
    return False


def release_files(generation: str) -> dict[str, bytes]:
    """A stand-in release whose manifest names its generation and every file's SHA-256."""
    files = {key: f"{generation} {name}\n".encode() * 1000
             for key, name in RELEASE_FILES.items() if key != "manifest"}
    manifest = {"generation": generation,
                "files": {RELEASE_FILES[k]: hashlib.sha256(v).hexdigest()
                          for k, v in files.items()}}
    files["manifest"] = json.dumps(manifest).encode()
    return files


def generation_of(folder: Path) -> str:
    """The generation of the release in ``folder``, after checking that every file belongs
    to it (AssertionError on a mix)."""
    manifest = json.loads((folder / RELEASE_FILES["manifest"]).read_bytes())
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, (
            f"{name} is not the {manifest['generation']} release's")
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                   if p.is_file() and not p.name.startswith("."))  # kgx/ holds two files
    assert names == sorted(RELEASE_FILES.values()), names
    return manifest["generation"]


def leftovers(out: Path) -> list[str]:
    versions = versions_dir(out)
    found = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")
             and p != versions]
    if versions.is_dir():
        found += [p.name for p in versions.iterdir() if p.name.startswith((".staging-",
                                                                         ".deleting-"))]
    return found


@pytest.mark.parametrize("layout", ["link", "older folder"])
def test_a_kill_at_any_step_leaves_the_old_or_the_new_release(tmp_path, layout):
    """Before: a kill during the final renames left a new manifest.json beside old files."""
    seen = set()
    for kill_at in range(1, 200):
        out = tmp_path / f"k{kill_at}" / "release"
        if layout == "link":
            write_release(release_files("old"), out)
        else:  # the layout of earlier osteokg releases: a real folder of files
            out.mkdir(parents=True)
            for name, data in release_files("old").items():
                (out / RELEASE_FILES[name]).parent.mkdir(exist_ok=True)  # kgx/
                (out / RELEASE_FILES[name]).write_bytes(data)
            (out / ".staging-left-by-a-kill").mkdir()
        killed = write_killed_at(out, "new", kill_at)
        generation = generation_of(out.resolve())
        seen.add(generation)
        if not killed:
            assert generation == "new"
            assert kill_at > 3, "the write should take several steps"
            break
        # the next write cleans up after the killed one
        write_release(release_files("next"), out)
        assert generation_of(out.resolve()) == "next"
        assert leftovers(out) == []
        kept = [p for p in versions_dir(out).iterdir() if not p.name.startswith(".")]
        assert len(kept) <= 2, kept
    else:
        pytest.fail("the write never completed")
    assert seen == {"old", "new"}, "kills before and after the swap were both exercised"


def test_readers_never_see_a_mix(tmp_path):
    out = tmp_path / "release"
    write_release(release_files("g0"), out)
    stop = threading.Event()
    seen: list[str] = []
    errors: list[BaseException] = []

    def reader() -> None:
        while not stop.is_set():
            try:
                seen.append(generation_of(out.resolve()))
            except FileNotFoundError:  # its version was pruned two swaps later: read again
                continue
            except (AssertionError, OSError, ValueError) as exc:  # a mix, or a torn file
                errors.append(exc)
                return

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for i in range(1, 16):
            write_release(release_files(f"g{i}"), out)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[0]
    assert len(set(seen)) > 1
    assert generation_of(out.resolve()) == "g15"


def test_a_folder_of_other_files_is_not_replaced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OsteoKGError, match="holds files that are not a release's"):
        write_release(release_files("new"), out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert not out.is_symlink()
    assert leftovers(out) == [] and not versions_dir(out).exists()


def test_release_link_is_relative_and_files_are_readable(tmp_path):
    out = tmp_path / "release"
    paths = write_release(release_files("g1"), out)
    assert out.is_symlink() and not os.readlink(out).startswith("/")
    assert paths["nquads"] == out / "osteokg.nq"
    mode = (out.resolve() / "osteokg.nq").stat().st_mode & 0o777
    assert mode & 0o044 == 0o044 & ~_umask(), oct(mode)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("where", ["foreign folder", "current folder", "a file"])
def test_build_refuses_an_output_it_cannot_replace_before_any_work(tmp_path, monkeypatch,
                                                                    where):
    from click.testing import CliRunner

    from osteokg.cli import main

    monkeypatch.chdir(tmp_path)
    target = {"foreign folder": tmp_path / "home", "current folder": tmp_path,
              "a file": tmp_path / "release"}[where]
    if where == "a file":
        target.write_text("x", encoding="utf-8")
    else:
        target.mkdir(exist_ok=True)
        (target / "thesis.docx").write_text("keep", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(main, ["build", "-o", str(target), "--no-reason"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: cannot write the release: ")
    assert "stage" not in result.stdout  # stopped before building anything
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_query_reads_a_swapped_release_and_indexes_each_version(release_dir, tmp_path):
    from click.testing import CliRunner

    from osteokg.cli import main

    nquads = (release_dir / "osteokg.nq").read_bytes()
    out = tmp_path / "release"
    versions = []
    for _ in range(2):
        write_release({"nquads": nquads, "manifest": b"{}\n"}, out)
        version = out.resolve()
        future = (version / "osteokg.nq").stat().st_mtime + 10 * 365 * 24 * 3600
        os.utime(version / "osteokg.nq", (future, future))  # newer than any seed file
        result = CliRunner().invoke(main, ["query", "osteoclast-origins", "--release", str(out),
                                           "--format", "tsv"])
        assert result.exit_code == 0, result.output
        assert "CL:0000092" in result.stdout and result.stderr == ""
        assert (version / "store").is_dir(), "the index is kept inside its own version"
        versions.append(version)
    assert versions[0] != versions[1]
