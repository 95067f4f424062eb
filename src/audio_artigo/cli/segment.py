"""CLI commands: segment (see audio_artigo.cli)."""

import click

COMMANDS: list[click.Command] = []
