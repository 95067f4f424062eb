"""Percentages: "3,4%", "75%", "10-15%" (one sign for the range: one "por cento").

"de 10% a 40%" has two signs and is read as written, each with its "por cento".
"""

from __future__ import annotations

import re

from audio_artigo.normalize.engine import Hit
from audio_artigo.normalize.numbers import read_number

_PERCENT = re.compile(r"[ \t\u00a0]?%")


def match(text: str, pos: int) -> Hit | None:
    first = read_number(text, pos, scales=False)
    if first is None:
        return None
    sign = _PERCENT.match(text, first.end)
    if sign:
        return Hit(sign.end(), first.spoken() + " por cento")
    if text.startswith(("-", "–"), first.end):
        second = read_number(text, first.end + 1, scales=False, glued=True)
        closing = second and _PERCENT.match(text, second.end)
        if closing:
            return Hit(closing.end(), f"{first.spoken()} a {second.spoken()} por cento")
    return None
