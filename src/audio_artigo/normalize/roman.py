"""Roman numerals where they are numerals: "século XXI", "Pedro II", "Elizabeth II", "II Guerra Mundial".

Only in context, so that "classe C" and "vitamina D" stay letters:
after "século"/"capítulo"-like words, after a capitalised name (kings,
popes: "João XXIII", "Bento XVI"), or before a capitalised noun (an
edition: "XV Congresso"). Up to ten they are ordinals, agreeing with the
name ("Pedro II" -> "segundo", "Elizabeth II" -> "segunda"), above ten
cardinals ("Luís XIV" -> "quatorze"), as a newsreader says them. After a
label noun (``data/label_nouns.tsv``: "Fase II", "Anexo I") they are cardinals.
Before a noun they are always ordinals ("XV Congresso" -> "décimo quinto",
"a sua XXXV edição" -> "trigésima quinta").
A headline in capitals is read the same way ("DOM PEDRO II", "II GUERRA
MUNDIAL"), except for a numeral that is also a short word ("EU VI").
"""

from __future__ import annotations

import re

from audio_artigo.normalize.acronyms import short_words
from audio_artigo.normalize.cardinals import cardinal, ordinal
from audio_artigo.normalize.engine import Hit
from audio_artigo.normalize.gender import FEMININE, MASCULINE, determiner, is_label, name_is_feminine, word_gender

_NUMERAL = re.compile(r"(?<![\w-])(?P<roman>[IVXLCDM]{1,9})(?![\w-]|\.[0-9])")
_PREVIOUS_WORD = re.compile(r"(?P<word>[^\W\d_]+)\.?[ \t\u00a0]+$")
_NEXT_NAME = re.compile(r"[ \t\u00a0]+(?P<word>[A-ZÀ-Ý][a-zà-ÿ]+)")
_NEXT_NOUN = re.compile(r"[ \t\u00a0]+(?P<word>[a-zà-ÿ]{3,})\b")
_TITLE_BEFORE_NAME = re.compile(r"\b(?:rei|rainha|papa|dom|imperador|imperatriz|príncipe|princesa|czar|Pio|Leão)[ \t\u00a0]+(?:[A-ZÀ-Ý][a-zà-ÿ]+[ \t\u00a0]+)?$", re.IGNORECASE)
_OF_A_NAME = re.compile(r"[ \t\u00a0]+(?:de|DE)[ \t\u00a0]+[A-ZÀ-Ý]")
# How the nouns after an edition's "I" end ("I Congresso", "I Bienal", "I Fórum"), unlike English words.
_PORTUGUESE_NOUN_ENDING = re.compile(r"(?:[aoãõ]|ão|al|um|ção)s?$")
_NEXT_WORD_IN_CAPITALS = re.compile(r"[ \t\u00a0]+(?P<word>[A-ZÀ-Ý]{3,})(?!\w)")
_SEPARATOR = r"(?:,[ \t\u00a0]*|[ \t\u00a0]+(?:e|a|ou)[ \t\u00a0]+)"
_LISTED_AFTER = re.compile(rf"(?P<word>[^\W\d_]+)\.?[ \t\u00a0]+[IVXLCDM]+(?:{_SEPARATOR}[IVXLCDM]+)*{_SEPARATOR}$")
_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_CANONICAL = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
# Words after which a Roman numeral counts (their gender sets the ordinal's).
_COUNTING_WORDS = frozenset(
    "século séculos séc capítulo capítulos cap ato atos livro inciso incisos inc "
    "título títulos edição olimpíada bienal dinastia legislatura".split()
)


def value(roman: str) -> int | None:
    """The value of a well-formed Roman numeral, None otherwise ("IIII", "VX")."""
    if not _CANONICAL.fullmatch(roman):
        return None
    total = 0
    for letter, following in zip(roman, roman[1:] + " "):
        worth = _VALUES[letter]
        total += -worth if following != " " and _VALUES[following] > worth else worth
    return total or None


def _word_in_capitals(word: str) -> bool:
    """A headline's word ("PEDRO", "GUERRA"), not a short word ("DE", "EU") or a letter."""
    return len(word) >= 3 and word.isupper() and word not in short_words()


def match(text: str, pos: int) -> Hit | None:
    found = _NUMERAL.match(text, pos)
    if not found:
        return None
    roman = found.group("roman")
    number = value(roman)
    if number is None:
        return None
    previous = _PREVIOUS_WORD.search(text[max(0, pos - 40) : pos])
    previous_word = previous.group("word") if previous else ""
    listed = _LISTED_AFTER.search(text, max(0, pos - 60), pos)
    if listed and listed.group("word").lower() in _COUNTING_WORDS:
        previous_word = listed.group("word")  # "séculos XIX e XX": the second counts like the first
    if is_label(text, pos):  # "Fase II", "Anexo I": names, said as cardinals ("Grupo C" is a letter)
        labelled = (len(roman) > 1 or roman in "IV") and roman != "XL"  # "camisa XL": a size
        return Hit(found.end(), cardinal(number)) if labelled else None
    if previous_word.lower() in _COUNTING_WORDS:
        feminine = word_gender(previous_word.lower()) == FEMININE
        return Hit(found.end(), ordinal(number, feminine) if number <= 10 else cardinal(number))
    # In a headline set in capitals ("PAPA LEÃO XIV", "II GUERRA MUNDIAL") the
    # same holds, unless the numeral is also a word there ("NUNCA VI").
    capitals_allowed = roman not in short_words()
    # a name: "Pedro II", "Bento XVI" (not "Malcolm X", "Raio X": a lone X, L, C, D, M is a letter)
    after_name = len(previous_word) > 1 and previous_word[0].isupper() and (
        previous_word[1:].islower() or (capitals_allowed and _word_in_capitals(previous_word))
    )
    titled = roman == "X" and _TITLE_BEFORE_NAME.search(text, max(0, pos - 60), pos)  # "o rei Afonso X", "Pio X"
    if after_name and (len(roman) > 1 or roman in "IV" or titled):
        if number > 40:
            # "Super Bowl LIX": an edition; "MIX", "CD" and other big ones are words or letters
            return Hit(found.end(), cardinal(number)) if len(roman) > 1 and number <= 100 else None
        feminine = name_is_feminine(previous_word.capitalize())
        return Hit(found.end(), ordinal(number, feminine) if number <= 10 else cardinal(number))
    if len(roman) > 1 and number <= 40 and _OF_A_NAME.match(text, found.end()):
        return Hit(found.end(), cardinal(number))  # "XV de Piracicaba", "XV de Novembro": a name with a number
    following = _NEXT_NAME.match(text, found.end())
    if following is None and capitals_allowed:
        following = _NEXT_WORD_IN_CAPITALS.match(text, found.end())
        if following and not _word_in_capitals(following.group("word")):
            following = None
    if following is None and determiner(previous_word):  # "a sua XXXV edição"
        following = _NEXT_NOUN.match(text, found.end())
        if following and word_gender(following.group("word")) not in (FEMININE, MASCULINE):
            following = None
    if following and roman == "I" and not _PORTUGUESE_NOUN_ENDING.search(following.group("word").lower()):
        following = None  # "I Love Lucy", "I Will Survive": the English "I"
    if following and (len(roman) > 1 or roman == "I") and number <= 40 and not after_name:
        feminine = word_gender(following.group("word").lower()) == FEMININE
        return Hit(found.end(), ordinal(number, feminine))
    return None
