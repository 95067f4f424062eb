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
@click.option("--quote-voice", "quote_voices", multiple=True,
              help="An installed Piper voice for quotations (name or path), as for build; several times for several. Shows which voice each speaker gets.")
@click.option("--voice", help="The narrator's voice (its voice and speaker never read quotations). Default: pt_BR-faber-medium.")
def segment(article: str, as_json: bool, keep_related: bool, timeout: float, max_size: str,
            quote_voices: tuple[str, ...], voice: str | None) -> None:
    """Show how ARTICLE (a file, or the http(s) URL of a page) will be read: chapters, paragraphs, narration and
    quotations, and who speaks each."""
    from audio_artigo.cli.build import parse_size
    from audio_artigo.reading.segmenter import segment as segment_article
    from audio_artigo.sources import read_source
    from audio_artigo.sources.limits import FetchLimits

    limits = FetchLimits(deadline=timeout, max_bytes=parse_size(max_size))
    script = segment_article(read_source(article, limits), keep_related=keep_related)
    if quote_voices:
        from audio_artigo.voices.cast import VoiceRequest, give_voices, quotation_pool

        give_voices(script, quotation_pool(VoiceRequest(voice=voice, quote_voices=quote_voices)))
    if as_json:
        text = json.dumps(script.to_json(), ensure_ascii=False, indent=2)
    else:
        text = _outline(script)
    click.echo(text.encode("utf-8"))  # bytes: UTF-8 whatever the terminal's locale says


def _outline(script) -> str:
    """Speakers, chapters, then one line per segment: "¶" opens a paragraph,
    "»" marks a quotation, "[Name]" who speaks it."""
    lines = [script.title]
    if script.byline:
        lines.append(script.byline)
    if script.speakers:
        lines += ["", "Speakers:"]
        for speaker in script.speakers:
            forms = [form for form in speaker.forms if form != speaker.name]
            voice = f" -> {speaker.voice}" + (f" (speaker {speaker.voice_speaker})" if speaker.voice_speaker is not None else "") if speaker.voice else ""
            lines.append(f"  {speaker.name}" + (f" ({', '.join(forms)})" if forms else "") + voice)
    for number, chapter in enumerate(script.chapters, start=1):
        lines += ["", f"Chapter {number}: {chapter.title}"]
        for paragraph in chapter.paragraphs:
            for index, piece in enumerate(paragraph):
                lead = "  ¶ " if index == 0 else "    "
                quote = f"» [{piece.speaker or '?'}] " if piece.kind == "quote" else ""
                lines.append(lead + quote + piece.text)
    return "\n".join(lines)


COMMANDS: list[click.Command] = [segment]
