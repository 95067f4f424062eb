"""A look-ahead peak limiter, applied clip by clip after the episode's gain.

One loudness gain for the whole episode keeps the narrator at a constant level;
the limiter only touches the rare peaks that gain would push above the ceiling.
Clips begin and end in silence, so limiting each on its own is seamless.
"""

from __future__ import annotations

import numpy as np

from audio_artigo.assembly.dsp import moving_average, sliding_min
from audio_artigo.assembly.loudness import true_peak_envelope

LOOKAHEAD_SECONDS = 0.005


def limit(audio: np.ndarray, ceiling: float, sample_rate: int) -> np.ndarray:
    """Return ``audio`` with its true peak at or below ``ceiling`` (linear).

    The gain curve is the minimum of the needed reduction over a window around
    each sample, then smoothed by a moving average half as wide: every averaged
    value is at most the reduction needed at that sample, so the ceiling holds
    while the gain changes smoothly (no clicks).
    """
    envelope = true_peak_envelope(audio, above=ceiling)
    if len(envelope) == 0 or envelope.max() <= ceiling:
        return audio
    needed = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-12))
    half_width = max(1, int(LOOKAHEAD_SECONDS * sample_rate))
    held = sliding_min(needed, 2 * half_width + 1)
    smooth = moving_average(held, half_width | 1)
    return audio * smooth
