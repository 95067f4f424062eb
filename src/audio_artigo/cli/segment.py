"""CLI commands: segment (see audio_artigo.cli)."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("article", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the script as JSON: title, chapters, paragraphs of segments.")
@click.option("--keep-related", is_flag=True, help='Keep related-link blocks ("Leia também"...).')
def segment(article: Path, as_json: bool, keep_related: bool) -> None:
    """Show how ARTICLE will be read: chapters, paragraphs, narration and quotations."""
    from audio_artigo.sources.reader import read_article
    from audio_artigo.reading.segmenter import segment as segment_article

    script = segment_article(read_article(article), keep_related=keep_related)
    if as_json:
        text = json.dumps(script.to_json(), ensure_ascii=False, indent=2)
    else:
        text = _outline(script)
    click.echo(text.encode("utf-8"))  # bytes: UTF-8 whatever the terminal's locale says


def _outline(script) -> str:
    """Chapters, then one line per segment: "¶" opens a paragraph, "»" marks a quotation."""
    lines = [script.title]
    if script.byline:
        lines.append(script.byline)
    for number, chapter in enumerate(script.chapters, start=1):
        lines += ["", f"Chapter {number}: {chapter.title}"]
        for paragraph in chapter.paragraphs:
            for index, piece in enumerate(paragraph):
                lead = "  ¶ " if index == 0 else "    "
                lines.append(lead + ("» " if piece.kind == "quote" else "") + piece.text)
    return "\n".join(lines)


COMMANDS: list[click.Command] = [segment]
