"""Acronyms: read as a word (ONU, Petrobras, OTAN) or letter by letter (IA -> "i á", IBGE).

The lexicon ``data/acronyms.tsv`` decides for the acronyms it lists. For the
others, one of two letters is spelled, and a longer one is read as a word
when it splits into Portuguese syllables (consonant clusters like "tr", "bl",
codas like "s", "r", "n", one plosive at the end: "INMET", "FAB"), letter by
letter otherwise: "FINOS" is a word, "WAIC" and "UFRJ" are spelled. Letters are spelled with their Portuguese
names in lower case ("cê bê efe"), so a second pass leaves them alone.
A plural "s" ("ONGs", "CPIs") goes to the last letter's name.
An acronym read as a word is written in lower case ("O SUS" -> "O sus"): in
capitals, eSpeak spells some of them in mid-sentence.
Mixed-case names (iPhone, DeepSeek) and single capitals (classe C) are left
as written, except a V, X, L, C, D or M before a full stop, which eSpeak
would read as a Roman numeral ("no X." -> "no xis."), and an "E" after a
word, which it would read as the conjunction ("Fórmula E" -> "Fórmula é").
Initials before a name are spelled ("C. S. Lewis" -> "cê ésse Lewis").
A word in capitals with an accent or a cedilla is a Portuguese word, not an
acronym ("OPÇÃO", "TÉCNICO"). In text set in capitals (a headline), the
short words of ``data/short_words.tsv`` are read as words ("ACORDO DE PAZ"
says "de", not "dê é"), and any unlisted word of three letters or more is
handed to eSpeak in lower case ("TECNOLOGIA", "SHOW"), which spells what it
cannot say as a word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from audio_artigo.normalize.engine import Hit
from audio_artigo.normalize.tables import read_table

_CAPITALS = "A-ZÀ-ÖØ-Þ"
# Two capitals or more, maybe joined by hyphens (IGP-M), maybe a plural "s".
_ACRONYM = re.compile(
    rf"(?<![\w&])(?P<word>[{_CAPITALS}]{{2,40}}(?:-[{_CAPITALS}]{{1,10}}){{0,3}}|[{_CAPITALS}]&[{_CAPITALS}]{{1,3}}|[{_CAPITALS}]{{1,3}}&[{_CAPITALS}])(?P<plural>s)?(?![\w&])"
)
_LETTERS = re.compile(r"[^\W\d_]+")
# A lone capital that eSpeak reads as a Roman numeral when a full stop follows
# ("no X." -> "dez", "vitamina C." -> "cem", "D. Pedro" -> "quinhentos").
_NUMERAL_LETTER_BEFORE_STOP = re.compile(r"(?<![\w.])[VXLCDM](?=\.(?!\w))")  # not "D.C.": eSpeak spells those
# Initials before a surname: "C. S. Lewis", "J. R. R. Tolkien" -> "cê ésse", "jota erre erre".
_INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.[ \t\u00a0]+){2,}(?=[A-ZÀ-Ý][a-zà-ÿ])")
# A capital "E" after a word in mid-sentence is a letter (eSpeak would read the conjunction).
_LONE_E = re.compile(r"(?<![\w.&'-])E(?![\w&'-]|\.\w)")
_AFTER_A_WORD = re.compile(r"[^\W\d_][ \t]+$")
# Mixed-case acronyms of the lexicon (CNPq, UnB, PCdoB, I/O) are matched as whole words.
_WORDS = (re.compile(r"(?<!\w)[\w&]{1,10}/[\w&]{1,10}(?![\w/])"), re.compile(r"(?<!\w)[\w&]{2,40}(?!\w)"))

_ONSET = r"(?:[bcdfgkptv][rl]|ch|lh|nh|qu|gu|[bcdfghjklmnpqrstvwxz])"
_NUCLEUS = r"[aeiouy]{1,3}+"
_CODA = r"(?:ns|rs|[lmnrsxz])"
# Each syllable is atomic and its vowels possessive: a long word that fails fails at once.
# A word may end in one plosive after a lone vowel, said with a vowel after it: "PIB" ("píbi"), "INMET", "FAB" (not "WAIC").
_SYLLABLES = re.compile(rf"(?>{_ONSET}?{_NUCLEUS}(?:{_CODA}(?![aeiouy]))?)+(?:(?<=[^aeiouy][aeiou])[bcdgkpt]$)?")


@cache
def _lexicon() -> dict[str, str]:
    return dict(read_table("acronyms.tsv", columns=2))


WORD_IN_CAPITALS_MIN_LETTERS = 3
"""In text set in capitals, an unlisted word at least this long is handed to eSpeak as a word, in
lower case: it reads the words it knows ("SHOW", "TECNOLOGIA") and spells what it cannot say ("SBT")."""


@cache
def short_words() -> frozenset[str]:
    return frozenset(word for (word,) in read_table("short_words.tsv", columns=1))


def _beside_capitals(text: str, start: int, end: int) -> bool:
    """Whether the nearest word before or after text[start:end] is a word in capitals.

    Capital letters alone are looked past: "SKY E CLARO" is a headline ("a" or "e" is not).
    """
    before = [word for word in _LETTERS.findall(text, max(0, start - 40), start) if len(word) >= 2 or word.islower()]
    after = [word for word in _LETTERS.findall(text, end, end + 40) if len(word) >= 2 or word.islower()]
    neighbours = before[-1:] + after[:1]
    return any(word.isupper() for word in neighbours)


@cache
def _letter_names() -> dict[str, str]:
    return dict(read_table("letters.tsv", columns=2))


def spell(letters: str) -> str:
    """Each letter by its Portuguese name: "CBF" -> "cê bê efe"."""
    names = _letter_names()
    spoken = []
    for letter in letters.upper():
        name = names.get(letter) or names.get(_base_letter(letter))
        if name:
            spoken.append(name)
    return " ".join(spoken)


def _base_letter(letter: str) -> str:
    return unicodedata.normalize("NFD", letter)[:1]


def pronounceable(word: str) -> bool:
    """Whether Portuguese syllables spell ``word`` (so it is read as a word, not letter by letter)."""
    plain = "".join(_base_letter(c) for c in word.lower())
    if len(plain) >= (4 if word.islower() else 5) and plain[-2] == "s" and plain[-1] in "bcdgkpt":
        plain = plain[:-1]  # "ALESP", "CETESB", "UNIFESP": said "alésp(i)" (but "IST" is spelled); "test@" a word
    return len(plain) >= 3 and _SYLLABLES.fullmatch(plain) is not None


def marked(word: str) -> bool:
    """Whether ``word`` has an accent or a cedilla (which acronyms do not)."""
    return any(_base_letter(letter) != letter for letter in word)


def is_listed(word: str) -> bool:
    """Whether the lexicon says how ``word`` is read."""
    return word in _lexicon()


def listed_reading(word: str) -> str | None:
    """The lexicon's own spoken text for ``word`` ("Sars" -> "sárs"), if it gives one."""
    entry = _lexicon().get(word)
    return entry if entry not in (None, "word", "spell") else None


def read_acronym(word: str) -> str:
    """How the all-capitals ``word`` is spoken (without any plural "s")."""
    entry = _lexicon().get(word)
    if entry is None and "-" in word:
        return " ".join(read_acronym(part) for part in word.split("-") if part)
    if entry == "spell" or (entry is None and not pronounceable(word) and not marked(word)):
        return spell(word)
    if entry == "word" or entry is None:
        return word.lower()  # in capitals, eSpeak spells some words in mid-sentence ("O SUS", "o VAR")
    return entry


SPELLED, AS_A_WORD, LEFT_TO_ESPEAK = "spelled", "read as a word", "left to eSpeak"
"""The doubts an acronym's reading carries (``Hit.doubt``), for the pronunciation review."""


GUESSED_WORD_MAX_LETTERS = 6
"""Longer words in capitals read as words are words ("PREFEITURA"), not acronyms to check."""


@lru_cache(maxsize=4096)  # an article names its acronyms again and again
def guess(word: str) -> str:
    """How ``word`` (in capitals) is read when no lexicon lists it: ``SPELLED`` or ``AS_A_WORD``, a guess
    worth an editor's look; "" when a lexicon lists it, when it is certain (two capitals are spelled,
    a word with an accent is a word) or when it is too long to be an acronym."""
    parts = [part for part in word.split("-") if len(part) >= 3 and part not in _lexicon() and not marked(part)]
    if word in _lexicon() or not parts:
        return ""
    if any(not pronounceable(part) for part in parts):
        return SPELLED
    return AS_A_WORD if any(len(part) <= GUESSED_WORD_MAX_LETTERS for part in parts) else ""


def match(text: str, pos: int) -> Hit | None:
    found = _INITIALS.match(text, pos)
    if found:
        return Hit(found.end(), spell(found.group().replace(".", "")) + " ")
    found = _NUMERAL_LETTER_BEFORE_STOP.match(text, pos)
    if found:
        return Hit(found.end(), spell(found.group()))
    found = _LONE_E.match(text, pos)
    if found and _beside_capitals(text, pos, found.end()):
        return Hit(found.end(), "e")  # a headline's "SP E RJ": the conjunction, lower case like its neighbours will be
    if found and _AFTER_A_WORD.search(text, max(0, pos - 41), pos):
        return Hit(found.end(), "é")  # "Fórmula E", "vitamina E": a letter, not the conjunction
    found = _ACRONYM.match(text, pos)
    if found:
        word = found.group("word")
        if not found.group("plural") and word in short_words() and _beside_capitals(text, found.start(), found.end()):
            return Hit(found.end(), word.lower())  # a headline's "DE", "NA": words, not acronyms
        spoken = read_acronym(word)
        doubt = guess(word)
        if (
            word not in _lexicon()
            and len(word) >= WORD_IN_CAPITALS_MIN_LETTERS
            and _beside_capitals(text, found.start(), found.end())
        ):
            spoken = word.lower()  # a headline's "TECNOLOGIA", "PACTO": words
            doubt = LEFT_TO_ESPEAK if not pronounceable(word) else ""  # "SBT": eSpeak spells it, or not
        if found.group("plural"):
            entry = _lexicon().get(word + "s")
            spoken = entry if entry and entry not in ("word", "spell") else spoken + "s"
            doubt = "" if entry else doubt
        return Hit(found.end(), spoken, doubt)
    for word in _WORDS:  # "I/O" whole, else "CNPq" of "CNPq/MCTI"
        found = word.match(text, pos)
        entry = listed_reading(found.group()) if found else None
        if entry and (not found.group().isupper() or "/" in found.group()):
            return Hit(found.end(), entry)
    return None
