"""Sentence splitting (one transcript cue per sentence): cases in data/sentences.cases."""

from __future__ import annotations

import pytest

from audio_artigo.reading.sentences import split_sentences

from .conftest import read_cases


@pytest.mark.parametrize(("text", "expected"), read_cases("sentences.cases"))
def test_sentence_cases(text, expected):
    assert " | ".join(split_sentences(text)) == expected


def test_blank_text_has_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


def test_sentences_give_the_text_back():
    text = "  Primeira frase.   Segunda, com o Sr. Silva!\nTerceira?  "
    sentences = split_sentences(text)
    assert sentences == ["Primeira frase.", "Segunda, com o Sr. Silva!", "Terceira?"]
    assert "".join("".join(sentences).split()) == "".join(text.split())
