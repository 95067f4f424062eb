"""Fixtures and helpers for the reading tests: the example articles and a
"no text lost" check on the alphanumeric words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audio_artigo.reading.clutter import remove_clutter
from audio_artigo.reading.interview import find_turns
from audio_artigo.model import Article, Script

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

_WORD = re.compile(r"[^\W_]+")


@pytest.fixture
def ia_xangai() -> Path:
    return EXAMPLES / "ia-xangai.txt"


@pytest.fixture
def safra() -> Path:
    return DATA / "safra-recorde.md"


@pytest.fixture
def vacinacao() -> Path:
    return DATA / "vacinacao-sp.html"


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def script_words(script: Script) -> list[str]:
    return [word for chapter in script.chapters for paragraph in chapter.paragraphs for segment in paragraph for word in words(segment.text)]


def expected_words(article: Article, keep_related: bool = False) -> list[str]:
    """The words the script must read, in order: title, byline, then the body without its clutter.

    An interview's labels are the one exception: a speaker's label is read
    before their first answer only, and the interviewer's ("P:", "Folha —") never.
    """
    expected = words(article.title) + words(article.byline or "")
    sections = remove_clutter(article.sections, keep_related=keep_related)
    turns = find_turns([block for section in sections for block in section.blocks], article.title, article.site_name)
    index = 0
    for section in sections:
        expected += words(section.title or "")
        for block in section.blocks:
            turn = turns.get(index)
            if turn is None:
                expected += words(block.text)
            else:
                expected += (words(turn.label) if turn.read_label else []) + words(turn.text)
            index += 1
    return expected


def read_cases(name: str) -> list[tuple[str, str]]:
    """``input~expected`` lines of a case file in data/ (``#`` comments)."""
    cases = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, _, expected = line.partition("~")
            cases.append((text, expected))
    return cases
