"""CLI commands: voices (see audio_artigo.cli)."""

import click

COMMANDS: list[click.Command] = []
