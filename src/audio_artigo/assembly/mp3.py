"""MP3 encoding with LAME (lameenc), one independent stream per clip.

Each clip (a sentence, or a clause of a long one, with the pause after it) is
encoded on its own: a fresh encoder starts with an empty bit reservoir, so the
frames of consecutive clips concatenate into a valid MP3 stream. That makes a
re-build after a correction re-encode only the clips that changed, and leaves
every other byte of the file as it was. The price is LAME's start-up delay and
frame padding inside each pause (a few tens of ms), which the timeline counts
exactly: positions are computed from the frames actually written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import lameenc
import numpy as np
import soundfile

# LAME's encoder delay plus the decoder's filterbank delay: where a clip's first
# sample lands in the decoded frames of its own stream.
DECODED_OFFSET_SAMPLES = 576 + 529

_BITRATES = {  # kbps by bitrate index, for MPEG-1 and MPEG-2/2.5 layer III
    1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
_SAMPLE_RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}


@dataclass(frozen=True)
class EncoderSettings:
    sample_rate: int
    bitrate_kbps: int = 64
    quality: int = 5  # LAME's -q: 2 = best and slowest, 7 = fast; 5 is LAME's default

    def key(self) -> str:
        return f"lame-cbr{self.bitrate_kbps}-q{self.quality}-{self.sample_rate}"


def encode(pcm: np.ndarray, settings: EncoderSettings) -> bytes:
    """Encode int16 mono samples as a self-contained run of CBR MP3 frames."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(settings.bitrate_kbps)
    encoder.set_in_sample_rate(settings.sample_rate)
    encoder.set_out_sample_rate(settings.sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(settings.quality)
    return bytes(encoder.encode(np.ascontiguousarray(pcm, dtype=np.int16).tobytes()) + encoder.flush())


def decode(frames: bytes) -> np.ndarray:
    """Decoded samples (float64) of a run of MP3 frames, with libsndfile (mpg123)."""
    audio, _rate = soundfile.read(io.BytesIO(frames), dtype="float64")
    return audio


def count_samples(frames: bytes) -> int:
    """Decoded length in samples of a run of MPEG layer III frames."""
    total = 0
    position = 0
    while position + 4 <= len(frames):
        header = int.from_bytes(frames[position : position + 4], "big")
        if header >> 21 != 0x7FF:
            raise ValueError(f"no MP3 frame header at byte {position}")
        version = (header >> 19) & 3  # 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
        mpeg1 = version == 3
        bitrate = _BITRATES[1 if mpeg1 else 2][(header >> 12) & 0xF] * 1000
        sample_rate = _SAMPLE_RATES[version][(header >> 10) & 3]
        padding = (header >> 9) & 1
        samples_per_frame = 1152 if mpeg1 else 576
        position += samples_per_frame // 8 * bitrate // sample_rate + padding
        total += samples_per_frame
    return total
