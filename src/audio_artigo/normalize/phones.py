"""Phone numbers and document numbers, read in digit groups.

"(21) 2222-3333" -> "dois um, dois dois dois dois, três três três três".
A number is a phone when it has an area code in brackets, a "+" country
code, the 0800/0300 prefix, or the "NNNN-NNNN" / "9NNNN-NNNN" shape that is
not a range of years ("2010-2020" is left to ``numbers``), or the local "NNN-NNNN"
shape ("555-1234", a phone in any context; "500-1000", two round numbers, is
a range). An extension ("ramal 12", "ext. 2345") is a number up to two
digits and digit by digit beyond. CPF
("123.456.789-00"), CNPJ ("12.345.678/0001-90"), CEP ("01310-100") and
court case ("0001234-56.2023.8.26.0100") numbers are read the same way,
digit by digit in their groups.
"""

from __future__ import annotations

import re

from audio_artigo.normalize.cardinals import digits, number_words
from audio_artigo.normalize.engine import Hit
from audio_artigo.normalize.units import unit_after

_PHONE = re.compile(
    r"(?<![\w.,])(?:\+(?P<country>[0-9]{1,3})[ \t]?)?"
    r"(?:\((?P<area>[0-9]{2,3})\)[ \t]?|(?P<bare_area>[0-9]{2})[ \t](?=[0-9]{4,5}[-. ][0-9]{4}))?"
    r"(?P<first>[0-9]{4,5}(?=[-. ])|[0-9]{3}(?=-))[-. ](?P<second>[0-9]{4})(?![\w-]|[.,][0-9])"
)
_AMOUNT_AFTER = re.compile(r"[ \t\u00a0]?(?:%|mil\b|milhões\b|bilhões\b)")
_RANGE_BEFORE = re.compile(r"(?<!\w)(?:de|entre|cerca de)[ \t\u00a0]+$", re.IGNORECASE)
_EXTENSION_BEFORE = re.compile(r"(?:\b(?:ramal|ramais|extensão)|\bext\.)[ \t\u00a0]*(?:n[º°][ \t\u00a0]*)?$", re.IGNORECASE)
_EXTENSION = re.compile(r"[0-9]{1,6}(?![\w]|[.,/-]\w)")
_DOCUMENT = re.compile(
    r"(?<![\w.,/-])(?:[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}|[0-9]{2}\.[0-9]{3}\.[0-9]{3}/[0-9]{4}-[0-9]{2}|[0-9]{5}-[0-9]{3}"
    r"|[0-9]{7}-[0-9]{2}\.[0-9]{4}\.[0-9]\.[0-9]{2}\.[0-9]{4})"
    r"(?![\w/-]|[.,][0-9])"
)
# "0800 123 4567", "0800-61-1997", "0800 6061": the prefix, then 6 or 7 digits in groups.
_TOLL_FREE = re.compile(r"(?<![\w.,])(?P<prefix>0[38]00)(?P<rest>(?:[ \t-]?[0-9]{2,4}){1,3})(?![\w-]|[.,][0-9])")


def _round(*numbers: str) -> bool:
    return all(number.endswith("0") for number in numbers)


def _is_year_range(first: str, second: str) -> bool:
    return len(first) == 4 and 1000 <= int(first) <= 2199 and 1000 <= int(second) <= 2199


def match(text: str, pos: int) -> Hit | None:
    window = text[max(0, pos - 16) : pos].lower()
    found = _EXTENSION.match(text, pos) if "ram" in window or "ext" in window else None  # cheap test first
    if found and _EXTENSION_BEFORE.search(window):
        extension = found.group()
        return Hit(found.end(), digits(extension) if len(extension) > 2 else number_words(extension))
    found = _DOCUMENT.match(text, pos)
    if found:
        return Hit(found.end(), ", ".join(digits(group) for group in re.split(r"[.\-/]", found.group())))
    found = _TOLL_FREE.match(text, pos)
    if found:
        groups = [found.group("prefix")] + re.findall(r"[0-9]+", found.group("rest"))
        if 6 <= sum(map(len, groups[1:])) <= 7:
            return Hit(found.end(), ", ".join(digits(group) for group in groups))
    found = _PHONE.match(text, pos)
    if not found:
        return None
    area = found.group("area") or found.group("bare_area")
    if not (area or found.group("country")) and _is_year_range(found.group("first"), found.group("second")):
        return None
    if not (area or found.group("country")) and found.group(0)[4] == ".":
        return None  # "1234.5678" is more likely a number than a phone
    if not (area or found.group("country")) and len(found.group("first")) == 3 and (
        _round(found.group("first"), found.group("second"))
        or _AMOUNT_AFTER.match(text, found.end())
        or unit_after(text, found.end())
        or _RANGE_BEFORE.search(text, max(0, pos - 12), pos)
    ):
        return None  # "500-1000 pessoas", "125-1500 ml", "150-1200%", "entre 125-1500": a range
    groups = [found.group("country"), area, found.group("first"), found.group("second")]
    spoken = ", ".join(digits(g) for g in groups if g)
    if found.group("country"):
        spoken = "mais " + spoken
    local = not (area or found.group("country")) and len(found.group("first")) == 3
    return Hit(found.end(), spoken, "as a phone number" if local else "")  # "555-1234": or a range?
