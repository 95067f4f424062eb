"""ID3v2 tags and chapters (CHAP frames under a top-level, ordered CTOC), with mutagen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import CHAP, COMM, CTOC, ID3, TALB, TDRC, TIT2, TLAN, TPE1, TSSE, WOAS, CTOCFlags

from audio_artigo.model import ChapterMark

NO_OFFSET = 0xFFFFFFFF  # CHAP byte offsets unknown: players use the times


@dataclass
class TagInfo:
    title: str
    artist: str
    album: str
    date: str  # YYYY-MM-DD
    language: str  # ISO 639-2, "por"
    source: str
    made_with: str  # engine and voice
    url: str | None = None  # the article's page (WOAS: the official audio source webpage)


def write_tags(path: Path, info: TagInfo, chapters: list[ChapterMark]) -> None:
    """Write ID3v2.4 tags with chapters into the MP3 at ``path`` (not yet published).

    A write that fails (full disk, read-only folder) raises the OSError, as any
    other write of the build does, not the MutagenError that mutagen wraps it in.
    """
    tags = ID3()
    tags.add(TIT2(encoding=3, text=info.title))
    tags.add(TPE1(encoding=3, text=info.artist))
    tags.add(TALB(encoding=3, text=info.album))
    tags.add(TDRC(encoding=3, text=info.date))
    tags.add(TLAN(encoding=3, text=info.language))
    tags.add(COMM(encoding=3, lang="por", desc="source", text=info.source))
    tags.add(TSSE(encoding=3, text=info.made_with))
    if info.url:
        tags.add(WOAS(url=info.url))
    element_ids = [f"chp{i}" for i in range(len(chapters))]
    tags.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=element_ids,
            sub_frames=[TIT2(encoding=3, text="Capítulos")],
        )
    )
    for element_id, chapter in zip(element_ids, chapters):
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=int(round(chapter.start * 1000)),
                end_time=int(round(chapter.end * 1000)),
                start_offset=NO_OFFSET,
                end_offset=NO_OFFSET,
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )
    try:
        tags.save(str(path), v2_version=4)
    except MutagenError as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, OSError):
            raise cause from None
        raise
