"""Voices in this process: loaded ahead while the article is read, and kept for the next build."""

from __future__ import annotations

import shutil

import pytest

from audio_artigo.build import BuildOptions, build
from audio_artigo.cast import VoiceRequest
from audio_artigo.synthesis import pool
from audio_artigo.synthesis.piper_engine import PiperModel
from tests.conftest import TINY_MULTI_VOICE, TINY_VOICE


@pytest.fixture
def loads(monkeypatch):
    """The model file of every Piper voice loaded in this process, in order; no voice kept from other tests."""
    monkeypatch.setattr(pool, "_idle_worker", None)
    loaded = []
    real_init = PiperModel.__init__

    def observed_init(self, spec, threads, models):
        loaded.append(spec.model)
        real_init(self, spec, threads, models)

    monkeypatch.setattr(PiperModel, "__init__", observed_init)
    return loaded


def build_note(tmp_path, voice, sentence: str):
    article = tmp_path / "nota.txt"
    article.write_text(f"Nota\n\n{sentence}\n", encoding="utf-8")
    options = BuildOptions(out_dir=tmp_path / "out", voices=VoiceRequest(voice=str(voice), offline=True), workers=1)
    (episode,) = build([article], options)
    return episode


def test_a_voice_stays_loaded_for_the_next_build_in_this_process(tmp_path, loads):
    build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu um alerta.")
    build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu dois alertas.")
    assert loads == [str(TINY_VOICE.resolve())]


def test_a_voice_file_replaced_in_place_is_loaded_again(tmp_path, loads):
    voice = tmp_path / "pt_BR-redacao-x_low.onnx"
    for source in (TINY_VOICE, TINY_MULTI_VOICE):
        shutil.copy(source, voice)
        shutil.copy(f"{source}.json", f"{voice}.json")
        build_note(tmp_path, voice, "A Defesa Civil emitiu um alerta.")
    assert loads == [str(voice.resolve())] * 2


def test_a_build_that_speaks_nothing_new_keeps_the_warmed_voice(tmp_path, loads):
    first = build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu um alerta.")
    pool._idle_worker = None  # as in a new process
    again = build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu um alerta.")
    assert again.audio_file == first.audio_file
    build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu dois alertas.")
    assert len(loads) == 2  # the first build's, and the warm-up's of the second, used by the third
