"""Submitting articles to the cluster, following them, and the cluster's status.

``build`` does what a local build does before anything slow (read every
article, choose the voices, load the lexicon: any problem is one line and
nothing is queued), checks that the broker and the clip store answer, puts
the voices into the store (once per voice, by digest), queues one
``prepare`` per article, and, unless told not to wait, shows the progress
over the clips done until every article is published or has failed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from audio_artigo.dist.board import FINISHED, RUNNING, Board
from audio_artigo.dist.settings import DistSettings, dist_settings, local_folder
from audio_artigo.errors import ConfigError, RemoteBuildError
from audio_artigo.model import Episode

POLL_SECONDS = 0.25


@dataclass
class Submission:
    id: str
    source: str


@dataclass
class Outcome:
    submission: Submission
    state: str
    reason: str = ""
    episode: Episode | None = None
    """Published: the episode as the catalogue lists it."""
    file: str = ""
    """Published: where the publisher put the MP3 (on its machine)."""


@dataclass
class ClusterBuild:
    submitted: list[Submission]
    outcomes: list[Outcome] = field(default_factory=list)
    """Empty when not waited for."""

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.state != "published"]


def connect(settings: DistSettings) -> Board:
    board = Board(settings.broker)
    board.check()
    return board


def build(articles: list, options, reporter, wait: bool = True, config=None, sounds=None) -> ClusterBuild:
    """Submit one episode per article (files or URLs) to the cluster; with ``wait``, follow them to the end.

    ``options``: a build.BuildOptions (its voices, lexicon, show settings and
    encoder settings; the output folder is the publisher's). ``config`` and
    ``sounds``: the show's settings and sound files, when the caller read them
    (build.show_settings).
    """
    from audio_artigo.build import BuildSession, choose_voices
    from audio_artigo.dist.jobs import Job
    from audio_artigo.episode import episode_lexicon, loudness_target, prepare_sounds, publication_day
    from audio_artigo.model import Article
    from audio_artigo.sources import read_source
    from audio_artigo.synthesis.cache import ClipCache

    if not options.use_cache or options.workers:
        raise ConfigError("--no-cache and --workers are for a local build: a cluster's workers share one clip store, "
                          "and each sets its own --concurrency")
    # Every input checked before anything is queued (articles may come read already: build.build).
    sources = [article if isinstance(article, Article) else read_source(article, options.fetch) for article in articles]
    if config is None:
        session = BuildSession(options, reporter)  # the show's settings and sounds, checked
        config, sounds = session.config, session.sounds
    settings = dist_settings(options.out_dir)
    store = settings.require_store()
    lexicon = episode_lexicon(options, config)
    board = connect(settings)
    cache = ClipCache.open(store, options.cache_dir or local_folder(), settings.store_options)
    cache.store.check()
    cast = choose_voices(options, config, cache, reporter)
    for voice in dict.fromkeys((cast.narrator, *cast.pool)):
        cache.share_voice(voice)
    prepared_sounds = prepare_sounds(sounds or {}, cast.sample_rate, loudness_target(config), cache)
    _warn_of_missing_workers(board, reporter)

    from audio_artigo.dist.tasks import prepare

    submitted = []
    for reference, article in zip(articles, sources):
        day = publication_day(article, config, options.out_dir)
        job = Job(
            store=store,
            article=article,
            cast=cast,
            config=config,
            keep_related=options.keep_related,
            lexicon=dict(lexicon.entries) if lexicon else None,
            bitrate_kbps=options.bitrate_kbps,
            mp3_quality=options.mp3_quality,
            sounds=prepared_sounds,
            day=day.isoformat() if day else None,
            fetch_images=options.fetch_images,
        )
        submission = Submission(job.id, article.url or article.source if isinstance(reference, Article) else str(reference))
        board.submitted(job.id, submission.source)
        try:
            prepare.apply_async((job.to_json(),))
        except Exception as exc:  # noqa: BLE001 - kombu's connection errors: one line
            raise board.unreachable(exc) from None
        submitted.append(submission)
    result = ClusterBuild(submitted)
    if wait:
        result.outcomes = wait_for(board, submitted, reporter)
    return result


def wait_for(board: Board, submitted: list[Submission], reporter) -> list[Outcome]:
    """Show the progress over the clips done until every submission is published or failed."""
    ids = [submission.id for submission in submitted]
    shown_total = shown_done = None
    while True:
        records = board.get_many(ids)
        total = sum(record.get("clips", 0) for record in records if record)
        done = sum(min(record.get("done", 0), record.get("clips", 0)) for record in records if record)
        if total != shown_total:
            reporter.start("Synthesising on the cluster", max(total, 1))
            shown_total, shown_done = total, 0
        reporter.advance(done - shown_done)
        shown_done = done
        if all(not record or record.get("state") in FINISHED for record in records):
            break
        time.sleep(POLL_SECONDS)
    from audio_artigo.dist.tasks import episode_from_json

    outcomes = []
    for submission, record in zip(submitted, records):
        if not record:
            outcomes.append(Outcome(submission, "failed", "its entry left the broker"))
        elif record["state"] == "published":
            outcomes.append(Outcome(submission, "published", episode=episode_from_json(record["episode"]), file=record.get("file", "")))
        else:
            outcomes.append(Outcome(submission, record["state"], record.get("reason", "")))
    return outcomes


def build_and_wait(articles: list, options, config, sounds, reporter) -> list[Episode]:
    """``build`` for a library caller (build.build, a follow pass): the published episodes; RemoteBuildError naming the first failure."""
    result = build(articles, options, reporter, wait=True, config=config, sounds=sounds)
    if result.failed:
        first = result.failed[0]
        more = f" (and {len(result.failed) - 1} more)" if len(result.failed) > 1 else ""
        source = first.submission.source
        raise RemoteBuildError((first.reason if first.reason.startswith(source) else f"{source}: {first.reason}") + more)
    return [outcome.episode for outcome in result.outcomes]


def _warn_of_missing_workers(board: Board, reporter) -> None:
    consumed = {queue for worker in board.workers() for queue in worker.get("queues", [])}
    absent = [queue for queue in ("prepare", "synth", "assemble", "publish") if queue not in consumed]
    if absent:
        reporter.warn(
            f"no worker consumes the {', '.join(absent)} queue{'s' if len(absent) > 1 else ''} yet: "
            "the articles wait until one starts (audio-artigo worker)"
        )


@dataclass
class Status:
    queued: list[dict]
    running: list[dict]
    failed: list[dict]
    published: list[dict]
    workers: list[dict]


def status(folder: Path | None = None) -> Status:
    """The articles on the board (newest first) by state, and the workers that are up."""
    board = connect(dist_settings(folder))
    records = board.recent()
    return Status(
        queued=[record for record in records if record.get("state") == "queued"],
        running=[record for record in records if record.get("state") in RUNNING],
        failed=[record for record in records if record.get("state") == "failed"],
        published=[record for record in records if record.get("state") == "published"],
        workers=board.workers(),
    )
