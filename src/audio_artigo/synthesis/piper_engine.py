"""Piper (piper-tts) as a speech engine.

The ONNX session is built here rather than by ``PiperVoice.load`` so that each
worker process uses the number of intra-op threads the pool gives it
(parallelism comes from the pool) and loads an optimised copy of the model
kept in the cache. The copy has its decoder rewritten with 2-D convolutions
(see decoder_layout: synthesis takes ~15 % less CPU) and onnxruntime's
layout optimisations for this processor applied, so it is kept per kind of
processor. Making it takes ~0.7 s for a medium voice, once; loading it ~0.05 s,
because its graph is already optimised and its weights sit in a separate
file that onnxruntime maps into memory instead of parsing and copying them
(~0.12 s from the original model). That load is a large part of a
one-sentence re-build. One process makes the copy; the others wait for it
(a few seconds at most, then they load the original model).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import fcntl
import functools
import hashlib
import json
import os
import platform
import time
import uuid
from pathlib import Path
from typing import Iterator

import numpy as np
import onnxruntime
from piper import PiperVoice
from piper.config import PiperConfig, SynthesisConfig

from audio_artigo.atomicio import TEMP_SUFFIX
from audio_artigo.synthesis.heap import give_back_freed_memory
from audio_artigo.synthesis.voice import VoiceSpec

COPY_MODEL_NAME = "voice.onnx"

COPY_WAIT_SECONDS = 5.0
"""How long a process waits for the copy another one is making (under a
second) before loading the original model instead (~15 % slower to speak)."""

_ORT_ERRORS = tuple(
    getattr(onnxruntime.capi.onnxruntime_pybind11_state, name)
    for name in ("Fail", "NoSuchFile", "InvalidProtobuf", "InvalidGraph", "InvalidArgument", "RuntimeException")
)


def optimized_copy(spec: VoiceSpec, models: Path) -> Path:
    """Where the model of a voice's optimised copy is: its own folder, with its weights beside it."""
    return models / f"{spec.digest[:32]}-ort{onnxruntime.__version__}-{_processor_kind()}" / COPY_MODEL_NAME


@functools.cache
def _processor_kind() -> str:
    """A short name for this processor's instruction sets.

    onnxruntime's layout optimisations choose kernels and weight layouts for
    the vector width of the processor they run on: a copy made on one kind of
    processor must not be loaded on another (a cache on a shared disk).
    """
    features = platform.machine()
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:
            features += next((line for line in cpuinfo if line.startswith(("flags", "Features"))), "")
    return hashlib.sha256(features.encode()).hexdigest()[:8]


@contextlib.contextmanager
def _right_to_make(copy: Path) -> Iterator[bool]:
    """Whether this process may make ``copy`` now (held until the block ends).

    While another process makes it, wait for that (up to COPY_WAIT_SECONDS:
    that process may have been stopped); no when the cache cannot take a
    copy (read-only, full) or the wait ran out: the caller then loads the
    original model.
    """
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        lock = open(copy.with_name(f".{copy.name}.lock"), "a")
    except OSError:
        yield False
        return
    with lock:
        deadline = time.monotonic() + COPY_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    yield False
                    return
                time.sleep(0.02)
        yield True


def _make_copy(spec: VoiceSpec, copy: Path, threads: int):
    """Make the copy (the caller holds the right to); returns its session.

    The copy is the model with its decoder rewritten, if it qualifies and
    speaks like the original, else the model as it is; optimised for this
    processor either way. The weights go to a file of a new name each time,
    never rewritten in place: a running build may have an earlier one
    mapped. When the copy cannot be written (full disk), the session still
    serves.
    """
    temp = copy.with_name(f".{copy.name}.{os.getpid()}{TEMP_SUFFIX}")
    weights = copy.with_name(f"{copy.name}.{uuid.uuid4().hex[:12]}.data")
    options = _options(threads)
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Its warning that such a copy suits this processor only is heeded: the
    # copy's folder is named after the processor's kind.
    options.log_severity_level = 3
    options.optimized_model_filepath = str(temp)
    options.add_session_config_entry("session.optimized_model_external_initializers_file_name", weights.name)
    options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="original voice") as background:
        # The original model, to check the rewritten one against, loads
        # meanwhile (onnxruntime releases the GIL): ~0.15 s off a first build.
        original = background.submit(_plain_session, spec, threads)
        rewritten = _with_2d_decoder(spec)
        # The rewritten model if it qualifies and speaks like the original; else the original.
        for source in ([rewritten] if rewritten else []) + [str(spec.model)]:
            try:
                session = onnxruntime.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])
                if source is rewritten and not _speaks_like(session, original.result()):
                    raise ValueError("the rewritten decoder does not speak like the original")
                break
            except (ValueError, *_ORT_ERRORS):
                temp.unlink(missing_ok=True)
                weights.unlink(missing_ok=True)
        else:
            return original.result()
    try:
        temp.replace(copy)
    except OSError:
        temp.unlink(missing_ok=True)
        weights.unlink(missing_ok=True)
        return session  # no copy for next time, but this one serves
    for earlier in copy.parent.glob(f"{copy.name}.*.data"):
        if earlier != weights:
            earlier.unlink(missing_ok=True)  # a process that has it mapped keeps its pages
    return session


def _with_2d_decoder(spec: VoiceSpec) -> bytes | None:
    """The voice's model with its decoder rewritten (decoder_layout), or None if it does not qualify."""
    # Imported here: onnx takes ~0.1 s to import, and only making a copy needs it.
    import onnx

    from audio_artigo.synthesis.decoder_layout import rewrite_decoder_as_2d

    try:
        model = onnx.load(spec.model)
        return model.SerializeToString() if rewrite_decoder_as_2d(model) else None
    except Exception:  # noqa: BLE001 - an optimisation: whatever fails here, the original model serves
        return None


def _speaks_like(session, reference) -> bool:
    """Whether two sessions of a voice give the same audio for a few phonemes (without noise, so it is deterministic)."""
    feed = {
        "input": np.arange(1, 21, dtype=np.int64)[np.newaxis],
        "input_lengths": np.array([20], dtype=np.int64),
        "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32),  # noise, length, noise width
    }
    if any(argument.name == "sid" for argument in session.get_inputs()):
        feed["sid"] = np.array([0], dtype=np.int64)
    ours, theirs = session.run(None, feed)[0], reference.run(None, feed)[0]
    return ours.shape == theirs.shape and float(np.max(np.abs(ours - theirs), initial=0.0)) <= 1e-4


def load_session(spec: VoiceSpec, threads: int, models: Path):
    """An ONNX session on the optimised copy of the voice, making the copy first if needed.

    A copy that no longer loads (a power cut while it was written, a prune
    that took half of it) is made again.
    """
    copy = optimized_copy(spec, models)
    found = _identity(copy)
    if found is not None:
        with contextlib.suppress(*_ORT_ERRORS):
            return _load_copy(copy, threads)
    with _right_to_make(copy) as may_make:
        if may_make and _identity(copy) == found:  # still missing, or the same broken copy
            session = _make_copy(spec, copy, threads)
            give_back_freed_memory()  # what making it took (the model, parsed and rewritten; the original's session)
            return session
    if may_make:  # made meanwhile by another process
        with contextlib.suppress(*_ORT_ERRORS):
            return _load_copy(copy, threads)
    return _plain_session(spec, threads)


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file is at ``path`` (inode and size; None if none): a new copy is a new file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size


def _load_copy(copy: Path, threads: int):
    session = _session_as_is(copy, threads)
    with contextlib.suppress(OSError):
        os.utime(copy)  # "last used", for the cache's prune
    return session


def _plain_session(spec: VoiceSpec, threads: int):
    """The original model, without graph optimisations: the quickest to load when there is no copy."""
    return _session_as_is(Path(spec.model), threads)


def _session_as_is(model: Path, threads: int):
    """A session on ``model`` with no graph optimisation applied at load."""
    options = _options(threads)
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])


def _options(threads: int):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Pre-packing the weights takes ~50 ms per load (a tenth of a one-sentence
    # re-build) and made no measurable difference to Piper's synthesis speed.
    options.add_session_config_entry("session.disable_prepacking", "1")
    # A session with several threads is the one this process speaks a few
    # sentences with, loaded while the article is read: threads spinning
    # for work slowed that load by a third and saved ~5 ms of synthesis.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


class PiperModel:
    """One loaded Piper voice; speaks with any speaker and settings of a VoiceSpec."""

    def __init__(self, spec: VoiceSpec, threads: int, models: Path):
        config = PiperConfig.from_dict(json.loads(Path(f"{spec.model}.json").read_text(encoding="utf-8")))
        self.voice = PiperVoice(session=load_session(spec, threads, models), config=config)
        self.sample_rate = config.sample_rate

    def speak(self, text: str, spec: VoiceSpec) -> np.ndarray:
        length_scale = spec.length_scale
        if spec.speed != 1.0:  # the voice's own length scale unless the spec sets one, at the show's pace
            length_scale = (length_scale if length_scale is not None else self.voice.config.length_scale) / spec.speed
        settings = SynthesisConfig(
            speaker_id=spec.speaker_id,
            length_scale=length_scale,
            noise_scale=spec.noise_scale,
            noise_w_scale=spec.noise_w_scale,
            normalize_audio=False,  # Piper's per-sentence peak normalisation makes the volume jump
        )
        chunks = [chunk.audio_float_array for chunk in self.voice.synthesize(text, settings)]
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
