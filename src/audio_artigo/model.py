"""Plain dataclasses for what flows through the pipeline.

reader -> Article -> segmenter -> list[Chapter] (of Segments) -> normaliser and
synthesis -> Episode (audio, chapters with times, transcript cues).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

BlockKind = Literal["paragraph", "list_item", "blockquote"]
SegmentKind = Literal["narration", "quote"]


@dataclass
class Block:
    """One paragraph-level unit of the article as written."""

    kind: BlockKind
    text: str


@dataclass
class Section:
    """A run of blocks under one heading; ``title`` is None before the first heading."""

    title: str | None
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Article:
    """An article as read from disk, before any clutter is removed."""

    title: str
    sections: list[Section]
    source: str
    """Path (or URL) it was read from."""
    identity: str
    """What makes this article the same article across edits (canonical URL or file stem)."""
    format: Literal["text", "markdown", "html"] = "text"
    byline: str | None = None
    language: str = "pt-BR"
    # What the page (or front matter) says about itself; None when it does not say.
    url: str | None = None
    """The URL it was fetched from (None for a file)."""
    canonical_url: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    """Publication date and time, ISO 8601, as the page gives it."""
    site_name: str | None = None
    image_url: str | None = None
    """The article's lead image."""


@dataclass
class Segment:
    """A stretch of text read by one voice: the narrator or a quoted speaker."""

    kind: SegmentKind
    text: str
    speaker: str | None = None
    """Who is quoted (a quote segment), when the article says so."""


@dataclass
class Speaker:
    """A person (or body) quoted in the article: one speaker whatever form of the name each attribution uses."""

    name: str
    """The fullest name the article gives ("Chen Jie"), or its description when it gives none ("o ministro")."""
    forms: list[str] = field(default_factory=list)
    """Every form that refers to them, as written: "Chen Jie", "Chen", "o vice-prefeito"."""
    voice: str | None = None
    """The voice that reads their quotations, once one is chosen (``segment --quote-voice``)."""
    voice_speaker: int | None = None
    """The speaker id within that voice, for a multi-speaker voice."""

    def to_json(self) -> dict:
        data: dict = {"name": self.name, "forms": list(self.forms)}
        if self.voice is not None:
            data["voice"] = self.voice
            if self.voice_speaker is not None:
                data["voice_speaker"] = self.voice_speaker
        return data


@dataclass
class Chapter:
    """A chapter of the episode: its title and its paragraphs of segments."""

    title: str
    paragraphs: list[list[Segment]] = field(default_factory=list)


@dataclass
class Script:
    """What synthesis will read, in order (``audio-artigo segment --json``)."""

    title: str
    chapters: list[Chapter]
    byline: str | None = None
    lead: str = ""
    """The article's first paragraph: the episode description."""
    speakers: list[Speaker] = field(default_factory=list)
    """Who is quoted, in the order they first speak."""

    def text_digest(self) -> str:
        """A hash of what is read aloud: an article whose digest changed has changed for the listener."""
        import hashlib
        import json

        return hashlib.sha256(json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "speakers": [speaker.to_json() for speaker in self.speakers],
            "chapters": [
                {
                    "title": c.title,
                    "paragraphs": [[_segment_json(s) for s in p] for p in c.paragraphs],
                }
                for c in self.chapters
            ],
        }


def _segment_json(segment: Segment) -> dict:
    """A narration segment: kind and text; a quotation also says who speaks (null when the article does not say)."""
    if segment.kind == "quote":
        return {"kind": segment.kind, "text": segment.text, "speaker": segment.speaker}
    return {"kind": segment.kind, "text": segment.text}


@dataclass
class ChapterMark:
    """A chapter placed in the audio, in seconds."""

    title: str
    start: float
    end: float


@dataclass
class Cue:
    """One transcript cue: a sentence and who speaks it."""

    start: float
    end: float
    speaker: SegmentKind
    text: str
    name: str | None = None
    """Who is quoted, for a quotation whose speaker the article names."""


@dataclass
class Episode:
    """A built episode: the files beside each other and what describes them."""

    slug: str
    title: str
    identity: str
    source: str
    description: str
    author: str | None
    duration: float
    chapters: list[ChapterMark]
    engine: str
    voice: str
    quote_voice: str | None = None
    audio_file: str = ""
    chapters_file: str = ""
    transcript_file: str = ""
    size: int = 0
    sha256: str = ""
    link: str | None = None
    """The article's own page: its canonical URL, else the URL it was fetched from."""
    image_file: str = ""
    """The article's lead image in the output folder; "" when the show's cover stands for it."""
    article_date: str | None = None
    """When the article says it was published (ISO 8601)."""
    text_digest: str = ""
    """SHA-256 of the text read (the script): a new version with another one is a correction."""


@dataclass
class StagedEpisode:
    """A built episode whose files are still temporary, in the output folder.

    ``publish`` gives them their final names (never reusing a name already
    published), records the episode in the catalogue and rewrites the feed.
    """

    episode: Episode
    """Metadata; its file fields, size and sha256 are filled in by ``publish``."""
    audio: Path
    chapters_json: Path
    transcript: Path
