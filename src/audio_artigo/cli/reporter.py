"""Progress and warnings on the terminal (rich), quiet when stderr is not a terminal."""

from __future__ import annotations

import sys

import click


class TerminalReporter:
    """Implements build.Reporter: a progress bar per phase on a terminal, warnings always."""

    def __init__(self) -> None:
        self._progress = None
        self._task = None

    def __enter__(self) -> "TerminalReporter":
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                console=Console(stderr=True), transient=True,
            )
            self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()

    def warn(self, message: str) -> None:
        self._print(f"audio-artigo: warning: {message}")

    def info(self, message: str) -> None:
        self._print(f"audio-artigo: {message}")

    def _print(self, message: str) -> None:
        if self._progress is not None:
            self._progress.console.print(message, markup=False, highlight=False)
        else:
            click.echo(message, err=True)

    def start(self, phase: str, total: float) -> None:
        if self._progress is not None:
            if self._task is not None:
                self._progress.remove_task(self._task)
            self._task = self._progress.add_task(phase, total=total)

    def advance(self, amount: float) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, amount)
