"""Scores and dimensions with an "x": "3x0", "4 x 2" -> "quatro a dois"; "3x4 m" -> "três por quatro";
"Flamengo x Palmeiras" -> "Flamengo contra Palmeiras".

Small numbers on both sides are a score unless a unit follows or "tração"
precedes (a 4x4); anything else is a dimension or a resolution, read "por".
"""

from __future__ import annotations

import re

from audio_artigo.normalize import units
from audio_artigo.normalize.engine import Hit
from audio_artigo.normalize.numbers import read_number

_TIMES = re.compile(r"[ \t]?[xX×][ \t]?(?=[0-9])")
# "Flamengo x Palmeiras", "Lula x Bolsonaro": an "x" between two names.
_VERSUS = re.compile(r"[xX](?=[ \t]+[A-ZÀ-Ý])")
_NAME_BEFORE = re.compile(r"(?<!\w)[A-ZÀ-Ý][^\W\d_]*[ \t]$")
TRIGGER = r"x(?<=[^\W\d_][ \t]x)(?=[ \t]+[A-ZÀ-Ý])"
"""A lower-case "x" between two names, which the scanner would not look at."""
# Words of a match before a result: "venceu por 102 x 95", "parciais de 25/20".
MATCH_BEFORE = re.compile(
    r"\b(?:sets?|parciais|parcial|games?|tie-?breaks?|placar|venceu|vence|vitória|perdeu|derrota|derrotou|bateu|goleou|terminou)\b",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(r"[ \t]*(?:metros?|centímetros?|pixels?|polegadas?)\b")


def match(text: str, pos: int) -> Hit | None:
    if _VERSUS.match(text, pos) and _NAME_BEFORE.search(text, max(0, pos - 42), pos):
        return Hit(pos + 1, "contra")
    first = read_number(text, pos, scales=False)
    if first is None or first.negative:
        return None
    times = _TIMES.match(text, first.end)
    if not times:
        return None
    second = read_number(text, times.end(), scales=False, glued=True)
    if second is None or (second.end < len(text) and (text[second.end].isalnum() or text[second.end] == "_")):
        return None
    unit = units.with_unit(text, second)
    if unit:  # "3x4 m" -> "três por quatro metros"
        return Hit(unit.end, f"{first.spoken()} por {unit.spoken}")
    if times.group().strip() == "×" and not _UNIT_AFTER.match(text, second.end):
        return Hit(second.end, f"{first.spoken()} vezes {second.spoken()}")  # "3 × 4 = 12"
    small = first.is_integer and second.is_integer and first.value <= 30 and second.value <= 30
    of_a_match = first.is_integer and second.is_integer and MATCH_BEFORE.search(text, max(0, pos - 60), pos)
    traction = text[max(0, pos - 8) : pos].rstrip().lower().endswith("tração")
    if (small or of_a_match) and not traction and not _UNIT_AFTER.match(text, second.end):
        return Hit(second.end, f"{first.spoken()} a {second.spoken()}")
    return Hit(second.end, f"{first.spoken()} por {second.spoken()}")
