"""Splitting a segment's text into sentences: one transcript cue per sentence.

A sentence ends at ".", "!", "?" or "…" (and any closing quote marks or
brackets right after it) followed by white space and a word that starts a
sentence: a capital letter or a digit, possibly after an opening quote mark,
bracket or dash. These do not end a sentence:

- a known abbreviation (``data/abbreviations.tsv``): "Sr. Silva", "art. 5º",
  "p. ex. o Brasil";
- an initial, a single capital letter: "J. R. R. Tolkien";
- a mark with no letter or digit before it, such as "(...) A IA";
- anything followed by a lowercase word: "Ele hesitou... e saiu".

A period inside a word never splits (4,83; 3.720; I.A.; www.sp.gov.br;
GPT-4.5; Node.js), because a sentence end needs white space after it.

The sentences are slices of the text, so joining them gives the text back
(modulo white space), and the work is linear in the length of the text.
"""

from __future__ import annotations

import re
from functools import cache

from audio_artigo.reading.tables import read_data_table

# A run of terminal marks and the closing quote marks/brackets after it,
# followed by white space. The look-behind makes a long run of dots match
# once, at its start (no quadratic rescans); the possessive quantifiers never
# backtrack.
_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]++[”»\"’')\]]*+(?=\s)")
_SPACE = re.compile(r"\s+")
_DOTTED_ACRONYM = re.compile(r"(?:\w\.)+\w")
_OPENING = "“«\"‘'([{¿¡—–―-"
_LONGEST_ABBREVIATION = 12


@cache
def _abbreviations() -> dict[str, str]:
    return {word.casefold(): kind for word, kind in read_data_table("abbreviations.tsv").items()}


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped, in order; [] for blank text."""
    sentences = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if _ends_sentence(text, end.start(), end.group()):
            sentence = text[start : end.end()].strip()
            if sentence:
                sentences.append(sentence)
            start = end.end()
    last = text[start:].strip()
    if last:
        sentences.append(last)
    return sentences


def _ends_sentence(text: str, mark_at: int, marks: str) -> bool:
    word = _word_before(text, mark_at)
    if not any(character.isalnum() for character in word):
        return False  # "(...)", a lone "…" or "."
    digits_start_sentences = True
    if marks.startswith(".") and not marks.startswith(".."):
        kind = _abbreviations().get(word.casefold() + ".")
        if kind == "title" or (len(word) == 1 and word.isupper()):
            return False
        if kind == "final" or _DOTTED_ACRONYM.fullmatch(word):
            digits_start_sentences = False
    return _sentence_starts(text, _SPACE.match(text, mark_at + len(marks)).end(), digits_start_sentences)


def _word_before(text: str, position: int) -> str:
    """The end of the word before ``position`` (enough of it to look up an abbreviation)."""
    tail = text[max(0, position - _LONGEST_ABBREVIATION) : position]
    if not tail or tail[-1].isspace():
        return ""
    return tail.split()[-1].lstrip(_OPENING)


def _sentence_starts(text: str, position: int, digits_start_sentences: bool) -> bool:
    # Skip what may open a sentence before its first word: “, (, —, and spaces.
    for character in text[position : position + 6]:
        if character in _OPENING or character.isspace():
            continue
        return character.isupper() or (digits_start_sentences and character.isdigit())
    return False
