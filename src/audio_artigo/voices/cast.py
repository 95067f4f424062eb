"""Choosing who reads: the narrator's voice and the voice of quotations.

Piper voices are preferred. When none can be had (not installed, no network
to download it) and the user did not insist on Piper, eSpeak NG reads a
*draft*, and the build says so once. Quotations get, in order of preference:
the voice asked for with --quote-voice, another speaker of a multi-speaker
narrator voice, the default second voice, or the narrator's own voice with
its own speaking settings (so they still sound different).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Literal

from audio_artigo.errors import DownloadError, VoiceError, VoiceNotFound
from audio_artigo.synthesis.voice import VoiceSpec

Engine = Literal["auto", "piper", "espeak"]

ESPEAK_NARRATOR = VoiceSpec(engine="espeak", name="eSpeak NG pt-br", espeak_voice="pt-br", espeak_pitch=45)
ESPEAK_QUOTE = VoiceSpec(
    engine="espeak", name="eSpeak NG pt-br+f3", espeak_voice="pt-br+f3", espeak_rate=172, espeak_pitch=58
)
# The narrator's own voice reading quotations: a touch faster and livelier.
QUOTE_LENGTH_FACTOR = 0.92
QUOTE_NOISE_SCALE = 0.8
QUOTE_NOISE_W_SCALE = 0.9


@dataclass(frozen=True)
class Cast:
    narrator: VoiceSpec
    quote: VoiceSpec
    draft: bool
    """True when eSpeak NG reads because no Piper voice could be had."""

    @property
    def engine(self) -> str:
        return self.narrator.engine

    @property
    def sample_rate(self) -> int:
        return self.narrator.sample_rate


@dataclass
class VoiceRequest:
    voice: str | None = None
    """Name or path; None means the default voice."""
    quote_voice: str | None = None
    engine: Engine = "auto"
    offline: bool = False
    voices_dir: Path | None = None
    repo_url: str | None = None
    speaker: str | None = None
    quote_speaker: str | None = None


def choose_cast(request: VoiceRequest, digest: Callable[[Path], str], warn: Callable[[str], None]) -> Cast:
    """Pick the voices for a build; ``digest`` hashes a model file (cached by the caller)."""
    if request.engine == "espeak":
        return Cast(ESPEAK_NARRATOR, ESPEAK_QUOTE, draft=False)
    from audio_artigo.voices import local

    explicit = request.voice is not None
    try:
        info = _installed_or_downloaded(request.voice or local.DEFAULT_VOICE, request)
    except (VoiceNotFound, DownloadError) as exc:
        if explicit or request.engine == "piper":
            raise
        warn(
            f"no Piper voice available ({exc}); reading with eSpeak NG instead: "
            "this episode is a DRAFT, install a voice with `audio-artigo voices download`"
        )
        return Cast(ESPEAK_NARRATOR, ESPEAK_QUOTE, draft=True)
    narrator = _spec(info, digest, speaker=_speaker_id(info, request.speaker, default=None))
    return Cast(narrator, _quote_spec(info, narrator, request, digest), draft=False)


def _installed_or_downloaded(name: str, request: VoiceRequest):
    from audio_artigo.voices import local

    folder = request.voices_dir or local.voices_dir()
    try:
        files = local.resolve(name, folder)
    except VoiceNotFound:
        if request.offline or _is_path(name):
            raise
        from audio_artigo.voices import download

        files = download.ensure_voice(name, folder, repo_url=request.repo_url, offline=False)
    return local.verify(files)


def _quote_spec(info, narrator: VoiceSpec, request: VoiceRequest, digest) -> VoiceSpec:
    from audio_artigo.voices import local

    if request.quote_voice is not None:
        quote_info = _installed_or_downloaded(request.quote_voice, request)
        return _spec(quote_info, digest, speaker=_speaker_id(quote_info, request.quote_speaker, default=None))
    if info.num_speakers > 1:
        speaker = _speaker_id(info, request.quote_speaker, default=narrator.speaker_id, other=True)
        return replace(narrator, name=f"{info.name} (speaker {speaker})", speaker_id=speaker)
    try:
        # The default second voice is downloaded along with the default narrator;
        # a narrator chosen by hand only gets it when it is already installed.
        quote_request = request if request.voice is None else replace(request, offline=True)
        quote_info = _installed_or_downloaded(local.DEFAULT_QUOTE_VOICE, quote_request)
        return _spec(quote_info, digest, speaker=None)
    except VoiceError:
        return replace(
            narrator,
            name=f"{narrator.name} (quotation settings)",
            length_scale=(narrator.length_scale or 1.0) * QUOTE_LENGTH_FACTOR,
            noise_scale=QUOTE_NOISE_SCALE,
            noise_w_scale=QUOTE_NOISE_W_SCALE,
        )


def _spec(info, digest, speaker: int | None) -> VoiceSpec:
    model = Path(info.model)
    return VoiceSpec(
        engine="piper",
        name=info.name,
        model=str(model.resolve()),
        digest=info.sha256 or digest(model),
        sample_rate=info.sample_rate,
        speaker_id=speaker,
    )


def _speaker_id(info, wanted: str | None, default: int | None, other: bool = False) -> int | None:
    """A speaker id by number or name; ``other`` picks one different from ``default``."""
    if info.num_speakers <= 1:
        return None
    if wanted is not None:
        if wanted.isdigit() and int(wanted) < info.num_speakers:
            return int(wanted)
        if wanted in info.speaker_id_map:
            return info.speaker_id_map[wanted]
        raise VoiceError(f"{info.name} has no speaker {wanted!r} (it has {', '.join(info.speaker_id_map) or info.num_speakers})")
    first = default if default is not None else 0
    return (first + 1) % info.num_speakers if other else first


def _is_path(name: str) -> bool:
    return "/" in name or name.endswith(".onnx")


def at_speed(cast: Cast, speed: float) -> Cast:
    """``cast`` with every voice at the show's pace (1.1: 10 % faster)."""
    if speed == 1.0:
        return cast
    return replace(cast, narrator=replace(cast.narrator, speed=speed), quote=replace(cast.quote, speed=speed))
