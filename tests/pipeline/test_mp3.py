"""Clips encoded one by one concatenate into a valid MP3 whose length we know exactly."""

import io

import numpy as np
import soundfile

from audio_artigo.assembly import mp3


def test_independently_encoded_clips_concatenate_and_are_counted_exactly():
    settings = mp3.EncoderSettings(22050)
    rng = np.random.default_rng(1)
    chunks = [mp3.encode((rng.standard_normal(n) * 3000).astype(np.int16), settings) for n in (5000, 22050, 13)]
    joined = b"".join(chunks)
    decoded, rate = soundfile.read(io.BytesIO(joined))
    assert rate == 22050
    assert len(decoded) == sum(mp3.count_samples(c) for c in chunks) == mp3.count_samples(joined)


def test_a_clip_starts_at_the_documented_offset():
    for rate in (16000, 22050):
        pcm = np.zeros(rate, dtype=np.int16)
        pcm[3000] = 30000
        decoded = mp3.decode(mp3.encode(pcm, mp3.EncoderSettings(rate)))
        assert abs(int(np.argmax(np.abs(decoded))) - (3000 + mp3.DECODED_OFFSET_SAMPLES)) <= 2
