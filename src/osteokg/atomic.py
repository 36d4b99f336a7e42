"""Atomic file output: a reader never sees a half-written file, a failure leaves none."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _default_mode())  # mkstemp creates 0600; releases are world-readable
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


@contextmanager
def staged_directory(target: Path) -> Iterator[Path]:
    """Yield a scratch directory; on success move every file in it into ``target``.

    Each file is moved with ``os.replace`` (atomic per file, not as a whole: a reader may
    see old and new files side by side for a moment), files in sub-directories into the same
    sub-directories of ``target`` (made when missing). If the body raises, the scratch
    directory is removed and ``target`` is untouched. For a set of files that belong
    together use :func:`swapped_directory`.
    """
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".staging-", dir=target))
    scratch.chmod(0o777 & ~os.umask(os.umask(0)))
    try:
        yield scratch
        for item in sorted(scratch.rglob("*")):
            if item.is_dir():
                continue
            destination = target / item.relative_to(scratch)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(item, destination)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# --- a directory replaced as a whole ---------------------------------------------------------

class DirectoryInUse(OSError):
    """``target`` is a real directory holding files that are not a release's."""


def versions_dir(target: Path) -> Path:
    """Where the versions of ``target`` live: ``.NAME.versions`` beside it."""
    target = Path(target)
    return target.parent / f".{target.name}.versions"


@contextmanager
def swapped_directory(target: Path, *, owned: Iterable[str] = ()) -> Iterator[Path]:
    """Yield an empty folder to fill; on success make ``target`` show it, atomically.

    ``target`` is a symbolic link to a complete, never-modified version folder in
    :func:`versions_dir`; a new version is written beside the others, then the link is
    swapped by one ``rename(2)`` of a new link over it. A reader that opens
    ``target/FILE`` gets the old or the new version's file; to read several files of one
    version, resolve ``target`` once (``Path.resolve``). A kill at any moment leaves the
    link on the old or the new version; what it leaves behind (a ``.staging-*`` folder, a
    spare link) is removed by the next swap, which also deletes versions older than the
    previous one (kept so that a reader who resolved the link just before the swap can
    still open its files). Writers take a lock, so two builds never mix either.

    A ``target`` that is a real directory (an older release layout) is turned into the link
    the same way, by exchanging the two names in one ``renameat2(RENAME_EXCHANGE)`` where
    the system has it; it may hold only names in ``owned`` (the files a release consists
    of) and dot-files, else :class:`DirectoryInUse` is raised and nothing is changed.
    """
    target = Path(target)
    versions = versions_dir(target)
    versions.mkdir(parents=True, exist_ok=True)
    with _locked(versions / ".lock"):
        _check_target(target, versions, set(owned))
        _remove_leftovers(target, versions)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=versions))
        try:
            staging.chmod(0o777 & ~os.umask(os.umask(0)))
            yield staging
            _sync_tree(staging)
            version = versions / _version_name(versions)
            os.rename(staging, version)
            _sync_dir(versions)
            previous = _link_to(target, versions)
            replaced = _point(target, version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _prune(versions, keep={p.name for p in (version, previous, replaced) if p})


def _check_target(target: Path, versions: Path, owned: set[str]) -> None:
    if target.is_symlink():
        if _link_to(target, versions) is None:
            raise DirectoryInUse(f"{target} is a link to {os.readlink(target)}, which osteokg "
                                 "did not make - give that folder's own path")
        return
    if target.exists() and not target.is_dir():
        raise DirectoryInUse(f"{target} is a file - give the path of a release folder")
    if target.is_dir():
        others = sorted(p.name for p in target.iterdir()
                        if p.name not in owned and not p.name.startswith("."))
        if others:
            shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
            raise DirectoryInUse(f"{target} holds files that are not a release's ({shown}) - "
                                 "give a new or empty folder: it is replaced as a whole")


def _link_to(target: Path, versions: Path) -> Path | None:
    """The version folder ``target`` links to, if it is one of ``versions``."""
    if not target.is_symlink():
        return None
    linked = (target.parent / os.readlink(target))
    if linked.parent.resolve() != versions.resolve():
        return None
    return versions / linked.name


def _version_name(versions: Path) -> str:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return f"{stamp}-{secrets.token_hex(4)}"


def _point(target: Path, version: Path) -> Path | None:
    """Make ``target`` a link to ``version`` in one rename (or one exchange); return the
    real folder it named before, now moved into the versions folder (else None)."""
    link = target.parent / f".{target.name}.link-{secrets.token_hex(4)}"
    os.symlink(os.path.relpath(version, target.parent), link)
    before = None
    try:
        if target.is_dir() and not target.is_symlink():
            _exchange(link, target)  # link now names the old folder
            before = version.parent / f"{_version_name(version.parent)}.replaced"
            os.rename(link, before)
        else:
            os.replace(link, target)
    finally:
        if link.is_symlink():
            link.unlink()
    _sync_dir(target.parent)
    return before


def _exchange(a: Path, b: Path) -> None:
    """Swap the names ``a`` and ``b`` atomically (Linux ``renameat2``); elsewhere move ``b``
    aside first, so a reader may briefly find no ``b`` (never a mix of two versions)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        at_fdcwd, rename_exchange = -100, 2
        if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
            return
    aside = b.parent / f".{b.name}.aside-{secrets.token_hex(4)}"
    os.rename(b, aside)
    os.replace(a, b)
    os.rename(aside, a)


def _remove_leftovers(target: Path, versions: Path) -> None:
    """What a killed writer leaves: staging folders, spare links, folders set aside."""
    for path in versions.glob(".staging-*"):
        shutil.rmtree(path, ignore_errors=True)
    for pattern in (f".{target.name}.link-*", f".{target.name}.aside-*"):
        for path in target.parent.glob(pattern):
            if path.is_symlink():
                path.unlink()
            elif path.is_dir():
                os.rename(path, versions / f"{path.name.lstrip('.')}.replaced")
    if target.is_dir() and not target.is_symlink():  # an older layout's own leftovers
        for path in target.glob(".staging-*"):
            shutil.rmtree(path, ignore_errors=True)


def _prune(versions: Path, keep: set[str]) -> None:
    for path in versions.iterdir():
        if path.name not in keep and not path.name.startswith("."):
            shutil.rmtree(path, ignore_errors=True)


def _sync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    _sync_dir(folder)


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (released when the process dies, whatever kills it)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
