"""Atomic file output: a reader never sees a half-written file, a failure leaves none."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
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

    Each file is moved with ``os.replace`` (atomic per file), files in sub-directories into
    the same sub-directories of ``target`` (made when missing). If the body raises, the
    scratch directory is removed and ``target`` is untouched.
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
