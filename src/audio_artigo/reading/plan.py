"""Planning the reading: a Script becomes lines (one per sentence, for the
transcript) made of clips (what one synthesis call speaks) with the pause
after each.

Pauses carry the structure to the ear: short inside a sentence split at a
clause, longer after a sentence, longer still after a paragraph, a section or
the title, and a little extra when the voice changes: between narration and a
quotation, or from one quoted speaker to another. Very long sentences are split at clause boundaries (only those
that need it): one synthesis call's memory grows with the audio it produces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from audio_artigo.model import Script, SegmentKind

PAUSE_CLAUSE = 0.2
PAUSE_SENTENCE = 0.4
PAUSE_VOICE_CHANGE = 0.6
PAUSE_PARAGRAPH = 0.8
PAUSE_TITLE = 1.1
PAUSE_CHAPTER = 1.4

MAX_CLIP_CHARS = 200
"""About 12 s of speech: the medium voice's peak memory per call stays near 300 MB."""

_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=[—–]\s)|\s+(?=\()")
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass
class Clip:
    spoken: str
    pause_after: float


@dataclass
class Line:
    """One sentence: its original text, who speaks it, and its clips."""

    text: str
    speaker: SegmentKind
    chapter: int
    clips: list[Clip] = field(default_factory=list)
    person: str | None = None
    """Who is quoted (``Segment.speaker``), for a quotation the article attributes."""


def split_long(spoken: str, limit: int = MAX_CLIP_CHARS) -> list[str]:
    """Split a too-long sentence at the clause break nearest its middle, recursively.

    A sentence without clause breaks is cut between words as a last resort.
    """
    if len(spoken) <= limit:
        return [spoken]
    middle = len(spoken) // 2
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(spoken) if 0 < m.start() < len(spoken) - 1]
    if not breaks:
        breaks = [m.start() for m in re.finditer(r"\s+", spoken)]
    if not breaks:
        return [spoken]
    cut = min(breaks, key=lambda position: abs(position - middle))
    head, tail = spoken[:cut].strip(), spoken[cut:].strip()
    if not head or not tail:
        return [spoken]
    return split_long(head, limit) + split_long(tail, limit)


def plan(script: Script, normalize: Callable[[str], str], split_sentences: Callable[[str], list[str]]) -> list[Line]:
    """The lines of the episode in reading order, with their clips and pauses."""
    lines: list[Line] = []
    for chapter_index, chapter in enumerate(script.chapters):
        for paragraph_index, paragraph in enumerate(chapter.paragraphs):
            for segment in paragraph:
                for sentence in split_sentences(segment.text):
                    clips = sentence_clips(sentence, normalize)
                    if clips:
                        lines.append(Line(sentence.strip(), segment.kind, chapter_index, clips, segment.speaker))
            if lines:
                heading = paragraph_index == 0 and (chapter_index == 0 or _is_heading(paragraph, chapter.title))
                _lengthen(lines[-1].clips[-1], PAUSE_TITLE if heading else PAUSE_PARAGRAPH)
        if lines and lines[-1].chapter == chapter_index:
            _lengthen(lines[-1].clips[-1], PAUSE_CHAPTER)
    for previous, following in zip(lines, lines[1:]):
        if (previous.speaker, previous.person) != (following.speaker, following.person):
            _lengthen(previous.clips[-1], PAUSE_VOICE_CHANGE)
    return lines


def sentence_clips(sentence: str, normalize: Callable[[str], str]) -> list[Clip]:
    """What one sentence's synthesis calls say, with the pauses after them; none if it says nothing."""
    spoken = normalize(sentence).strip()
    if not _WORD.search(spoken):
        return []  # nothing to say (a stray dash or quote mark)
    clips = [Clip(piece, PAUSE_CLAUSE) for piece in split_long(spoken)]
    clips[-1].pause_after = PAUSE_SENTENCE
    return clips


def _is_heading(paragraph: list, title: str) -> bool:
    """A chapter that opens by reading its own title opens with a heading."""
    return " ".join(segment.text for segment in paragraph).strip() == title.strip()


def _lengthen(clip: Clip, pause: float) -> None:
    clip.pause_after = max(clip.pause_after, pause)
