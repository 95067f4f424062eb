"""Units after a number: "12 km", "360 m²", "60 km/h", "8°C", "5.000 mAh", "2 t", "3x".

The number agrees with the unit ("duas toneladas") and the unit is singular
from 1 to just under 2 ("1,5 quilômetro", "1 grau Celsius"). "A/B" units that
are not in ``data/units.tsv`` are read from their parts ("kg/ha" ->
"quilogramas por hectare"). After a scale word the unit takes "de"
("2 milhões de t" -> "dois milhões de toneladas"); after "mil" it does not.
A unit of two letters or more written in another case is read when that
case cannot mean anything else ("120 KM/H", "2 KG"; "MB" and "Mb" are
different units, so their case is kept). A range written with a dash takes
the unit for both numbers ("2-3 t" -> "duas a três toneladas"); a unit
after "por" is named ("R$ 5 por kg" -> "cinco reais por quilo").
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from audio_artigo.normalize.engine import Hit, at_end
from audio_artigo.normalize.numbers import RANGE_DASH, Number, read_number
from audio_artigo.normalize.tables import read_table


_OF = re.compile(r"[ \t\u00a0]+de(?=[ \t\u00a0])")
TRIGGER = r"por(?=[ \t][^\W\d_]{1,4}[²³]?(?![\w/]))"
"""A unit after "por" with no number before it ("R$ 5 por kg"), which the scanner would not look at."""
_PER_UNIT = re.compile(r"(?<![\w])por[ \t](?P<unit>[^\W\d_]{1,4}[²³]?)(?![\w/])")


@cache
def _units() -> dict[str, tuple[str, str, bool]]:
    return {symbol: (singular, plural, gender == "f") for symbol, singular, plural, gender in read_table("units.tsv", 4)}


@cache
def _pattern() -> re.Pattern[str]:
    symbols = sorted(_units(), key=len, reverse=True)
    one = "|".join(re.escape(s) for s in symbols)
    # a unit may be "A/B" from two known units; it must not run into a word ("5 mil", "2 meses")
    return re.compile(rf"[ \t\u00a0]?(?P<unit>(?:{one})(?:/(?:{one}))?)(?![\w²³/])")


@cache
def _pattern_any_case() -> re.Pattern[str]:
    return re.compile(_pattern().pattern, re.IGNORECASE)


@cache
def _by_lower_case() -> dict[str, str]:
    """A symbol for each lower-cased symbol whose spellings all read the same ("kb": KB or kB; not "mb": MB, Mb)."""
    units = _units()
    spellings: dict[str, list[str]] = defaultdict(list)
    for symbol in units:
        spellings[symbol.lower()].append(symbol)
    return {lower: symbols[0] for lower, symbols in spellings.items() if len({units[symbol] for symbol in symbols}) == 1}


def _as_listed(written: str) -> str | None:
    """``written`` as the table spells it: itself, or (two letters or more) the one reading of its lower case."""
    if written in _units():
        return written
    if sum(character.isalpha() for character in written) < 2:
        return None  # "5 G" is not grams
    return _by_lower_case().get(written.lower())


def _known_symbol(written: str) -> str | None:
    """The unit ``written`` is, whole ("KM/H") or from its parts ("kg/ha"); None if it is none."""
    whole = _as_listed(written)
    if whole is not None or "/" not in written:
        return whole
    parts = [_as_listed(part) for part in written.split("/")]
    return None if None in parts else "/".join(parts)


def unit_name(written: str) -> str | None:
    """The singular name of the unit ``written`` ("kg" -> "quilo"), None if it is no unit."""
    symbol = _known_symbol(written)
    return None if symbol is None or "/" in symbol else _units()[symbol][0]


def _is_feminine(symbol: str) -> bool:
    return _units()[symbol.partition("/")[0]][2]


def describe(symbol: str) -> tuple[str, str, bool]:
    """The singular and plural names of the unit ``symbol`` (as ``unit_after`` gives it), and whether it is feminine."""
    units = _units()
    if symbol in units:
        return units[symbol]
    head, _, per = symbol.partition("/")
    singular, plural, feminine = units[head]
    per_singular = units[per][0]
    return f"{singular} por {per_singular}", f"{plural} por {per_singular}", feminine


def speak(number: Number, symbol: str) -> str:
    singular, plural, feminine = describe(symbol)
    if number.scale and number.scale != "mil":
        return number.spoken() + " de " + plural
    return number.spoken(feminine) + " " + (singular if number.singular() else plural)


def match(text: str, pos: int) -> Hit | None:
    number = read_number(text, pos)
    if number is None:
        return _per_unit(text, pos)
    return _range_with_unit(text, number) or with_unit(text, number)


def _per_unit(text: str, pos: int) -> Hit | None:
    """A unit after "por" with no number: "R$ 5 por kg" -> "por quilo"."""
    found = _PER_UNIT.match(text, pos)
    if found is None:
        return None
    written = found.group("unit")
    if len(written) == 1 and not written.islower():
        return None  # "por A" is a letter more often than amperes
    name = unit_name(written)
    return None if name is None else Hit(found.end(), "por " + name)


def _range_with_unit(text: str, first: Number) -> Hit | None:
    """"50-80 mm" -> "cinquenta a oitenta milímetros", "2-3 t" -> "duas a três toneladas"."""
    if not RANGE_DASH.match(text, first.end):
        return None
    second = read_number(text, first.end + 1, glued=True)
    unit = unit_after(text, second.end) if second else None
    if unit is None:
        return None
    last = _say(second, *unit, text)
    return Hit(last.end, first.spoken(_is_feminine(unit[0])) + " a " + last.spoken)


def unit_after(text: str, end: int) -> tuple[str, re.Match[str]] | None:
    """The unit written at ``end`` (its symbol as listed, and how it is written), if one is."""
    found = _pattern().match(text, end) or _pattern_any_case().match(text, end)
    symbol = _known_symbol(found.group("unit")) if found else None
    return None if symbol is None else (symbol, found)


def with_unit(text: str, number: Number) -> Hit | None:
    """``number`` and the unit written after it, if one is ("2 milhões de t": after "de" too)."""
    of = _OF.match(text, number.end) if number.scale and number.scale != "mil" else None
    unit = unit_after(text, of.end() if of else number.end)
    return None if unit is None else _say(number, *unit, text)


def _say(number: Number, symbol: str, found: re.Match[str], text: str) -> Hit:
    spoken = speak(number, symbol)
    if found.group("unit").endswith(".") and at_end(text, found.end()):
        spoken += "."  # "0,5 p.p." ends the sentence: its dot is the sentence's too
    return Hit(found.end(), spoken)
