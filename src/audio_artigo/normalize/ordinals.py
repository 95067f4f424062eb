"""Ordinals: "1º", "2ª", "3.º", "21ª", "5° colocado", "1.000º" -> "primeiro", "segunda"..., "milésimo".

"ª" is feminine, "º" masculine. A degree sign after a number is an ordinal
only where an ordinal can stand: after an article or preposition that
introduces one ("o 5° lugar", "no 2° turno"), before a noun ordinals count
("em 5° lugar") or before "de <mês>" ("1° de maio"); elsewhere it is a
temperature or an angle (see ``units``).
"""

from __future__ import annotations

import re

from audio_artigo.normalize.cardinals import ordinal
from audio_artigo.normalize.engine import Hit

_ORDINAL = re.compile(
    r"(?<![\w.,])(?P<n>[0-9]{1,3}(?:\.[0-9]{3}){1,3}|[0-9]{1,6})\.?(?P<mark>ª|[º°](?![ \t]?[CF]\b))(?P<plural>s)?(?!\w)"
)
_BEFORE_DEGREE_ORDINAL = re.compile(
    r"(?:^|\W)(?:o|os|do|dos|no|nos|ao|aos|pelo|pelos|seu|seus|este|neste|deste|esse|nesse|desse|um)[ \t]+$",
    re.IGNORECASE | re.ASCII,
)
# Nouns that an ordinal often counts: "5° lugar", "2° turno", "1° grau".
_ORDINAL_NOUN_AFTER = re.compile(
    r"[ \t]+(?:lugar|colocad[oa]s?|turno|andar|dia|ano|mês|aniversário|mandato|distrito|batalhão|ciclo|round|"
    r"tempo|período|semestre|trimestre|bimestre|grau|escalão|escalao|time|vice|secretário|tenente|sargento)\b",
    re.IGNORECASE,
)
# "A máxima será de 35º": an ordinal indicator written for a degree sign, where a temperature is spoken of.
_TEMPERATURE_BEFORE = re.compile(
    r"\b(?:máximas?|mínimas?|temperaturas?|termômetros?|térmica|graus|calor|frio)\b[^.;:!?]{0,30}$", re.IGNORECASE
)
_MONTH_AFTER = re.compile(
    r"[ \t]+de[ \t]+(?:janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro)",
    re.IGNORECASE,
)


# "2ª feira", "3ª-feira", "6ª-feiras": the weekdays; the third is "terça", not "terceira".
_WEEKDAY = re.compile(r"(?<![\w.,])(?P<n>[2-6])\.?ª(?P<sep>[ \t-])(?P<feira>feiras?)\b")  # not "a 2ª Feira do Livro"
_WEEKDAYS = {2: "segunda", 3: "terça", 4: "quarta", 5: "quinta", 6: "sexta"}


def match(text: str, pos: int) -> Hit | None:
    weekday = _WEEKDAY.match(text, pos)
    if weekday:
        plural = "s" if weekday.group("feira").endswith("s") else ""
        return Hit(weekday.end(), _WEEKDAYS[int(weekday.group("n"))] + plural + "-feira" + plural)
    found = _ORDINAL.match(text, pos)
    if not found:
        return None
    mark = found.group("mark")
    if (
        mark in "º°"
        and _TEMPERATURE_BEFORE.search(text[max(0, pos - 50) : pos])
        and not _ORDINAL_NOUN_AFTER.match(text, found.end())
        and not _BEFORE_DEGREE_ORDINAL.search(text[max(0, pos - 12) : pos])  # "o 3º jogo"
    ):
        return None  # read by ``units`` as degrees
    if mark == "°" and not (
        _MONTH_AFTER.match(text, found.end())
        or _ORDINAL_NOUN_AFTER.match(text, found.end())
        or _BEFORE_DEGREE_ORDINAL.search(text[max(0, pos - 12) : pos])
    ):
        return None
    spoken = ordinal(int(found.group("n").replace(".", "")), feminine=mark == "ª")  # "1.000º": "milésimo"
    if found.group("plural"):
        spoken = " ".join(word + "s" for word in spoken.split(" "))
    return Hit(found.end(), spoken)
