"""CLI commands: segment (see audio_artigo.cli)."""

from __future__ import annotations

import json
import click


@click.command()
@click.argument("article")
@click.option("--json", "as_json", is_flag=True, help="Print the script as JSON: title, chapters, paragraphs of segments.")
@click.option("--keep-related", is_flag=True, help='Keep related-link blocks ("Leia também"...).')
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True, help="Seconds fetching a URL may take in all.")
@click.option("--max-size", default="10M", show_default=True, help="Largest page fetched (K, M, G suffixes).")
def segment(article: str, as_json: bool, keep_related: bool, timeout: float, max_size: str) -> None:
    """Show how ARTICLE (a file, or the http(s) URL of a page) will be read: chapters, paragraphs, narration and quotations."""
    from audio_artigo.cli.build import parse_size
    from audio_artigo.reading.segmenter import segment as segment_article
    from audio_artigo.sources import read_source
    from audio_artigo.sources.limits import FetchLimits

    limits = FetchLimits(deadline=timeout, max_bytes=parse_size(max_size))
    script = segment_article(read_source(article, limits), keep_related=keep_related)
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
