"""Run an ``audio-artigo`` command and stop it at a chosen write step: the crash tests' launcher.

    python -m tests.robustness.killpoint [OPTIONS] -- build ARTICLE... --out DIR ...

A *write step* is anything that changes the file system, as Python's audit
hooks (``sys.addaudithook``) see it just before it happens: opening a file for
writing, a rename or replace, a removal, a new folder, opening the SQLite
catalogue. Stopping "at step N" leaves steps 1..N-1 done and step N not begun.

Options:

--kill-at N         SIGKILL the command's whole process group (the build and its
                    synthesis workers) at write step N.
--fail-from N ERRNO from the N-th write step on, writes fail with OSError(ERRNO)
                    and the command carries on as it would after a real
                    failure. ENOSPC, a disk that fills up: opening a file for
                    writing fails, while folders can still be made and files
                    renamed and removed (as on a tmpfs). EROFS, a folder that
                    turns read-only: every write step fails.
--in main|workers   whose steps count: the main process (default), or each
                    synthesis worker's own (the first worker to reach N acts).
--log FILE          append one JSON line per write step of any process: pid,
                    role, step number, event, path.
--notify-fd FD      write one byte to this inherited descriptor at the first
                    write step (lets a test kill the build at a random moment
                    of its writing phase).

The command must run in its own process group (``start_new_session=True``),
which the kill takes down whole; the launcher refuses to run otherwise.
Worker processes are started with "spawn", which imports this module in each
of them as ``__mp_main__``: that is where their hook is installed, from the
settings the main process leaves in an environment variable.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
import time

SETTINGS_VARIABLE = "AUDIO_ARTIGO_KILLPOINT"

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_CHANGING_EVENTS = {
    "os.rename": "rename",  # os.rename, os.replace, Path.rename, Path.replace
    "os.remove": "remove",  # os.remove, os.unlink, Path.unlink
    "os.mkdir": "mkdir",
    "os.rmdir": "rmdir",
    "os.truncate": "truncate",
    "os.link": "link",
    "os.symlink": "symlink",
    "sqlite3.connect": "catalogue",
}


def write_step(event: str, args: tuple) -> tuple[str, str] | None:
    """(kind, path) when the audit event changes the file system, else None."""
    if event == "open":
        path, mode, flags = args
        if isinstance(path, int):
            return None  # wrapping a descriptor already open
        writes = any(char in mode for char in "wax+") if mode is not None else bool(flags & _WRITE_FLAGS)
        return ("open", os.fsdecode(path)) if writes else None
    kind = _CHANGING_EVENTS.get(event)
    if kind is None:
        return None
    return kind, os.fsdecode(args[0]) if isinstance(args[0], (str, bytes, os.PathLike)) else repr(args[0])


class StepHook:
    """The audit hook of one process: counts its write steps and acts at the chosen one."""

    def __init__(self, settings: dict, role: str, group: int):
        self.role = role
        self.group = group
        self.acts = settings["in"] == role
        self.kill_at = settings.get("kill_at")
        self.fail_from = settings.get("fail_from")
        self.fail_errno = settings.get("errno")
        self.notify_fd = settings.get("notify_fd") if role == "main" else None
        self.log_fd = os.open(settings["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT) if settings.get("log") else None
        self.steps = 0
        self.started = time.monotonic()

    def __call__(self, event: str, args: tuple) -> None:
        step = write_step(event, args)
        if step is None:
            return
        kind, path = step
        self.steps += 1
        if self.log_fd is not None:
            line = {"pid": os.getpid(), "role": self.role, "step": self.steps, "event": kind, "path": path,
                    "seconds": round(time.monotonic() - self.started, 4)}  # fmt: skip
            os.write(self.log_fd, (json.dumps(line) + "\n").encode())
        if self.notify_fd is not None:
            os.write(self.notify_fd, b"!")
            os.close(self.notify_fd)
            self.notify_fd = None
        if not self.acts:
            return
        if self.kill_at == self.steps:
            os.killpg(self.group, signal.SIGKILL)
        if self.fail_from is not None and self.steps >= self.fail_from and self._fails(kind):
            raise OSError(self.fail_errno, os.strerror(self.fail_errno), path)

    def _fails(self, kind: str) -> bool:
        return kind == "open" if self.fail_errno == errno.ENOSPC else True


def _parse(argv: list[str]) -> tuple[dict, list[str]]:
    parser = argparse.ArgumentParser(prog="python -m tests.robustness.killpoint")
    parser.add_argument("--kill-at", type=int)
    parser.add_argument("--fail-from", nargs=2, metavar=("N", "ERRNO"))
    parser.add_argument("--in", dest="role", choices=["main", "workers"], default="main")
    parser.add_argument("--log")
    parser.add_argument("--notify-fd", type=int)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    settings = {"in": options.role, "kill_at": options.kill_at, "log": options.log, "notify_fd": options.notify_fd}
    if options.fail_from:
        settings["fail_from"] = int(options.fail_from[0])
        settings["errno"] = getattr(errno, options.fail_from[1])
    return settings, command


def main(argv: list[str]) -> None:
    settings, command = _parse(argv)
    group = os.getpgrp()
    if group != os.getpid():
        sys.exit("killpoint: run me in my own process group (start_new_session=True): a kill takes the group down")
    os.environ[SETTINGS_VARIABLE] = json.dumps({**settings, "group": group, "notify_fd": None})
    sys.addaudithook(StepHook(settings, "main", group))

    from audio_artigo.cli import main as audio_artigo_main

    audio_artigo_main(command)


def _install_in_worker() -> None:
    """In a synthesis worker (this module imported as __mp_main__): count this worker's steps."""
    settings = json.loads(os.environ[SETTINGS_VARIABLE])
    if os.getpgrp() == settings["group"]:  # never act on another process group
        sys.addaudithook(StepHook(settings, "workers", settings["group"]))


if __name__ == "__main__":
    main(sys.argv[1:])
elif __name__ == "__mp_main__" and SETTINGS_VARIABLE in os.environ:
    _install_in_worker()
