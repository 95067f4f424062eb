"""Finding quotations: what the second voice reads.

A paragraph becomes narration and quote segments. Quote segments hold the
quoted words without their marks; everything else (attributions such as
"disse Chen", the marks themselves) is narration. The forms recognised:

- Quotation marks: curly “…” (also „…”), guillemets «…», straight "…". A
  quotation may span several sentences or be interrupted by its attribution
  (“…”, disse Chen. “…”). A full stop (! ? …) right after the closing mark
  ends the quotation's sentence and stays with it (“… neste ano”.). Marks
  inside a quotation (‘…’, a nested “…”) stay in its text. Apostrophes
  (d'água, Sant'Ana) are never marks; a straight mark after a digit followed
  by a lowercase word is an inch mark (32" e).
  Whether a straight mark opens or closes is read from the characters beside
  it, looking past single quotes and apostrophes ("… de 'forno'", contou).
  Curly marks typed the wrong way round are read by their position: ” before
  a word opens, “ after one closes.
- Em-dash dialogue: a paragraph that starts with a dash is speech up to the
  next spaced dash (" — "); the attribution after it is narration, and a
  further spaced dash starts speech again ("— Vou. — disse. — Volto já").
  In the middle of a paragraph, a spaced dash after sentence punctuation
  (". — ", ": — ") opens speech the same way, up to the next spaced dash or
  the paragraph's end ("Reclamam das filas. — Chego a esperar 14 horas —
  contou o motorista."); a dash after a word is punctuation ("o público
  prioritário — idosos e crianças — não se vacinou"), and so is a dash after
  a dateline that ends with an abbreviation ("ANAHEIM, Calif. — Musicians...").
  A short dash line that credits the reporting ("— Com informações da
  Reuters", phrases in ``data/sourcing_lines.tsv``) is narration.
- Block quotations (Markdown ">", HTML <blockquote>): the whole block, unless
  it starts with a quotation mark, in which case its marks say where the
  quotation is (“…”, disse Fulano); a short "— Fulano" line is the
  attribution, inside the block quotation or right after it.
- A quotation that opens in one paragraph and closes in another, by the
  journalistic convention: each continued paragraph starts with the same
  opening mark, and only the last one has the closing mark.
- Scare quotes: a quotation of one to three words that does not end with
  sentence punctuation ("o chamado “Arco Norte”") is a term or a title and is
  narration, unless a colon or a verb of saying comes right before it
  (respondeu: “Não”; disse “jamais”) or an attribution right after it
  (“Nunca”, afirmou) (verbs in ``data/speech_verbs.tsv``), or it is the whole
  paragraph.

Unbalanced marks never swallow text: a mark that is never closed is just a
character of the narration, and a quotation never runs past the end of its
paragraph unless the next paragraph continues it as above. Matching uses one
stack per kind of mark and one pass over the marks, so the work stays linear
even with thousands of stray marks.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple, Sequence

from audio_artigo.reading.clutter import fold
from audio_artigo.model import Block, Segment
from audio_artigo.reading.tables import read_data_table

CURLY, GUILLEMET, STRAIGHT = "curly", "guillemet", "straight"
SCARE_QUOTE_MAX_WORDS = 3

_MARK = re.compile(r"[“”„«»\"]")
_WORD = re.compile(r"[^\W_]+")
_DIALOGUE_START = re.compile(r"\s*(?:[—―]|–(?=\s))")
_DIALOGUE_BREAK = re.compile(r"\s[—―–](?=[\s,;.]|$)")
# A spaced dash after sentence punctuation (and the closing marks after it) opens speech mid-paragraph.
_DIALOGUE_MID_START = re.compile(r"[.!?…:][”»\"’')\]]*\s+([—―–])(?=\s)")
_DASHES = "—―–"
# A dateline that ends with an abbreviation's period is not a sentence before speech ("ANAHEIM, Calif. — Musicians...").
_DATELINE = re.compile(r"[A-ZÀ-Þ][A-ZÀ-Þ.'’-]+(?:\s+[A-ZÀ-Þ][A-ZÀ-Þ.'’-]*)*,(?:\s+[\w.'’-]+){1,3}")
# What a straight double mark's role is read past: single quotes and apostrophes ("'forno'",).
_SINGLE_QUOTES = "'‘’"
_SINGLE_QUOTES_LOOKED_PAST = 2
_SENTENCE_PUNCTUATION = ".!?…"
_SENTENCE_END_AFTER = re.compile(r"([.!?…]+)(?=\s|$)")
# What may come right before an opening mark, and right after a closing one.
_BEFORE_OPENING = "([{/—―–-“«‘'\""
_AFTER_CLOSING = ".,;:!?…)]}/—―–-”»’'\""
_ATTRIBUTION_LINE_MAX_WORDS = 8
_SOURCING_LINE_MAX_WORDS = 15


@dataclass(frozen=True)
class QuotedParagraph:
    """A block of the article cut into narration and quote segments."""

    block: Block
    segments: list[Segment]
    continues_quote: bool
    """It goes on with a quotation opened in the previous block (keep them together)."""


class _Pair(NamedTuple):
    open: int
    close: int
    style: str


@dataclass(frozen=True)
class _Marks:
    """The quotation marks of one paragraph, matched."""

    pairs: list[_Pair]
    """Outermost matched pairs, in order (nested and crossing ones are text)."""
    unclosed: tuple[int, str] | None
    """The first opening mark outside every pair that nothing closes: (position, style)."""
    leading_style: str | None
    """Style of the opening mark the paragraph starts with, if it starts with one."""
    leading_closed: bool
    """Whether the paragraph closes that leading mark itself."""


class _Span(NamedTuple):
    """A quotation in a paragraph: its words are text[inner_start:inner_end];
    text[outer_start:outer_end] (the words and their marks) is not narration."""

    outer_start: int
    inner_start: int
    inner_end: int
    outer_end: int


@cache
def _sourcing_phrases() -> tuple[str, ...]:
    return tuple(fold(phrase) for phrase in read_data_table("sourcing_lines.tsv"))


def is_sourcing_line(text: str) -> bool:
    """A short line that starts with a dash and credits the reporting ("— Com informações da Reuters")."""
    first = _DIALOGUE_START.match(text)
    if not first or _more_words_than(text, _SOURCING_LINE_MAX_WORDS) or _DIALOGUE_BREAK.search(text, first.end()):
        return False
    words = fold(text[first.end() :].lstrip())
    return any(words.startswith(phrase) and not words[len(phrase) : len(phrase) + 1].isalnum() for phrase in _sourcing_phrases())


def _is_dialogue(text: str) -> bool:
    return bool(_DIALOGUE_START.match(text)) and not is_sourcing_line(text)


@cache
def speech_verbs() -> frozenset[str]:
    """The forms of ``data/speech_verbs.tsv`` ("disse", "afirmou"), case-folded."""
    return frozenset(form.casefold() for form in read_data_table("speech_verbs.tsv"))


def split_quotes(text: str) -> list[Segment]:
    """The narration and quote segments of one paragraph."""
    return quote_paragraphs([Block("paragraph", text)])[0].segments


def quote_paragraphs(blocks: Sequence[Block]) -> list[QuotedParagraph]:
    """Segments of each block, following quotations from one block to the next.

    ``blocks`` should be one section's: a heading ends any quotation.
    """
    marks = [_analyse(block) for block in blocks]
    runs_to_end, continued = _link_continued_quotes(marks)
    paragraphs = []
    for index, block in enumerate(blocks):
        text = block.text
        if block.kind == "blockquote" or (index and blocks[index - 1].kind == "blockquote" and _is_attribution_line(text)):
            spans = _blockquote_spans(text)
        elif marks[index] is None:
            spans = _dialogue_spans(text, _DIALOGUE_START.match(text).end() - 1, len(text))
        else:
            spans = _with_mid_paragraph_dialogue(text, _quote_spans(text, marks[index], runs_to_end.get(index), index in continued))
        paragraphs.append(QuotedParagraph(block, _segments(text, spans), index in continued))
    return paragraphs


def _analyse(block: Block) -> _Marks | None:
    """Marks of a block that may take part in a quotation across blocks; None for
    block quotations and dialogue, which are never continued."""
    if block.kind == "blockquote" or _is_dialogue(block.text):
        return None
    return _match_marks(block.text)


def _match_marks(text: str) -> _Marks:
    open_marks: dict[str, list[int]] = {CURLY: [], GUILLEMET: [], STRAIGHT: []}
    pairs = []
    for found in _MARK.finditer(text):
        role = _role(text, found.start())
        if role is None:
            continue
        style, opens = role
        if opens:
            open_marks[style].append(found.start())
        elif open_marks[style]:
            pairs.append(_Pair(open_marks[style].pop(), found.start(), style))
    outermost = []
    for pair in sorted(pairs, key=lambda pair: pair.open):
        if not outermost or pair.open > outermost[-1].close:
            outermost.append(pair)
    unclosed = _first_unclosed(outermost, open_marks)
    first = len(text) - len(text.lstrip())
    if outermost and outermost[0].open == first:
        return _Marks(outermost, unclosed, outermost[0].style, True)
    if unclosed and unclosed[0] == first:
        return _Marks(outermost, unclosed, unclosed[1], False)
    return _Marks(outermost, unclosed, None, False)


def _role(text: str, at: int) -> tuple[str, bool] | None:
    """(style, opens) of the quotation mark at ``at``, or None if it is not one."""
    mark = text[at]
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if mark == '"':
        before, after = _beside_single_quotes(text, at)
    opening_place = before.isspace() or before in _BEFORE_OPENING
    closing_place = after.isspace() or after in _AFTER_CLOSING
    if mark == "«":
        return GUILLEMET, True
    if mark == "»":
        return GUILLEMET, False
    if mark == "„":
        return CURLY, True
    if mark == "“":
        return CURLY, not (closing_place and not opening_place)
    if mark == "”":
        return CURLY, opening_place and not closing_place
    # A straight mark: its place says whether it opens or closes.
    if opening_place and not closing_place:
        return STRAIGHT, True
    if closing_place and not opening_place:
        if before.isdigit() and after.isspace() and text[at + 2 : at + 3].islower():
            return None  # 32" e 40": inches
        return STRAIGHT, False
    return None


def _beside_single_quotes(text: str, at: int) -> tuple[str, str]:
    """The characters before and after ``text[at]``, looking past a single quote or two."""
    before = at - 1
    while before >= 0 and at - before <= _SINGLE_QUOTES_LOOKED_PAST and text[before] in _SINGLE_QUOTES:
        before -= 1
    after = at + 1
    while after < len(text) and after - at <= _SINGLE_QUOTES_LOOKED_PAST and text[after] in _SINGLE_QUOTES:
        after += 1
    return (text[before] if before >= 0 else " "), (text[after] if after < len(text) else " ")


def _first_unclosed(pairs: list[_Pair], open_marks: dict[str, list[int]]) -> tuple[int, str] | None:
    opens = [pair.open for pair in pairs]
    candidates = sorted((position, style) for style, positions in open_marks.items() for position in positions)
    for position, style in candidates:
        inside = bisect.bisect_right(opens, position) - 1
        if inside < 0 or pairs[inside].close < position:
            return position, style
    return None


def _link_continued_quotes(marks: list[_Marks | None]) -> tuple[dict[int, int], set[int]]:
    """Quotations that go on from one paragraph to the next.

    Returns where, in each paragraph, a quotation starts that runs to the
    paragraph's end, and which paragraphs continue the previous one's. A chain
    only counts when a later paragraph closes it; otherwise its marks are text.
    """
    runs_to_end: dict[int, int] = {}
    continued: set[int] = set()
    index = 0
    while index < len(marks):
        current = marks[index]
        if current is None or current.unclosed is None:
            index += 1
            continue
        style = current.unclosed[1]
        following = index + 1
        while following < len(marks) and _continues(marks[following], style) and not marks[following].leading_closed:
            following += 1
        if following < len(marks) and _continues(marks[following], style):
            for chained in range(index, following):
                runs_to_end[chained] = marks[chained].unclosed[0]
            continued.update(range(index + 1, following + 1))
        # Every paragraph before `following` either joined the chain or would
        # fail the same way; the closing one may open a new quotation itself.
        index = following
    return runs_to_end, continued


def _continues(marks: _Marks | None, style: str) -> bool:
    return marks is not None and marks.leading_style == style


def _quote_spans(text: str, marks: _Marks, runs_to_end_from: int | None, continues: bool) -> list[_Span]:
    spans = []
    for index, pair in enumerate(marks.pairs):
        if runs_to_end_from is not None and pair.open > runs_to_end_from:
            break  # inside the quotation that runs to the end
        closes_previous = continues and index == 0 and marks.leading_closed
        if closes_previous or _is_speech(text, pair):
            spans.append(_Span(pair.open, pair.open + 1, pair.close, pair.close + 1))
    if runs_to_end_from is not None:
        spans.append(_Span(runs_to_end_from, runs_to_end_from + 1, len(text), len(text)))
    return spans


def _is_speech(text: str, pair: _Pair) -> bool:
    """A quotation, as opposed to a term in quotation marks ("o chamado “Arco Norte”")."""
    inner = text[pair.open + 1 : pair.close]
    if not _WORD.search(inner):
        return False
    if _more_words_than(inner, SCARE_QUOTE_MAX_WORDS) or inner.rstrip()[-1:] in (".", "!", "?", "…"):
        return True
    before = text[max(0, pair.open - 60) : pair.open].rstrip()
    after = text[pair.close + 1 : pair.close + 61]
    if not before and not _WORD.search(after):
        return True  # the whole paragraph
    verbs = speech_verbs()
    if before.endswith(":") or any(word.casefold() in verbs for word in _WORD.findall(before)[-2:]):
        return True
    if after[:1] and (after[0].isspace() or after[0] in ",;" + _DASHES):
        return any(word.casefold() in verbs for word in _WORD.findall(after)[:2])
    return False


def _more_words_than(text: str, limit: int) -> bool:
    for count, _ in enumerate(_WORD.finditer(text), start=1):
        if count > limit:
            return True
    return False


def _dialogue_spans(text: str, dash: int, end: int) -> list[_Span]:
    """Speech from the dash at ``dash`` to ``end``, alternating with its attributions at each spaced dash."""
    dashes = [(dash, dash + 1)] + [(found.start(), found.end()) for found in _DIALOGUE_BREAK.finditer(text, dash + 1, end)]
    spans = []
    for index in range(0, len(dashes), 2):
        start, words_start = dashes[index]
        speech_end = dashes[index + 1][0] if index + 1 < len(dashes) else end
        spans.append(_Span(start, words_start, speech_end, speech_end))
    return spans


def _with_mid_paragraph_dialogue(text: str, spans: list[_Span]) -> list[_Span]:
    """``spans`` and the dash speech opened after sentence punctuation between them.

    Dialogue is looked for only outside the quotations, and runs at most to
    the next quotation: one pass over the text between them.
    """
    found: list[_Span] = []
    start = 0
    for limit, following in [(span.outer_start, span) for span in spans] + [(len(text), None)]:
        opening = _DIALOGUE_MID_START.search(text, start, limit)
        if opening and start == 0 and _DATELINE.fullmatch(text[: opening.start(1)].strip()):
            opening = None
        if opening and not is_sourcing_line(text[opening.start(1) : limit]):
            found += _dialogue_spans(text, opening.start(1), limit)
        if following is not None:
            found.append(following)
            start = following.outer_end
    return found


def _is_attribution_line(text: str) -> bool:
    """ "— Fulana de Tal, secretária": a short dash line that says who said a block quotation."""
    first = text.lstrip()[:1]
    return bool(first) and first in _DASHES and not _more_words_than(text, _ATTRIBUTION_LINE_MAX_WORDS)


def _blockquote_spans(text: str) -> list[_Span]:
    stripped = text.lstrip()
    first = stripped[:1]
    if first and first in "“„«\"":
        marks = _match_marks(text)
        if marks.pairs:
            return [_Span(pair.open, pair.open + 1, pair.close, pair.close + 1) for pair in marks.pairs]
        words_start = len(text) - len(stripped) + 1  # after the opening mark nothing closes
        return [_Span(0, words_start, len(text), len(text))]
    if _is_attribution_line(text):
        return []  # "— Fulana de Tal, secretária": who said it
    return [_Span(0, 0, len(text), len(text))]


def _segments(text: str, spans: list[_Span]) -> list[Segment]:
    segments: list[Segment] = []
    narration: list[str] = []  # narration waiting for the next quotation
    cursor = 0
    for span in spans:
        narration.append(_narration(text[cursor : span.outer_start], after_quote=cursor > 0, before_quote=True))
        quote = _strip_leading(text[span.inner_start : span.inner_end], ",;").strip()
        quote += _sentence_end_after(text, span.outer_end, quote)
        if _WORD.search(quote):
            _add_narration(segments, narration)
            segments.append(Segment("quote", quote))
        cursor = span.outer_end
    narration.append(_narration(text[cursor:], after_quote=bool(spans), before_quote=False))
    _add_narration(segments, narration)
    return segments


def _sentence_end_after(text: str, end: int, quote: str) -> str:
    """The full stop (or ! ? …) that ends the sentence right after a closing mark
    ("... neste ano”."): it belongs to the quotation, which would lose it otherwise."""
    match = _SENTENCE_END_AFTER.match(text, end)
    return match.group(1) if match and quote[-1:] not in _SENTENCE_PUNCTUATION else ""


def _narration(piece: str, after_quote: bool, before_quote: bool) -> str:
    """A stretch of narration, without what only joined it to a quotation (the
    ", " and dashes of "”, disse" and "— disse —"); "" if it has no words."""
    if after_quote:
        piece = _strip_leading(piece, ",;." + _DASHES)
    if before_quote:
        piece = _strip_trailing(piece, _DASHES)
    piece = piece.strip()
    return piece if _WORD.search(piece) else ""


def _add_narration(segments: list[Segment], narration: list[str]) -> None:
    text = " ".join(piece for piece in narration if piece)
    if text:
        segments.append(Segment("narration", text))
    narration.clear()


def _strip_leading(text: str, characters: str) -> str:
    while True:
        stripped = text.lstrip().lstrip(characters)
        if stripped == text:
            return text
        text = stripped


def _strip_trailing(text: str, characters: str) -> str:
    while True:
        stripped = text.rstrip().rstrip(characters)
        if stripped == text:
            return text
        text = stripped
