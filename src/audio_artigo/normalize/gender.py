"""The gender of what a number counts: "duas empresas", "dois milhões de pessoas".

The words after a number are read left to right: a scale word ("milhões")
decides masculine, "das"/"dos" decide by themselves ("uma das empresas"),
adjectives that do not inflect ("grandes", "principais") are looked through,
"a 23" / "ou 3" in a range are skipped ("de 21 a 23 vítimas"), and the first
noun decides: first from the lexicon ``data/nouns.tsv`` (its singular too),
then from its ending (``data/noun_suffixes.tsv``: -a, -ção, -dade... are
feminine), masculine otherwise. A count of two or more counts a plural
noun: a singular word after it is none ("2024 marca o centenário"), a
plural article before it decides (``data/determiners.tsv``: "as 500
melhores"), and such a number is masculine unless it is part of a bigger count said before
("Das 40 vagas, 21 são..."). A number after a noun of
``data/label_nouns.tsv`` is a name ("a linha 2 opera"): masculine.
"""

from __future__ import annotations

import re
from functools import cache

from audio_artigo.normalize.tables import read_table

FEMININE = "f"
MASCULINE = "m"

# Words that make the number part of a bigger scale noun (masculine) or of "mil".
SCALE_WORDS = frozenset(
    "milhão milhões bilhão bilhões trilhão trilhões quatrilhão quatrilhões mi bi tri mi. bi. tri.".split()
)
# "de 21 a 23 vítimas", "2 ou 3 casas", "2 e 3 vagas", "21-23"
_RANGE_LINK = re.compile(r"[ \t]*(?:a|e|ou|até|-|–|/)[ \t]*[0-9][0-9.,]*(?:[ \u00a0\u202f\u2009\u2007][0-9]{3}(?![0-9]))*")
# Bounded (words of up to 40 letters, compounds of up to 4): a number may be
# followed by a "word" as long as the text ("½½½…" is one), looked at again
# for every number in it.
_NEXT_WORD = re.compile(r"[ \t]*([^\W\d_]{1,40}(?:-[^\W\d_]{1,40}){0,3})")
_PREVIOUS_WORD = re.compile(r"(?<!\w)([^\W\d_]{2,40})[ \t\u00a0]+(?:n[º°][ \t\u00a0]*)?$")
# "1 em cada 3 escolas": the noun after the second number is the first's too.
_EACH = re.compile(r"[ \t]+(?:em|a|de)[ \t]+cada[ \t]+[0-9][0-9.,]*")
# "Das 40 vagas, ...", "Entre as 500 maiores empresas, ...": a count and its noun, then no sentence break.
_ANTECEDENT = re.compile(
    r"(?<!\w)(?P<article>das|dos|as|os)[ \t]+(?P<count>[0-9]{1,3}(?:\.[0-9]{3})*)[ \t]+[^\W\d_]+s\b[^.;:!?]*$",
    re.IGNORECASE,
)
_WORD_BEFORE = re.compile(r"(?<!\w)([^\W\d_]{1,40})[ \t\u00a0]+$")
_TIME_OF_DAY = re.compile(r"[ \t]+(?:manhã|tarde|noite|madrugada)\b")
_LOOKAHEAD_WORDS = 4


@cache
def _lexicon() -> dict[str, str]:
    return dict(read_table("nouns.tsv", columns=2))


@cache
def _suffixes() -> list[tuple[str, str]]:
    table = read_table("noun_suffixes.tsv", columns=2)
    return sorted(table, key=lambda row: -len(row[0]))


@cache
def _feminine_names() -> frozenset[str]:
    return frozenset(name for (name,) in read_table("feminine_names.tsv", 1))


def name_is_feminine(name: str) -> bool:
    """Whether a first name ("Maria", "Elizabeth", "Pedro") is a woman's."""
    return name in _feminine_names() or name.endswith("a")


def _singulars(word: str) -> list[str]:
    """The word and the singulars it may be the plural of."""
    forms = [word]
    for plural, singular in (
        ("ões", "ão"), ("ães", "ão"), ("ãos", "ão"), ("ns", "m"), ("ais", "al"), ("éis", "el"),
        ("eis", "el"), ("óis", "ol"), ("uis", "ul"), ("is", "il"), ("es", ""), ("s", ""),
    ):
        if word.endswith(plural) and len(word) > len(plural) + 1:
            forms.append(word[: -len(plural)] + singular)
    return forms


def word_gender(word: str) -> str | None:
    """"f", "m", "adj" (look further) or "stop" (not a noun) for one lower-case word."""
    lexicon = _lexicon()
    for form in _singulars(word):
        found = lexicon.get(form)
        if found:
            return found
    for ending, gender in _suffixes():
        if word.endswith(ending):
            return gender
    return MASCULINE


@cache
def _label_nouns() -> frozenset[str]:
    return frozenset(noun for (noun,) in read_table("label_nouns.tsv", columns=1))


def is_label(text: str, start: int) -> bool:
    """Whether the number that starts at ``start`` names something ("linha 2", "Fórmula 1") rather than counts."""
    before = _PREVIOUS_WORD.search(text, max(0, start - 30), start)
    return before is not None and before.group(1).lower() in _label_nouns()


def counted_gender(text: str, pos: int, plural: bool = False) -> str | None:
    """Gender of the noun counted by the number that ends at ``pos`` in ``text``; None if it counts none said after it.

    A ``plural`` count ("2", "2024") counts a plural noun: a singular word
    after it is no noun it counts ("2024 marca o centenário").
    """
    for _ in range(_LOOKAHEAD_WORDS):
        link = _RANGE_LINK.match(text, pos) or _EACH.match(text, pos)
        if link:
            pos = link.end()
            continue
        found = _NEXT_WORD.match(text, pos)
        if not found:
            return None
        word = found.group(1).lower()
        pos = found.end()
        if word == "mil":
            continue
        if word in SCALE_WORDS:
            return MASCULINE
        if word == "das" or (word == "da" and _TIME_OF_DAY.match(text, pos)):
            return FEMININE  # "duas das empresas", "às duas da tarde"
        if word == "dos":
            return MASCULINE
        head = word.split("-")[0]
        if head != word and head.endswith("s"):
            word = head  # "zonas-piloto", "palavras-chave": the first noun decides ("guarda-chuvas" does not)
        gender = word_gender(word)
        if gender == "adj":
            continue
        if plural and not word.endswith("s"):
            return None
        return FEMININE if gender == FEMININE else MASCULINE
    return None


def antecedent_gender(text: str, start: int, value: float) -> str | None:
    """Gender of a bigger count said before, in the same sentence, that the number at ``start`` is part of.

    "Das 40 vagas, 21 são para mulheres" -> feminine (by its article); None if there is none.
    """
    found = _ANTECEDENT.search(text, max(0, start - 80), start)
    if found is None or float(found.group("count").replace(".", "")) <= value:
        return None
    return MASCULINE if found.group("article").lower().endswith("os") else FEMININE  # the article says it


@cache
def _determiners() -> dict[str, tuple[str, str]]:
    return {word: (gender, number) for word, gender, number in read_table("determiners.tsv", columns=3)}


def determiner(word: str) -> tuple[str, str] | None:
    """The gender ("f", "m") and number ("s", "p") an article or possessive gives what follows; None if ``word`` is none."""
    return _determiners().get(word.lower())


def word_before(text: str, start: int) -> str | None:
    """The word right before ``start`` (a space apart), in lower case; None if there is none."""
    found = _WORD_BEFORE.search(text, max(0, start - 41), start)
    return found.group(1).lower() if found else None


def determiner_before(text: str, start: int) -> tuple[str, str] | None:
    """The article or possessive right before ``start`` ("as 500 melhores"), as ``determiner`` says it."""
    word = word_before(text, start)
    return determiner(word) if word else None


def article_gender(text: str, start: int) -> str | None:
    """The gender a plural article right before the number at ``start`` gives it ("as 500 melhores"); None if none."""
    found = determiner_before(text, start)
    return found[0] if found and found[1] == "p" else None
