"""Letters and digits together: "G20", "5G", "A380", "H1N1", "F-35", "COVID-19", "DeepSeek-R1", "4-Amarela", "BA.2",
"Qwen2.5-Max", "o3-mini", "1,5B", "128k".

A token is cut where letters meet digits and at hyphens; digits are read as
a number ("A380" -> "á trezentos e oitenta"), capitals as an acronym
("GPT-4" -> "gê pê tê quatro"), other words as written ("Llama-3" -> "Llama três").
"""

from __future__ import annotations

import re

from audio_artigo.normalize.acronyms import guess, listed_reading, pronounceable, read_acronym, spell
from audio_artigo.normalize.cardinals import decimal, digits, is_digits, number_words
from audio_artigo.normalize.engine import Hit

# A word with at least one digit and one letter, parts joined by hyphens; a
# version's dot or a decimal comma may sit between digits ("Qwen2.5-Max", "3,8B").
_CHAR = r"(?:[^\W_]|(?<=[0-9])[.,](?=[0-9]))"
_TOKEN = re.compile(
    rf"(?<![\w-])(?=[\w.,-]{{0,60}}[0-9])(?=[\w.,-]{{0,60}}[^\W\d_]){_CHAR}{{1,30}}(?:-{_CHAR}{{1,30}}){{0,4}}(?![\w-]|[.,][0-9])"
)
_PIECES = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+")
# "128k tokens", "32K": thousands (from 16 up: "4K" and "8K" are screens).
_THOUSANDS = re.compile(r"(?<![\w.,-])(?P<n>[0-9]{2,3})[kK](?![\w-])")
# "1M de tokens", "2,5M de usuários": millions (only before "de": "3M" is also a company).
_MILLIONS = re.compile(r"(?<![\w.,-])(?P<n>[0-9]{1,3})(?:,(?P<fraction>[0-9]{1,2}))?M(?=[ \t]+de\b)")
_CAPITALS = re.compile(r"[A-Z]{3,}")
# An acronym and a letter or two before the digits: "YOLOv8", "GPTs4" (a version letter, spelled).
_ACRONYM_AND_LETTERS = re.compile(r"([A-Z]{2,})([a-z]{1,2})")
# Variants and versions with dots: "BA.2", "XBB.1.5".
_DOTTED = re.compile(r"(?<![\w.-])(?P<letters>[A-Z]{1,6})(?P<numbers>(?:\.[0-9]{1,3}){1,4})(?![\w]|\.[0-9])")


def _piece(piece: str) -> str:
    if "," in piece:  # "3,8B": a decimal (its dots are thousands: "1.300,5")
        parts = piece.split(",")
        if len(parts) == 2 and parts[1].isdigit():
            return decimal(parts[0].replace(".", ""), parts[1])
        return " vírgula ".join(_piece(part) for part in parts)
    if "." in piece:  # "2.5", "3.1": a version
        return " ponto ".join(_piece(part) for part in piece.split("."))
    if is_digits(piece):
        if len(piece) == 3 and piece[0] == "0" and piece[1] != "0":
            return "zero " + number_words(piece[1:])  # "BR-040" -> "bê erre zero quarenta"
        return digits(piece) if piece.startswith("0") and len(piece) > 1 else number_words(piece)
    if reading := listed_reading(piece):
        return reading  # "Sars-CoV-2" -> "sárs cov dois"
    if len(piece) == 1:
        return spell(piece) or piece  # "G7" -> "gê sete", "GPT-4o" -> "... quatro ó"
    if piece.isupper():
        return read_acronym(piece)
    if found := _ACRONYM_AND_LETTERS.fullmatch(piece):  # "YOLOv8" -> "yolo vê oito"
        return read_acronym(found.group(1)) + " " + spell(found.group(2))
    if piece.islower() and len(piece) <= 4 and not pronounceable(piece):
        return spell(piece)  # "mp3" -> "eme pê três"
    return piece


def match(text: str, pos: int) -> Hit | None:
    found = _DOTTED.match(text, pos)
    if found:
        numbers = [_piece(n) for n in found.group("numbers").split(".")[1:]]
        return Hit(found.end(), " ponto ".join([_piece(found.group("letters"))] + numbers))
    found = _THOUSANDS.match(text, pos)
    if found and int(found.group("n")) >= 16:
        return Hit(found.end(), number_words(found.group("n")) + " mil")
    found = _MILLIONS.match(text, pos)
    if found:
        whole, fraction = found.group("n"), found.group("fraction")
        one = whole == "1"
        spoken = decimal(whole, fraction) if fraction else number_words(whole)
        return Hit(found.end(), spoken + (" milhão" if one else " milhões"))
    found = _TOKEN.match(text, pos)
    if not found:
        return None
    token = found.group()
    pieces = _PIECES.findall(token)
    if not any(p[0].isdigit() for p in pieces) or all(p[0].isdigit() for p in pieces):
        return None
    acronyms = [run for piece in pieces if not listed_reading(piece) for run in _CAPITALS.findall(piece)]
    doubt = next((doubt for doubt in map(guess, acronyms) if doubt), "")  # "YOLOv8": YOLO is in no lexicon
    return Hit(found.end(), " ".join(_piece(p) for p in pieces), doubt)
