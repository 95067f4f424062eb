"""The pt-BR text normaliser: a news sentence as a Brazilian newsreader would say it.

    >>> normalize("US$ 62 bilhões para 200 pessoas")
    'sessenta e dois bilhões de dólares para duzentas pessoas'

One module per kind of token (``numbers``, ``money``, ``dates``...), their
lexicons in ``data/*.tsv``; ``rules.RULES`` says in which order they are tried.
"""

from __future__ import annotations

from audio_artigo.normalize.cases import CaseReport, check_cases
from audio_artigo.normalize.engine import Reading, clean, scan
from audio_artigo.normalize.lexicon import Lexicon, load_lexicon
from audio_artigo.normalize.rules import RULES

__all__ = ["normalize", "explain", "load_lexicon", "check_cases", "Lexicon", "Reading", "CaseReport"]


def normalize(text: str, lexicon: Lexicon | None = None) -> str:
    """``text`` with every number, abbreviation, acronym... written as it is spoken."""
    try:
        return scan(text, RULES, lexicon)[0]
    except Exception:  # noqa: BLE001 - a bug in one rule must not stop a whole episode
        return clean(text)


def explain(text: str, lexicon: Lexicon | None = None) -> list[Reading]:
    """The tokens of ``text`` that a rule read: as written, which rule, as spoken."""
    return scan(text, RULES, lexicon)[1]
