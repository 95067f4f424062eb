"""Properties of the normaliser on any string: never raises, idempotent, no control characters."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from audio_artigo.normalize import normalize
from audio_artigo.normalize.engine import scan
from audio_artigo.normalize.rules import RULES

# Characters Piper, the transcript (XML) or a terminal cannot take.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\t\n\r]")

# Text made of the pieces news is made of, so that rules meet each other in odd ways.
_PIECES = st.sampled_from(
    [
        "0", "1", "2", "7", "12", "21", "200", "1.300", "48.312", "2,5", "0,05", "1994", "2024", " ", " ", ",", ".",
        "-", "–", "/", ":", "%", "R$", "US$", "€", "£", "¥", "&", "#", "@", "º", "ª", "°", "°C", "²", "½", "+", "~",
        "(", ")", "[[", "]]", "x", "h", "min", "km", "km/h", "mAh", "m²", "mil", "milhões", "bi", "de", "a", "e",
        "ou", "das", "pessoas", "vagas", "dias", "IA", "EUA", "ONU", "WAIC", "STF", "Pedro", "II", "XXI", "século",
        "Elizabeth", "C", "D", "V", "X", "Sr.", "Dra.", "pág.", "nº", "art.", "p.", "ex.", "etc.", "R.", "www.",
        ".gov", ".br", "imprensa", "G", "H1N1", "COVID-19", "DeepSeek", "-R1", "iPhone", "Amarela", "janeiro",
        "em", "dia", "às", "anos", "\n", "\t", "\x00", "\u2028", "\ud800", "é", "ção", "İ", "ß", "ﬁ", "٣", "𝟙",
        "\u00a0", "\u202f", "\u2009", "000", "1/2", "47701/913", "192.168.1.254", "555-1234", "1.000º", "21.dez.2018",
        "2024/03/15", "ramal", "ext.", "hab./km²", "bps", "YOLOv8", "US", "I/O", "hora", "xícara", "nos",
    ]
)
_NEWSLIKE = st.lists(_PIECES, max_size=14).map("".join)


def _check(text: str) -> None:
    once = scan(text, RULES)[0]  # the rules themselves, without normalize()'s safety net
    assert not _FORBIDDEN.search(once), repr(once)
    assert normalize(once) == once, f"not idempotent: {text!r} -> {once!r} -> {normalize(once)!r}"


@settings(max_examples=1500, deadline=None)
@given(_NEWSLIKE)
@example("US$ 62 bilhões e 200 pessoas")
@example("IA V")
@example("½5")
@example("x2,5.1")  # a version after a decimal comma, inside a name
@example("@#@#€0")  # a hashtag read after an "@" made a handle of it on the next pass
def test_newslike_text(text):
    _check(text)


@settings(max_examples=1500, deadline=None)
@given(st.text(max_size=60))
def test_any_unicode_text(text):
    _check(text)


_PROSE_WORDS = st.sampled_from(
    "a o de que e do da em um para com não uma os no se na por mais as dos como mas foi ao ele das tem à seu sua ou "
    "ser quando muito nos já está também só pelo pela até isso ela entre depois sem mesmo aos ter seus quem nas me "
    "esse eles estão você tinha foram essa num nem suas meu às minha têm numa pelos elas havia seja qual será nós "
    "governo cidade anunciou nesta segunda-feira disse presidente ministra economia chuva escola Brasil Maria "
    "Xangai São Paulo “impressionado” — «nada» vice-ministro código-fonte e-mail".split()
)
_PUNCTUATION = st.sampled_from(["", "", "", ",", ".", ";", ":", "!", "?", "…"])


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(_PROSE_WORDS, _PUNCTUATION).map("".join), min_size=1, max_size=25).map(" ".join))
def test_plain_prose_is_unchanged(text):
    assert normalize(text) == text


# The number forms the normaliser reads, each as news writes it, so that they meet each other and words.
_INTEGER = st.integers(0, 10**12).map(str)
_NUMBER_FORMS = st.one_of(
    _INTEGER,
    st.integers(1000, 10**9).map(lambda n: f"{n:,}".replace(",", ".")),  # 48.312
    st.tuples(st.integers(1, 999), st.integers(0, 999), st.sampled_from([" ", "\u00a0", "\u202f", "\u2009"])).map(
        lambda t: f"{t[0]}{t[2]}{t[1]:03d}"),  # 78 838, with each kind of space
    st.tuples(st.integers(0, 9999), st.integers(0, 99)).map(lambda t: f"{t[0]},{t[1]}"),  # 4,83
    st.tuples(st.integers(1, 999), st.sampled_from(["mil", "milhão", "milhões", "bilhões", "mi", "bi"])).map(
        lambda t: f"{t[0]} {t[1]}"),
    st.tuples(st.integers(1, 9), st.integers(1, 9), st.integers(2, 16)).map(lambda t: f"{t[0]} {t[1]}/{t[2]}"),  # 1 1/2
    st.tuples(st.integers(1, 99999), st.integers(1, 9999)).map(lambda t: f"{t[0]}/{t[1]}"),  # 2/3, 47701/913
    st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: ".".join(map(str, t))),  # 192.168.1.254
    st.tuples(st.integers(100, 999), st.integers(1000, 9999)).map(lambda t: f"{t[0]}-{t[1]}"),  # 555-1234
    st.tuples(st.integers(1, 999), st.sampled_from(["º", "ª"])).map(lambda t: f"{t[0]:,}".replace(",", ".") + t[1]),
    st.sampled_from(["1.000º", "2.000º", "1.000.000º", "21.dez.2018", "3.JAN.2025", "2024/03/15", "2025-01-31",
                     "22/02/2025", "14h30", "10:45", "R$ 1,50", "US$ 62 bilhões", "3,4%", "10-15%", "12 km", "250 hab./km²",
                     "500 bps", "1,5 hora", "2,5 anos", "YOLOv8", "G20", "H1N1", "COVID-19", "ramal 12", "ext. 2345",
                     "nos km 230 e 245", "1 ½ xícara", "(21) 2222-3333", "0800 722 7777", "10.0.0.1/24", "4-3-3",
                     "2010-2020", "anos 90", "3x1", "1 000 000"]),
)
_NUMBER_WORDS = st.sampled_from(["pessoas", "vagas", "de", "a", "e", "o", "as", "em", "foram", "xícara", "polegadas",
                                 "votos", "no", "dia", "servidor", "ramal", "telefone", "gol", "visitantes", ",", "."])
_NUMBER_HEAVY = st.lists(st.one_of(_NUMBER_FORMS, _NUMBER_WORDS), min_size=1, max_size=12).map(" ".join)


@settings(max_examples=1000, deadline=None)
@given(_NUMBER_HEAVY)
@example("O 1.000º gol e 78 838 torcedores em 21.dez.2018 no IP 192.168.1.254 e 1 1/2 xícara")
@example("ramal 21.dez.2018")  # an extension rule once read the day of a dateline
def test_no_digit_is_left_in_number_heavy_text(text):
    """Every number form the normaliser knows is read, whatever stands beside it; and reading again changes nothing."""
    _check(text)
    spoken = normalize(text)
    assert not re.search("[0-9]", spoken), f"{text!r} -> {spoken!r}"
