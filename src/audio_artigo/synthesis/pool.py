"""Running synthesis and encoding jobs, in worker processes or in this one.

Each worker process loads each voice once (one ONNX session per voice file,
with the intra-op threads it is given) and writes its results straight into
the clip cache: only numbers travel back to the parent for a synthesised
clip (no process ever holds the episode's audio), and an encoded run's MP3
frames, which the parent assembles into the episode anyway. Jobs are submitted longest first, so the
last ones to finish are short and the cores stay busy to the end. Small jobs
(a correction's few sentences) run in this process instead, with voices a
warm-up thread loaded while the article was read, kept for the next build.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from audio_artigo.errors import AudioArtigoError, SynthesisError
from audio_artigo.synthesis.cache import ClipAudio, ClipCache, EncodedClip
from audio_artigo.synthesis.heap import give_back_freed_memory
from audio_artigo.synthesis.voice import VoiceSpec


@dataclass(frozen=True)
class SynthesisJob:
    key: str
    voice: VoiceSpec
    text: str
    codec_probe: object = None
    """(EncoderSettings, LoudnessTarget): also measure how much loudness the encoder takes from this clip."""


@dataclass(frozen=True)
class SynthesisResult:
    seconds: float
    codec_loss_db: float | None = None
    stored: bool = True
    """False when the store already had this clip (another worker spoke it meanwhile)."""


@dataclass(frozen=True)
class EncodeJob:
    key: str
    clip_key: str
    pause_samples: int
    gain: float
    ceiling: float
    settings: object  # assembly.mp3.EncoderSettings


@dataclass(frozen=True)
class MixJob:
    """Clips (the spoken intro) encoded as one run, with the music bed under them (see assembly.sounds)."""

    key: str
    clip_keys: tuple[str, ...]
    pause_samples: tuple[int, ...]
    """The silence after each clip."""
    bed_key: str
    """The prepared music bed, in the clip cache."""
    lead_samples: int
    """The bed alone before the first clip."""
    gain: float
    """The episode's gain, for the clips (the prepared bed is at the show's loudness already)."""
    ceiling: float
    settings: object


CODEC_HEADROOM = 10 ** (-0.5 / 20)
"""How far under the true-peak ceiling clips are limited before encoding (0.5 dB)."""


class ClipWorker:
    """Per-process state: the cache, loaded voices, and the episode's sample rate."""

    def __init__(self, cache: ClipCache | tuple[str, str], sample_rate: int, threads: int):
        """``cache``: the cache, or where it is (its store's location and its local folder) in a new process."""
        self.cache = cache if isinstance(cache, ClipCache) else ClipCache.open(cache[0], Path(cache[1]))
        self.sample_rate = sample_rate
        self.threads = threads
        self.engines: dict[tuple, object] = {}
        self.spoken = 0
        """Clips spoken since the voices were loaded."""

    def engine(self, spec: VoiceSpec):
        identity = (spec.engine, spec.model, spec.digest)  # the digest: a file replaced in place is another voice
        if identity not in self.engines:
            if spec.engine == "piper":
                from audio_artigo.synthesis.piper_engine import PiperModel

                self.engines[identity] = PiperModel(self.cache.local_voice(spec), self.threads, self.cache.models)
            else:
                from audio_artigo.synthesis.espeak_engine import EspeakEngine

                self.engines[identity] = EspeakEngine()
        return self.engines[identity]

    def let_go_of_voices(self) -> None:
        """Unload the voices and hand their memory back to the system; they load again on next use (~0.05 s).

        onnxruntime's memory arena grows with what a session has spoken and
        never shrinks while the session lives: freeing the session (and
        trimming the heap) bounds a long-lived process as replacing it would,
        without a new process (measured: 40 sentences per loading keep a
        medium voice's process under 560 MiB; 200 sentences on one loading grew it to 1 GiB).
        """
        self.engines.clear()
        self.spoken = 0
        give_back_freed_memory()

    def synthesize(self, job: SynthesisJob) -> SynthesisResult:
        from audio_artigo.assembly.dsp import resample
        from audio_artigo.assembly.loudness import step_energies, step_samples

        engine = self.engine(job.voice)
        audio = engine.speak(job.text, job.voice)
        self.spoken += 1
        audio = resample(audio, engine.sample_rate, self.sample_rate)
        speech = len(audio)
        hop = step_samples(self.sample_rate)
        padded = np.zeros(-(-speech // hop) * hop, dtype=np.float64)
        padded[:speech] = audio
        peak = float(np.max(np.abs(padded))) if speech else 0.0
        clip = ClipAudio(
            pcm=np.round(padded / (peak or 1.0) * 32767).astype(np.int16),
            peak=peak,
            energies=step_energies(padded, self.sample_rate),
            speech_samples=speech,
        )
        stored = self.cache.store_clip(job.key, clip)
        loss = self.codec_loss(clip, job.codec_probe) if job.codec_probe is not None else None
        return SynthesisResult(speech / self.sample_rate, loss, stored)

    def codec_loss(self, clip: ClipAudio, probe) -> float | None:
        """Loudness (LU) the encoder removes from a clip brought to the target level.

        The encoder's low-pass and masking take some energy away, a little from
        speech, up to a dB from noise-like voices; knowing it from a few clips
        lets the first encoding land on the target.
        """
        from audio_artigo.assembly.loudness import db_to_gain, integrated_loudness

        settings, target = probe
        loudness = integrated_loudness(clip.energies)
        if not np.isfinite(loudness):
            return None
        gain = db_to_gain(target.lufs - loudness)
        encoded = self._encode_and_measure(clip.samples(), gain, db_to_gain(target.ceiling_dbtp), 0, settings)
        return target.lufs - integrated_loudness(encoded.energies)

    def _encode_and_measure(self, samples: np.ndarray, gain: float, ceiling: float, pause_samples: int, settings) -> EncodedClip:
        """MP3 frames of audio (a clip's samples) at ``gain``, with the loudness energies and length of their decoded audio.

        The limiter keeps the clip a little under ``ceiling`` before encoding,
        as the encoder can overshoot by a fraction of a dB; a decoded clip that
        still comes out above the ceiling is encoded again with the limiter
        lowered by the overshoot.
        """
        from audio_artigo.assembly import mp3
        from audio_artigo.assembly.limiter import limit
        from audio_artigo.assembly.loudness import step_energies, step_samples, true_peak

        limit_at = ceiling * CODEC_HEADROOM
        for _attempt in range(3):
            audio = limit(samples.astype(np.float64) * gain, limit_at, self.sample_rate)
            pcm = np.zeros(len(audio) + pause_samples, dtype=np.int16)
            pcm[: len(audio)] = np.clip(np.round(audio * 32767), -32767, 32767)
            frames = mp3.encode(pcm, settings)
            decoded = mp3.decode(frames)
            overshoot = true_peak(decoded, above=ceiling) / ceiling
            if overshoot <= 1.0:
                break
            limit_at /= overshoot * 1.02
        hop = step_samples(self.sample_rate)
        padded = np.zeros(-(-len(decoded) // hop) * hop)
        padded[: len(decoded)] = decoded
        return EncodedClip(frames, step_energies(padded, self.sample_rate), mp3.count_samples(frames))

    def encode(self, job: EncodeJob | MixJob) -> EncodedClip:
        # The loudness that counts is the MP3's: measured on the decoded frames.
        if isinstance(job, MixJob):
            encoded = self._encode_and_measure(self._mix(job), 1.0, job.ceiling, 0, job.settings)
        else:
            clip = self.cache.load_clip(job.clip_key)
            encoded = self._encode_and_measure(clip.samples(), job.gain, job.ceiling, job.pause_samples, job.settings)
        self.cache.store_encoded(job.key, encoded)
        return encoded

    def _mix(self, job: MixJob) -> np.ndarray:
        """The clips at the episode's gain with their pauses, after the bed's lead, and the bed under them."""
        from audio_artigo.assembly.sounds import bed_envelope, repeated

        pieces = [np.zeros(job.lead_samples)]
        position = voice_end = job.lead_samples
        for clip_key, pause in zip(job.clip_keys, job.pause_samples):
            clip = self.cache.load_clip(clip_key)
            pieces += [clip.samples().astype(np.float64) * job.gain, np.zeros(pause)]
            voice_end = position + clip.speech_samples
            position += len(clip.pcm) + pause
        voice = np.concatenate(pieces)
        bed = self.cache.load_clip(job.bed_key)
        music = repeated(bed.samples()[: bed.speech_samples].astype(np.float64), len(voice))
        return voice + music * bed_envelope(len(voice), job.lead_samples, voice_end, self.sample_rate)


def _clips_of(job: EncodeJob | MixJob) -> tuple[str, ...]:
    """The cached clips (and prepared sounds) an encoding job reads."""
    return (*job.clip_keys, job.bed_key) if isinstance(job, MixJob) else (job.clip_key,)


def longest_first_by_generation(jobs: list[SynthesisJob], first: int, generation: int) -> list[SynthesisJob]:
    """``jobs`` cut in reading order into parts of ``first`` jobs, then of ``generation`` jobs, each part longest first."""
    ordered: list[SynthesisJob] = []
    start, size = 0, first
    while start < len(jobs):
        ordered += sorted(jobs[start : start + size], key=lambda job: len(job.text), reverse=True)
        start, size = start + size, generation
    return ordered


_worker: ClipWorker | None = None


def _start_worker(cache: tuple[str, str], sample_rate: int, threads: int) -> None:
    global _worker
    # Ctrl-C reaches the whole process group: the main process decides (a
    # build stops and lets the workers go; `follow` finishes its article).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = ClipWorker(cache, sample_rate, threads)
    # When the pool lets a worker go, its results have been sent and its cache
    # entries written: it ends at once, skipping onnxruntime's teardown
    # (~40 ms at the end of every build and every retired generation).
    atexit.register(os._exit, 0)


def _run_batch(method: str, jobs: list) -> list:
    return [getattr(_worker, method)(job) for job in jobs]


SMALL_JOB_CHARS = 400
"""Up to this much text (a few sentences), this process speaks it: starting
worker processes and loading the voice in each costs more."""

TASKS_PER_WORKER = 40
"""Worker processes are replaced after this many tasks each. onnxruntime's
memory arena fragments as sentences of every length go through it, and never
gives memory back: fresh workers (0.4 s to start) keep an hour-long episode's
memory where a six-minute one's is (about 30 tasks per worker)."""

ENCODE_BATCHES_PER_WORKER = 4
"""Clips are encoded in a few batches per worker: one task per clip would be mostly overhead."""


class _WarmUp:
    """A worker for this process whose voices load in a thread, until it is taken.

    onnxruntime releases the GIL while it builds a session, so the load (or
    the making of a voice's optimised copy) runs beside what this process
    does meanwhile: reading and normalising the article. A warm-up nobody
    takes (the work went to worker processes) is let go: its thread
    finishes, and the voices are freed with it, their memory given back.
    """

    def __init__(self, worker: ClipWorker, voices: list[VoiceSpec]):
        self._worker: ClipWorker | None = worker
        self._loaded = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._load, args=(voices,), name="voice warm-up")
        self._thread.start()

    def _load(self, voices: list[VoiceSpec]) -> None:
        worker = self._worker
        for voice in voices:
            with contextlib.suppress(Exception):  # loaded again, and reported, when it is used
                worker.engine(voice)
        del worker
        with self._lock:
            self._loaded = True
            let_go = self._worker is None
        if let_go:  # while loading: the voices have just been freed
            give_back_freed_memory()

    def take(self) -> ClipWorker:
        self._thread.join()
        return self._worker

    def let_go(self) -> None:
        with self._lock:
            self._worker = None  # the thread, if still loading, holds the last reference
            loaded = self._loaded
        if loaded:
            give_back_freed_memory()

    def join(self) -> None:
        self._thread.join()


_idle_worker: ClipWorker | None = None
"""The last in-process worker of this process, kept with its voices loaded
for the next build: freeing a used voice takes onnxruntime ~20 ms (holding
the GIL), loading it again ~60 ms. A command-line build never frees it."""
_idle_lock = threading.Lock()


class Pool:
    """Runs jobs on ``workers`` processes, or in this process when the work is small.

    Worker processes are started on first use and kept for both synthesis and
    encoding, so each voice is loaded once per build.
    """

    def __init__(self, cache: ClipCache, sample_rate: int, workers: int, threads_in_process: int = 1):
        self.cache = cache
        self.sample_rate = sample_rate
        self.workers = workers
        self.threads_in_process = threads_in_process
        self._executor = None
        self._tasks_given = 0
        self._local: ClipWorker | None = None
        self._warm_up: _WarmUp | None = None
        self._let_go: list[_WarmUp] = []

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        global _idle_worker
        if self._warm_up is not None:  # nothing was synthesised here: kept for the next build
            self._take_local_worker()
        for warm_up in self._let_go:  # no thread outlives the build (it may be writing into the cache)
            warm_up.join()
        self.release_workers()
        if self._local is not None:
            with _idle_lock:
                _idle_worker, self._local = self._local, None

    def _let_go_of_warm_up(self) -> None:
        if self._warm_up is not None:
            self._warm_up.let_go()
            self._let_go.append(self._warm_up)
            self._warm_up = None

    def _take_local_worker(self) -> ClipWorker:
        """This build's worker in this process: the warm-up's, an idle one, or a new one."""
        if self._local is None:
            if self._warm_up is not None:
                self._local, self._warm_up = self._warm_up.take(), None
            else:
                self._local = self._local_worker()
        return self._local

    def _local_worker(self) -> ClipWorker:
        """The idle worker of an earlier build with the same settings, or a new one."""
        global _idle_worker
        with _idle_lock:
            worker, _idle_worker = _idle_worker, None
        if worker is None or (worker.sample_rate, worker.threads) != (self.sample_rate, self.threads_in_process):
            return ClipWorker(self.cache, self.sample_rate, self.threads_in_process)
        worker.cache = self.cache
        return worker

    def warm_up(self, voices: list[VoiceSpec]) -> None:
        """Start loading the Piper ``voices`` for work in this process, in a thread (see _WarmUp).

        A voice whose optimised copy is not in the cache yet gets it made
        now, while the article is read (worker processes started meanwhile
        load the original model rather than wait for the copy).
        """
        piper_voices = [voice for voice in dict.fromkeys(voices) if voice.engine == "piper"]
        if self._local is None and self._warm_up is None and piper_voices:
            # onnxruntime and piper imported here, not in the thread: this
            # process has nothing better to do with the GIL yet, and the
            # thread can then go straight to work that does not hold it.
            importlib.import_module("audio_artigo.synthesis.piper_engine")
            self._warm_up = _WarmUp(self._local_worker(), piper_voices)

    def release_workers(self) -> None:
        """Let the worker processes go now, with their memory (work given later starts new ones)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _executor_for_next_generation(self):
        """The worker processes, started (or replaced, once they have done their share) as needed."""
        self._let_go_of_warm_up()
        if self._tasks_given >= self.workers * TASKS_PER_WORKER:
            self.release_workers()  # retire them with their grown memory
        if self._executor is None:
            import concurrent.futures
            import multiprocessing

            self._tasks_given = 0

            # "spawn": a clean interpreter per worker, safe beside the progress bar's thread.
            self._executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=((self.cache.location, str(self.cache.folder)), self.sample_rate, 1),
            )
        return self._executor

    def _room_in_generation(self) -> int:
        """Tasks the running workers take before they are replaced (a whole generation's if none run)."""
        generation = self.workers * TASKS_PER_WORKER
        if self._executor is None or self._tasks_given >= generation:
            return generation
        return generation - self._tasks_given

    def synthesize(self, jobs: list[SynthesisJob], done: Callable[[SynthesisJob, SynthesisResult], None]) -> None:
        """Synthesise ``jobs`` (in reading order), each generation of workers longest first.

        One sentence per task: taking the longest first is what keeps both
        workers busy to the end. A long article is cut into generations in
        reading order, so each generation of workers sees a mix of sentences
        like a short article's, and its memory stays the same (the first
        part fills what is left of the running workers' generation, when
        an earlier article of the build started them).
        """
        batches = [[job] for job in longest_first_by_generation(jobs, self._room_in_generation(), self.workers * TASKS_PER_WORKER)]
        in_process = self.workers <= 1 or sum(len(job.text) for job in jobs) <= SMALL_JOB_CHARS
        self._run(batches, "synthesize", done, in_process=in_process)

    def codec_losses(self, clip_keys: list[str], probe) -> list[float | None]:
        """The encoder's loudness loss on each of these clips (``probe``: as SynthesisJob.codec_probe), measured in this process."""
        local = self._take_local_worker()
        local.cache.prefetch_clips(clip_keys)
        return [local.codec_loss(local.cache.load_clip(key), probe) for key in clip_keys]

    def encode(self, jobs: list[EncodeJob | MixJob], done: Callable[[EncodeJob | MixJob, EncodedClip], None]) -> None:
        """Encode ``jobs``; each run's frames are stored and handed to ``done`` (from worker processes: they travel back)."""
        # Encoding is fast: worth the workers only if they are already running.
        size = max(1, -(-len(jobs) // (self.workers * ENCODE_BATCHES_PER_WORKER)))
        batches = [jobs[start : start + size] for start in range(0, len(jobs), size)]
        in_process = self.workers <= 1 or (self._executor is None and len(jobs) <= 8)
        self._run(batches, "encode", done, in_process=in_process)

    def _run(self, batches: list[list], method: str, done, in_process: bool) -> None:
        if in_process:
            local = self._take_local_worker()
            for batch in batches:
                if method == "encode":
                    local.cache.prefetch_clips([key for job in batch for key in _clips_of(job)])  # a shared store: one round of requests
                for job in batch:
                    done(job, getattr(local, method)(job))
            return
        while batches:
            executor = self._executor_for_next_generation()
            room = self._room_in_generation()
            generation, batches = batches[:room], batches[room:]
            self._tasks_given += len(generation)
            self._run_on(executor, generation, method, done)

    def _run_on(self, executor, batches: list[list], method: str, done) -> None:
        import concurrent.futures

        futures = {executor.submit(_run_batch, method, batch): batch for batch in batches}
        try:
            for future in concurrent.futures.as_completed(futures):
                for job, result in zip(futures[future], future.result()):
                    done(job, result)
        except AudioArtigoError:
            raise
        except concurrent.futures.process.BrokenProcessPool as exc:
            raise SynthesisError("a synthesis worker died (out of memory?); try --workers 1") from exc
        finally:
            for future in futures:
                future.cancel()
