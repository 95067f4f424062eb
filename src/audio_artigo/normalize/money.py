"""Amounts of money: "R$ 4,40", "US$ 62 bilhões", "€ 80", "R$ 0,50", "100 USD".

Reais and centavos are read as such ("quatro reais e quarenta centavos"),
cents alone say whose cents they are unless they are the real's ("setenta e
cinco centavos de dólar"), a scale word takes "de" ("dois milhões de reais",
but "três mil reais"), and the amount agrees with the currency ("duas
libras"). A slash after the amount says what it is per ("R$ 5 mil/mês" ->
"cinco mil reais por mês").
"""

from __future__ import annotations

import re
from functools import cache

from audio_artigo.normalize.cardinals import cardinal
from audio_artigo.normalize.engine import Hit
from audio_artigo.normalize.numbers import RANGE_DASH, Number, read_number
from audio_artigo.normalize.tables import read_table
from audio_artigo.normalize.units import unit_name


_PER = re.compile(r"/(?P<per>[^\W\d_]{1,12}[²³]?)(?![\w/])")


@cache
def _currencies() -> dict[str, tuple[str, str, bool]]:
    return {symbol: (singular, plural, gender == "f") for symbol, singular, plural, gender in read_table("currencies.tsv", 4)}


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    symbols = sorted(_currencies(), key=len, reverse=True)
    alternatives = "|".join(re.escape(s) for s in symbols)
    before = re.compile(rf"(?<![\w$])(?P<minus>[-−])?(?P<cur>{alternatives})[ \t\u00a0]?(?=[-−]?[0-9])")
    after = re.compile(rf"[ \t\u00a0]?(?P<cur>{alternatives})(?![\w$])")
    return before, after


def match(text: str, pos: int) -> Hit | None:
    before, after = _patterns()
    found = before.match(text, pos)
    if found:
        start = found.end()
        negative = bool(found.group("minus"))
        if text[start] in "-−":
            negative, start = True, start + 1
        number = read_number(text, start)
        if number is None or _glued(text, number.end):
            return None
        symbol = found.group("cur")
        amount = _range(text, number, symbol) or Hit(number.end, speak(number, symbol))
        return _per_something(text, Hit(amount.end, ("menos " if negative else "") + amount.spoken))
    number = read_number(text, pos)
    if number is None:
        return None
    found = after.match(text, number.end)
    if not found or number.scale:
        return _cents_before_name(text, number)
    return _per_something(text, Hit(found.end(), speak(number, found.group("cur"))))


@cache
def _names() -> tuple[re.Pattern[str], dict[str, str]]:
    """The names of the currencies counted in centavos after an amount ("3,50 reais"), with their symbols;
    not when a word says which dollar ("2,10 dólares canadenses": whose cents are not said so)."""
    symbols = {name: symbol for symbol in ("R$", "US$", "€") for name in _currencies()[symbol][:2]}
    names = "|".join(re.escape(name) for name in symbols)
    # not before an adjective of nationality ("americanos", "canadenses")
    return re.compile(rf"[ \t\u00a0]+(?P<name>{names})(?!\w|[ \t\u00a0]+[a-zà-ÿ]+n[oa]s?\b|[ \t\u00a0]+[a-zà-ÿ]+ses?\b)"), symbols


def _cents_before_name(text: str, number: Number) -> Hit | None:
    """"3,50 reais" -> "três reais e cinquenta centavos": two decimals before a currency's name are its cents."""
    if len(number.fraction) != 2 or number.negative or len(number.integer) > 15:
        return None
    pattern, symbols = _names()
    found = pattern.match(text, number.end)
    if found is None:
        return None
    return Hit(found.end(), speak(number, symbols[found.group("name")]))


def _range(text: str, first: Number, symbol: str) -> Hit | None:
    """"R$ 10–15" -> "dez a quinze reais": the currency said once, after the second amount."""
    if not RANGE_DASH.match(text, first.end) or first.fraction or first.scale:
        return None
    second = read_number(text, first.end + 1, glued=True)
    if second is None or _glued(text, second.end):
        return None
    return Hit(second.end, first.spoken(_currencies()[symbol][2]) + " a " + speak(second, symbol))


def _per_something(text: str, amount: Hit) -> Hit:
    """The amount, and what it is per when a slash says so: "R$ 5 mil/mês", "US$ 80/barril", "R$ 6/kg"."""
    per = _PER.match(text, amount.end)
    if per is None:
        return amount
    written = per.group("per")
    what = unit_name(written) or (written if written.islower() else None)
    return amount if what is None else Hit(per.end(), f"{amount.spoken} por {what}")


def _glued(text: str, end: int) -> bool:
    return end < len(text) and (text[end].isalnum() or text[end] == "_")


def speak(number: Number, symbol: str) -> str:
    """The amount ``number`` of the currency ``symbol`` in words."""
    singular, plural, feminine = _currencies()[symbol]
    sign = "menos " if number.negative else ""
    if number.scale and number.scale != "mil":
        return sign + number.spoken() + " de " + plural
    if number.scale == "mil":
        return sign + number.spoken(feminine) + " " + plural
    if len(number.integer) > 15 or len(number.fraction) > 2:
        return sign + number.spoken(feminine) + " " + (singular if number.singular() else plural)
    units = int(number.integer)
    cents = int(number.fraction.ljust(2, "0")) if number.fraction else 0
    parts = []
    if units or not cents:
        words = cardinal(units, feminine)
        if units >= 1_000_000 and units % 1_000_000 == 0:
            words += " de"  # "dois milhões de reais"
        parts.append(words + " " + (singular if units == 1 else plural))
    if cents:
        cents_words = cardinal(cents) + (" centavo" if cents == 1 else " centavos")
        if not units and symbol not in ("R$", "BRL"):
            cents_words += " de " + singular
        parts.append(cents_words)
    return sign + " e ".join(parts)
