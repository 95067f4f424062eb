"""CLI commands: normalize (see audio_artigo.cli)."""

import click

COMMANDS: list[click.Command] = []
