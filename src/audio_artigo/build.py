"""Building episodes: the options, the cache, the voices and the worker pool of a build.

Each article then becomes an episode in :mod:`audio_artigo.episode`. That
module (the normaliser, the encoder, the tagger, the feed...) is imported only
once the voices have started loading: a one-sentence re-build spends most of
its time waiting for its voice, and those imports fit in that wait.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from audio_artigo.voices.cast import VoiceRequest, at_speed, choose_cast
from audio_artigo.errors import PublishError
from audio_artigo.model import Article, Episode

if TYPE_CHECKING:
    from audio_artigo.sources.limits import FetchLimits
    from audio_artigo.synthesis.cache import ClipCache


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
    """Default: $AUDIO_ARTIGO_CACHE_DIR, else OUT/.cache."""
    use_cache: bool = True
    keep_related: bool = False
    lexicon: Path | None = None
    bitrate_kbps: int = 64
    mp3_quality: int = 5
    show: dict[str, object] = field(default_factory=dict)
    """The show's settings given for this build (intro, loudness_lufs...): they override podcast.toml's."""
    fetch: FetchLimits | None = None
    """Bounds of every fetch (pages, lead images); None: the defaults of sources.fetch."""
    fetch_images: bool = True
    """Fetch the articles' lead images (False: the show's cover for every episode)."""
    backend: str = "local"
    """"local" (this machine's process pool) or "celery" (a cluster: audio_artigo.dist)."""


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def build(articles: list[str | Path | Article], options: BuildOptions, reporter: Reporter | None = None) -> list[Episode]:
    """Build and publish one episode per article (a file path, an http(s) URL or an Article).

    Every input is read and checked first, then the show's settings and
    sound files: a typo, a page that cannot be fetched or a broken setting
    stops the build before any voice is looked up, downloaded or loaded, and
    before anything is written. Voices are then chosen and loaded once for
    all the articles.
    """
    from audio_artigo.sources import read_source

    read = [article if isinstance(article, Article) else read_source(article, options.fetch) for article in articles]
    session = BuildSession(options, reporter)
    if options.backend == "celery":  # all the articles at once: the cluster builds them side by side
        from audio_artigo.dist.client import build_and_wait

        return build_and_wait(read, options, session.config, session.sounds, session.reporter)
    with session:
        return [session.build(article, more_to_come=number + 1 < len(read)) for number, article in enumerate(read)]


class BuildSession:
    """The show's settings, output folder, cache, voices and worker pool that the articles of one run share.

    Making one checks the show's settings and sound files (nothing written,
    nothing slow); entering it creates the output folder, chooses the voices
    and starts loading them (in a thread: the rest overlaps the loading);
    each :meth:`build` then makes and publishes one article's episode.
    """

    def __init__(self, options: BuildOptions, reporter: Reporter | None = None):
        from audio_artigo.assembly.sounds import read_sounds
        from audio_artigo.podcast.config import load_config, with_overrides

        self.options = options
        self.reporter = reporter or QuietReporter()
        self.config = with_overrides(load_config(Path(options.out_dir)), options.show)
        self.sounds = read_sounds(self.config)
        if "music_bed" in self.sounds and not self.config.intro:
            self.reporter.warn("music_bed is set but there is no spoken intro (intro) to put it under: it is not played")
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> "BuildSession":
        from audio_artigo.synthesis.pool import Pool  # numpy: not needed before a build starts (follow's quiet passes)

        options = self.options
        if options.backend == "celery":
            return self  # the cluster's workers hold the voices
        out_dir = Path(options.out_dir)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PublishError(f"cannot create the output folder {out_dir}: {exc.strerror or exc}") from exc
        with contextlib.ExitStack() as stack:
            self.cache = cache = _open_cache(options, out_dir)
            if not options.use_cache:
                stack.callback(cache.discard)
            self.cast = choose_voices(options, self.config, cache, self.reporter)
            workers = max(1, options.workers or available_cpus())
            self.pool = stack.enter_context(
                Pool(cache, self.cast.sample_rate, workers, threads_in_process=1 if options.workers == 1 else workers)
            )
            self.pool.warm_up([self.cast.narrator, self.cast.quote])  # first: the rest overlaps the voices' loading
            from audio_artigo.episode import build_episode

            self._build_episode = build_episode
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def build(self, article: Article, more_to_come: bool = False) -> Episode:
        """Build and publish ``article``'s episode (``more_to_come``: keep the worker processes for another).

        On the cluster (``backend == "celery"``): submitted, and waited for until its publisher published it.
        """
        if self.options.backend == "celery":
            from audio_artigo.dist.client import build_and_wait

            (episode,) = build_and_wait([article], self.options, self.config, self.sounds, self.reporter)
            return episode
        return self._build_episode(
            article, self.options, self.config, self.cast, self.cache, self.pool, self.reporter,
            more_to_come=more_to_come, sounds=self.sounds,
        )  # fmt: skip


def choose_voices(options: BuildOptions, config, cache: ClipCache, reporter: Reporter):
    """The cast of a run: the build's voices (``--quote-voice`` replaces the show's quote_voices), at the show's pace."""
    voices = options.voices
    if not voices.quote_voices:
        voices = replace(voices, quote_voices=config.quote_voices)
    return at_speed(choose_cast(voices, cache.file_digest, reporter.warn), config.speed)


def _open_cache(options: BuildOptions, out_dir: Path) -> ClipCache:
    from audio_artigo.synthesis.cache import ClipCache

    if not options.use_cache:
        return ClipCache.temporary()
    folder = options.cache_dir or Path(os.environ.get("AUDIO_ARTIGO_CACHE_DIR") or out_dir / ".cache")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create the cache folder {folder}: {exc.strerror or exc}") from exc
    return ClipCache(folder)
