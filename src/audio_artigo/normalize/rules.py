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

# starts: where each rule can begin ("d" digit, "u" capital, "l" other letter, "s" other)
RULES: list[Rule] = [
    Rule("phonemes", protect.match, "s"),
    Rule("web", web.match, "duls"),
    Rule("phone", phones.match, "ds"),
    Rule("date", dates.match, "dul"),
    Rule("time", times.match, "d"),
    Rule("money", money.match, "dus"),
    Rule("percent", percent.match, "ds"),
    Rule("ordinal", ordinals.match, "d"),
    Rule("score", scores.match, "dul", scores.TRIGGER),
    Rule("fraction", fractions.match, "d"),
    Rule("unit", units.match, "duls", units.TRIGGER),
    Rule("alnum", alnum.match, "dul"),
    Rule("number", numbers.match, "ds"),
    Rule("abbreviation", abbreviations.match, "ul", abbreviations.trigger_pattern()),
    Rule("roman", roman.match, "u"),
    Rule("acronym", acronyms.match, "u"),
    Rule("symbol", symbols.match, "s", symbols.TRIGGER),
]
