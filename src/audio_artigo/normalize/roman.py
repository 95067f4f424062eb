"""Roman numerals where they are numerals: "século XXI", "Pedro II", "Elizabeth II", "II Guerra Mundial".

Only in context, so that "classe C" and "vitamina D" stay letters:
after "século"/"capítulo"-like words, after a capitalised name (kings,
popes: "João XXIII", "Bento XVI"), or before a capitalised noun (an
edition: "XV Congresso"). Up to ten they are ordinals, agreeing with the
name ("Pedro II" -> "segundo", "Elizabeth II" -> "segunda"), above ten
cardinals ("Luís XIV" -> "quatorze"), as a newsreader says them.
Before a noun they are always ordinals ("XV Congresso" -> "décimo quinto").
"""

from __future__ import annotations

import re
from functools import cache

from audio_artigo.normalize.cardinals import cardinal, ordinal
from audio_artigo.normalize.engine import Hit
from audio_artigo.normalize.gender import FEMININE, word_gender
from audio_artigo.normalize.tables import read_table

_NUMERAL = re.compile(r"(?<![\w-])(?P<roman>[IVXLCDM]{1,9})(?![\w-]|\.[0-9])")
_PREVIOUS_WORD = re.compile(r"(?P<word>[^\W\d_]+)\.?[ \t\u00a0]+$")
_NEXT_NAME = re.compile(r"[ \t\u00a0]+(?P<word>[A-ZÀ-Ý][a-zà-ÿ]+)")
_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_CANONICAL = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
# Words after which a Roman numeral counts (their gender sets the ordinal's).
_COUNTING_WORDS = frozenset(
    "século séculos séc capítulo capítulos cap parte fase ato atos volume vol tomo livro inciso incisos "
    "título anexo bloco etapa edição olimpíada bienal dinastia legislatura".split()
)


@cache
def _feminine_names() -> frozenset[str]:
    return frozenset(name for (name,) in read_table("feminine_names.tsv", 1))


def value(roman: str) -> int | None:
    """The value of a well-formed Roman numeral, None otherwise ("IIII", "VX")."""
    if not _CANONICAL.fullmatch(roman):
        return None
    total = 0
    for letter, following in zip(roman, roman[1:] + " "):
        worth = _VALUES[letter]
        total += -worth if following != " " and _VALUES[following] > worth else worth
    return total or None


def _name_is_feminine(name: str) -> bool:
    return name in _feminine_names() or name.endswith("a")


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
    if previous_word.lower() in _COUNTING_WORDS:
        feminine = word_gender(previous_word.lower()) == FEMININE
        return Hit(found.end(), ordinal(number, feminine) if number <= 10 else cardinal(number))
    # a name: "Pedro II", "Bento XVI" (not "Malcolm X", "Raio X": a lone X, L, C, D, M is a letter)
    after_name = len(previous_word) > 1 and previous_word[0].isupper() and previous_word[1:].islower()
    if after_name and (len(roman) > 1 or roman in "IV"):
        if number > 40:
            return None
        feminine = _name_is_feminine(previous_word)
        return Hit(found.end(), ordinal(number, feminine) if number <= 10 else cardinal(number))
    following = _NEXT_NAME.match(text, found.end())
    if following and (len(roman) > 1 or roman == "I") and number <= 40 and not after_name:
        feminine = word_gender(following.group("word").lower()) == FEMININE
        return Hit(found.end(), ordinal(number, feminine))
    return None
