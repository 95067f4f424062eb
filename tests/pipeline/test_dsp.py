"""The numpy signal processing matches scipy's, which it replaces on the build path."""

import numpy as np
import pytest
from scipy import ndimage, signal

from audio_artigo.assembly import dsp


@pytest.mark.parametrize("rate", [16000, 22050, 48000])
@pytest.mark.parametrize("seconds", [0.1, 2, 7.3])  # one overlap-add block, several, and a part of one
def test_k_weighting_matches_pyloudnorms_filters(rate, seconds):
    import pyloudnorm

    x = np.random.default_rng(rate).standard_normal(int(rate * seconds))
    expected = x
    for stage in pyloudnorm.Meter(rate)._filters.values():
        expected = signal.lfilter(stage.b, stage.a, expected)
    ours = dsp.k_weight(x, rate)
    assert np.max(np.abs(ours - expected)) < 1e-9


def test_true_peak_envelope_matches_resample_poly():
    rng = np.random.default_rng(0)
    spectrum = np.fft.rfft(rng.standard_normal(20000))
    spectrum[int(len(spectrum) * 0.9) :] = 0  # noise up to 90 % of Nyquist
    x = np.fft.irfft(spectrum, 20000)
    x *= 0.9 / np.abs(x).max()
    ours = dsp.interpolated_peaks(x, 4)
    reference = np.abs(signal.resample_poly(x, 4, 1)).reshape(-1, 4).max(axis=1)
    assert np.max(np.abs(ours - reference)) < 0.01  # 0.1 dB at full scale
    assert np.all(ours >= np.abs(x))


@pytest.mark.parametrize("width", [1, 3, 5, 221])
def test_sliding_min_and_moving_average_match_ndimage(width):
    x = np.random.default_rng(width).uniform(size=1000)
    assert np.array_equal(dsp.sliding_min(x, width), ndimage.minimum_filter1d(x, width, mode="nearest"))
    assert dsp.moving_average(x, width) == pytest.approx(ndimage.uniform_filter1d(x, width, mode="nearest"), abs=1e-12)
