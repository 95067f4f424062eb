"""The show's spoken frame around an article: the intro before it; the outro and the disclosure after it.

Both are read by the narrator, normalised like the article and planned into
clips like any sentence, so they are cached like any clip. Each is one line,
hence one transcript cue: the intro opens the first chapter, the outro (then
the disclosure) closes the last; chapter titles do not change.

What the intro says is not said twice: when it reads the title (or the
author), the article's own title line (or byline) is not read after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Callable

from audio_artigo.model import Article, Script
from audio_artigo.podcast import calendar, templates
from audio_artigo.reading.plan import Line, sentence_clips


@dataclass(frozen=True)
class Frame:
    """The spoken intro and outro of one episode, filled in ("" for none)."""

    intro: str
    outro: str
    """The outro, then the disclosure."""
    says_title: bool = False
    says_author: bool = False


def frame_for(config, article: Article, script: Script, day: date | None) -> Frame:
    """The intro and outro of ``article`` (``config``: the show's PodcastConfig; ``day``: its date, if the templates need one)."""
    values = frame_values(config, article, script, day)
    intro = templates.fill(config.intro, values)
    outro = " ".join(part for part in (templates.fill(config.outro, values), config.disclosure.strip()) if part)
    return Frame(
        intro,
        outro,
        says_title=_says(intro, values["title"]),
        says_author=_says(intro, values["author"]),
    )


def frame_values(config, article: Article, script: Script, day: date | None) -> dict[str, str | None]:
    """What the placeholders stand for; None where the article does not say."""
    authors = article.authors or [name for name in [byline_name(script.byline)] if name]
    names = join_names(authors)
    return {
        "show": config.title,
        "title": script.title,
        "author": names,
        "authors": names,
        "date": calendar.long_date(day) if day else None,
        "site": article.site_name,
    }


def byline_name(byline: str | None) -> str | None:
    """ "Por Fulana de Tal" -> "Fulana de Tal"."""
    if not byline:
        return None
    return re.sub(r"^\s*(por|by)\s+", "", byline, flags=re.IGNORECASE).strip() or None


def join_names(names: list[str]) -> str | None:
    """ "Ana", "Ana e Bia", "Ana, Bia e Caio"."""
    names = [name.strip() for name in names if name.strip()]
    if len(names) <= 1:
        return names[0] if names else None
    return ", ".join(names[:-1]) + " e " + names[-1]


def _says(text: str, value: str | None) -> bool:
    return bool(value) and " ".join(value.split()) in text


def without_repeats(script: Script, frame: Frame) -> Script:
    """``script`` without the title line (or byline) that the intro already read.

    Only the opening chapter's leading heading paragraphs go, and none if the
    article would then have nothing of its own to read.
    """
    said = set()
    if frame.says_title:
        said.add(script.title.strip())
    if frame.says_author and script.byline:
        said.add(script.byline.strip())
    if not said or not script.chapters:
        return script
    opening = script.chapters[0]
    leading = 0
    while leading < min(2, len(opening.paragraphs)) and _heading_text(opening.paragraphs[leading]) in said:
        leading += 1
    rest = len(opening.paragraphs) - leading + sum(len(chapter.paragraphs) for chapter in script.chapters[1:])
    if leading == 0 or rest == 0:
        return script
    return replace(script, chapters=[replace(opening, paragraphs=opening.paragraphs[leading:]), *script.chapters[1:]])


def _heading_text(paragraph: list) -> str | None:
    return paragraph[0].text.strip() if len(paragraph) == 1 and paragraph[0].kind == "narration" else None


def frame_line(
    text: str, chapter: int, normalize: Callable[[str], str], split_sentences: Callable[[str], list[str]], pause_after: float
) -> list[Line]:
    """``text`` (an intro or an outro) as one narrator's line of ``chapter``; none when it says nothing."""
    clips = [clip for sentence in split_sentences(text) for clip in sentence_clips(sentence, normalize)]
    if not clips:
        return []
    clips[-1].pause_after = max(clips[-1].pause_after, pause_after)
    return [Line(" ".join(text.split()), "narration", chapter, clips)]
