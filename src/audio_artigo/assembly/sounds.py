"""The show's own sounds: the intro and outro jingles, and the music bed under the spoken intro.

A sound file (anything libsndfile reads: WAV, FLAC, OGG, MP3) is read and its
header checked when a build starts, before anything slow (``read_sounds``).
The first time it is needed at a sample rate and loudness it is prepared: made
mono, resampled to the episode's rate and brought to the show's integrated
loudness, then kept in the clip cache under a key made of its bytes' SHA-256
(``prepare``), so later builds only hash the file.

A prepared jingle is then encoded like a clip, as its own run of MP3 frames.
The music bed is mixed under the spoken intro's clips, which then make one run
together (``synthesis.pool.MixJob``): the bed cannot be cut at the clips' run
boundaries without gaps, and inside one run every clip's place is still known
to the sample, so chapters and cues stay exact. Its level follows
``bed_envelope``.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audio_artigo.errors import ConfigError
from audio_artigo.synthesis.cache import BrokenEntry, ClipAudio, ClipCache, key_for

PREPARATION = "sound-1"
"""Part of a prepared sound's cache key: change it when the preparation changes."""

BED_LEAD_SECONDS = 1.5
"""The music alone, before the first word."""
BED_LEAD_DB = -6.0
"""Its level then, against the show's loudness."""
BED_DUCK_SECONDS = 0.5
"""The bed falls to its level under the voice in this time, ending as the voice starts."""
BED_UNDER_VOICE_DB = -20.0
"""Under the voice: at least 15 dB down, with room for the music's own swings."""
BED_FADE_IN_SECONDS = 0.05
BED_FADE_OUT_SECONDS = 1.5
"""After the intro's last word the bed fades to silence in the pause that follows, at least this long."""
BED_SHAPE = f"bed-{BED_LEAD_SECONDS}-{BED_LEAD_DB}-{BED_DUCK_SECONDS}-{BED_UNDER_VOICE_DB}-{BED_FADE_IN_SECONDS}-cos2"
"""Part of a mixed run's cache key: the envelope's constants."""


@dataclass(frozen=True)
class SoundFile:
    """A sound file named in the show's settings, read and checked."""

    setting: str
    """intro_audio, outro_audio or music_bed."""
    path: Path
    digest: str
    """SHA-256 of its bytes: the prepared sound's cache key."""
    data: bytes = field(repr=False)


def read_sounds(config) -> dict[str, SoundFile]:
    """The sound files ``config`` names, by setting, each one readable as audio; a ConfigError naming the file otherwise."""
    from audio_artigo.podcast.config import SOUND_SETTINGS

    sounds = {}
    for setting in SOUND_SETTINGS:
        path = getattr(config, setting)
        if path is None:
            continue
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ConfigError(f"{setting} {path}: cannot read it: {exc.strerror or exc}") from exc
        sound = SoundFile(setting, Path(path), hashlib.sha256(data).hexdigest(), data)
        frames, _rate = _header(sound)
        if frames == 0:
            raise ConfigError(f"{setting} {path}: the file holds no audio")
        sounds[setting] = sound
    return sounds


def _header(sound: SoundFile) -> tuple[int, int]:
    import soundfile

    try:
        info = soundfile.info(io.BytesIO(sound.data))
    except (RuntimeError, TypeError, ValueError) as exc:  # soundfile.LibsndfileError is a RuntimeError
        raise _unreadable(sound) from exc
    return info.frames, info.samplerate


def _unreadable(sound: SoundFile) -> ConfigError:
    return ConfigError(f"{sound.setting} {sound.path}: not an audio file this build can read (WAV, FLAC, OGG or MP3)")


def prepare(sound: SoundFile, sample_rate: int, loudness_lufs: float, cache: ClipCache) -> str:
    """The cache key of ``sound`` made ready for an episode: mono, at ``sample_rate``, at ``loudness_lufs``.

    Prepared once per file content, rate and loudness; the prepared audio is a
    ClipAudio in the clip cache (so ``cache prune`` bounds it like any clip).
    """
    key = key_for(PREPARATION, sound.digest, str(sample_rate), f"{loudness_lufs:g}")
    try:
        cache.load_clip(key, with_audio=False)
        return key
    except BrokenEntry:
        pass
    cache.store_clip(key, prepared(sound, sample_rate, loudness_lufs))
    return key


def prepared(sound: SoundFile, sample_rate: int, loudness_lufs: float) -> ClipAudio:
    """``sound`` decoded, mono, resampled to ``sample_rate`` and brought to ``loudness_lufs`` (integrated)."""
    import soundfile

    from audio_artigo.assembly.dsp import resample
    from audio_artigo.assembly.loudness import BLOCK_STEPS, db_to_gain, integrated_loudness, step_energies, step_samples

    try:
        audio, native_rate = soundfile.read(io.BytesIO(sound.data), dtype="float64", always_2d=True)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise _unreadable(sound) from exc
    audio = audio.mean(axis=1)
    audio = resample(audio, native_rate, sample_rate)
    hop = step_samples(sample_rate)
    # Whole 100 ms steps, and at least one 400 ms gating block, so a short "ding" has a loudness.
    padded = np.zeros(max(-(-len(audio) // hop), BLOCK_STEPS) * hop)
    padded[: len(audio)] = audio
    energies = step_energies(padded, sample_rate)
    loudness = integrated_loudness(energies)
    if not np.isfinite(loudness):
        raise ConfigError(f"{sound.setting} {sound.path}: the sound is silent")
    gain = db_to_gain(loudness_lufs - loudness)
    peak = float(np.max(np.abs(padded))) * gain
    return ClipAudio(
        pcm=np.round(padded / np.max(np.abs(padded)) * 32767).astype(np.int16),
        peak=peak,
        energies=energies * gain**2,
        speech_samples=len(audio),
    )


def bed_envelope(length: int, voice_start: int, voice_end: int, sample_rate: int) -> np.ndarray:
    """The music bed's gain at each sample of the spoken intro's run (linear, against the show's loudness).

    It fades in, plays BED_LEAD_DB under the show's level until the voice,
    ducks to BED_UNDER_VOICE_DB in the BED_DUCK_SECONDS before it, holds there
    while the voice speaks, and fades to silence from ``voice_end`` to ``length``.
    """
    from audio_artigo.assembly.loudness import db_to_gain

    envelope_db = np.full(length, BED_UNDER_VOICE_DB)
    duck_start = max(0, voice_start - round(BED_DUCK_SECONDS * sample_rate))
    envelope_db[:duck_start] = BED_LEAD_DB
    envelope_db[duck_start:voice_start] = np.linspace(BED_LEAD_DB, BED_UNDER_VOICE_DB, voice_start - duck_start)
    envelope = 10 ** (envelope_db / 20)
    fade_in = min(length, round(BED_FADE_IN_SECONDS * sample_rate))
    envelope[:fade_in] *= np.linspace(0.0, 1.0, fade_in)
    tail = length - voice_end
    if tail > 0:
        envelope[voice_end:] = db_to_gain(BED_UNDER_VOICE_DB) * np.cos(np.linspace(0.0, np.pi / 2, tail)) ** 2
    return envelope


def repeated(audio: np.ndarray, length: int) -> np.ndarray:
    """``audio`` repeated (a short bed loops) or cut to ``length`` samples."""
    if len(audio) == 0:
        return np.zeros(length)
    return np.resize(audio, length)
