"""Piper (piper-tts) as a speech engine.

The ONNX session is built here rather than by ``PiperVoice.load`` so that each
worker process uses the number of intra-op threads the pool gives it
(parallelism comes from the pool) and loads a pre-optimised copy of the model
kept in the cache: applying the graph optimisations to a medium voice takes
~0.4 s, loading the optimised copy ~0.07 s, which is most of a one-sentence
re-build. One process makes the copy while the others wait for it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path
from typing import Iterator

import numpy as np

from audio_artigo.synthesis.voice import VoiceSpec


def optimized_copy(spec: VoiceSpec, models: Path) -> Path:
    import onnxruntime

    return models / f"{spec.digest[:32]}-ort{onnxruntime.__version__}.onnx"


@contextlib.contextmanager
def optimizing(spec: VoiceSpec, models: Path) -> Iterator[Path | None]:
    """Hold the right to make the optimised copy of a voice (other processes wait).

    Yields None when the cache cannot take a copy (read-only, full): the
    original model is then loaded as it is, a little slower to load.
    """
    copy = optimized_copy(spec, models)
    try:
        models.mkdir(parents=True, exist_ok=True)
        lock = open(copy.with_name(f".{copy.name}.lock"), "a")
    except OSError:
        yield None
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield copy


def make_copy(spec: VoiceSpec, copy: Path, threads: int = 1):
    """Optimise the model and save the copy (the caller holds ``optimizing``); returns the session.

    When the copy cannot be written (full disk), the session still serves.
    """
    import onnxruntime

    options = _options(threads)
    # Extended (not "all") optimisations: the copy stays portable across CPUs.
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    temp = copy.with_name(f".{copy.name}.{os.getpid()}.tmp")
    options.optimized_model_filepath = str(temp)
    try:
        session = onnxruntime.InferenceSession(str(spec.model), sess_options=options, providers=["CPUExecutionProvider"])
        temp.replace(copy)
    except (OSError, onnxruntime.capi.onnxruntime_pybind11_state.Fail):
        temp.unlink(missing_ok=True)
        return _plain_session(spec, threads)
    return session


def load_session(spec: VoiceSpec, threads: int, models: Path):
    """An ONNX session on the optimised copy of the voice, making the copy first if needed."""
    copy = optimized_copy(spec, models)
    if not copy.exists():
        with optimizing(spec, models) as writable_copy:
            if writable_copy is None:
                return _plain_session(spec, threads)
            if not copy.exists():
                return make_copy(spec, copy, threads)
    return _session_as_is(copy, threads)


def _plain_session(spec: VoiceSpec, threads: int):
    """The original model, without graph optimisations (they change its speed very little)."""
    return _session_as_is(Path(spec.model), threads)


def _session_as_is(model: Path, threads: int):
    """A session on ``model`` with no graph optimisation applied at load."""
    import onnxruntime

    options = _options(threads)
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])


def _options(threads: int):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Pre-packing the weights takes ~50 ms per load (a tenth of a one-sentence
    # re-build) and made no measurable difference to Piper's synthesis speed.
    options.add_session_config_entry("session.disable_prepacking", "1")
    return options


class PiperModel:
    """One loaded Piper voice; speaks with any speaker and settings of a VoiceSpec."""

    def __init__(self, spec: VoiceSpec, threads: int, models: Path):
        from piper import PiperVoice
        from piper.config import PiperConfig

        config = PiperConfig.from_dict(json.loads(Path(f"{spec.model}.json").read_text(encoding="utf-8")))
        self.voice = PiperVoice(session=load_session(spec, threads, models), config=config)
        self.sample_rate = config.sample_rate

    def speak(self, text: str, spec: VoiceSpec) -> np.ndarray:
        from piper.config import SynthesisConfig

        settings = SynthesisConfig(
            speaker_id=spec.speaker_id,
            length_scale=spec.length_scale,
            noise_scale=spec.noise_scale,
            noise_w_scale=spec.noise_w_scale,
            normalize_audio=False,  # Piper's per-sentence peak normalisation makes the volume jump
        )
        chunks = [chunk.audio_float_array for chunk in self.voice.synthesize(text, settings)]
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
