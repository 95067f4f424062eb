"""Fixture episodes, staged the way ``build`` stages them, until the real build exists.

Each is a short real MP3 (a tone with a little noise, encoded by lameenc) with
ID3 CHAP/CTOC chapter frames added by mutagen, Podcasting 2.0 JSON chapters
and a WebVTT transcript, written as temporary files in the output folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import lameenc
import numpy as np
from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags
from mutagen.mp3 import MP3

from audio_artigo.atomicio import temp_path_for
from audio_artigo.model import ChapterMark, Cue, Episode, StagedEpisode
from audio_artigo.podcast.config import xml_safe
from audio_artigo.podcast.transcript import webvtt

SAMPLE_RATE = 22050


def encode_mp3(seconds: float, seed: int) -> bytes:
    """``seconds`` of a 440 Hz tone with seeded noise: different seeds, different bytes."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    signal = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(t.size)
    pcm = (np.clip(signal, -1, 1) * 32767).astype("<i2")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(64)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(7)
    return bytes(encoder.encode(pcm.tobytes()) + encoder.flush())


def chapter_frames(path: Path) -> list[tuple[int, str]]:
    """The MP3's CHAP frames as (start in ms, title), in order."""
    tags = ID3(path)
    frames = sorted(tags.getall("CHAP"), key=lambda frame: frame.start_time)
    return [(frame.start_time, str(frame.sub_frames["TIT2"])) for frame in frames]


def stage_episode(
    out_dir: Path,
    identity: str = "artigo-a",
    *,
    slug: str | None = None,
    title: str = "Prefeitura anuncia obras",
    description: str = "A prefeitura anunciou obras no centro.",
    chapter_titles: tuple[str, ...] = ("Abertura", "Obras", "Prazos"),
    seconds: float = 3.0,
    seed: int = 0,
    author: str | None = "Redação",
    speakers: tuple[str | None, ...] = (),
) -> StagedEpisode:
    """``speakers``: who speaks each cue of the transcript (one per chapter), None for the narrator."""
    slug = slug or identity
    audio = temp_path_for(out_dir / f"{slug}.mp3")
    audio.write_bytes(encode_mp3(seconds, seed))
    duration = MP3(audio).info.length

    step = duration / len(chapter_titles)
    marks = [
        ChapterMark(title=name, start=round(i * step, 3), end=round(min((i + 1) * step, duration), 3))
        for i, name in enumerate(chapter_titles)
    ]
    # The files get encodable text; the Episode keeps ``title`` as given, for
    # publish to clean.
    tags = ID3()
    tags.add(TIT2(encoding=3, text=xml_safe(title)))
    tags.add(
        CTOC(
            element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=[f"chp{i}" for i in range(len(marks))], sub_frames=[],
        )  # fmt: skip
    )
    for i, mark in enumerate(marks):
        tags.add(
            CHAP(
                element_id=f"chp{i}", start_time=round(mark.start * 1000), end_time=round(mark.end * 1000),
                sub_frames=[TIT2(encoding=3, text=xml_safe(mark.title))],
            )  # fmt: skip
        )
    tags.save(audio)

    chapters_json = temp_path_for(out_dir / f"{slug}.chapters.json")
    chapters_json.write_text(
        json.dumps(
            {"version": "1.2.0", "chapters": [{"startTime": m.start, "title": xml_safe(m.title)} for m in marks]},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    transcript = temp_path_for(out_dir / f"{slug}.vtt")
    speakers = speakers or (None,) * len(marks)
    cues = [
        Cue(m.start, m.end, "quote" if speaker else "narration", f"{xml_safe(m.title)}: frase {i + 1}.", speaker)
        for i, (m, speaker) in enumerate(zip(marks, speakers))
    ]
    transcript.write_text(webvtt(cues), encoding="utf-8")

    episode = Episode(
        slug=slug,
        title=title,
        identity=identity,
        source=f"{identity}.txt",
        description=description,
        author=author,
        duration=duration,
        chapters=marks,
        engine="piper",
        voice="pt_BR-tiny-x_low",
    )
    return StagedEpisode(episode=episode, audio=audio, chapters_json=chapters_json, transcript=transcript)

