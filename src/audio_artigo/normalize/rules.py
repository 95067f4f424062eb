"""The rules in the order they are tried at each place of the text.

Longer, more specific tokens come first: "R$ 1,50" must be read as money
before "1,50" is read as a number, "14h30" as a time before "14" as a
number, "22/02/2025" as a date before "22" as a number, an e-mail address
before its parts are read as words.
"""

from __future__ import annotations

from audio_artigo.normalize import (
    abbreviations, acronyms, alnum, dates, fractions, money, numbers, ordinals, percent, phones,
    protect, roman, scores, symbols, times, units, web,
)
from audio_artigo.normalize.engine import Rule

RULES: list[Rule] = [
    Rule("phonemes", protect.match),
    Rule("web", web.match),
    Rule("phone", phones.match),
    Rule("date", dates.match),
    Rule("time", times.match),
    Rule("money", money.match),
    Rule("percent", percent.match),
    Rule("ordinal", ordinals.match),
    Rule("score", scores.match),
    Rule("fraction", fractions.match),
    Rule("unit", units.match),
    Rule("alnum", alnum.match),
    Rule("number", numbers.match),
    Rule("abbreviation", abbreviations.match),
    Rule("roman", roman.match),
    Rule("acronym", acronyms.match),
    Rule("symbol", symbols.match),
]
