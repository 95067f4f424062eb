"""Letter names as eSpeak says the letters: an acronym spelled with them sounds as eSpeak would spell it.

eSpeak says "esse" and "ele" with a closed e (the pronouns), but the letters
S and L with an open one, so letters.tsv writes "ésse" and "éle".
"""

from __future__ import annotations

import pytest

from audio_artigo.normalize.acronyms import spell
from audio_artigo.normalize.espeak import phonemes
from audio_artigo.normalize.tables import read_table

LETTER_NAMES = dict(read_table("letters.tsv", columns=2))
# Alone, these capitals are words to eSpeak (the article "O", the conjunction "E"), so they
# are compared where eSpeak spells them: in an acronym it cannot read as a word.
_SPELLED_BY_ESPEAK = {"E": "BCE", "O": "PTO"}


def _sounds(ipa: str) -> str:
    """The phonemes without stress marks, the glide eSpeak puts between letters, or spaces."""
    return "".join(c for c in ipa if c not in "ˈˌʲ ")


@pytest.mark.parametrize("letter", [letter for letter in LETTER_NAMES if letter.isalpha() and letter not in _SPELLED_BY_ESPEAK])
def test_each_letter_name_sounds_like_the_capital_letter_alone(letter):
    assert phonemes(LETTER_NAMES[letter]) == phonemes(letter)


@pytest.mark.parametrize("letter, acronym", sorted(_SPELLED_BY_ESPEAK.items()))
def test_a_vowel_letter_sounds_as_espeak_spells_it(letter, acronym):
    assert phonemes(letter) != phonemes(LETTER_NAMES[letter])  # alone, the capital is a word
    assert _sounds(phonemes(spell(acronym))) == _sounds(phonemes(acronym))


def test_every_capital_letter_has_a_name():
    assert set("ABCDEFGHIJKLMNOPQRSTUVWXYZÇ") <= set(LETTER_NAMES)
