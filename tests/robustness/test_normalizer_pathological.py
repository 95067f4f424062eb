"""The normaliser takes time in proportion to its input, whatever the input.

The reading side has its own checks (tests/reading/test_reading_pathological.py);
these are the normaliser's: lines packed with the tokens its rules read
(numbers, dates, amounts...), which it reads at about 0.15 MB/s against
4 MB/s for prose, long tokens, and the classic ways to make a regex
backtrack. Doubling the input may at most multiply the CPU time by 2.5.
"""

from __future__ import annotations

import time

import pytest

from audio_artigo.normalize import normalize
from tests.reading.test_reading_pathological import assert_linear

from .scale import scaled

SIZE = scaled(4_000, 40_000)
"""Characters of the smaller input of each pair."""

PACKED_TOKENS = {
    "numbers": "1 ", "decimal numbers": "1.1", "decimal commas": "1,1 ", "thousands": "12.345,67 ",
    "dates": "1/1/2024 ", "amounts": "R$ 1 ", "percentages": "1% ", "times": "10h30 ", "ordinals": "1º ",
    "fractions": "1/2 ", "scores": "1 x 1 ", "units": "1 km ", "phones": "(11) 9", "CPFs": "123.456.789-00 ",
    "ranges": "de 1 a 2 pessoas ", "roman numerals": "XXI ", "acronyms": "ONU ", "abbreviations": "Sr. ",
    "symbols": "& § ± ≈ ", "vulgar fractions": "½ ¼ ", "signed numbers": "+1 ~2 ×3 ",
}  # fmt: skip

LONG_TOKENS = {
    "digits": "1", "capitals": "A", "letters then !": "a", "halves": "½", "halves in a compound": "½a-",
    "hyphens": "a-", "initials": "A.", "dotted host": "a.", "at signs": "a@", "phoneme brackets": "[[",
    "parentheses": "(", "tabs": "\t", "capitals and digits": "Ab1", "ordinal marks": "ª",
}  # fmt: skip

# Classic backtracking traps: a long run that almost matches, then a character that makes it fail.
BLOW_UPS = {
    "digits then a letter": lambda n: "1" * n + "x",
    "dotted digits then a letter": lambda n: "1." * (n // 2) + "x",
    "comma digits then a letter": lambda n: "1," * (n // 2) + "x",
    "hyphenated capitals": lambda n: "A-" * (n // 2) + "!",
    "an address that never ends": lambda n: "www." + "a." * (n // 2),
    "an e-mail with two at signs": lambda n: "x@" + "a." * (n // 2) + "@",
    "a path that never ends": lambda n: "http://" + "a/" * (n // 2),
    "spaces between two numbers": lambda n: "1" + " " * n + "1",
    "a number before a long word": lambda n: "2 " + "a" * n,
    "a range that never ends": lambda n: "1 a " + "1," * (n // 2),
    "an amount that never ends": lambda n: "R$ " + "1." * (n // 2),
    "unclosed phonemes": lambda n: "[[" + "a" * n,
}


def _packed(unit: str):
    return lambda size: unit * (size // len(unit))


def _repeated(unit: str):
    return lambda size: unit * size


CASES = {
    **{f"packed {name}": _packed(unit) for name, unit in PACKED_TOKENS.items()},
    **{f"long token of {name}": _repeated(unit) for name, unit in LONG_TOKENS.items()},
    **BLOW_UPS,
}


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_normalising_grows_linearly(make):
    assert_linear(normalize, make, SIZE, runs=2)


def test_a_long_line_of_prose_without_punctuation():
    line = "palavra " * (scaled(1_000_000, 10_000_000) // 8)
    started = time.process_time()
    assert normalize(line) == line
    assert time.process_time() - started < 30
