"""Piper (piper-tts) as a speech engine.

The ONNX session is built here rather than by ``PiperVoice.load`` so that each
worker process uses the number of intra-op threads the pool gives it
(parallelism comes from the pool) and loads a pre-optimised copy of the model
kept in the cache: applying the graph optimisations to a medium voice takes
~0.4 s, loading the optimised copy ~0.07 s, which is most of a one-sentence
re-build.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from audio_artigo.synthesis.voice import VoiceSpec


def _session(model: Path, digest: str, threads: int, optimized_models: Path | None):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    if optimized_models is None:
        return onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    optimized = optimized_models / f"{digest[:32]}-ort{onnxruntime.__version__}.onnx"
    if optimized.exists():
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        return onnxruntime.InferenceSession(str(optimized), sess_options=options, providers=["CPUExecutionProvider"])
    # Extended (not "all") optimisations: the saved copy stays portable across CPUs.
    optimized_models.mkdir(parents=True, exist_ok=True)
    temp = optimized.with_name(f".{optimized.name}.{os.getpid()}.tmp")
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(temp)
    session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    try:
        temp.replace(optimized)  # atomic: another worker may be loading it
    except OSError:
        temp.unlink(missing_ok=True)
    return session


class PiperModel:
    """One loaded Piper voice; speaks with any speaker and settings of a VoiceSpec."""

    def __init__(self, spec: VoiceSpec, threads: int = 1, optimized_models: Path | None = None):
        from piper import PiperVoice
        from piper.config import PiperConfig

        assert spec.model is not None
        model = Path(spec.model)
        config = PiperConfig.from_dict(json.loads(Path(f"{model}.json").read_text(encoding="utf-8")))
        self.voice = PiperVoice(session=_session(model, spec.digest, threads, optimized_models), config=config)
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
