"""What every article format shares: cleaning decoded text, the record a
format's parser fills (``Parsed``), sections built in reading order, and bylines.

``reader`` (plain text, Markdown) and ``page`` (whole HTML pages, with ``dom``
and ``metadata``) build on it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from audio_artigo.model import Block, BlockKind, Section
from audio_artigo.tables import read_rows

DATA_DIR = Path(__file__).resolve().parent / "data"
BYLINE_SEARCH_BLOCKS = 3
"""The byline is looked for among the first blocks of the body only."""
BYLINE_MAX_CHARS = 120
"""A byline is never longer than this (an author's biography is)."""
_NAME_PARTICLES = frozenset({"de", "da", "do", "das", "dos", "e", "di", "del", "della", "du", "van", "von", "y"})
_BYLINE_NAME_END = re.compile(r"\s*[,|—–(/]")

# Control characters become spaces (line breaks stay line breaks); a BOM or
# soft hyphen in the middle of the text is dropped, and so are the two
# non-characters XML forbids.
_CHARACTER_FIXES = {code: " " for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}
_CHARACTER_FIXES.update({ord("\t"): " ", ord("\n"): "\n", ord("\f"): "\n", 0x85: "\n", 0x2028: "\n", 0x2029: "\n"})
_CHARACTER_FIXES.update({0xFEFF: None, 0xAD: None, 0xFFFE: None, 0xFFFF: None})
# A lone surrogate (text decoded with "surrogateescape") is no character at all.
_CHARACTER_FIXES.update({code: "\ufffd" for code in range(0xD800, 0xE000)})


@dataclass
class Parsed:
    """What a format parser found; ``article_from_text`` finishes the Article."""

    title: str = ""
    sections: list[Section] = field(default_factory=lambda: [Section(None)])
    identity: str = ""
    byline: str | None = None
    # What the page (or front matter) says about itself.
    canonical_url: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    site_name: str | None = None
    image_url: str | None = None


def clean(text: str) -> str:
    """Line breaks as "\n", control characters as spaces, NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CHARACTER_FIXES)
    return unicodedata.normalize("NFC", text)


def collapse(text: str) -> str:
    """White space collapsed; the character fixes again for what HTML and Markdown
    character references (``&#1;``) bring in after the file was decoded."""
    return " ".join(text.translate(_CHARACTER_FIXES).split())


class SectionBuilder:
    """Sections of blocks, built in reading order."""

    def __init__(self) -> None:
        self.sections = [Section(None)]

    def start_section(self, title: str) -> None:
        if title:
            self.sections.append(Section(title))

    def add(self, kind: BlockKind, text: str) -> None:
        if text:
            self.sections[-1].blocks.append(Block(kind, text))


def byline_line(text: str) -> str | None:
    """ "Por Fulana de Tal, da Reuters" -> itself ("By: Jane Doe" -> "Por Jane Doe");
    None when the text is not a byline."""
    if len(text) > BYLINE_MAX_CHARS:
        return None
    label = _byline_label().match(text)
    if label is None:
        return None
    rest = text[label.end() :].strip()
    name = _BYLINE_NAME_END.split(rest, maxsplit=1)[0].split()
    if not 1 <= len(name) <= 6 or not name[0][:1].isupper() or name[0].casefold() in _NAME_PARTICLES:
        return None  # "Do UOL, em São Paulo" is where, not who
    if all(word[:1].isupper() or word in _NAME_PARTICLES for word in name):
        return f"Por {rest}"
    return None


def without_byline_label(text: str) -> str:
    """ "By: Jane Doe", "Posted by Jane Doe", "Firmado por Redacción" -> the name; a label alone -> ""."""
    label = _byline_label().match(text)
    return text[label.end() :].strip() if label else text.strip()


@cache
def _byline_label() -> re.Pattern:
    labels = [label for (label,) in read_rows(DATA_DIR / "byline_labels.tsv", 1)]
    alternatives = "|".join(r"\s+".join(map(re.escape, label.split())) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"\s*(?:{alternatives})\s*:?(?:\s+|$)", re.IGNORECASE)


def byline_from_name(text: str) -> str | None:
    """An author as a page or front matter gives it -> "Por Fulana de Tal"."""
    text = collapse(text)
    if not text or len(text) > BYLINE_MAX_CHARS or text.startswith(("http://", "https://")):
        return None
    return byline_line(text) or f"Por {text}"
