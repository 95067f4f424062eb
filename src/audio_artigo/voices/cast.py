"""Choosing who reads: the narrator's voice and the voices of quotations.

Piper voices are preferred. When none can be had (not installed, no network
to download it) and the user did not insist on Piper, eSpeak NG reads a
*draft*, and the build says so once.

Quotations are read by a pool of voices, in order of preference: the voices
asked for (``--quote-voice``, several times, or ``quote_voices`` in
podcast.toml; every speaker of a multi-speaker one), the other speakers of a
multi-speaker narrator voice, the default pool (``pt_BR-cadu-medium``,
downloaded with the default narrator, then ``pt_BR-jeff-medium`` and
``pt_BR-edresson-low`` when installed), or the narrator's own voice with its
own speaking settings (so quotations still sound different). The narrator's
voice and speaker are never in the pool.

Each speaker of the article gets a voice of the pool (:func:`Cast.line_voices`):
in the order they first speak, one they keep for the whole episode, and never
the voice of a different person who speaks right before or after them when
the pool has another. A quotation the article attributes to no one is its own
speaker, together with the quotations right after it that no narration parts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Hashable, Literal, Sequence

from audio_artigo.errors import DownloadError, VoiceError, VoiceNotFound
from audio_artigo.synthesis.voice import VoiceSpec

Engine = Literal["auto", "piper", "espeak"]

ESPEAK_NARRATOR = VoiceSpec(engine="espeak", name="eSpeak NG pt-br", espeak_voice="pt-br", espeak_pitch=45)
ESPEAK_QUOTE = VoiceSpec(
    engine="espeak", name="eSpeak NG pt-br+f3", espeak_voice="pt-br+f3", espeak_rate=172, espeak_pitch=58
)
# A draft gives each speaker a voice of their own too: eSpeak NG's variants.
ESPEAK_QUOTE_OTHERS = (
    VoiceSpec(engine="espeak", name="eSpeak NG pt-br+m3", espeak_voice="pt-br+m3", espeak_rate=160, espeak_pitch=40),
    VoiceSpec(engine="espeak", name="eSpeak NG pt-br+f2", espeak_voice="pt-br+f2", espeak_rate=168, espeak_pitch=62),
)
# The narrator's own voice reading quotations: a touch faster and livelier.
QUOTE_LENGTH_FACTOR = 0.92
QUOTE_NOISE_SCALE = 0.8
QUOTE_NOISE_W_SCALE = 0.9


@dataclass(frozen=True)
class Cast:
    narrator: VoiceSpec
    quote: VoiceSpec
    """The first voice of the pool: the voice of quotations when there is one."""
    draft: bool
    """True when eSpeak NG reads because no Piper voice could be had."""
    others: tuple[VoiceSpec, ...] = ()
    """The rest of the pool of quotation voices."""

    @property
    def engine(self) -> str:
        return self.narrator.engine

    @property
    def sample_rate(self) -> int:
        return self.narrator.sample_rate

    @property
    def pool(self) -> tuple[VoiceSpec, ...]:
        return (self.quote, *self.others)

    def line_voices(self, lines: Sequence) -> list[VoiceSpec]:
        """The voice of each line (``reading.plan.Line``): the narrator's, or its speaker's."""
        keys = quotation_speakers([(line.speaker, line.person) for line in lines])
        voices = assign_voices([key for key in keys if key is not None], self.pool)
        return [self.narrator if key is None else voices[key] for key in keys]

    def quote_label(self, lines: Sequence) -> str | None:
        """The quotation voices the lines use, for the episode's record ("pt_BR-cadu-medium, pt_BR-jeff-medium")."""
        used = [voice for voice, line in zip(self.line_voices(lines), lines) if line.speaker == "quote"]
        return ", ".join(dict.fromkeys(voice_label(voice) for voice in used)) or None


def voice_label(voice: VoiceSpec) -> str:
    """A voice as people name it: "pt_BR-cadu-medium", "pt_BR-tinymulti-x_low (speaker 1)"."""
    return voice.name if voice.speaker_id is None else f"{voice.name} (speaker {voice.speaker_id})"


class _Unattributed(int):
    """A quotation the article attributes to no one (and those right after it): a speaker of its own."""


def quotation_speakers(pieces: Sequence[tuple[str, str | None]]) -> list[str | _Unattributed | None]:
    """Who speaks each piece ((kind, quoted speaker) of a line or a segment):
    None for the narrator, the quoted speaker's name, or a number for
    quotations attributed to no one (one per run of them that no narration parts)."""
    keys: list[str | _Unattributed | None] = []
    unattributed = 0
    for kind, person in pieces:
        if kind != "quote":
            keys.append(None)
        elif person is not None:
            keys.append(person)
        else:
            if not (keys and isinstance(keys[-1], _Unattributed)):
                unattributed += 1
            keys.append(_Unattributed(unattributed))
    return keys


def assign_voices(speakers: Sequence[Hashable], pool: Sequence[VoiceSpec]) -> dict[Hashable, VoiceSpec]:
    """A voice of ``pool`` for each speaker of ``speakers`` (who speaks each quotation, in order).

    The first speakers to speak get the pool's voices in its order; once
    every voice is taken, a speaker gets one no speaker next to them (speaking
    right before or after them) has, the least used, or, when every voice is
    a neighbour's, the one they would share the fewest times.
    """
    turns = [speaker for number, speaker in enumerate(speakers) if number == 0 or speaker != speakers[number - 1]]
    beside: dict[Hashable, Counter] = {}
    for first, second in zip(turns, turns[1:]):
        beside.setdefault(first, Counter())[second] += 1
        beside.setdefault(second, Counter())[first] += 1
    voices: dict[Hashable, VoiceSpec] = {}
    used: Counter = Counter()
    for speaker in dict.fromkeys(turns):
        if len(voices) < len(pool):
            voice = pool[len(voices)]
        else:
            clashes = Counter()
            for neighbour, times in beside.get(speaker, Counter()).items():
                if neighbour in voices:
                    clashes[voices[neighbour]] += times
            voice = min(pool, key=lambda candidate: (clashes[candidate], used[candidate], pool.index(candidate)))
        voices[speaker] = voice
        used[voice] += 1
    return voices


@dataclass
class VoiceRequest:
    voice: str | None = None
    """Name or path; None means the default voice."""
    quote_voices: tuple[str, ...] = ()
    """Names or paths of the quotation voices; empty means the default pool."""
    engine: Engine = "auto"
    offline: bool = False
    voices_dir: Path | None = None
    repo_url: str | None = None
    speaker: str | None = None
    quote_speaker: str | None = None


def choose_cast(request: VoiceRequest, digest: Callable[[Path], str], warn: Callable[[str], None]) -> Cast:
    """Pick the voices for a build; ``digest`` hashes a model file (cached by the caller)."""
    if request.engine == "espeak":
        return Cast(ESPEAK_NARRATOR, ESPEAK_QUOTE, draft=False, others=ESPEAK_QUOTE_OTHERS)
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
        return Cast(ESPEAK_NARRATOR, ESPEAK_QUOTE, draft=True, others=ESPEAK_QUOTE_OTHERS)
    narrator = _spec(info, digest, speaker=_speaker_id(info, request.speaker))
    first, *others = _quote_pool(info, narrator, request, digest, warn)
    return Cast(narrator, first, draft=False, others=tuple(others))


def quotation_pool(request: VoiceRequest) -> tuple[VoiceSpec, ...]:
    """The pool of the quotation voices asked for, from the installed voices
    only (``segment --quote-voice``): without the narrator's voice and speaker
    when the narrator is installed too."""
    from audio_artigo.voices import local

    offline = replace(request, offline=True)
    infos = [_installed_or_downloaded(name, offline) for name in request.quote_voices]
    try:
        narrator_info = _installed_or_downloaded(request.voice or local.DEFAULT_VOICE, offline)
    except VoiceError:
        narrator = VoiceSpec(engine="piper", name="")
    else:
        narrator = _spec(narrator_info, _path_as_digest, speaker=_speaker_id(narrator_info, request.speaker))
    return tuple(_pool_of(infos, narrator, request, _path_as_digest))


def _path_as_digest(model: Path) -> str:
    return str(model.resolve())  # telling voices apart without reading them


def give_voices(script, pool: Sequence[VoiceSpec]) -> None:
    """Set each of a Script's speakers' voice from ``pool``, as a build gives them."""
    segments = [segment for chapter in script.chapters for paragraph in chapter.paragraphs for segment in paragraph]
    keys = quotation_speakers([(segment.kind, segment.speaker) for segment in segments])
    voices = assign_voices([key for key in keys if key is not None], pool)
    for speaker in script.speakers:
        voice = voices[speaker.name]
        speaker.voice, speaker.voice_speaker = voice.name, voice.speaker_id


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


def _quote_pool(info, narrator: VoiceSpec, request: VoiceRequest, digest, warn) -> list[VoiceSpec]:
    """The voices of quotations, in order of preference (see the module's docstring)."""
    from audio_artigo.voices import local

    if request.quote_voices:
        pool = _pool_of([_installed_or_downloaded(name, request) for name in request.quote_voices], narrator, request, digest)
        if pool:
            return pool
        warn(f"the quotation voices asked for are the narrator's own ({narrator.name}); quotations get another voice")
    if info.num_speakers > 1:
        pool = _pool_of([info], narrator, request, digest)
        if pool:
            return pool
    installed = []
    for number, name in enumerate(local.DEFAULT_QUOTE_POOL):
        # The default quotation voice is downloaded along with the default
        # narrator; a narrator chosen by hand only gets it when it is already
        # installed, and the others of the pool are used only when installed.
        offline = number > 0 or request.voice is not None or request.offline
        try:
            installed.append(_installed_or_downloaded(name, replace(request, offline=offline)))
        except VoiceError:
            continue
    pool = _pool_of(installed, narrator, request, digest)
    if pool:
        return pool
    return [
        replace(
            narrator,
            name=f"{narrator.name} (quotation settings)",
            length_scale=(narrator.length_scale or 1.0) * QUOTE_LENGTH_FACTOR,
            noise_scale=QUOTE_NOISE_SCALE,
            noise_w_scale=QUOTE_NOISE_W_SCALE,
        )
    ]


def _pool_of(infos, narrator: VoiceSpec, request: VoiceRequest, digest) -> list[VoiceSpec]:
    """Every speaker of these voices (only ``--quote-speaker`` of a multi-speaker
    one, when given), except the narrator's own voice and speaker."""
    pool: list[VoiceSpec] = []
    sounds = {(narrator.digest, narrator.speaker_id)}  # one voice file under two names is one voice
    for info in infos:
        if info.num_speakers > 1 and request.quote_speaker is None:
            speakers: list[int | None] = list(range(info.num_speakers))
        else:
            speakers = [_speaker_id(info, request.quote_speaker)]
        for speaker in speakers:
            voice = _spec(info, digest, speaker=speaker)
            if (voice.digest, voice.speaker_id) not in sounds:
                sounds.add((voice.digest, voice.speaker_id))
                pool.append(voice)
    return pool


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


def _speaker_id(info, wanted: str | None) -> int | None:
    """A speaker id by number or name (the first speaker when none is wanted); None for a single-speaker voice."""
    if info.num_speakers <= 1:
        return None
    if wanted is None:
        return 0
    if wanted.isdigit() and int(wanted) < info.num_speakers:
        return int(wanted)
    if wanted in info.speaker_id_map:
        return info.speaker_id_map[wanted]
    raise VoiceError(f"{info.name} has no speaker {wanted!r} (it has {', '.join(info.speaker_id_map) or info.num_speakers})")


def _is_path(name: str) -> bool:
    return "/" in name or name.endswith(".onnx")


def at_speed(cast: Cast, speed: float) -> Cast:
    """``cast`` with every voice at the show's pace (1.1: 10 % faster)."""
    if speed == 1.0:
        return cast
    return replace(
        cast,
        narrator=replace(cast.narrator, speed=speed),
        quote=replace(cast.quote, speed=speed),
        others=tuple(replace(voice, speed=speed) for voice in cast.others),
    )
