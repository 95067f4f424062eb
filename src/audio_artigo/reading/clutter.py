"""Removing what a news page prints around the article: related links, photo
credits, share prompts, advertising labels, datelines.

The trigger phrases are data (``data/clutter.tsv``, where each kind is
explained); they are matched without regard to case or accents, and only on
short blocks, so a paragraph of the article that happens to start with
"Foto" or "Imagem" stays. The byline is not clutter: the reader takes it out
of the body and the segmenter reads it once, after the title.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from audio_artigo.model import Block, Section
from audio_artigo.reading.tables import read_data_table

RELATED, CREDIT, SHARE, AD, DATELINE = "related", "credit", "share", "ad", "dateline"

SHORT_BLOCK_WORDS = 30
"""Credits, share prompts and one-line related links are never longer than this."""
HEADLINE_WORDS = 20
"""A related link written as a plain line: a headline (short, no final period)."""
DATELINE_WORDS = 12

_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}\b")
_WORD = re.compile(r"[^\W_]+")
_PHRASE_END = ":—–|»›>-"


@dataclass(frozen=True)
class _Phrases:
    related: tuple[str, ...]
    credit: tuple[str, ...]
    share: tuple[str, ...]
    ad: tuple[str, ...]
    dateline: tuple[str, ...]
    inline_credit: re.Pattern
    """ "(Foto: Fulano/Agência)" inside a paragraph."""


@cache
def _phrases() -> _Phrases:
    table = read_data_table("clutter.tsv")
    by_kind: dict[str, list[str]] = {RELATED: [], CREDIT: [], SHARE: [], AD: [], DATELINE: []}
    for phrase, kind in table.items():
        by_kind[kind].append(phrase)
    credit_words = "|".join(re.escape(phrase) for phrase in by_kind[CREDIT])
    return _Phrases(
        related=tuple(fold(phrase) for phrase in by_kind[RELATED]),
        credit=tuple(fold(phrase) for phrase in by_kind[CREDIT]),
        share=tuple(fold(phrase) for phrase in by_kind[SHARE]),
        ad=tuple(fold(phrase) for phrase in by_kind[AD]),
        dateline=tuple(fold(phrase) for phrase in by_kind[DATELINE]),
        inline_credit=re.compile(rf"\((?:{credit_words})\s*:[^()]{{0,200}}\)", re.IGNORECASE),
    )


def remove_clutter(sections: list[Section], keep_related: bool = False) -> list[Section]:
    """The sections without clutter (new objects; the article is not changed).

    A section whose heading is a related-links heading ("## Leia também")
    loses its heading and its links; anything after them joins the section
    before it.
    """
    cleaned: list[Section] = []
    for section in sections:
        if section.title is not None and not keep_related and _is_related_heading(section.title):
            after_links = section.blocks[_end_of_links(section.blocks, 0) :]
            leftover = _clean_blocks(after_links, keep_related)
            if cleaned:
                cleaned[-1].blocks.extend(leftover)
            elif leftover:
                cleaned.append(Section(None, leftover))
            continue
        cleaned.append(Section(section.title, _clean_blocks(section.blocks, keep_related)))
    return cleaned


def is_clutter(text: str, keep_related: bool = False) -> bool:
    """Whether a block with this text is dropped by itself (not counting the
    links under a related heading)."""
    return (
        (not keep_related and (_is_related_heading(text) or _is_related_link(text)))
        or _is_credit(text)
        or _is_share_prompt(text)
        or (len(text) < 80 and fold(_core(text)) in _phrases().ad)
        or _is_dateline(text)
    )


def _clean_blocks(blocks: list[Block], keep_related: bool) -> list[Block]:
    kept = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        if not keep_related and _is_related_heading(block.text):
            index = _end_of_links(blocks, index)
        elif not is_clutter(block.text, keep_related):
            text = _without_inline_credits(block.text)
            if text != block.text:
                block = Block(block.kind, text)
            if block.text:
                kept.append(block)
    return kept


def _without_inline_credits(text: str) -> str:
    """ "A ponte (Foto: Fulano/Agência) caiu." -> "A ponte caiu." """
    pieces = []
    cursor = 0
    for credit in _phrases().inline_credit.finditer(text):
        pieces.append(text[cursor : credit.start()].rstrip())
        cursor = credit.end()
    if not pieces:
        return text
    pieces.append(text[cursor:])
    return "".join(pieces).strip()


def _end_of_links(blocks: list[Block], start: int) -> int:
    """Where the links after a related heading end: a list, or else headline lines."""
    end = start
    while end < len(blocks) and blocks[end].kind == "list_item":
        end += 1
    if end > start:
        return end
    while end < len(blocks) and blocks[end].kind == "paragraph" and _looks_like_headline(blocks[end].text):
        end += 1
    return end


def _looks_like_headline(text: str) -> bool:
    return not _more_words_than(text, HEADLINE_WORDS) and text.rstrip()[-1:] not in ".!?:;…\"”»"


def _is_related_heading(text: str) -> bool:
    return len(text) < 80 and fold(_core(text)) in _phrases().related


def _is_related_link(text: str) -> bool:
    """ "Leia também: Governo anuncia Plano Safra" on a line of its own."""
    return _starts_with_phrase(text, _phrases().related, needs_colon=True)


def _is_credit(text: str) -> bool:
    return _starts_with_phrase(text, _phrases().credit, needs_colon=True)


def _is_share_prompt(text: str) -> bool:
    return _starts_with_phrase(text, _phrases().share, needs_colon=False)


def _is_dateline(text: str) -> bool:
    """ "10/02/2025 18h42 · Atualizado há 2 horas", "Publicado em 12 de maio" """
    if _more_words_than(text, DATELINE_WORDS) or text.rstrip()[-1:] in ".!?":
        return False
    return bool(_DATE.match(text.lstrip())) or _starts_with_phrase(text, _phrases().dateline, needs_colon=False)


def _starts_with_phrase(text: str, phrases: tuple[str, ...], needs_colon: bool) -> bool:
    """A short block that starts with one of the phrases (as whole words), and,
    if ``needs_colon``, a colon or the like right after it ("Foto: ...")."""
    if _more_words_than(text, SHORT_BLOCK_WORDS):
        return False
    start = fold(text[:60])
    start = start[next((index for index, character in enumerate(start) if character.isalnum()), len(start)) :]  # "📲 Siga..."
    for phrase in phrases:
        if start.startswith(phrase):
            following = start[len(phrase) :]
            if needs_colon:
                rest = following.lstrip()
                if rest[:1] and rest[0] in _PHRASE_END:
                    return True
            elif not following[:1].isalnum():
                return True
    return False


def _core(text: str) -> str:
    """The text without the marks around it: "» LEIA TAMBÉM:" -> "LEIA TAMBÉM"."""
    return text.strip().strip(_PHRASE_END + " .•*()[]").strip()


def fold(text: str) -> str:
    """Lowercase, without accents: what phrases are compared on."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def _more_words_than(text: str, limit: int) -> bool:
    for count, _ in enumerate(_WORD.finditer(text), start=1):
        if count > limit:
            return True
    return False
