"""The release folder is replaced as a whole: a kill at any step of a build's write, or a
reader at any moment, finds the old release or the new one, never a mix; what a killed
write leaves behind is removed by the next one.

Faults are injected in a real process: a small script writes a release through
``osteokg.release.write_release`` with ``os.rename``, ``os.replace``, ``os.symlink``,
``os.fsync``, ``os.unlink`` and ``os.rmdir`` wrapped so that the N-th call kills the
process with SIGKILL before it happens; N runs over every step until a write completes.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from osteokg.atomic import versions_dir
from osteokg.errors import OsteoKGError
from osteokg.release import RELEASE_FILES, write_release

KILLER = r"""
import os, signal, sys
from pathlib import Path

calls = 0
kill_at = int(sys.argv[3])

def trap(fn):
    def wrapped(*args, **kwargs):
        global calls
        calls += 1
        if calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return fn(*args, **kwargs)
    return wrapped

sys.path.insert(0, sys.argv[4])
from test_release_swap import release_files  # noqa: E402
from osteokg.release import write_release  # noqa: E402

for name in ("rename", "replace", "symlink", "fsync", "unlink", "rmdir"):
    setattr(os, name, trap(getattr(os, name)))
write_release(release_files(sys.argv[2]), Path(sys.argv[1]))
print(calls)
"""


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
    found += [p.name for p in versions.iterdir() if p.name.startswith(".staging-")]
    return found


def kill_run(out: Path, generation: str, kill_at: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(out), generation, str(kill_at),
         str(Path(__file__).parent)],
        capture_output=True, text=True, timeout=60)


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
        proc = kill_run(out, "new", kill_at)
        generation = generation_of(out.resolve())
        seen.add(generation)
        if proc.returncode == 0:
            assert generation == "new"
            assert kill_at > 3, "the write should take several steps"
            break
        assert proc.returncode == -signal.SIGKILL, proc.stderr
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
            except BaseException as exc:  # a mix
                errors.append(exc)
                return

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for i in range(1, 30):
            write_release(release_files(f"g{i}"), out)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[0]
    assert len(set(seen)) > 1
    assert generation_of(out.resolve()) == "g29"


def test_a_folder_of_other_files_is_not_replaced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OsteoKGError, match="holds files that are not a release's"):
        write_release(release_files("new"), out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert not out.is_symlink()
    assert leftovers(out) == []


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
