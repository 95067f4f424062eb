"""The clip-wise loudness measurement agrees with pyloudnorm, and the limiter holds its ceiling."""

import numpy as np
import pyloudnorm
import pytest

from audio_artigo.assembly.limiter import limit
from audio_artigo.assembly.loudness import integrated_loudness, step_energies, step_samples, true_peak


def speech_like(seconds: float, rate: int, seed: int) -> np.ndarray:
    """Noise bursts at syllable rate with silent gaps: gating has something to do."""
    rng = np.random.default_rng(seed)
    samples = int(seconds * rate)
    envelope = (np.sin(np.arange(samples) * 2 * np.pi * 4 / rate) > 0.2).astype(float)
    envelope *= np.repeat(rng.uniform(0.05, 1.0, samples // rate + 1), rate)[:samples]
    return 0.3 * rng.standard_normal(samples) * envelope


@pytest.mark.parametrize("rate", [16000, 22050, 44100])
def test_integrated_loudness_matches_pyloudnorm(rate):
    audio = speech_like(20, rate, seed=rate)
    audio = audio[: len(audio) // step_samples(rate) * step_samples(rate)]
    ours = integrated_loudness(step_energies(audio, rate))
    reference = pyloudnorm.Meter(rate).integrated_loudness(audio)
    assert ours == pytest.approx(reference, abs=0.05)


def test_loudness_of_clips_measured_apart_equals_the_whole():
    rate = 22050
    hop = step_samples(rate)
    clips = [speech_like(3 + i, rate, seed=i) for i in range(4)]
    clips = [np.concatenate([c, np.zeros(-len(c) % hop + 5 * hop)]) for c in clips]
    apart = integrated_loudness(np.concatenate([step_energies(c, rate) for c in clips]))
    whole = pyloudnorm.Meter(rate).integrated_loudness(np.concatenate(clips))
    assert apart == pytest.approx(whole, abs=0.1)


def test_silence_has_no_loudness():
    assert integrated_loudness(np.zeros(100)) == float("-inf")


def test_limiter_holds_the_true_peak_ceiling_and_leaves_quiet_audio_alone():
    rate = 22050
    loud = speech_like(5, rate, seed=7) * 4
    ceiling = 10 ** (-1.5 / 20)
    limited = limit(loud, ceiling, rate)
    assert true_peak(limited) <= ceiling * 1.01
    quiet = loud / (true_peak(loud) * 2)
    assert limit(quiet, ceiling, rate) is quiet
