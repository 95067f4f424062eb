"""Cardinals, decimals and scales: "48.312", "78 838", "4,83", "1,5 milhão", "200 pessoas", "2010-2020".

``read_number`` parses a written number (thousands dots, decimal comma, a
scale word after it) into a :class:`Number` that the money, percent and unit
rules reuse; ``match`` is the rule for a number standing alone, which agrees
in gender with the noun it counts (see ``gender.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from audio_artigo.normalize.cardinals import cardinal, decimal, digits, number_words
from audio_artigo.normalize.engine import Hit
from audio_artigo.normalize.gender import FEMININE, antecedent_gender, article_gender, counted_gender, is_label
from audio_artigo.normalize.tables import read_table

# "48.312", "1.518,00", "-3", "0,05", "78 838" (whether it starts a token is checked in read_number)
_NUMBER = re.compile(
    r"(?P<sign>[-−](?=[0-9]))?"
    r"(?P<int>[0-9]{1,3}(?:\.[0-9]{3})+(?![0-9])"
    r"|(?P<grouped>[1-9][0-9]{0,2}(?P<gap>[ \u00a0\u202f\u2009\u2007])[0-9]{3}(?:(?P=gap)[0-9]{3}){0,4})(?![0-9]|[./:][0-9])"
    r"|[0-9]+)"
    r"(?:,(?P<frac>[0-9]+))?"
)
# Digits grouped by spaces, SI style ("78 838", "1 000 000"): a thin, narrow or figure space only
# ever groups digits, and so does a no-break space between digits; an ordinary space may also
# part two numbers, so it groups them only when no scale word follows ("nos anos 90 100 mil...")
# and the first is no label ("o voo 447 200 passageiros").
_DIGIT_GAPS = "\u202f\u2009\u2007\u00a0"
_SEPARATORS = str.maketrans("", "", ". \u00a0\u202f\u2009\u2007")  # what a written integer drops
_SPACES = "[ \t\u00a0\u202f\u2009\u2007]"
# Any case: a headline in capitals writes "US$ 62 BILHÕES".
_SCALE = re.compile(_SPACES + r"+(?P<scale>mil|milhão|milhões|bilhão|bilhões|trilhão|trilhões|mi|bi|tri)(?!\w)", re.IGNORECASE)
_SCALE_WORDS = {
    "milhão": ("milhão", "milhões"), "milhões": ("milhão", "milhões"), "mi": ("milhão", "milhões"),
    "bilhão": ("bilhão", "bilhões"), "bilhões": ("bilhão", "bilhões"), "bi": ("bilhão", "bilhões"),
    "trilhão": ("trilhão", "trilhões"), "trilhões": ("trilhão", "trilhões"), "tri": ("trilhão", "trilhões"),
}
_UNGROUPED = re.compile(r"(?P<sign>[-−](?=[0-9]))?(?P<int>[0-9]+)(?:,(?P<frac>[0-9]+))?")
# "2.0", "192.168.0.1": dots that are not thousands separators.
_DOTTED = re.compile(r"(?:\.[0-9]{1,12}){1,6}(?![0-9])")
# "2010-2020", "10–15": a range; the second number must not be glued to more text.
RANGE_DASH = re.compile(r"[-–](?=[0-9])")
"""A dash between two numbers ("50-80 mm", "R$ 10–15")."""
_RANGE = re.compile(r"[-–](?P<second>0|[1-9][0-9]{0,3})(?![0-9]|[.,][0-9]|[^\W\d_])")
_FORMATION = re.compile(r"(?:-[0-9]){2,3}(?![0-9]|[-.,][0-9]|[^\W\d_])")
# Followed by a letter, the digits belong to another kind of token (5G, 14h30, 1º).
_GLUED = re.compile(r"[^\W\d_]")
_LONGEST_CODE = 15  # longer digit strings are read digit by digit


@dataclass(frozen=True)
class Number:
    """A written number: "1.518,00" -> integer "1518", fraction "00"; "2,5 mi" -> scale "milhão"."""

    start: int
    end: int
    integer: str
    fraction: str
    negative: bool
    scale: str | None  # "mil", or the singular of a larger scale word
    scale_written: str | None = None  # the scale word as written, in lower case ("milhões", "mi")

    @property
    def value(self) -> float:
        whole = float(self.integer)  # inf for absurdly long digit strings, which is fine here
        if self.fraction:
            whole += float("0." + self.fraction[:15])
        return -whole if self.negative else whole

    @property
    def is_integer(self) -> bool:
        return not self.fraction.strip("0")

    def singular(self) -> bool:
        """Whether a noun after it is singular: from 1 to just under 2 ("1,5 milhão", "1,75 metro"),
        never after "mil" ("1,2 mil quilômetros")."""
        if self.scale == "mil":
            return False
        return 1 <= abs(self.value) < 2 or (abs(self.value) < 1 and not self.is_integer)

    def spoken(self, feminine: bool = False) -> str:
        sign = "menos " if self.negative else ""
        if self.scale == "mil":
            thousands = _exact_thousands(self.integer, self.fraction)
            if thousands is not None:
                return sign + cardinal(thousands, feminine)
            return sign + decimal(self.integer, self.fraction) + " mil"
        if self.scale:
            singular, plural = _SCALE_WORDS[self.scale]
            word = self.scale_written if self.scale_written in (singular, plural) else (
                singular if self.singular() else plural  # "2,5 mi": the abbreviation agrees with the number
            )  # "1,5 milhões" is read as written: the author's grammar is not the normaliser's to correct
            return sign + self.bare(False) + " " + word
        return sign + self.bare(feminine)

    @property
    def by_digits(self) -> bool:
        """Whether it is read digit by digit: a code ("007", "0800") or too long a number."""
        return (len(self.integer) > 1 and self.integer.startswith("0") and not self.fraction) or len(self.integer) > _LONGEST_CODE

    def bare(self, feminine: bool) -> str:
        """The digits alone, without sign or scale."""
        if self.by_digits:
            return digits(self.integer)
        if self.fraction:
            return decimal(self.integer, self.fraction, feminine)
        return number_words(self.integer, feminine)


def _exact_thousands(integer: str, fraction: str) -> int | None:
    fraction = fraction.rstrip("0")
    if len(fraction) > 3 or len(integer) > _LONGEST_CODE:
        return None
    return int(integer) * 1000 + int((fraction or "0").ljust(3, "0"))


@lru_cache(maxsize=64)  # money, percent, units and numbers all read the number at the same place
def read_number(text: str, pos: int, scales: bool = True, glued: bool = False) -> Number | None:
    """The number written at ``pos``, with the scale word after it when ``scales``.

    Unless ``glued``, a number must start a token: "x1" and "1,5"'s "5" are no numbers.
    """
    if not glued and pos > 0 and (text[pos - 1].isalnum() or text[pos - 1] in "_.,%°º"):  # "5%-7%": no minus
        return None
    found = _NUMBER.match(text, pos)
    if not found:
        return None
    if found.group("grouped") and found.group("gap") not in _DIGIT_GAPS and (
        _SCALE.match(text, found.end()) or is_label(text, pos)
    ):
        found = _UNGROUPED.match(text, pos)  # "anos 90 100 mil...", "o voo 447 200...": two numbers
    end = found.end()
    scale = word = None
    if scales:
        scale_found = _SCALE.match(text, end)
        if scale_found:
            word = scale_found.group("scale").lower()
            scale = "mil" if word == "mil" else _SCALE_WORDS[word][0]
            end = scale_found.end()
    return Number(
        start=pos,
        end=end,
        integer=found.group("int").translate(_SEPARATORS),
        fraction=found.group("frac") or "",
        negative=bool(found.group("sign")),
        scale=scale,
        scale_written=word,
    )


@cache
def _measure_nouns() -> dict[str, tuple[bool, bool]]:
    return {noun: (gender == FEMININE, half == "half") for noun, gender, half in read_table("measure_nouns.tsv", 3)}


_NOUN = re.compile(r"[ \t\u00a0]+(?P<noun>[^\W\d_]{2,20})(?![\w-])")


def measure_noun(text: str, end: int, half: bool = False) -> tuple[re.Match[str], bool] | None:
    """The noun of ``data/measure_nouns.tsv`` right after ``end`` ("xícara", "horas") and whether it is
    feminine; with ``half``, only one that a decimal ",5" is said "e meio" with."""
    found = _NOUN.match(text, end)
    entry = _measure_nouns().get(found.group("noun").lower()) if found else None
    if entry is None or (half and not entry[1]):
        return None
    return found, entry[0]


def _and_a_half(text: str, number: Number) -> Hit | None:
    """"1,5 hora" -> "uma hora e meia", "2,5 anos" -> "dois anos e meio" (the noun as written)."""
    measure = measure_noun(text, number.end, half=True)
    if measure is None:
        return None
    noun, feminine = measure
    whole = number_words(number.integer, feminine)
    return Hit(noun.end(), f"{whole} {noun.group('noun')} e {'meia' if feminine else 'meio'}")


def match(text: str, pos: int) -> Hit | None:
    """A number on its own, agreeing with what it counts; dotted versions; formations ("4-3-3"); ranges."""
    number = read_number(text, pos)
    if number is None:
        return None
    end = number.end
    if _GLUED.match(text, end):
        return None
    if number.fraction == "5" and not number.scale and not number.negative and number.integer != "0":
        half = _and_a_half(text, number)
        if half:
            return half
    if not number.fraction and not number.scale:
        dotted = _DOTTED.match(text, end)
        if dotted and "." not in text[pos:end]:
            parts = [number.integer] + dotted.group().split(".")[1:]
            return Hit(dotted.end(), " ponto ".join(code(p) for p in parts))
        formation = _FORMATION.match(text, end) if len(number.integer) == 1 else None
        if formation:  # "4-3-3": a team's formation, digit by digit
            return Hit(formation.end(), " ".join(number_words(d) for d in [number.integer] + formation.group().split("-")[1:]))
        ranged = _RANGE.match(text, end)
        if ranged and not number.negative:
            second = ranged.group("second")
            feminine = counted_gender(text, ranged.end(), plural=True) == FEMININE
            return Hit(
                ranged.end(),
                number.spoken(feminine) + " a " + number_words(second, feminine),
            )
    # "dois milhões de pessoas": a scale word is what is counted, and it is masculine
    feminine = False
    if number.scale in (None, "mil") and not is_label(text, pos):
        gender = article_gender(text, pos) if not number.singular() else None  # "as 500 melhores"
        gender = gender or counted_gender(text, end, plural=not number.singular())
        if gender is None and not number.scale:
            gender = antecedent_gender(text, pos, number.value)  # "Das 40 vagas, 21 são..."
        feminine = gender == FEMININE
    return Hit(end, number.spoken(feminine), "digit by digit" if number.by_digits else "")


def code(part: str) -> str:
    """A group of digits in a code or an address: "010" digit by digit, "254" as a number."""
    return digits(part) if len(part) > 1 and part.startswith("0") else number_words(part)

