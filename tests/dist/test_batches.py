"""How prepare cuts an article's missing clips into synth tasks."""

from __future__ import annotations

from audio_artigo.dist.tasks import BATCH_CHARS, synthesis_batches
from audio_artigo.synthesis.pool import SynthesisJob
from audio_artigo.synthesis.voice import VoiceSpec

NARRATOR = VoiceSpec(engine="espeak", name="narrator")
QUOTE = VoiceSpec(engine="espeak", name="quote", espeak_pitch=60)


def test_batches_hold_one_voice_a_few_sentences_and_come_longest_first():
    jobs = [SynthesisJob(f"n{length}", NARRATOR, "x" * length) for length in (40, 190, 120, 80, 150, 60, 200, 30)]
    jobs += [SynthesisJob(f"q{length}", QUOTE, "y" * length) for length in (100, 170)]
    batches = synthesis_batches(jobs)

    assert sorted(key for _voice, clips in batches for key, _text in clips) == sorted(job.key for job in jobs)
    for voice, clips in batches:
        assert {key[0] for key, _text in clips} == {"n" if voice == NARRATOR else "q"}
        assert sum(len(text) for _key, text in clips) <= BATCH_CHARS
        assert [len(text) for _key, text in clips] == sorted((len(text) for _key, text in clips), reverse=True)
    firsts = [len(clips[0][1]) for _voice, clips in batches]
    assert firsts == sorted(firsts, reverse=True) and firsts[0] == 200
