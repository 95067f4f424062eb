"""Percentages: "3,4%", "75%", "10-15%", "10%-15%" (one "por cento" for the range)."""

from __future__ import annotations

import re

from audio_artigo.normalize.engine import Hit
from audio_artigo.normalize.numbers import read_number

_PERCENT = re.compile(r"[ \t\u00a0]?%")
_RANGE_TO = re.compile(r"[ \t]?(?:[-–]|a|até)[ \t]?(?=[0-9])")


def match(text: str, pos: int) -> Hit | None:
    first = read_number(text, pos, scales=False)
    if first is None:
        return None
    sign = _PERCENT.match(text, first.end)
    if sign:
        end = sign.end()
        second_start = _RANGE_TO.match(text, end)
        if second_start:
            second = read_number(text, second_start.end(), scales=False)
            closing = second and _PERCENT.match(text, second.end)
            if closing:
                return Hit(closing.end(), f"{first.spoken()} a {second.spoken()} por cento")
        return Hit(end, first.spoken() + " por cento")
    if text.startswith(("-", "–"), first.end):
        second = read_number(text, first.end + 1, scales=False)
        closing = second and _PERCENT.match(text, second.end)
        if closing:
            return Hit(closing.end(), f"{first.spoken()} a {second.spoken()} por cento")
    return None
