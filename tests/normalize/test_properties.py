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
