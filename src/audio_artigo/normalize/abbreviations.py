"""Abbreviations: "Sr." -> "senhor", "pág. 12" -> "página doze", "R. Augusta" -> "Rua Augusta", "etc.".

``data/abbreviations.tsv`` lists each with when it is one: always, only
before a number ("p. 12"), or only before a name ("S. Paulo", "R. 25 de Março").
A reading "masculine|feminine" agrees with the article or noun before it
("a Sen. Damares" -> "a senadora", "a temperatura máx." -> "máxima"), or
else with the name after it ("D. Pedro" -> "dom", "D. Maria" -> "dona"). One before a number
takes the plural of a plural article ("nos km 230 e 245" -> "nos quilômetros"). An abbreviation that ends the text keeps its
full stop as the sentence's.
"""

from __future__ import annotations

import re
from functools import cache

from audio_artigo.normalize.acronyms import short_words
from audio_artigo.normalize.engine import Hit, at_end
from audio_artigo.normalize.gender import (
    FEMININE, MASCULINE, determiner, determiner_before, name_is_feminine, word_before, word_gender,
)
from audio_artigo.normalize.tables import read_table

_SEEN_BY_SCANNER = re.compile(r"\w*[.@:º°/]")
_BEFORE_NUMBER = re.compile(r"[ \t\u00a0]*[0-9]")
_NEXT_NAME = re.compile(r"[ \t\u00a0]+(?P<name>[A-ZÀ-Ý][a-zà-ÿ]+)")
_BEFORE_NAME = re.compile(r"[ \t\u00a0]+(?:(?:da|de|do|das|dos)[ \t\u00a0]+)?[A-ZÀ-Ý0-9]")
# After a name, a capital and a dot are an initial, not "São" or "Rua".
_AFTER_NAME = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]+[ \t\u00a0]+$")
_AFTER_INITIAL = re.compile(r"(?<!\w)[A-Z]\.[ \t\u00a0]+$")
_BEFORE_INITIAL = re.compile(r"[ \t\u00a0]+[A-Z]\.(?!\w)")


@cache
def _table() -> dict[str, tuple[str, str]]:
    return {written: (reading, when) for written, reading, when in read_table("abbreviations.tsv", 3)}


@cache
def _pattern() -> re.Pattern[str]:
    written = sorted(_table(), key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(w) for w in written) + r")(?!\w)")


def trigger_pattern() -> str | None:
    """Where an abbreviation the scanner would not look at may start ("km 32", "et al.").

    The scanner looks at a lower-case word only when ".", "@", ":", "º", "°" or "/" follows it,
    and at a capitalised one only when it has a dot, a digit, another capital... ("Dr Ana" has none).
    """
    places = [
        re.escape(written) + (r"(?=[ \t\u00a0]*[0-9])" if when == "number" else r"(?!\w)")
        for written, (_, when) in _table().items()
        if not _SEEN_BY_SCANNER.match(written)
    ]
    return "|".join(places) or None  # literal first: cheap to try at every place of the text


def _feminine_here(text: str, pos: int, name: re.Match[str] | None) -> bool:
    """Whether the abbreviation at ``pos`` reads feminine: by the word before it ("a Sen.",
    "a temperatura máx."), or else by the name after it ("D. Maria")."""
    word = word_before(text, pos)
    if word:
        article = determiner(word)
        if article:
            return article[0] == FEMININE
        if not name and word_gender(word) in (FEMININE, MASCULINE):
            return word_gender(word) == FEMININE  # "a temperatura máx."
    return bool(name) and name_is_feminine(name.group("name"))


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
        or _AFTER_INITIAL.search(text[max(0, pos - 5) : pos])  # "C. S. Lewis", "J. D. Vance"
        or _BEFORE_INITIAL.match(text, end)  # "George R. R. Martin", "D. W. Griffith"
        or (name and name.group("name").upper() in short_words())  # "a classe D. Na pesquisa": a sentence ends
    ):
        return None
    if "|" in reading:  # "senador|senadora"
        masculine, feminine = reading.split("|")
        reading = feminine if _feminine_here(text, pos, name) else masculine
    if when == "number" and reading[-1] in "aeo" and (determiner_before(text, pos) or ("", ""))[1] == "p":
        reading += "s"  # "nos km 230 e 245": "nos quilômetros"
    if found.group().endswith(".") and at_end(text, end):
        reading += "."
    return Hit(end, reading)
