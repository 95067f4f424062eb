#!/usr/bin/env python3
"""Build the tiny Piper test voices in tests/data/voices/.

    .venv/bin/pip install torch==2.13.0 onnx  # only this script needs them
    .venv/bin/python tools/make_tiny_voice.py [--output-dir tests/data/voices]

It writes two voices, each an ``.onnx`` model and its ``.onnx.json`` config:

- ``pt_BR-tiny-x_low``: one speaker;
- ``pt_BR-tinymulti-x_low``: two speakers, ``narrador`` (0) and ``citacao`` (1).

They use Piper's real VITS architecture (piper-tts's own
``piper.train.vits.models.SynthesizerTrn``, exported to ONNX the way
``piper.train.export_onnx`` does it) with tiny dimensions and random, seeded
weights, at 16 kHz like Piper's "x_low" voices. So they load in
``piper.PiperVoice`` like any voice and run the whole real synthesis path in a
few milliseconds, but produce noise, not speech. Two weights are set by hand:

- the duration predictor's output is biased so the voice "speaks" at a
  news-reading rate, about 13 phonemes a second (an eleven-word sentence
  lasts about 3.7 s);
- the decoder's last convolution is scaled so the noise peaks well inside
  [-1, 1] without normalisation.

The script checks both on a sample sentence after exporting and fails if they
are off. Same torch version, same bytes: rerun it only when the voices must change.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import torch
from piper import PiperVoice, SynthesisConfig
from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP
from piper.train.vits.models import SynthesizerTrn

SAMPLE_RATE = 16_000
UPSAMPLE_RATES = (8, 8, 4)  # their product is Piper's hop length: 256 samples = 16 ms a frame
HOP_LENGTH = math.prod(UPSAMPLE_RATES)
ONNX_OPSET = 15  # the opset piper.train.export_onnx uses
SEED = 1234

# Piper puts a pad id after every phoneme, and stress marks and spaces get ids
# too, so one spoken phoneme is about three ids. Each id lasts
# ceil(exp(log_duration)) 16 ms frames: a mean log-duration of -0.1 gives one
# or two frames an id, about 13 phonemes a second.
MEAN_LOG_DURATION = -0.1
LOG_DURATION_SPREAD = 0.5  # shrinks the predictor's noise so durations stay sane
DECODER_OUTPUT_GAIN = 40  # random weights this small come out near silent; peaks land around 0.5

SAMPLE_SENTENCE = "O governo anunciou hoje um novo plano para a economia do país."
ACCEPTED_PHONEMES_PER_SECOND = (10.0, 18.0)
ACCEPTED_PEAK = (0.2, 0.9)

VOICES = {
    "pt_BR-tiny-x_low": {},
    "pt_BR-tinymulti-x_low": {"narrador": 0, "citacao": 1},
}


def build_model(num_speakers: int) -> SynthesizerTrn:
    """A VITS synthesiser with the smallest dimensions that still behave."""
    model = SynthesizerTrn(
        n_vocab=len(DEFAULT_PHONEME_ID_MAP),
        spec_channels=HOP_LENGTH // 2 + 1,
        segment_size=32,
        inter_channels=8,
        hidden_channels=8,
        filter_channels=16,
        n_heads=2,
        n_layers=2,
        kernel_size=3,
        p_dropout=0.0,
        resblock="2",
        resblock_kernel_sizes=(3,),
        resblock_dilation_sizes=((1, 3),),
        upsample_rates=UPSAMPLE_RATES,
        upsample_initial_channel=32,
        upsample_kernel_sizes=(16, 16, 8),
        n_speakers=num_speakers,
        gin_channels=8 if num_speakers > 1 else 0,
        use_sdp=True,
    )
    model.eval()
    with torch.no_grad():
        # At inference the stochastic duration predictor ends with this affine
        # flow, run in reverse: log_duration = (noise - m) * exp(-logs).
        final_affine = model.dp.flows[0]
        final_affine.logs[0] = math.log(1 / LOG_DURATION_SPREAD)
        final_affine.m[0] = -MEAN_LOG_DURATION / LOG_DURATION_SPREAD
        model.dec.conv_post.weight.mul_(DECODER_OUTPUT_GAIN)
        model.dec.remove_weight_norm()
    return model


def export_onnx(model: SynthesizerTrn, path: Path) -> None:
    """Export the inference graph with Piper's input and output names."""

    def infer_forward(text, text_lengths, scales, sid=None):
        noise_scale, length_scale, noise_scale_w = scales[0], scales[1], scales[2]
        audio = model.infer(
            text,
            text_lengths,
            noise_scale=noise_scale,
            length_scale=length_scale,
            noise_scale_w=noise_scale_w,
            sid=sid,
        )[0]
        return audio.unsqueeze(1)

    model.forward = infer_forward
    phoneme_ids = torch.randint(0, model.n_vocab, size=(1, 50), dtype=torch.long)
    lengths = torch.LongTensor([phoneme_ids.size(1)])
    scales = torch.FloatTensor([0.667, 1.0, 0.8])
    sid = torch.LongTensor([0]) if model.n_speakers > 1 else None
    torch.onnx.export(
        model=model,
        args=(phoneme_ids, lengths, scales, sid),
        f=str(path),
        dynamo=False,  # the TorchScript exporter, as piper-tts uses; no onnxscript needed
        opset_version=ONNX_OPSET,
        input_names=["input", "input_lengths", "scales", "sid"],
        output_names=["output"],
        dynamic_axes={
            "input": {0: "batch_size", 1: "phonemes"},
            "input_lengths": {0: "batch_size"},
            "output": {0: "batch_size", 2: "time"},
        },
    )


def voice_config(name: str, speaker_id_map: dict[str, int]) -> dict:
    """A config shaped like a real Piper voice's ``.onnx.json``."""
    return {
        "audio": {"sample_rate": SAMPLE_RATE, "quality": "x_low"},
        "espeak": {"voice": "pt-br"},
        "language": {
            "code": "pt_BR",
            "family": "pt",
            "region": "BR",
            "name_native": "Português",
            "name_english": "Portuguese",
        },
        "dataset": name.split("-")[1],
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_map": {},
        "phoneme_id_map": DEFAULT_PHONEME_ID_MAP,
        "num_symbols": len(DEFAULT_PHONEME_ID_MAP),
        "num_speakers": max(1, len(speaker_id_map)),
        "speaker_id_map": speaker_id_map,
        "piper_version": "1.0.0",
        "_comment": "UNTRAINED: random weights with the real architecture. "
        "Produces noise, not speech. For tests only (tools/make_tiny_voice.py).",
    }


def count_sounds(sentences: list[list[str]]) -> int:
    """Phonemes that are sounds: not spaces, punctuation, stress marks or diacritics."""
    return sum(
        1
        for sentence in sentences
        for phoneme in sentence
        if unicodedata.category(phoneme) in ("Ll", "Lo")
    )


def check_voice(model_path: Path, num_speakers: int) -> str:
    """Synthesise the sample sentence; fail if the rate or level is off, or the speakers match."""
    voice = PiperVoice.load(model_path)
    phonemes = count_sounds(voice.phonemize(SAMPLE_SENTENCE))
    speaker_audio = []
    report = []
    for speaker_id in range(num_speakers):
        config = SynthesisConfig(normalize_audio=False, speaker_id=speaker_id)
        started = time.perf_counter()
        audio = np.concatenate(
            [chunk.audio_float_array for chunk in voice.synthesize(SAMPLE_SENTENCE, config)]
        )
        elapsed_ms = (time.perf_counter() - started) * 1000
        seconds = len(audio) / SAMPLE_RATE
        rate = phonemes / seconds
        peak = float(np.max(np.abs(audio)))
        if not ACCEPTED_PHONEMES_PER_SECOND[0] <= rate <= ACCEPTED_PHONEMES_PER_SECOND[1]:
            sys.exit(f"{model_path.name}: {rate:.1f} phonemes/s is not a news-reading rate")
        if not ACCEPTED_PEAK[0] <= peak <= ACCEPTED_PEAK[1]:
            sys.exit(f"{model_path.name}: peak {peak:.2f} is outside {ACCEPTED_PEAK}")
        speaker_audio.append(audio)
        report.append(
            f"speaker {speaker_id}: {seconds:.2f} s, {rate:.1f} phonemes/s, "
            f"peak {peak:.2f}, {elapsed_ms:.1f} ms"
        )
    if num_speakers > 1:
        first, second = speaker_audio[0], speaker_audio[1]
        shortest = min(len(first), len(second))
        if np.allclose(first[:shortest], second[:shortest], atol=1e-3):
            sys.exit(f"{model_path.name}: the speakers sound the same")
    return "; ".join(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "tests" / "data" / "voices",
    )
    args = parser.parse_args()
    args.output_dir.mkdir(parents=True, exist_ok=True)

    for name, speaker_id_map in VOICES.items():
        torch.manual_seed(SEED)
        num_speakers = max(1, len(speaker_id_map))
        model_path = args.output_dir / f"{name}.onnx"
        export_onnx(build_model(num_speakers), model_path)
        config_path = model_path.with_name(model_path.name + ".json")
        config_text = json.dumps(voice_config(name, speaker_id_map), ensure_ascii=False, indent=2)
        config_path.write_text(config_text + "\n", encoding="utf-8")
        summary = check_voice(model_path, num_speakers)
        print(f"{model_path} ({model_path.stat().st_size:,} bytes): {summary}")


if __name__ == "__main__":
    main()
