"""CLI commands: lexicon export (see audio_artigo.cli)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group("lexicon")
def lexicon_group() -> None:
    """Pronunciation lexicons: share the newsroom's with other tools."""


@lexicon_group.command("export")
@click.argument("source", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["pls", "tsv"]), default="pls", show_default=True,
              help="pls: W3C Pronunciation Lexicon (Amazon Polly, Azure, ElevenLabs); tsv: word<TAB>reading.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the lexicon to this file (replaced atomically). Default: standard output.")
@click.option("--dir", "out_dir", type=click.Path(file_okay=False, path_type=Path), default="output", show_default=True,
              help="Without SOURCE: the output folder whose podcast.toml (else the current folder's) names the lexicon.")
def export(source: Path | None, fmt: str, out: Path | None, out_dir: Path) -> None:
    """Write the lexicon SOURCE (TSV, TOML or PLS; default: the one podcast.toml names) in another format."""
    from audio_artigo.errors import ConfigError
    from audio_artigo.normalize.lexicon import export_lexicon

    if source is None:
        from audio_artigo.podcast.config import load_config

        config = load_config(out_dir)
        if config.lexicon is None:
            raise ConfigError(f"no lexicon given, and no podcast.toml (in {out_dir} or here) names one")
        source = config.lexicon
    data, count = export_lexicon(source, fmt)
    if out is None or str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from audio_artigo.atomicio import write_bytes

    write_bytes(out, data)
    click.echo(f"{source}: {count} entries written to {out} ({fmt})", err=True)


COMMANDS: list[click.Command] = [lexicon_group]
