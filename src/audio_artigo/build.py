"""Building episodes: the options, the cache, the voices and the worker pool of a build.

Each article then becomes an episode in :mod:`audio_artigo.episode`. That
module (the normaliser, the encoder, the tagger, the feed...) is imported only
once the voices have started loading: a one-sentence re-build spends most of
its time waiting for its voice, and those imports fit in that wait.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from audio_artigo.voices.cast import VoiceRequest, at_speed, choose_cast
from audio_artigo.errors import PublishError
from audio_artigo.model import Episode
from audio_artigo.synthesis.cache import ClipCache
from audio_artigo.synthesis.pool import Pool


class Reporter(Protocol):
    def warn(self, message: str) -> None: ...
    def info(self, message: str) -> None: ...
    def start(self, phase: str, total: float) -> None: ...
    def advance(self, amount: float) -> None: ...


class QuietReporter:
    def warn(self, message: str) -> None:
        pass

    def info(self, message: str) -> None:
        pass

    def start(self, phase: str, total: float) -> None:
        pass

    def advance(self, amount: float) -> None:
        pass


@dataclass
class BuildOptions:
    out_dir: Path = Path("output")
    voices: VoiceRequest = field(default_factory=VoiceRequest)
    workers: int | None = None
    """Synthesis processes; default: the CPUs this process may use."""
    cache_dir: Path | None = None
    """Default: OUT/.cache (or $AUDIO_ARTIGO_CACHE_DIR)."""
    use_cache: bool = True
    keep_related: bool = False
    lexicon: Path | None = None
    bitrate_kbps: int = 64
    mp3_quality: int = 5
    show: dict[str, object] = field(default_factory=dict)
    """The show's settings given for this build (intro, loudness_lufs...): they override podcast.toml's."""


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def build(articles: list[Path], options: BuildOptions, reporter: Reporter | None = None) -> list[Episode]:
    """Build and publish one episode per article; voices are chosen and loaded once.

    The show's settings and sound files are checked first: a mistake there
    stops the build before anything is written or anything slow starts.
    """
    from audio_artigo.assembly.sounds import read_sounds
    from audio_artigo.podcast.config import load_config, with_overrides

    reporter = reporter or QuietReporter()
    out_dir = Path(options.out_dir)
    config = with_overrides(load_config(out_dir), options.show)
    sounds = read_sounds(config)
    if "music_bed" in sounds and not config.intro:
        reporter.warn("music_bed is set but there is no spoken intro (intro) to put it under: it is not played")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create the output folder {out_dir}: {exc.strerror or exc}") from exc
    cache = _open_cache(options, out_dir)
    try:
        voices = options.voices if options.voices.quote_voices else replace(options.voices, quote_voices=config.quote_voices)
        cast = at_speed(choose_cast(voices, cache.file_digest, reporter.warn), config.speed)
        workers = max(1, options.workers or available_cpus())
        with Pool(cache, cast.sample_rate, workers, threads_in_process=1 if options.workers == 1 else workers) as pool:
            pool.warm_up([cast.narrator, cast.quote])  # first: the rest overlaps the voices' loading
            from audio_artigo.episode import build_episode

            return [
                build_episode(
                    Path(article), options, config, cast, cache, pool, reporter,
                    more_to_come=number + 1 < len(articles), sounds=sounds,
                )  # fmt: skip
                for number, article in enumerate(articles)
            ]
    finally:
        if not options.use_cache:
            cache.discard()


def _open_cache(options: BuildOptions, out_dir: Path) -> ClipCache:
    if not options.use_cache:
        return ClipCache.temporary()
    folder = options.cache_dir or Path(os.environ.get("AUDIO_ARTIGO_CACHE_DIR") or out_dir / ".cache")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create the cache folder {folder}: {exc.strerror or exc}") from exc
    return ClipCache(folder)
