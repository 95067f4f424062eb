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


@pytest.mark.parametrize("dtype", [np.float64, np.float32])  # the build's true-peak envelope is float32
def test_true_peak_envelope_matches_resample_poly(dtype):
    rng = np.random.default_rng(0)
    spectrum = np.fft.rfft(rng.standard_normal(20000))
    spectrum[int(len(spectrum) * 0.9) :] = 0  # noise up to 90 % of Nyquist
    x = np.fft.irfft(spectrum, 20000)
    x *= 0.9 / np.abs(x).max()
    ours = dsp.interpolated_peaks(x.astype(dtype), 4)
    assert ours.dtype == dtype
    reference = np.abs(signal.resample_poly(x, 4, 1)).reshape(-1, 4).max(axis=1)
    assert np.max(np.abs(ours - reference)) < 0.01  # 0.1 dB at full scale
    assert np.all(ours >= np.abs(x.astype(dtype)))


def test_true_peaks_are_interpolated_only_where_they_could_pass_the_floor():
    rng = np.random.default_rng(7)
    x = rng.standard_normal(50_000) * 0.01  # quiet
    for start in (0, 20_000, 49_500):  # loud bursts, one at each end
        x[start : start + 500] = rng.standard_normal(500) * 0.3
    full = dsp.interpolated_peaks(x)
    restricted = dsp.interpolated_peaks(x, floor=0.2)
    blocks = np.arange(len(x)) // dsp.PEAK_BLOCK
    loud_blocks = np.unique(blocks[np.abs(x) > 0.2])
    in_loud_blocks = np.isin(blocks, loud_blocks)
    assert np.allclose(restricted[in_loud_blocks], full[in_loud_blocks], rtol=1e-12, atol=0)  # exact there
    assert np.array_equal(restricted[~in_loud_blocks], np.abs(x)[~in_loud_blocks])  # |x| elsewhere
    assert restricted.max() == pytest.approx(full.max(), rel=1e-12)
    assert np.array_equal(dsp.interpolated_peaks(x, floor=0.0), full)
    assert len(dsp.interpolated_peaks(np.zeros(0), floor=0.2)) == 0


@pytest.mark.parametrize("width", [1, 3, 5, 221])
def test_sliding_min_and_moving_average_match_ndimage(width):
    x = np.random.default_rng(width).uniform(size=1000)
    assert np.array_equal(dsp.sliding_min(x, width), ndimage.minimum_filter1d(x, width, mode="nearest"))
    assert dsp.moving_average(x, width) == pytest.approx(ndimage.uniform_filter1d(x, width, mode="nearest"), abs=1e-12)
