"""The ``audio-artigo`` command line: thin wrappers around library functions.

Each command parses its arguments, calls one library function and turns the
project's own errors into one line on stderr and a non-zero exit status.
Heavy modules are imported inside the commands, so ``--help`` stays instant.
"""

from __future__ import annotations

import os
import sys

# Before numpy loads: this program's numpy work is on short arrays, and the
# extra OpenBLAS threads only spin after each call, taking a core from
# onnxruntime (~15 % of a one-sentence re-build's CPU time). Worker processes
# inherit it. A value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click

from audio_artigo import __version__
from audio_artigo.errors import AudioArtigoError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="audio-artigo")
def cli() -> None:
    """Turn Brazilian Portuguese news articles into podcast episodes."""


def _register() -> None:
    from audio_artigo.cli import build, dist, follow, lexicon, normalize, podcast, segment, voices

    for module in (build, follow, normalize, lexicon, segment, voices, podcast, dist):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="audio-artigo", standalone_mode=False)
    except AudioArtigoError as exc:
        click.echo(f"audio-artigo: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("audio-artigo: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("audio-artigo: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(141)
    if argv is None:
        # Run as a program, a finished command skips the interpreter's teardown:
        # unloading onnxruntime alone takes ~40 ms, a tenth of a one-sentence
        # re-build. Every file has been written and closed by now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    sys.exit(0)
