"""Abbreviations: "Sr." -> "senhor", "pág. 12" -> "página doze", "R. Augusta" -> "Rua Augusta", "etc.".

``data/abbreviations.tsv`` lists each with when it is one: always, only
before a number ("p. 12"), or only before a name ("S. Paulo", "R. 25 de Março").
A reading "masculine|feminine" agrees with the name after it ("D. Pedro" ->
"dom", "D. Maria" -> "dona"). An abbreviation that ends the text keeps its
full stop as the sentence's.
"""

from __future__ import annotations

import re
from functools import cache

from audio_artigo.normalize.acronyms import short_words
from audio_artigo.normalize.engine import Hit, at_end
from audio_artigo.normalize.gender import name_is_feminine
from audio_artigo.normalize.tables import read_table

_BEFORE_NUMBER = re.compile(r"[ \t\u00a0]*[0-9]")
_NEXT_NAME = re.compile(r"[ \t\u00a0]+(?P<name>[A-ZÀ-Ý][a-zà-ÿ]+)")
_BEFORE_NAME = re.compile(r"[ \t\u00a0]+(?:(?:da|de|do|das|dos)[ \t\u00a0]+)?[A-ZÀ-Ý0-9]")
# After a name, a capital and a dot are an initial, not "São" or "Rua".
_AFTER_NAME = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]+[ \t\u00a0]+$")


@cache
def _table() -> dict[str, tuple[str, str]]:
    return {written: (reading, when) for written, reading, when in read_table("abbreviations.tsv", 3)}


@cache
def _pattern() -> re.Pattern[str]:
    written = sorted(_table(), key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(w) for w in written) + r")(?!\w)")


def trigger_pattern() -> str | None:
    """Where an abbreviation the scanner would not look at may start ("km 32", "s/n").

    The scanner looks at lower-case words only when ".", "º" or "°" follows them.
    """
    places = [
        re.escape(written) + (r"(?=[ \t\u00a0]*[0-9])" if when == "number" else r"(?!\w)")
        for written, (_, when) in _table().items()
        if written[0].islower() and not any(mark in written for mark in ".º°")
    ]
    return r"(?<![\w.])(?:" + "|".join(places) + ")" if places else None


def match(text: str, pos: int) -> Hit | None:
    found = _pattern().match(text, pos)
    if not found:
        return None
    reading, when = _table()[found.group()]
    end = found.end()
    name = _NEXT_NAME.match(text, end)
    if when == "number" and not _BEFORE_NUMBER.match(text, end):
        return None
    if when == "name" and not _BEFORE_NAME.match(text, end):
        return None
    if when == "name" and len(found.group()) == 2 and (
        _AFTER_NAME.search(text[max(0, pos - 30) : pos])  # "João S. Silva": an initial
        or (name and name.group("name").upper() in short_words())  # "a classe D. Na pesquisa": a sentence ends
    ):
        return None
    if "|" in reading:  # "dom|dona": the name after it decides
        masculine, feminine = reading.split("|")
        reading = feminine if name and name_is_feminine(name.group("name")) else masculine
    if found.group().endswith(".") and at_end(text, end):
        reading += "."
    return Hit(end, reading)
