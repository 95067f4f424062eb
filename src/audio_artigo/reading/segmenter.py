"""From an Article to the Script synthesis reads: chapters of paragraphs of
narration and quote segments, in the article's own words.

- Chapter 1 is titled with the article's title. Its first paragraph is the
  title, then the byline ("Por Fulana de Tal", read once), then the opening
  blocks.
- An article with sections: one chapter per section, titled with its
  heading and opening with the heading read as a paragraph.
- An article without sections: one chapter per paragraph after the first,
  titled by its opening words ("Com o tema IA Moldando o Mundo,…"). A
  paragraph stays in the chapter before it when it goes on with a quotation
  opened there, when that paragraph ends with a colon (it introduces this
  one), when it is a list item or a block quotation, or when it is a line
  crediting the reporting ("— Com informações da Reuters").
- An interview's turns ("P: ...", "Eugênio: ...", see ``interview``): a
  question is narration and starts a chapter; an answer is its speaker's
  quotation and stays in the chapter of its question.
- Clutter (related links, credits, share prompts) is removed first; see
  ``clutter``. Quotations are found by ``quotes``, and who speaks each one
  by ``speakers`` (``Script.speakers``, ``Segment.speaker``).
- ``Script.lead`` is the first paragraph after the title: the subtitle if
  there is one, else the first paragraph of the body.
"""

from __future__ import annotations

from audio_artigo.reading.clutter import remove_clutter
from audio_artigo.model import Article, Chapter, Script, Section, Segment
from audio_artigo.reading.interview import Turn, find_turns
from audio_artigo.reading.quotes import QuotedParagraph, is_sourcing_line, quote_paragraphs, split_quotes
from audio_artigo.reading.speakers import attribute

CHAPTER_TITLE_WORDS = 6
CHAPTER_TITLE_CHARS = 60
_OPENING_MARKS = "“„«\"‘'—―–- "


def segment(article: Article, keep_related: bool = False) -> Script:
    """The Script of an article; ``keep_related`` keeps "Leia também" blocks."""
    sections = remove_clutter(article.sections, keep_related=keep_related)
    turns = iter(find_turns([block for section in sections for block in section.blocks], article.title, article.site_name).items())
    next_turn = next(turns, None)
    opening = Chapter(article.title, _heading(article.title))
    opening.paragraphs += _heading(article.byline or "")
    chapters = [opening]
    paragraphs = list(opening.paragraphs)  # every paragraph in reading order, for ``attribute``
    continued: set[int] = set()
    turn_at: dict[int, Turn] = {}
    by_section = any(section.title for section in sections)
    first_paragraph = True
    block_index = 0
    for section in sections:
        if section.title:
            chapters.append(Chapter(section.title, _heading(section.title)))
            paragraphs += chapters[-1].paragraphs
        previous: QuotedParagraph | None = None
        for paragraph in quote_paragraphs(section.blocks):
            turn = None
            if next_turn is not None and next_turn[0] == block_index:
                turn, next_turn = next_turn[1], next(turns, None)
                paragraph = QuotedParagraph(paragraph.block, _turn_segments(turn), continues_quote=False)
            block_index += 1
            if not paragraph.segments:
                continue  # nothing to read: a "***" separator, a lone dash
            if not by_section and not first_paragraph and _starts_chapter(paragraph, previous, turn):
                chapters.append(Chapter(_opening_words(turn.text if turn else paragraph.block.text)))
            if paragraph.continues_quote:
                continued.add(len(paragraphs))
            if turn is not None:
                turn_at[len(paragraphs)] = turn
            chapters[-1].paragraphs.append(paragraph.segments)
            paragraphs.append(paragraph.segments)
            previous = paragraph
            first_paragraph = False
    speakers = attribute(paragraphs, continued, turn_at)
    return Script(title=article.title, chapters=chapters, byline=article.byline, lead=_lead(sections), speakers=speakers)


def _turn_segments(turn: Turn) -> list[Segment]:
    """A question, read by the narrator without its label; an answer, its speaker's quotation
    (after the label, the first time that speaker answers)."""
    if turn.is_question:
        return split_quotes(turn.text) if any(character.isalnum() for character in turn.text) else []
    segments = [Segment("narration", f"{turn.label}:")] if turn.read_label else []
    if any(character.isalnum() for character in turn.text):
        segments.append(Segment("quote", turn.text))
    return segments


def _heading(text: str) -> list[list[Segment]]:
    """A title, byline or heading read as a paragraph of its own (none if it has no words)."""
    return [[Segment("narration", text.strip())]] if any(character.isalnum() for character in text) else []


def _starts_chapter(paragraph: QuotedParagraph, previous: QuotedParagraph | None, turn: Turn | None) -> bool:
    if paragraph.block.kind != "paragraph" or paragraph.continues_quote or is_sourcing_line(paragraph.block.text):
        return False
    if turn is not None:
        return turn.is_question
    return previous is None or not previous.block.text.rstrip().endswith(":")


def _opening_words(text: str) -> str:
    """ "Com o tema IA Moldando o Mundo, Desbloqueando..." -> "Com o tema IA Moldando o…" """
    opening = text[: CHAPTER_TITLE_CHARS * 4]  # enough words, however long the paragraph
    words = opening.lstrip(_OPENING_MARKS).split()
    title = ""
    for word in words[:CHAPTER_TITLE_WORDS]:
        if title and len(title) + 1 + len(word) > CHAPTER_TITLE_CHARS:
            break
        title = f"{title} {word}" if title else word
    title = title[:CHAPTER_TITLE_CHARS]  # a single very long word
    if opening == text and title == " ".join(words):
        return title
    return title.rstrip(",;:—–-") + "…"


def _lead(sections: list[Section]) -> str:
    blocks = [block for section in sections for block in section.blocks]
    first = next((block for block in blocks if block.kind == "paragraph"), blocks[0] if blocks else None)
    return first.text if first else ""
