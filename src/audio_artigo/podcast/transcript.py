"""The timed transcript (WebVTT, one cue per sentence, with who speaks) and the
Podcasting 2.0 JSON chapters.

Each cue's voice span names who speaks: ``<v Narração>`` for the narrator, the
speaker's name for a quotation the article attributes (``<v Anderson
Pomini>``, ``<v o ministro>`` when it never names them), and ``<v Citação>``
for one it attributes to no one.
"""

from __future__ import annotations

import json

from audio_artigo.model import ChapterMark, Cue

SPEAKER_LABELS = {"narration": "Narração", "quote": "Citação"}


def _timestamp(seconds: float) -> str:
    millis = int(round(max(0.0, seconds) * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _escape(text: str) -> str:
    # In a cue payload "&", "<" and ">" are markup; "-->" would end the timing line.
    return " ".join(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split())


def voice_name(cue: Cue) -> str:
    """Who speaks a cue, as its voice span says it."""
    if cue.speaker == "quote" and cue.name:
        return cue.name
    return SPEAKER_LABELS[cue.speaker]


def webvtt(cues: list[Cue]) -> str:
    lines = ["WEBVTT", ""]
    for number, cue in enumerate(cues, start=1):
        lines.append(str(number))
        lines.append(f"{_timestamp(cue.start)} --> {_timestamp(cue.end)}")
        lines.append(f"<v {_escape(voice_name(cue))}>{_escape(cue.text)}")
        lines.append("")
    return "\n".join(lines)


def json_chapters(chapters: list[ChapterMark]) -> str:
    data = {
        "version": "1.2.0",
        "chapters": [
            {"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": c.title} for c in chapters
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
