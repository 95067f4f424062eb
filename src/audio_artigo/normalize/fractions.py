"""Fractions, and day/month dates that look like them: "2/3", "3/4", "1/10" vs "31/1".

"a/b" is a fraction before "do/da/dos/das/de" ("2/3 do orçamento"). Otherwise
it is a set score after words of a match ("venceu por 6/4 e 7/5", "sets",
"parciais") or when it can be no date and is bigger than one ("25/20");
it is a date when it can be one and either the context says so (after "em",
"dia", "até"...), or it is no common fraction: "31/1", "15/3", "7/9" are
dates, "1/4", "2/3", "3/8" are fractions. Fractions read with ordinal denominators up to ten
("dois terços"), "avos" above ("sete onze avos").

A whole number and a fraction are one amount, said the way a recipe is read:
"1 1/2 xícara" -> "uma xícara e meia", "2 1/4 polegadas" -> "duas polegadas e
um quarto", "3 ½" -> "três e meio". Bigger numbers over a slash are a fraction
too ("47701/913" -> "... novecentos e treze avos"), except after a label noun
("processo 47701/913", read with "barra"), and so are three or more numbers
("2024/13/45") and numbers with leading zeros.
"""

from __future__ import annotations

import re

from audio_artigo.normalize import dates, units
from audio_artigo.normalize.cardinals import cardinal, number_words
from audio_artigo.normalize.engine import Hit
from audio_artigo.normalize.gender import FEMININE, counted_gender, is_label
from audio_artigo.normalize.numbers import measure_noun

_SLASH = re.compile(r"(?<![\w/.,])(?P<a>[0-9]{1,3})/(?P<b>[0-9]{1,4})(?![\w/]|[.,][0-9])")
_OF_AFTER = re.compile(r"[ \t]*,?[ \t]+(?:do|da|dos|das|de)\b")  # "2/3 do orçamento", "ou 1/6, do território"
_DATE_BEFORE = re.compile(
    r"(?:^|\W)(?:em|dia|dias|até|desde|após|entre|no|na|nesta|neste|próximo|próxima|partir de|data|prazo|"
    r"segunda|terça|quarta|quinta|sexta|sábado|domingo|segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira|"
    # "adiado para 2/10", "marcada para 5/3" (but "subiu para 1/3": a share)
    r"(?:adiad|remarcad|marcad|previst|agendad|transferid|prorrogad|antecipad|programad|convocad)[oa]s?[ \t]+para)[ \t(]+$",
    re.IGNORECASE,
)
# Set scores: "venceu por 6/4 e 7/5", "parciais de 25/20" (not "o prazo venceu em 2/10", a date).
_SCORE_BEFORE = re.compile(r"\b(?:sets?|parciais|parcial|placar|placares|games?|tie-?breaks?|venceu por|vence por|vitória por|perdeu por|derrota por)\b", re.IGNORECASE)
_DENOMINATORS = {
    2: ("meio", "meios"), 3: ("terço", "terços"), 4: ("quarto", "quartos"), 5: ("quinto", "quintos"),
    6: ("sexto", "sextos"), 7: ("sétimo", "sétimos"), 8: ("oitavo", "oitavos"), 9: ("nono", "nonos"),
    10: ("décimo", "décimos"), 100: ("centésimo", "centésimos"), 1000: ("milésimo", "milésimos"),
}


# Fractions news writes with digits; "1/6" or "7/9" with no "do/da" after them are dates.
_COMMON_DENOMINATORS = frozenset({2, 3, 4, 5, 8, 10})
# "1 1/2", "2 ¾": a whole number, a space, a proper fraction.
_MIXED = re.compile(
    r"(?<![\w.,/])(?P<whole>[0-9]{1,3})[ \t\u00a0\u202f](?:(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})|(?P<glyph>[½¼¾⅓⅔⅛]))"
    r"(?![\w/]|[.,][0-9])"
)
_GLYPHS = {"½": (1, 2), "¼": (1, 4), "¾": (3, 4), "⅓": (1, 3), "⅔": (2, 3), "⅛": (1, 8)}
# Numbers over a slash that _SLASH leaves: "47701/913", "2.345/2", "2024/13/45".
_SLASHED = re.compile(r"(?<![\w/.,])(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,15})(?:/(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,15})){1,4}(?![\w/]|[.,][0-9])")


def speak_fraction(numerator: int, denominator: int, feminine: bool = False) -> str:
    """"dois terços", "sete onze avos"; a half alone is "meio"/"meia" ("1/2 xícara" -> "meia xícara")."""
    if (numerator, denominator) == (1, 2):
        return "meia" if feminine else "meio"
    if denominator in _DENOMINATORS:
        singular, plural = _DENOMINATORS[denominator]
        return cardinal(numerator) + " " + (singular if numerator == 1 else plural)
    return cardinal(numerator) + " " + cardinal(denominator) + " avos"


def _mixed_number(text: str, found: re.Match[str]) -> Hit | None:
    """"1 1/2 xícara" -> "uma xícara e meia"; "2 1/4 polegadas"; "1 1/2 kg" -> "um quilo e meio"; "3 ½" -> "três e meio"."""
    a, b = _GLYPHS[found.group("glyph")] if found.group("glyph") else (int(found.group("a")), int(found.group("b")))
    if not 0 < a < b or b > 16:
        return None
    whole, end = int(found.group("whole")), found.end()
    unit = units.unit_after(text, end)
    measure = measure_noun(text, end)
    if unit is not None:
        symbol, written = unit
        singular, plural, feminine = units.describe(symbol)
        words, end = (singular if whole == 1 else plural), written.end()
    elif measure is not None:
        noun, feminine = measure
        words, end = noun.group("noun"), noun.end()
    else:
        words, feminine = "", False  # "três e meio"
    spoken = " ".join(part for part in (cardinal(whole, feminine), words, "e", speak_fraction(a, b, feminine)) if part)
    return Hit(end, spoken)


def match(text: str, pos: int) -> Hit | None:
    mixed = _MIXED.match(text, pos)
    if mixed:
        return _mixed_number(text, mixed)
    found = _SLASH.match(text, pos)
    if not found:
        slashed = _SLASHED.match(text, pos)
        if slashed is None:
            return None
        numbers = [n.replace(".", "") for n in slashed.group().split("/")]
        if len(numbers) == 2 and not is_label(text, pos) and not any(n.startswith("0") for n in numbers):
            return Hit(slashed.end(), speak_fraction(int(numbers[0]), int(numbers[1])), "as a fraction")  # "... novecentos e treze avos"
        return Hit(slashed.end(), " barra ".join(number_words(n) for n in numbers), "with 'barra'")  # "processo 47701/913"
    a, b = int(found.group("a")), int(found.group("b"))
    if (a, b) == (24, 7):
        return Hit(found.end(), "vinte e quatro por sete")
    of_after = _OF_AFTER.match(text, found.end())
    date_context = dates.valid(a, b) and _DATE_BEFORE.search(text[max(0, pos - 24) : pos])
    if not of_after and not date_context and (_SCORE_BEFORE.search(text, max(0, pos - 60), pos) or (a > b and not dates.valid(a, b))):
        return Hit(found.end(), cardinal(a) + " a " + cardinal(b))  # "venceu por 6/4", "(25/20, 25/18)"
    if dates.valid(a, b) and not of_after:
        if date_context or a >= b or b not in _COMMON_DENOMINATORS:
            return Hit(found.end(), dates.speak_day_month(a, b))
    if b == 0:
        return None
    if (a, b) == (1, 2) and of_after:
        return Hit(found.end(), "metade")  # "1/2 da população"
    feminine = not of_after and counted_gender(text, found.end()) == FEMININE
    return Hit(found.end(), speak_fraction(a, b, feminine))
