"""index.html and the show's cover: what a person sees in the output folder.

The page lists the show and its episodes, each with an audio player, its
chapters (a click seeks there) and its transcript (loaded from the episode's
WebVTT when opened, each quoted speaker's turn under their name). It is one static file, its CSS and JavaScript inlined
from ``audio_artigo/web``, rebuilt from the catalogue with the feed.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import urllib.parse
from datetime import datetime
from importlib import resources
from pathlib import Path

import lxml.html
from lxml.html import builder as E

from audio_artigo import __version__, atomicio
from audio_artigo.podcast import calendar, notes
from audio_artigo.podcast.catalogue import PublishedEpisode
from audio_artigo.errors import ConfigError
from audio_artigo.podcast.config import FEED_NAME, PodcastConfig
from audio_artigo.podcast.transcript import SPEAKER_LABELS

INDEX_NAME = "index.html"

PRELOADED_EPISODES = 10
"""The newest episodes fetch their audio's duration on page load; older ones when played."""

COVER_PIXELS = 1400  # Apple's minimum; the generated cover is plain shapes and text
_COVER_STYLE = "1"  # bump when the drawing changes, so the new cover gets a new name
_COVER_FONT = "DejaVuSans-Bold.ttf"  # Debian's fonts-dejavu-core


def write_if_changed(path: Path, data: bytes) -> None:
    """Write atomically, unless the file already holds exactly ``data``.

    An unchanged file keeps its modification time, so clients' cached copies
    (ETag, Last-Modified) stay valid.
    """
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass  # missing or unreadable: write it
    atomicio.write_bytes(path, data)


def episode_anchor(published: PublishedEpisode) -> str:
    """The episode's id on the page: from its GUID, so links survive new versions."""
    return f"episodio-{published.guid}"


def write_cover(out_dir: Path, config: PodcastConfig) -> str:
    """Put the show's cover in ``out_dir`` and return its file name.

    The name carries a hash of the image's source, so a new cover gets a new
    URL (podcast apps cache artwork by URL) and published bytes never change.
    """
    if config.cover is not None:
        try:
            data = config.cover.read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read the cover {config.cover}: {exc.strerror or exc}") from exc
        suffix = ".png" if data.startswith(b"\x89PNG") else ".jpg"
        name = f"cover-{hashlib.sha256(data).hexdigest()[:12]}{suffix}"
        if not (out_dir / name).exists():
            atomicio.write_bytes(out_dir / name, data)
        return name

    key = hashlib.sha256(f"{_COVER_STYLE}\0{config.title}".encode()).hexdigest()[:12]
    name = f"cover-{key}.png"
    if not (out_dir / name).exists():
        atomicio.write_bytes(out_dir / name, render_cover(config.title))
    return name


def store_image(out_dir: Path, data: bytes, suffix: str) -> str:
    """Put an episode's image in ``out_dir`` under a name made from its bytes; returns the name.

    The same image (several articles with one photo, a re-build) is stored
    once, and a name's bytes never change.
    """
    name = f"image-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    if not (Path(out_dir) / name).exists():
        atomicio.write_bytes(Path(out_dir) / name, data)
    return name


def render_cover(title: str) -> bytes:
    """A square PNG: the show's title in white on dark blue, with a sound-wave mark."""
    from PIL import Image, ImageDraw

    size = COVER_PIXELS
    image = Image.new("RGB", (size, size), "#16324f")
    draw = ImageDraw.Draw(image)
    margin = size // 10

    # A row of bars: the mark of an audio show, drawn rather than shipped.
    bar_heights = (0.3, 0.6, 1.0, 0.7, 0.45, 0.85, 0.5, 0.25)
    bar_width, gap, tallest = size // 30, size // 45, size // 6
    for index, height in enumerate(bar_heights):
        left = margin + index * (bar_width + gap)
        top = margin + (tallest - round(tallest * height)) // 2
        draw.rounded_rectangle(
            (left, top, left + bar_width, top + round(tallest * height)), radius=bar_width // 2, fill="#f4a261"
        )

    font, text = _cover_font(title)
    # The largest type size at which the title fits, whole words, in the lower
    # part; a title too long even at the smallest size runs off the edge.
    box_width, box_height = size - 2 * margin, size - 2 * margin - tallest - margin
    for points in range(size // 8, size // 40, -size // 100):
        lines = _wrap(text, font(points), box_width, draw)
        line_height = round(points * 1.2)
        widest = max(draw.textlength(line, font=font(points)) for line in lines)
        if widest <= box_width and len(lines) * line_height <= box_height:
            break
    top = size - margin - len(lines) * line_height
    for number, line in enumerate(lines):
        draw.text((margin, top + number * line_height), line, font=font(points), fill="white")

    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _cover_font(title: str):
    """A function from type size to font, and the title as that font can draw it."""
    from PIL import ImageFont

    try:
        ImageFont.truetype(_COVER_FONT, 10)
    except OSError:
        # Pillow's built-in font has no accented letters: fold "ção" to "cao".
        folded = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
        return ImageFont.load_default, folded
    return (lambda points: ImageFont.truetype(_COVER_FONT, points)), title


def _wrap(text: str, font, width: int, draw) -> list[str]:
    """Greedy word wrap; a word wider than the line gets a line of its own."""
    lines: list[str] = []
    for word in text.split() or [""]:
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def write_index(out_dir: Path, config: PodcastConfig, episodes: list[PublishedEpisode], cover_file: str) -> Path:
    path = out_dir / INDEX_NAME
    write_if_changed(path, render_index(config, episodes, cover_file).encode("utf-8"))
    return path


def render_index(config: PodcastConfig, episodes: list[PublishedEpisode], cover_file: str) -> str:
    """The page's HTML, built with lxml so every text is escaped once."""
    web = resources.files("audio_artigo.podcast") / "web"
    style = web.joinpath("style.css").read_text(encoding="utf-8")
    script = web.joinpath("player.js").read_text(encoding="utf-8")

    subscribe = E.SECTION(
        E.CLASS("subscribe"),
        E.H2("Assine"),
        E.P("Cole este endereço no seu aplicativo de podcast:"),
        E.P(
            E.INPUT(
                type="url", readonly="readonly", value=config.feed_url,
                size="40", **{"aria-label": "Endereço do feed"},
            ),  # fmt: skip
            " ",
            E.A("feed RSS", href=FEED_NAME, type="application/rss+xml"),
        ),
    )
    header = E.HEADER(
        E.CLASS("show"),
        E.IMG(src=_href(cover_file), alt=f"Capa de {config.title}", width="160", height="160"),
        E.DIV(E.H1(config.title), E.P(E.CLASS("author"), config.author), E.P(config.description)),
    )
    if episodes:
        listing = [
            _episode_article(published, config, preload=position < PRELOADED_EPISODES)
            for position, published in enumerate(episodes)
        ]
    else:
        listing = [E.P("Nenhum episódio publicado ainda.")]

    page = E.HTML(
        E.HEAD(
            E.META(charset="utf-8"),
            E.META(name="viewport", content="width=device-width, initial-scale=1"),
            E.TITLE(config.title),
            E.LINK(rel="icon", href=_href(cover_file)),
            E.LINK(rel="alternate", type="application/rss+xml", title=config.title, href=FEED_NAME),
            E.STYLE(style),
        ),
        E.BODY(
            header,
            E.MAIN(subscribe, E.H2("Episódios"), *listing),
            E.FOOTER(E.P(f"Feito com audio-artigo {__version__}.")),
            E.SCRIPT(script),
        ),
        lang=config.language,
    )
    return lxml.html.tostring(page, doctype="<!DOCTYPE html>", encoding="unicode", pretty_print=True)


def _episode_article(published: PublishedEpisode, config: PodcastConfig, preload: bool):
    episode = published.episode
    parts = [
        E.H3(E.A(episode.title, href=episode.link) if episode.link else episode.title),
        E.P(
            E.CLASS("meta"),
            E.TIME(_long_date(published.published), datetime=published.published.isoformat()),
            f" · {_clock(episode.duration)} · {_read_by(episode)}",
        ),
        *([E.IMG(E.CLASS("art"), src=_href(episode.image_file), alt="", loading="lazy")] if episode.image_file else []),
        E.P(E.CLASS("description"), episode.description),
        *[E.P(E.CLASS("correction"), note) for note in notes.correction_notes(published, config)],
        *([E.P(E.CLASS("disclosure"), config.disclosure)] if config.disclosure else []),
        E.AUDIO(
            E.TRACK(kind="captions", src=_href(episode.transcript_file), srclang=config.language, label="Transcrição"),
            controls="controls",
            preload="metadata" if preload else "none",
            src=_href(episode.audio_file),
        ),
    ]
    if episode.chapters:
        chapter_buttons = [
            E.LI(
                E.BUTTON(
                    E.SPAN(E.CLASS("time"), _clock(chapter.start)), " ", chapter.title,
                    type="button", **{"data-start": f"{chapter.start:.3f}"},
                )  # fmt: skip
            )
            for chapter in episode.chapters
        ]
        parts.append(E.SECTION(E.CLASS("chapters"), E.H4("Capítulos"), E.OL(*chapter_buttons)))
    if published.earlier_versions:
        parts.append(_earlier_versions(published, config))
    parts.append(
        E.DETAILS(
            E.CLASS("transcript"),
            E.SUMMARY("Transcrição"),
            E.DIV(E.CLASS("cues"), **{"data-narrator": SPEAKER_LABELS["narration"]}),
            E.P(
                E.A("transcrição (WebVTT)", href=_href(episode.transcript_file)),
                " · ",
                E.A("capítulos (JSON)", href=_href(episode.chapters_file)),
                " · ",
                E.A("áudio (MP3)", href=_href(episode.audio_file), download=episode.audio_file),
            ),
        )
    )
    return E.ARTICLE(E.CLASS("episode"), *parts, id=episode_anchor(published))


def _earlier_versions(published: PublishedEpisode, config: PodcastConfig):
    """The versions a newer one replaced, newest first, each with its date and its files (they stay online)."""
    items = [
        E.LI(
            E.TIME(notes.when(version, config), datetime=version.published.isoformat()),
            " (antes da correção)" if later.corrected else "",
            ": ",
            E.A("áudio (MP3)", href=_href(version.audio_file)),
            " · ",
            E.A("transcrição (WebVTT)", href=_href(version.transcript_file)),
            " · ",
            E.A("capítulos (JSON)", href=_href(version.chapters_file)),
        )
        for version, later in reversed(list(zip(published.versions, published.versions[1:])))
    ]
    return E.SECTION(E.CLASS("versions"), E.H4("Versões anteriores"), E.UL(*items))


def _read_by(episode) -> str:
    """Who reads the episode; an eSpeak NG episode is a draft, and says so."""
    if episode.engine == "espeak":
        return "rascunho lido por eSpeak NG"
    if not episode.quote_voice:
        return f"voz {episode.voice}"
    many = ", " in episode.quote_voice
    return f"voz {episode.voice}, citações {'nas vozes' if many else 'na voz'} {episode.quote_voice}"


def _href(file_name: str) -> str:
    return urllib.parse.quote(file_name)


def _clock(seconds: float) -> str:
    """12:05 or 1:02:05."""
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}" if hours else f"{minute}:{second:02d}"


def _long_date(moment: datetime) -> str:
    """The date in UTC, in Portuguese; the page's script restates it in the reader's time zone."""
    return calendar.long_date(moment.date())
