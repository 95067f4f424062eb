"""The four tasks of an article on the cluster (see the package's docstring).

Fan-in: ``assemble`` re-queues itself until every clip of its article is in
the store, rather than waiting in a chord. The store is what says whether
a clip exists: a redelivered or duplicated ``synth`` task (a worker killed
mid-batch, a visibility timeout) cannot make ``assemble`` start early or
never, as it can a chord's counter, there is no result backend to keep,
and a correction with nothing to synthesise needs no special case. The
board's count of clips done (a Redis set: each clip counted once) tells
``assemble`` when to look, so the store is asked once or twice per article.

Failures: a problem with the article or its voices (AudioArtigoError) fails
that article at once, with its one-line reason on the board; anything else
(the store or the broker away, a bug) is retried with exponential backoff,
then fails the article. Other articles go on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import tempfile
import time
from pathlib import Path

from celery.utils.log import get_task_logger

from audio_artigo import episode as stages
from audio_artigo.build import QuietReporter
from audio_artigo.dist.app import SETTINGS, app, publish_dir
from audio_artigo.dist.board import FINISHED, Board
from audio_artigo.dist.jobs import Job, episode_record
from audio_artigo.dist.settings import local_folder
from audio_artigo.errors import AudioArtigoError, ClusterError, PublishError, StoreError, SynthesisError
from audio_artigo.model import ChapterMark, Episode, StagedEpisode
from audio_artigo.synthesis.cache import BrokenEntry, ClipCache
from audio_artigo.synthesis.pool import Pool, SynthesisJob, ClipWorker
from audio_artigo.synthesis.voice import VoiceSpec

log = get_task_logger(__name__)

BATCH_CHARS = 600
"""Text per synth task (a few sentences, about 3 s of a medium voice on one core): small enough that two
workers share one article evenly, large enough that a task's overhead (a message, a look-up) is noise."""

VOICE_LIFETIME_CLIPS = 40
"""Clips a synth process speaks on one loading of its voices (as the local pool's processes do): then it
lets go of them and of the memory onnxruntime grew to (ClipWorker.let_go_of_voices). Replacing the process
instead, as Celery's max_tasks_per_child does, stalled the worker for up to 5 s each time on a busy machine."""

MAX_RETRIES = 5
MAX_WAIT_SECONDS = 5.0
"""The longest assemble waits before it looks again whether its clips are there."""
WAIT_LIMIT_SECONDS = 24 * 3600
"""How long assemble waits for its clips (a long queue ahead of them) before failing the article."""

_TASK = dict(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES, ignore_result=True)
_TRANSIENT = (StoreError, ClusterError, PublishError)
"""The project's errors that may pass when tried again (any other exception is retried too)."""

_board: Board | None = None
_caches: dict[str, ClipCache] = {}
_speakers: dict[tuple[str, int], ClipWorker] = {}
"""Per worker process: a synthesis worker per store and sample rate, with its voices loaded on first use and kept."""


def board() -> Board:
    global _board
    if _board is None:
        _board = Board(SETTINGS.broker)
    return _board


def cache_for(store: str) -> ClipCache:
    if store not in _caches:
        _caches[store] = ClipCache.open(store, local_folder(), SETTINGS.store_options)
    return _caches[store]


def _guarded(task, episode_id: str, work):
    """Run ``work()``; an article's own problem fails it, anything else is retried with backoff, then fails it."""
    from celery.exceptions import Retry

    started = time.process_time()
    try:
        return work()
    except Retry:
        raise
    except AudioArtigoError as exc:
        if isinstance(exc, _TRANSIENT) and task.request.retries < task.max_retries:
            raise task.retry(exc=exc, countdown=_backoff(task.request.retries)) from None
        board().failed(episode_id, str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug or an outage: retried, then reported on the board
        if task.request.retries < task.max_retries:
            log.warning("%s of %s failed (retrying): %s", task.name, episode_id, exc, exc_info=True)
            raise task.retry(exc=exc, countdown=_backoff(task.request.retries)) from None
        log.exception("%s of %s failed", task.name, episode_id)
        board().failed(episode_id, f"{task.name.rsplit('.', 1)[-1]} failed: {type(exc).__name__}: {exc}")
    finally:
        # What each task costs, whatever else runs on the machine (bench/cluster.py adds these up).
        log.info("episode %s: %.3f s CPU", episode_id, time.process_time() - started)


def _backoff(retries: int) -> float:
    return min(60.0, 2.0 * 2**retries)


# prepare ---------------------------------------------------------------------


@app.task(name="audio_artigo.prepare", queue="prepare", **_TASK)
def prepare(self, job_data: dict) -> None:
    job = Job.from_json(job_data)
    _guarded(self, job.id, lambda: _prepare(job))


def _prepare(job: Job) -> None:
    if board().get(job.id).get("state") in FINISHED:
        return  # delivered again after its article was done
    board().update(job.id, state="preparing")
    cache = cache_for(job.store)
    prepared = job.prepared()
    _keys, jobs = stages.clip_jobs(prepared.lines, job.cast)
    missing = cache.missing("clips", jobs)  # every clip looked up at once
    board().set_clips(job.id, len(missing))
    board().keep_job(job.id, json.dumps(job.to_json()))
    board().update(job.id, state="synthesising", title=prepared.script.title)
    queue_synthesis(job, [jobs[key] for key in missing])
    assemble.apply_async((job.to_json(), time.time()))


def queue_synthesis(job: Job, missing: list[SynthesisJob]) -> None:
    """The missing clips in batches of about BATCH_CHARS, one voice per batch, longest clips first."""
    for voice, clips in synthesis_batches(missing):
        synth.apply_async((job.id, job.store, job.sample_rate, dataclasses.asdict(voice), clips))


def synthesis_batches(missing: list[SynthesisJob]) -> list[tuple[VoiceSpec, list[list[str]]]]:
    batches: list[tuple[VoiceSpec, list[list[str]], int]] = []
    open_batch: dict[VoiceSpec, tuple[list[list[str]], int]] = {}
    for job in sorted(missing, key=lambda job: len(job.text), reverse=True):
        clips, size = open_batch.get(job.voice, (None, 0))
        if clips is None or size + len(job.text) > BATCH_CHARS:
            clips, size = [], 0
            batches.append((job.voice, clips, len(job.text)))
        clips.append([job.key, job.text])
        open_batch[job.voice] = (clips, size + len(job.text))
    # Batches with the longest clips first, so the last ones to finish are short.
    return [(voice, clips) for voice, clips, _longest in sorted(batches, key=lambda batch: -batch[2])]


# synth -----------------------------------------------------------------------


@app.task(name="audio_artigo.synth", queue="synth", **_TASK)
def synth(self, episode_id: str, store: str, sample_rate: int, voice: dict, clips: list[list[str]]) -> None:
    _guarded(self, episode_id, lambda: _synth(episode_id, store, sample_rate, VoiceSpec(**voice), clips))


def _synth(episode_id: str, store: str, sample_rate: int, voice: VoiceSpec, clips: list[list[str]]) -> None:
    cache = cache_for(store)
    absent = cache.missing("clips", [key for key, _text in clips])  # a batch run again skips what it did
    there = [key for key, _text in clips if key not in absent]
    complete = bool(there) and board().clips_done(episode_id, there)
    speaker = _speaker(cache, store, sample_rate)
    for key, text in clips:
        if key in absent:
            result = speaker.synthesize(SynthesisJob(key, voice, text))
            complete = board().clips_done(episode_id, [key], written=int(result.stored))
    if complete:
        _wake_assembly(episode_id)
    if speaker.spoken >= VOICE_LIFETIME_CLIPS:
        speaker.let_go_of_voices()


def _wake_assembly(episode_id: str) -> None:
    """The batch that completes an article's clips starts its assembly now, rather than when the
    assemble task waiting for them next looks (up to MAX_WAIT_SECONDS later). Once per article."""
    job = board().wake(episode_id)
    if job is not None:
        assemble.apply_async((json.loads(job), time.time()))


def _speaker(cache: ClipCache, store: str, sample_rate: int) -> ClipWorker:
    """This process's synthesis worker: its voices load on first use and stay (one onnxruntime thread)."""
    if (store, sample_rate) not in _speakers:
        _speakers[store, sample_rate] = ClipWorker(cache, sample_rate, threads=1)
    return _speakers[store, sample_rate]


# assemble --------------------------------------------------------------------


@app.task(name="audio_artigo.assemble", queue="assemble", **_TASK)
def assemble(self, job_data: dict, waiting_since: float) -> None:
    job = Job.from_json(job_data)
    _guarded(self, job.id, lambda: _assemble(job, waiting_since))


def _assemble(job: Job, waiting_since: float) -> None:
    record = board().get(job.id)
    if record.get("state") in FINISHED:
        return  # published (this task was delivered again), or a synth batch failed: its reason is on the board
    if record and record["done"] < record["clips"]:
        return _wait(job, waiting_since, record)
    cache = cache_for(job.store)
    assembled = cache.store.read_many([episode_record(job.id)]).get(episode_record(job.id))
    if assembled is not None:  # assembled already (this task ran before and was delivered again)
        publish.apply_async((job.id, job.store, json.loads(assembled)))
        return
    prepared = job.prepared()
    clip_keys, jobs = stages.clip_jobs(prepared.lines, job.cast)
    facts: dict = {}
    missing = stages.load_facts(jobs.values(), facts, cache)
    if missing:  # counted but not in the store (removed meanwhile by a lifecycle rule): speak them again
        queue_synthesis(job, missing)
        return _wait(job, waiting_since, record)
    board().update(job.id, state="assembling")
    settings = stages.encoder_settings(job.cast, job)
    target = stages.loudness_target(job.config)
    codec_record = stages.codec_record_name(job.cast, settings)
    codec_loss = cache.read_record(codec_record).get("loss_db")
    assembly = stages.Assembly(prepared.lines, clip_keys, facts, prepared.intro_lines, job.sounds)
    with Pool(cache, job.sample_rate, workers=1) as pool:
        try:
            if codec_loss is None:
                codec_loss = stages.measure_codec_loss(prepared.lines, clip_keys, settings, target, codec_record, cache, pool)
            runs, encoded = stages.encode_to_target(
                assembly, settings, target, (codec_record, codec_loss), job.article.identity, cache, pool, _Quiet()
            )
        except BrokenEntry:
            queue_synthesis(job, stages.load_facts(jobs.values(), {}, cache))
            return _wait(job, waiting_since, record)
    with tempfile.TemporaryDirectory(prefix="audio-artigo-assemble-") as folder:
        staged = stages.assemble(prepared, clip_keys, facts, runs, encoded, job.cast, job.config, Path(folder), job.date)
        image_url = job.article.image_url if job.fetch_images else None
        assembled_record = _store_episode(cache, job.id, staged, image_url)
    board().update(job.id, state="publishing")
    publish.apply_async((job.id, job.store, assembled_record))


def _wait(job: Job, waiting_since: float, record: dict) -> None:
    """Come back when the clips are likely there: sooner as fewer remain, at the rate they have been coming."""
    if time.time() - waiting_since > WAIT_LIMIT_SECONDS:
        raise SynthesisError(f"its clips did not reach the store within {WAIT_LIMIT_SECONDS // 3600} hours")
    remaining = max(1, record.get("clips", 0) - record.get("done", 0))
    elapsed = max(0.1, time.time() - waiting_since)
    rate = record.get("done", 0) / elapsed
    # Half the time the rest should take at the rate so far; before the first clip (queued behind
    # other articles) the longest wait, so that a long queue costs the broker little.
    countdown = remaining / rate * 0.5 if rate > 0 else MAX_WAIT_SECONDS
    # Well under the visibility timeout: a message held for its countdown must not be delivered twice.
    countdown = min(max(countdown, 0.2), MAX_WAIT_SECONDS, SETTINGS.visibility_timeout / 4)
    assemble.apply_async((job.to_json(), waiting_since), countdown=countdown)


def _store_episode(cache: ClipCache, episode_id: str, staged: StagedEpisode, image_url: str | None) -> dict:
    """Put the staged files into the store, named by content, then the record naming them (the commit point).

    The lead image (``image_url``) is the publisher's to fetch: it goes into its folder.
    """
    files = {}
    try:
        for role, suffix in (("audio", ".mp3"), ("chapters_json", ".chapters.json"), ("transcript", ".vtt")):
            data = Path(getattr(staged, role)).read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            name = f"episodes/{episode_id}/{digest}{suffix}"
            cache.store.create(name, data)
            files[role] = {"name": name, "sha256": digest, "size": len(data)}
    finally:
        for role in ("audio", "chapters_json", "transcript"):
            Path(getattr(staged, role)).unlink(missing_ok=True)
    record = {"episode": dataclasses.asdict(staged.episode), "files": files, "image_url": image_url}
    if not cache.store.create(episode_record(episode_id), json.dumps(record, sort_keys=True).encode()):
        return json.loads(cache.store.read_many([episode_record(episode_id)])[episode_record(episode_id)])  # another run's, first
    return record


class _Quiet(QuietReporter):
    """A task's reporter: warnings go to the worker's log."""

    def warn(self, message: str) -> None:
        log.warning(message)


# publish ---------------------------------------------------------------------


@app.task(name="audio_artigo.publish", queue="publish", **_TASK)
def publish(self, episode_id: str, store: str, assembled: dict) -> None:
    _guarded(self, episode_id, lambda: _publish(episode_id, store, assembled))


def _publish(episode_id: str, store: str, assembled: dict) -> None:
    """Publish as a local build does (podcast.publish: a second run of the same bytes changes nothing)."""
    from audio_artigo.atomicio import temp_path_for
    from audio_artigo.podcast.catalogue import locked_catalogue
    from audio_artigo.podcast.config import load_config
    from audio_artigo.podcast.publish import publish as publish_staged

    out_dir = publish_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    config = load_config(out_dir)
    episode = episode_from_json(assembled["episode"])
    files = assembled["files"]
    with locked_catalogue(out_dir) as catalogue:
        listed = catalogue.find(episode.identity)
    if listed is not None and listed.episode.sha256 == files["audio"]["sha256"]:
        published = listed.episode  # published before this task was delivered again
    else:
        cache = cache_for(store)
        found = cache.store.read_many([files[role]["name"] for role in files])
        staged_paths = {}
        try:
            for role, file in files.items():
                data = found.get(file["name"])
                if data is None or hashlib.sha256(data).hexdigest() != file["sha256"]:
                    raise StoreError(f"the clip store lost the episode's {role.replace('_', ' ')} ({file['name']})")
                path = temp_path_for(out_dir / f"{episode.slug}{Path(file['name']).suffix}")
                staged_paths[role] = path
                path.write_bytes(data)
            image_file = stages.lead_image(assembled.get("image_url"), out_dir, None, _Quiet())
            published = publish_staged(out_dir, StagedEpisode(dataclasses.replace(episode, image_file=image_file), **staged_paths), config)
        finally:
            for path in staged_paths.values():
                path.unlink(missing_ok=True)
    board().update(
        episode_id,
        state="published",
        file=str(out_dir / published.audio_file),
        url=config.url_for(published.audio_file),
        episode=dataclasses.asdict(published),
    )
    cache = cache_for(store)
    for name in [*(file["name"] for file in files.values()), episode_record(episode_id)]:
        with contextlib.suppress(StoreError):
            cache.store.remove(name)  # the output folder has them now


def episode_from_json(data: dict) -> Episode:
    return Episode(**{**data, "chapters": [ChapterMark(**chapter) for chapter in data["chapters"]]})
