"""Dates: "22/02/2025", "5/3/2024", "1º/12", "2025-02-22", "2024/03/15", "21.dez.2018" (Folha's datelines),
"02/2025", "jan/24", "1 de maio", "Lei 8.666/93", "safra 2023/24",
periods: "3T24" (third quarter), "1S25" (first half), "2T" (a match's second half).

A day is a cardinal except the first, which is "primeiro" ("1º de maio",
"01/01/2024"). Day and month without a year ("31/1") are told apart from
fractions in ``fractions.py``. Years and "anos 90" are plain cardinals.
"""

from __future__ import annotations

import re
from functools import cache

from audio_artigo.normalize.cardinals import cardinal, number_words, ordinal
from audio_artigo.normalize.engine import Hit, at_end
from audio_artigo.normalize.gender import is_label
from audio_artigo.normalize.tables import read_table

_FULL = re.compile(r"(?<![\w/.,-])(?P<d>[0-9]{1,2})(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4}|[0-9]{2})(?![\w/]|[.,-][0-9])")
# "1º/12", "1º/12/2024": the first of a month, written as an ordinal (never a fraction).
_FIRST_ORDINAL = re.compile(r"(?<![\w/.,-])0?1[º°](?P<sep>[/.])(?P<m>0?[1-9]|1[0-2])(?:(?P=sep)(?P<y>[0-9]{4}|[0-9]{2}))?(?![\w/]|[.,-][0-9])")
_ISO = re.compile(
    r"(?<![\w/.,-])(?P<y>(?:1[89]|2[01])[0-9]{2})(?:-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})|/(?P<sm>[0-9]{1,2})/(?P<sd>[0-9]{1,2}))"
    r"(?![\w/-]|[.,][0-9])"
)
_MONTH_YEAR = re.compile(r"(?<![\w/.,-])(?P<m>0?[1-9]|1[0-2])/(?P<y>(?:19|20)[0-9]{2})(?![\w/]|[.,][0-9])")
# "Lei 14.133/2021", "Lei 8.666/93": a numbered act of a year (after a
# label noun, "Lei", "PL", with a thousands dot, the year may have two digits).
_NUMBER_OF_YEAR = re.compile(
    r"(?<![\w/.,-])(?:(?P<n>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{2,6})/(?P<y>(?:19|20)[0-9]{2})"
    r"|(?P<dotted>[0-9]{1,3}(?:\.[0-9]{3})+)/(?P<yy>[0-9]{2}))(?![\w/]|[.,][0-9])"
)
# "safra 2023/24", "temporada 2024/2025": a season across two years.
_SEASON = re.compile(r"(?<![\w/.,-])(?P<y1>(?:19|20)[0-9]{2})/(?P<y2>[0-9]{2}|(?:19|20)[0-9]{2})(?![\w/]|[.,][0-9])")
# "3T24", "1S25": a quarter or half of a year (balance sheets); "1T", "2T": a match's half.
_PERIOD = re.compile(r"(?<![\w/.,-])(?P<n>[1-4])(?P<kind>[TS])(?P<y>[0-9]{2})?(?![\w/-])")
_FIRST_OF = re.compile(
    r"(?<![\w.,])0?1(?=[ \t]+de[ \t]+(?:janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro)\b)",
    re.IGNORECASE,
)


@cache
def month_names() -> dict[int, str]:
    return {int(number): name for number, name in read_table("months.tsv", 2)}


@cache
def _month_abbreviations() -> dict[str, int]:
    """"jan" -> 1: the first three letters of each month's name."""
    return {name[:3]: number for number, name in month_names().items()}


def _abbreviated_month() -> str:
    return "(?i:" + "|".join(_month_abbreviations()) + ")"


@cache
def _dateline() -> re.Pattern[str]:
    """"21.dez.2018", "3.JAN.2025": a day, a month's abbreviation and a year between dots (Folha's datelines)."""
    return re.compile(rf"(?<![\w/.,-])(?P<d>[0-9]{{1,2}})\.(?P<m>{_abbreviated_month()})\.(?P<y>[0-9]{{4}}|[0-9]{{2}})(?![\w/-]|[.,][0-9])")


@cache
def _abbreviated_month_dotted() -> re.Pattern[str]:
    """"jan. de 2023", "set. 2024": a month's abbreviation with its dot before a year."""
    return re.compile(rf"(?<![\w.])(?P<m>{_abbreviated_month()})\.(?=[ \t\u00a0]+(?:de[ \t\u00a0]+)?(?:1[89]|2[01])[0-9]{{2}}(?![\w]|[.,][0-9]))")


# "15 de jan.", "1º de dez. de 2023": a day before the abbreviation says it is the month.
_DAY_OF_BEFORE = re.compile(r"(?<![\w.,])[0-9]{1,2}[º°]?[ \t\u00a0]+de[ \t\u00a0]+$")


@cache
def _abbreviated_month_alone() -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.])(?P<m>{_abbreviated_month()})\.")


@cache
def _abbreviated_month_year() -> re.Pattern[str]:
    """"jan/2024", "Fev/24": a month's abbreviation and a year, as economic series write them."""
    return re.compile(rf"(?<![\w/])(?P<m>{_abbreviated_month()})\.?/(?P<y>(?:19|20)[0-9]{{2}}|[0-9]{{2}})(?![\w/]|[.,][0-9])")


def valid(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)


def speak_day_month(day: int, month: int) -> str:
    return ("primeiro" if day == 1 else cardinal(day)) + " de " + month_names()[month]


def _full_year(year: str) -> int:
    if len(year) == 4:
        return int(year)
    short = int(year)
    return 2000 + short if short <= 50 else 1900 + short


def _period(number: int, kind: str, year: str | None) -> str:
    if kind == "S":
        noun = "semestre"
    else:
        noun = "tempo" if year is None and number <= 2 else "trimestre"
    return ordinal(number) + " " + noun + (" de " + cardinal(_full_year(year)) if year else "")


def match(text: str, pos: int) -> Hit | None:
    found = _FULL.match(text, pos) or _ISO.match(text, pos)
    if found:
        day, month = int(found.group("d") or found.group("sd")), int(found.group("m") or found.group("sm"))
        if valid(day, month):
            return Hit(found.end(), speak_day_month(day, month) + " de " + cardinal(_full_year(found.group("y"))))
        return None
    found = _dateline().match(text, pos)
    if found:
        day, month = int(found.group("d")), _month_abbreviations()[found.group("m").lower()]
        if valid(day, month):
            return Hit(found.end(), speak_day_month(day, month) + " de " + cardinal(_full_year(found.group("y"))))
    found = _PERIOD.match(text, pos)
    if found and (found.group("kind") == "T" or found.group("n") in "12"):
        return Hit(found.end(), _period(int(found.group("n")), found.group("kind"), found.group("y")))
    found = _FIRST_ORDINAL.match(text, pos)
    if found:
        year = found.group("y")
        return Hit(found.end(), speak_day_month(1, int(found.group("m"))) + (" de " + cardinal(_full_year(year)) if year else ""))
    found = _abbreviated_month_dotted().match(text, pos)
    if not found and _DAY_OF_BEFORE.search(text[max(0, pos - 12) : pos]):
        found = _abbreviated_month_alone().match(text, pos)
    if found:  # "jan. de 2023" -> "janeiro de 2023", "15 de dez." -> "15 de dezembro" (the year is read on its own)
        name = month_names()[_month_abbreviations()[found.group("m").lower()]]
        return Hit(found.end(), name + "." if at_end(text, found.end()) else name)
    found = _abbreviated_month_year().match(text, pos)
    if found:
        month = _month_abbreviations()[found.group("m").lower()]
        return Hit(found.end(), month_names()[month] + " de " + cardinal(int(found.group("y"))))
    found = _MONTH_YEAR.match(text, pos)
    if found:
        return Hit(found.end(), month_names()[int(found.group("m"))] + " de " + cardinal(int(found.group("y"))))
    found = _SEASON.match(text, pos)
    if found:
        return Hit(found.end(), cardinal(int(found.group("y1"))) + " barra " + cardinal(int(found.group("y2"))))
    found = _NUMBER_OF_YEAR.match(text, pos)
    if found:
        if found.group("n"):
            act, year = found.group("n"), cardinal(int(found.group("y")))
        elif is_label(text, pos):
            short = int(found.group("yy"))  # "de noventa e três", but "de dois mil e cinco"
            act, year = found.group("dotted"), cardinal(short if short >= 10 else _full_year(found.group("yy")))
        else:
            return None
        return Hit(found.end(), number_words(act.replace(".", "")) + " de " + year)
    found = _FIRST_OF.match(text, pos)
    if found:
        return Hit(found.end(), "primeiro")
    return None
