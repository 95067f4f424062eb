"""What a synthesis worker needs to know to speak with a voice, and its cache identity."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal


@functools.lru_cache(maxsize=None)
def _package_version(name: str) -> str:
    from importlib import metadata  # ~10 ms, not needed before a build is under way

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class VoiceSpec:
    """One speaking role's engine, voice and settings. Picklable: sent to workers."""

    engine: Literal["piper", "espeak"]
    name: str
    """What the episode records: a Piper voice name, or "eSpeak NG pt-br"."""
    model: str | None = None
    """Piper: path of the .onnx model (its config is beside it)."""
    digest: str = ""
    """Piper: SHA-256 of the model, so a changed file never reuses cached audio."""
    sample_rate: int = 22050
    speaker_id: int | None = None
    length_scale: float | None = None
    noise_scale: float | None = None
    noise_w_scale: float | None = None
    espeak_voice: str = "pt-br"
    espeak_rate: int = 165
    """eSpeak NG words per minute."""
    espeak_pitch: int = 50
    speed: float = 1.0
    """The show's pace (podcast.toml's speed): Piper's length scale is divided by it, eSpeak's rate multiplied."""

    def cache_identity(self) -> str:
        """Everything that changes the audio this voice produces for a given text."""
        pace = "" if self.speed == 1.0 else f"|speed={self.speed:g}"  # the show's own pace: earlier keys stay valid
        if self.engine == "piper":
            return (
                f"piper-tts {_package_version('piper-tts')} onnxruntime {_package_version('onnxruntime')}"
                f"|{self.digest}|speaker={self.speaker_id}|length={self.length_scale}"
                f"|noise={self.noise_scale}|noise_w={self.noise_w_scale}"
            ) + pace
        return (
            f"espeak-ng {_package_version('espeakng-loader')}|{self.espeak_voice}"
            f"|rate={self.espeak_rate}|pitch={self.espeak_pitch}"
        ) + pace
