"""Atomic file writes: a temporary file in the same folder, fsync, then rename.

Readers (podcast apps, the web server, a concurrent build) see either the old
file or the new one, never a half-written one. Temporary names start with a dot
and end in ``.tmp`` so the server and the feed never list them.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

from audio_artigo.errors import PublishError

TEMP_SUFFIX = ".tmp"

# mkstemp creates files readable by their owner only; published files must be
# readable like any other file the user creates (a web server may serve them).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def is_temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def temp_path_for(path: Path) -> Path:
    """A fresh temporary path beside ``path`` (same filesystem, so rename is atomic)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    os.fchmod(fd, 0o666 & ~_UMASK)
    os.close(fd)
    return Path(name)


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def commit(temp: Path, final: Path) -> None:
    """Rename a finished temporary file into place and make the rename durable."""
    os.replace(temp, final)
    fsync_dir(final.parent)


@contextlib.contextmanager
def atomic_writer(
    path: Path, mode: str = "wb", encoding: str | None = None, durable: bool = True
) -> Iterator[IO]:
    """Open a temporary file for writing; on success it replaces ``path``.

    An OS failure (disk full, read-only folder) becomes a PublishError naming
    the file, and leaves the previous ``path`` untouched. ``durable=False``
    skips the fsyncs (still atomic against a killed process, not against a
    power cut): for caches, whose entries can be rebuilt.
    """
    path = Path(path)
    try:
        temp = temp_path_for(path)
    except OSError as exc:
        raise PublishError(f"cannot write in {path.parent}: {exc.strerror or exc}") from exc
    try:
        with open(temp, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if durable:
            commit(temp, path)
        else:
            os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):  # gone already, or the folder turned read-only: the error that counts is exc
            temp.unlink()
        if isinstance(exc, OSError):
            raise PublishError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise


def write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    with atomic_writer(path, "wb", durable=durable) as handle:
        handle.write(data)


def write_text(path: Path, text: str, durable: bool = True) -> None:
    with atomic_writer(path, "w", encoding="utf-8", durable=durable) as handle:
        handle.write(text)
