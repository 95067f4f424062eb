"""The few signal-processing steps assembly needs, in plain numpy.

scipy.signal does all of this, but importing it takes about half a second,
which on its own would be most of a one-sentence re-build; pyloudnorm imports
it too. These are short, exact and tested against both (tests/pipeline).
"""

from __future__ import annotations

import functools
import math

import numpy as np

IMPULSE_RESPONSE_SECONDS = 0.2
"""The K-weighting filters' impulse response falls below 1e-15 within this:
the overlap-add's blocks leave room for it."""


def _biquad(kind: str, gain_db: float, q: float, centre_hz: float, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """RBJ cookbook coefficients, as ITU-R BS.1770 and pyloudnorm use them."""
    a = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * centre_hz / rate
    alpha = math.sin(w0) / (2 * q)
    cos = math.cos(w0)
    if kind == "high_shelf":
        root = 2 * math.sqrt(a) * alpha
        b = [a * ((a + 1) + (a - 1) * cos + root), -2 * a * ((a - 1) + (a + 1) * cos), a * ((a + 1) + (a - 1) * cos - root)]
        den = [(a + 1) - (a - 1) * cos + root, 2 * ((a - 1) - (a + 1) * cos), (a + 1) - (a - 1) * cos - root]
    else:  # high_pass
        b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
        den = [1 + alpha, -2 * cos, 1 - alpha]
    return np.array(b) / den[0], np.array(den) / den[0]


OVERLAP_ADD_FFT_SIZE = 1 << 16
"""FFT length of the K-weighting's overlap-add. A fixed size lets the filter's
spectrum be computed once rather than for every clip at that clip's length
(with it, encoding the reference episode's clips took 17% less CPU)."""


def k_weight(x: np.ndarray, rate: int) -> np.ndarray:
    """The K-weighted signal (BS.1770's pre-filter), by FFT overlap-add."""
    block = OVERLAP_ADD_FFT_SIZE - int(IMPULSE_RESPONSE_SECONDS * rate) + 1
    spectrum = _k_weighting_spectrum(rate)
    out = np.zeros(len(x) + OVERLAP_ADD_FFT_SIZE)
    for start in range(0, len(x), block):
        piece = np.fft.irfft(np.fft.rfft(x[start : start + block], OVERLAP_ADD_FFT_SIZE) * spectrum, OVERLAP_ADD_FFT_SIZE)
        out[start : start + OVERLAP_ADD_FFT_SIZE] += piece
    return out[: len(x)]


@functools.lru_cache(maxsize=8)
def _k_weighting_spectrum(rate: int) -> np.ndarray:
    """The K-weighting filter (high shelf, then the RLB high pass) at each bin of the overlap-add's FFT.

    Its two stages' transfer functions evaluated at the bins: the spectrum of
    its impulse response, which is below 1e-15 past IMPULSE_RESPONSE_SECONDS.
    (Running the filter sample by sample in Python to get that response took
    5 ms, once per process: a one-sentence re-build's first clip paid it.)
    """
    delay = np.exp(-2j * np.pi * np.arange(OVERLAP_ADD_FFT_SIZE // 2 + 1) / OVERLAP_ADD_FFT_SIZE)  # z^-1 at each bin
    response = np.ones_like(delay)
    for b, a in (_biquad("high_shelf", 4.0, 1 / math.sqrt(2), 1500.0, rate), _biquad("high_pass", 0.0, 0.5, 38.0, rate)):
        response *= np.polyval(b[::-1], delay) / np.polyval(a[::-1], delay)
    return response


@functools.lru_cache(maxsize=4)
def _interpolation_phases(factor: int, taps_per_phase: int = 24, beta: float = 6.0) -> list[np.ndarray]:
    """The phases of a Kaiser-windowed sinc interpolator (an even
    ``taps_per_phase`` keeps them aligned); phase 0 is the identity."""
    length = factor * taps_per_phase + 1
    h = np.sinc((np.arange(length) - length // 2) / factor) * np.kaiser(length, beta)
    return [h[phase::factor] / h[phase::factor].sum() for phase in range(factor)]


PEAK_BLOCK = 1024
"""interpolated_peaks skips or interpolates the signal in blocks of this many samples."""


def interpolated_peaks(x: np.ndarray, factor: int = 4, floor: float = 0.0) -> np.ndarray:
    """Per sample, the largest magnitude of the signal interpolated ``factor`` times
    between it and the next: the true-peak envelope (ITU-R BS.1770-4 annex 2).

    A polyphase FIR like the standard's, longer (24 taps per phase): within
    0.5 % of scipy's resample_poly on noise up to 90 % of Nyquist, and several
    times faster than an FFT. Only the blocks of PEAK_BLOCK samples that hold
    a sample above ``floor`` are interpolated; elsewhere the envelope is |x|.
    """
    phases = _interpolation_phases(factor)
    delay = len(phases[1]) // 2
    envelope = np.abs(x)  # phase 0 is the signal itself
    for start, end in _spans_above(envelope, floor):
        # The filter's reach on both sides, so the values inside the span are exact.
        lo, hi = max(0, start - delay), min(len(x), end + delay)
        for taps in phases[1:]:
            taps = taps.astype(x.dtype, copy=False)  # in the signal's precision
            values = np.convolve(x[lo:hi], taps)[start - lo + delay : end - lo + delay]
            np.maximum(envelope[start:end], np.abs(values), out=envelope[start:end])
    return envelope


def _spans_above(magnitude: np.ndarray, floor: float) -> list[tuple[int, int]]:
    """The runs of whole PEAK_BLOCKs (as [start, end) sample ranges) whose largest magnitude exceeds ``floor``."""
    if len(magnitude) == 0:
        return []
    if floor <= 0:
        return [(0, len(magnitude))]
    loud = np.maximum.reduceat(magnitude, np.arange(0, len(magnitude), PEAK_BLOCK)) > floor
    edges = np.flatnonzero(np.diff(np.concatenate([[False], loud, [False]]).astype(np.int8)))
    return [(int(first) * PEAK_BLOCK, min(len(magnitude), int(last) * PEAK_BLOCK)) for first, last in zip(edges[::2], edges[1::2])]


def sliding_min(x: np.ndarray, width: int) -> np.ndarray:
    """Minimum over a centred window of odd ``width`` (edges see a shorter window).

    van Herk / Gil-Werman: block-wise running minima from both ends, O(n).
    """
    half = width // 2
    padded = np.concatenate([np.full(half, np.inf), x, np.full(half + (-(len(x) + 2 * half) % width), np.inf)])
    blocks = padded.reshape(-1, width)
    forward = np.minimum.accumulate(blocks, axis=1).ravel()
    backward = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    starts = np.arange(len(x))
    return np.minimum(backward[starts], forward[starts + width - 1])


def moving_average(x: np.ndarray, width: int) -> np.ndarray:
    """Mean over a centred window of odd ``width``, the edges repeating the end values."""
    half = width // 2
    padded = np.concatenate([np.full(half, x[0]), x, np.full(half, x[-1])])
    sums = np.cumsum(np.concatenate([[0.0], padded]))
    return (sums[width:] - sums[:-width]) / width


def resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """``audio`` at ``to_rate`` (polyphase filtering; unchanged when the rates agree or it is empty)."""
    if from_rate == to_rate or not len(audio):
        return audio
    from scipy.signal import resample_poly  # only when rates differ: it takes half a second to import

    divisor = math.gcd(to_rate, from_rate)
    return resample_poly(audio, to_rate // divisor, from_rate // divisor)
