"""Run an ``audio-artigo`` command with its output folder on a small disk, or read-only.

    unshare --map-root-user --mount python -m tests.robustness.smalldisk --free BYTES --result DEST FOLDER -- build ...
    unshare --map-root-user --mount python -m tests.robustness.smalldisk --read-only FOLDER -- build ...

It must run in a mount namespace of its own (``unshare``: no root needed
where user namespaces are allowed; mounts are private to it by default), so
its mounts vanish with it.

--free BYTES  FOLDER becomes a tmpfs holding FOLDER's files with BYTES to
              spare (whole pages): writes beyond that fail with ENOSPC, in
              Python, SQLite and onnxruntime alike. The folder as the command
              left it is copied to DEST (which outlives the namespace).
--read-only   FOLDER is bind-mounted read-only over itself.

Exits with the command's status; its output passes through.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def available() -> bool:
    """Whether this machine lets an unprivileged process mount in a namespace of its own."""
    if shutil.which("unshare") is None:
        return False
    with tempfile.TemporaryDirectory() as mount_point:
        probe = ["unshare", "--map-root-user", "--mount", "mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", mount_point]
        return subprocess.run(probe, capture_output=True).returncode == 0


def command_line(folder: Path, command: list[str], free: int | None = None, result: Path | None = None) -> list[str]:
    """The command line that runs ``audio-artigo COMMAND`` with ``folder`` small (``free`` bytes) or read-only."""
    mode = ["--free", str(free), "--result", str(result)] if free is not None else ["--read-only"]
    return ["unshare", "--map-root-user", "--mount", sys.executable, "-m", "tests.robustness.smalldisk",
            *mode, str(folder), "--", *command]  # fmt: skip


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True)


def _used_bytes(folder: Path) -> int:
    usage = os.statvfs(folder)
    return (usage.f_blocks - usage.f_bfree) * usage.f_frsize


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.robustness.smalldisk")
    parser.add_argument("--free", type=int)
    parser.add_argument("--result", type=Path)
    parser.add_argument("--read-only", action="store_true")
    parser.add_argument("folder", type=Path)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    arguments = options.command[1:] if options.command[:1] == ["--"] else options.command
    command = [sys.executable, "-m", "audio_artigo", *arguments]
    folder = options.folder.resolve()

    if options.read_only:
        _mount("--bind", str(folder), str(folder))
        _mount("-o", "remount,bind,ro", str(folder))
        return subprocess.run(command).returncode

    with tempfile.TemporaryDirectory(dir=folder.parent) as original:
        shutil.copytree(folder, original, symlinks=True, dirs_exist_ok=True)
        _mount("-t", "tmpfs", "-o", "size=1g", "tmpfs", str(folder))
        shutil.copytree(original, folder, symlinks=True, dirs_exist_ok=True)
    _mount("-o", f"remount,size={_used_bytes(folder) + options.free}", str(folder))
    status = subprocess.run(command).returncode
    shutil.copytree(folder, options.result, symlinks=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
