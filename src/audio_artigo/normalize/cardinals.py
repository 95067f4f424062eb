"""Numbers as Brazilian Portuguese words: cardinals (with gender), ordinals, decimals.

This is the grammar every other rule builds on, so it is written out here
rather than taken from num2words: num2words has no feminine forms and puts a
comma where a newsreader says nothing ("mil, novecentos e noventa e quatro").

The "e" rule between groups of thousands: "e" joins the last group when that
group is below one hundred or a round hundred ("mil e cem", "dois mil e
quinhentos", "dez mil e vinte e quatro"), and nothing joins it otherwise
("mil novecentos e noventa e quatro", "quinze mil duzentos e cinquenta").
"""

from __future__ import annotations

_UNITS = (
    "zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove",
    "dez", "onze", "doze", "treze", "quatorze", "quinze", "dezesseis", "dezessete",
    "dezoito", "dezenove",
)
_TENS = ("", "", "vinte", "trinta", "quarenta", "cinquenta", "sessenta", "setenta", "oitenta", "noventa")
_HUNDREDS = (
    "", "cento", "duzentos", "trezentos", "quatrocentos", "quinhentos", "seiscentos",
    "setecentos", "oitocentos", "novecentos",
)
# Scale words from a million up; the noun is masculine, so the group before it
# stays masculine whatever is being counted ("duzentos milhões de pessoas").
_SCALES = (
    ("milhão", "milhões"), ("bilhão", "bilhões"), ("trilhão", "trilhões"),
    ("quatrilhão", "quatrilhões"), ("quintilhão", "quintilhões"),
)
# Largest integer read as one number; longer digit strings are read digit by digit.
MAX_CARDINAL = 10 ** (3 * (len(_SCALES) + 2)) - 1

_ORDINAL_UNITS = ("", "primeiro", "segundo", "terceiro", "quarto", "quinto", "sexto", "sétimo", "oitavo", "nono")
_ORDINAL_TENS = (
    "", "décimo", "vigésimo", "trigésimo", "quadragésimo", "quinquagésimo", "sexagésimo",
    "septuagésimo", "octogésimo", "nonagésimo",
)
_ORDINAL_HUNDREDS = (
    "", "centésimo", "ducentésimo", "trecentésimo", "quadringentésimo", "quingentésimo",
    "sexcentésimo", "septingentésimo", "octingentésimo", "noningentésimo",
)


def _feminine(word: str) -> str:
    if word == "um":
        return "uma"
    if word == "dois":
        return "duas"
    if word.endswith("entos"):
        return word[:-5] + "entas"
    return word


def _below_thousand(n: int, feminine: bool) -> str:
    if n == 100:
        return "cem"
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(_HUNDREDS[hundreds])
    if rest:
        if rest < 20:
            parts.append(_UNITS[rest])
        else:
            tens, units = divmod(rest, 10)
            parts.append(_TENS[tens])
            if units:
                parts.append(_UNITS[units])
    if feminine:
        parts = [_feminine(p) for p in parts]
    return " e ".join(parts)


def cardinal(n: int, feminine: bool = False) -> str:
    """``n`` in words; ``feminine`` for the counted noun ("duas mil e quinhentas")."""
    if n < 0:
        return "menos " + cardinal(-n, feminine)
    if n == 0:
        return "zero"
    if n > MAX_CARDINAL:
        return digits(str(n))
    groups = []  # (value, words) from the highest group down, zero groups skipped
    index = 0
    while n:
        n, value = divmod(n, 1000)
        if value:
            if index == 0:
                words = _below_thousand(value, feminine)
            elif index == 1:
                words = "mil" if value == 1 else _below_thousand(value, feminine) + " mil"
            else:
                singular, plural = _SCALES[index - 2]
                words = _below_thousand(value, False) + " " + (singular if value == 1 else plural)
            groups.append((value, words))
        index += 1
    groups.reverse()
    if len(groups) == 1:
        return groups[0][1]
    last_value, last_words = groups[-1]
    head = " ".join(words for _, words in groups[:-1])
    joiner = " e " if last_value < 100 or last_value % 100 == 0 else " "
    return head + joiner + last_words


def ordinal(n: int, feminine: bool = False) -> str:
    """``n`` as an ordinal ("vigésimo primeiro", "terceira", "dois milésimo", "milionésimo")."""
    if n <= 0 or n > 999_999_999_999:
        return cardinal(n, feminine)
    parts = []
    for scale, word in ((10**9, "bilionésimo"), (10**6, "milionésimo")):
        count, n = divmod(n, scale)
        if count:
            parts.append(("" if count == 1 else cardinal(count) + " ") + _agree(word, feminine))
    thousands, rest = divmod(n, 1000)
    if thousands:
        count = "" if thousands == 1 else cardinal(thousands) + " "
        parts.append(count + _agree("milésimo", feminine))
    hundreds, rest = divmod(rest, 100)
    tens, units = divmod(rest, 10)
    for table, value in ((_ORDINAL_HUNDREDS, hundreds), (_ORDINAL_TENS, tens), (_ORDINAL_UNITS, units)):
        if value:
            parts.append(_agree(table[value], feminine))
    return " ".join(parts)


def _agree(ordinal_word: str, feminine: bool) -> str:
    return ordinal_word[:-1] + "a" if feminine else ordinal_word


def is_digits(text: str) -> bool:
    """Only ASCII digits ("²" and "٣" are digits to ``str.isdigit`` but not numbers we read)."""
    return text.isascii() and text.isdigit()


def digits(text: str) -> str:
    """Each digit of ``text`` as a word ("0800" -> "zero oito zero zero")."""
    return " ".join(_UNITS[int(c)] for c in text if "0" <= c <= "9")


def decimal(integer: str, fraction: str, feminine: bool = False) -> str:
    """"4", "83" -> "quatro vírgula oitenta e três"; "0", "05" -> "zero vírgula zero cinco"."""
    whole = number_words(integer, feminine)
    if not fraction:
        return whole
    return whole + " vírgula " + fraction_digits(fraction)


def fraction_digits(fraction: str) -> str:
    """The part after the comma: leading zeros one by one, then a number of up to three digits."""
    stripped = fraction.lstrip("0")
    zeros = len(fraction) - len(stripped)
    if not stripped:
        return digits(fraction)
    if len(stripped) > 3:
        return digits(fraction)
    spoken = cardinal(int(stripped))
    return (digits("0" * zeros) + " " + spoken) if zeros else spoken


def number_words(integer: str, feminine: bool = False) -> str:
    """A string of digits as a cardinal, or digit by digit when it is too long."""
    if len(integer) > len(str(MAX_CARDINAL)):
        return digits(integer)
    return cardinal(int(integer), feminine)
