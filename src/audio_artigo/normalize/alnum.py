"""Letters and digits together: "G20", "5G", "A380", "H1N1", "F-35", "COVID-19", "DeepSeek-R1", "4-Amarela", "BA.2".

A token is cut where letters meet digits and at hyphens; digits are read as
a number ("A380" -> "á trezentos e oitenta"), capitals as an acronym
("GPT-4" -> "gê pê tê quatro"), other words as written ("Llama-3" -> "Llama três").
"""

from __future__ import annotations

import re

from audio_artigo.normalize.acronyms import read_acronym, spell
from audio_artigo.normalize.cardinals import digits, is_digits, number_words
from audio_artigo.normalize.engine import Hit

# A word with at least one digit and one letter, parts joined by hyphens.
_TOKEN = re.compile(r"(?<![\w-])(?=[\w-]{0,60}[0-9])(?=[\w-]{0,60}[^\W\d_])[^\W_]{1,30}(?:-[^\W_]{1,30}){0,4}(?![\w-])")
_PIECES = re.compile(r"[0-9]+|[^\W\d_]+")
# Variants and versions with dots: "BA.2", "XBB.1.5".
_DOTTED = re.compile(r"(?<![\w.-])(?P<letters>[A-Z]{1,6})(?P<numbers>(?:\.[0-9]{1,3}){1,4})(?![\w]|\.[0-9])")


def _piece(piece: str) -> str:
    if is_digits(piece):
        if len(piece) == 3 and piece[0] == "0" and piece[1] != "0":
            return "zero " + number_words(piece[1:])  # "BR-040" -> "bê erre zero quarenta"
        return digits(piece) if piece.startswith("0") and len(piece) > 1 else number_words(piece)
    if len(piece) == 1:
        return spell(piece) or piece  # "G7" -> "gê sete", "GPT-4o" -> "... quatro ó"
    if piece.isupper():
        return read_acronym(piece)
    return piece


def match(text: str, pos: int) -> Hit | None:
    found = _DOTTED.match(text, pos)
    if found:
        numbers = [_piece(n) for n in found.group("numbers").split(".")[1:]]
        return Hit(found.end(), " ponto ".join([_piece(found.group("letters"))] + numbers))
    found = _TOKEN.match(text, pos)
    if not found:
        return None
    token = found.group()
    pieces = _PIECES.findall(token)
    if not any(is_digits(p) for p in pieces) or not any(not is_digits(p) for p in pieces):
        return None
    return Hit(found.end(), " ".join(_piece(p) for p in pieces))
