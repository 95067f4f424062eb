"""CLI commands: build (see audio_artigo.cli)."""

import click

COMMANDS: list[click.Command] = []
