"""Atomic writes when the folder turns read-only half-way: a PublishError, the previous file intact."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from audio_artigo import atomicio
from audio_artigo.errors import PublishError


def read_only(*args, **kwargs):
    raise OSError(errno.EROFS, os.strerror(errno.EROFS))


@pytest.mark.parametrize("failing", ["open", "replace"])
def test_a_folder_turning_read_only_after_the_temporary_file_is_made(tmp_path, monkeypatch, failing):
    """The write fails, and so does removing the temporary file: the error is still one PublishError."""
    target = tmp_path / "feed.xml"
    target.write_bytes(b"previous")
    if failing == "open":
        monkeypatch.setattr(atomicio, "open", read_only, raising=False)  # the module's open(), not every test's
    else:
        monkeypatch.setattr(atomicio.os, "replace", read_only)
    monkeypatch.setattr(Path, "unlink", read_only)

    with pytest.raises(PublishError, match="Read-only file system"):
        atomicio.write_bytes(target, b"new", durable=False)

    monkeypatch.undo()
    assert target.read_bytes() == b"previous"
