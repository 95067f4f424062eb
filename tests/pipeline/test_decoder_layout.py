"""The voice's decoder rewritten with 2-D convolutions: same audio, and only where it qualifies."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime
import pytest

from audio_artigo.synthesis import decoder_layout, piper_engine
from audio_artigo.synthesis.decoder_layout import rewrite_decoder_as_2d
from tests.conftest import TINY_MULTI_VOICE, TINY_VOICE
from tests.pipeline.conftest import build_note


def speak(model, phonemes: int = 60) -> np.ndarray:
    """The model's audio for a run of phonemes, without noise (deterministic), with every graph optimisation."""
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    feed = {
        "input": (np.arange(phonemes, dtype=np.int64) % 40 + 1)[np.newaxis],
        "input_lengths": np.array([phonemes], dtype=np.int64),
        "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32),
    }
    if any(argument.name == "sid" for argument in session.get_inputs()):
        feed["sid"] = np.array([1], dtype=np.int64)
    return session.run(None, feed)[0]


def convolution_ranks(model: onnx.ModelProto) -> set[int]:
    weights = {tensor.name: len(tensor.dims) for tensor in model.graph.initializer}
    return {weights[node.input[1]] for node in model.graph.node if node.name.startswith("/dec/") and "Conv" in node.op_type}


@pytest.mark.parametrize("voice", [TINY_VOICE, TINY_MULTI_VOICE], ids=["one speaker", "two speakers"])
def test_the_rewritten_decoder_speaks_as_the_original(voice):
    model = onnx.load(voice)
    assert rewrite_decoder_as_2d(model)
    assert convolution_ranks(model) == {4}
    original, rewritten = speak(str(voice)), speak(model.SerializeToString())
    assert original.shape == rewritten.shape and np.abs(original).max() > 0.01
    assert np.abs(original - rewritten).max() < 1e-5


def test_the_bench_voice_decoder_runs_in_onnxruntimes_blocked_layout(shared, tmp_path):
    """On a real voice's sizes onnxruntime takes the faster path the rewrite is for (needs ../shared)."""
    voice = shared / "voices" / "pt_BR-bench-medium.onnx"
    model = onnx.load(voice)
    assert rewrite_decoder_as_2d(model)
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    options.optimized_model_filepath = str(tmp_path / "optimised.onnx")
    onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    optimised = onnx.load(tmp_path / "optimised.onnx")
    assert any(node.domain == "com.microsoft.nchwc" and node.op_type == "Conv" for node in optimised.graph.node)
    assert np.abs(speak(str(voice), 30) - speak(model.SerializeToString(), 30)).max() < 1e-5


def test_a_decoder_with_an_operation_it_does_not_know_is_left_as_it_is():
    model = onnx.load(TINY_VOICE)
    next(node for node in model.graph.node if node.name.startswith("/dec/") and node.op_type == "LeakyRelu").op_type = "Softplus"
    before = model.SerializeToString()
    assert not rewrite_decoder_as_2d(model)
    assert model.SerializeToString() == before


def copies(out) -> list:
    return sorted((out / ".cache" / "models").glob("*/voice.onnx"))


def test_a_build_keeps_the_rewritten_voice_in_its_copy_for_this_processor(tmp_path, loads):
    build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu um alerta.")
    (copy,) = copies(tmp_path / "out")
    assert copy.parent.name.endswith(f"-ort{onnxruntime.__version__}-{piper_engine._processor_kind()}")
    assert convolution_ranks(onnx.load(copy)) == {4}


def test_a_rewrite_that_does_not_speak_like_the_original_is_not_kept(tmp_path, loads, monkeypatch):
    real_rewrite = decoder_layout.rewrite_decoder_as_2d

    def wrong_rewrite(model):
        real_rewrite(model)
        weights = next(tensor for tensor in model.graph.initializer if tensor.name == "dec.conv_post.weight")
        weights.CopyFrom(onnx.numpy_helper.from_array(-onnx.numpy_helper.to_array(weights), weights.name))
        return True

    monkeypatch.setattr(decoder_layout, "rewrite_decoder_as_2d", wrong_rewrite)
    episode = build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu um alerta.")
    assert episode.duration > 0
    (copy,) = copies(tmp_path / "out")
    assert convolution_ranks(onnx.load(copy)) == {3}  # the original decoder, optimised as before
