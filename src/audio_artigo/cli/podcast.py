"""CLI commands for the podcast: init, feed and serve (see audio_artigo.cli)."""

from __future__ import annotations

from pathlib import Path

import click

_output_folder = click.option(
    "--dir",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default="output",
    show_default=True,
    help="The output folder that build writes into.",
)


@click.command()
@click.option("--title", help="The show's name.")
@click.option("--description", help="What the show is, in a sentence or two.")
@click.option("--author", help="Who makes the show.")
@click.option("--email", help="The owner's e-mail (public in the feed).")
@click.option("--language", help="The episodes' language (default pt-BR).")
@click.option("--category", help="An Apple Podcasts category (default News).")
@click.option("--explicit/--clean", default=None, help="Whether episodes have explicit content (default clean).")
@click.option("--cover", type=click.Path(dir_okay=False), help="A square JPEG or PNG, 1400 to 3000 pixels.")
@click.option("--base-url", help="The public URL of the output folder (e.g. https://example.org/podcast/).")
@click.option("--force", is_flag=True, help="Replace an existing podcast.toml.")
def init(force: bool, **settings: object) -> None:
    """Write a commented podcast.toml with defaults into the current folder."""
    from audio_artigo.errors import ConfigError
    from audio_artigo.podcast.config import CONFIG_NAME, write_default_config

    path = Path(CONFIG_NAME)
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists (use --force to replace it)")
    write_default_config(path, **settings)
    click.echo(f"wrote {path}")


@click.command()
@_output_folder
def feed(out_dir: Path) -> None:
    """Rewrite feed.xml (and index.html) from the folder's catalogue."""
    from audio_artigo.podcast.feed import write_feed
    from audio_artigo.podcast.config import load_config

    config = load_config(out_dir)
    path = write_feed(out_dir, config)
    click.echo(f"wrote {path}, to be subscribed at {config.feed_url}")
    if not config.base_url:
        click.echo(
            "note: podcast.toml sets no base_url, so the feed's links point at "
            "`audio-artigo serve` on this machine; set it before publishing",
            err=True,
        )
    if not config.email:
        click.echo("note: podcast.toml sets no email; Apple Podcasts asks for the owner's", err=True)


@click.command()
@_output_folder
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="The port.")
def serve(out_dir: Path, host: str, port: int) -> None:
    """Serve the output folder: index.html, feed.xml and the episodes."""
    from audio_artigo.podcast.server import serve as serve_folder

    click.echo(f"serving {out_dir}: page http://{host}:{port}/, feed http://{host}:{port}/feed.xml")
    serve_folder(out_dir, host, port)


COMMANDS: list[click.Command] = [init, feed, serve]
