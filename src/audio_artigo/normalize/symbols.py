"""Symbols read as words: "&" -> "e", "§" -> "parágrafo", "½" -> "meio", "+5" -> "mais cinco", "~50" -> "cerca de cinquenta".

A lone "%" (not after a number) is "por cento"; "°" alone is left to ``units``.
"> 50" is "mais de cinquenta"; asterisks glued to a word ("valor*", "*não*") are dropped.
"""

from __future__ import annotations

import re

from audio_artigo.normalize.engine import Hit
from audio_artigo.normalize.gender import FEMININE, counted_gender

_SYMBOLS = {
    "&": "e", "§§": "parágrafos", "§": "parágrafo", "%": "por cento", "±": "mais ou menos",
"¼": "um quarto", "¾": "três quartos", "⅓": "um terço", "⅔": "dois terços", "⅛": "um oitavo",
    "≈": "aproximadamente",
}
_SYMBOL = re.compile("|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True)))
_BEFORE_NUMBER = {"+": "mais", "~": "cerca de", "×": "vezes", ">": "mais de", "<": "menos de", "≥": "pelo menos", "≤": "até"}
_SIGN = re.compile(r"(?<![\w+~×<>≥≤])(?P<sign>[+~×<>≥≤])[ \t]?(?=[0-9])")
# A dash between two amounts that each say their unit.
_RANGE_DASH = re.compile(r"(?:(?<=%)|(?<=[0-9]h)|(?<=[°º][CF]))[-–](?=[0-9])|(?<=[0-9])[-–](?=R\$|US\$|€|£)")
TRIGGER = r"[-–](?<=(?:%|h|C|F)[-–])(?=[0-9])|[-–](?=R\$|US\$|€|£)"
"""Range dashes the scanner would not look at ("8h-17h": after a letter)."""
_EQUALS = re.compile(r"(?<=[0-9] )=(?= [0-9])")
# A plus glued after a number or capitals: "45+3" (added time), "60+ anos", "LGBTQIA+".
_PLUS_AFTER = re.compile(r"(?<=[0-9A-Z])\+(?=[0-9]|(?![\w+]))")
# Asterisks glued to a word: a footnote ("o valor* inclui") or emphasis ("*não*",
# "**crise**"): eSpeak would say "asterisco".
_ASTERISKS = re.compile(r"(?<=[^\W\d_])\*+(?![\w*])|(?<![\w*])\*+(?=[^\W\d_])")


def match(text: str, pos: int) -> Hit | None:
    if text.startswith("½", pos):  # "½ xícara" -> "meia xícara"
        return Hit(pos + 1, "meia" if counted_gender(text, pos + 1) == FEMININE else "meio")
    if _RANGE_DASH.match(text, pos):
        return Hit(pos + 1, " a ")  # "5%–7%", "8h-17h", "R$ 10-R$ 20"
    if _EQUALS.match(text, pos):
        return Hit(pos + 1, "igual a")  # "2 + 2 = 4"
    if _PLUS_AFTER.match(text, pos):
        return Hit(pos + 1, " mais" + (" " if text[pos + 1 : pos + 2].isdigit() else ""))
    found = _ASTERISKS.match(text, pos)
    if found:
        return Hit(found.end(), "")
    found = _SIGN.match(text, pos)
    if found:
        before = " " if pos > 0 and not text[pos - 1].isspace() and text[pos - 1] not in "([" else ""  # "50%+1"
        return Hit(found.end(), before + _BEFORE_NUMBER[found.group("sign")] + " ")
    found = _SYMBOL.match(text, pos)
    if not found:
        return None
    spoken = _SYMBOLS[found.group()]
    # keep words apart: "P&G" is spoken by acronyms; "Procter&Gamble" -> "Procter e Gamble"
    before = " " if pos > 0 and text[pos - 1].isalnum() else ""
    after = " " if found.end() < len(text) and text[found.end()].isalnum() else ""
    return Hit(found.end(), before + spoken + after)
