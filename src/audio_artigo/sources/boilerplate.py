"""Page furniture: what a news page prints around the article, by family.

Two kinds of evidence, both data (``sources/data/``):

- ``page_classes.tsv``: class and id names that mark furniture (comment
  widgets, newsletter boxes, share bars, related links, captions, paywall
  appeals, hidden elements). ``element_family`` tells whether an element is
  marked.
- ``page_phrases.tsv`` and ``page_times.tsv``: what furniture says, in
  Portuguese first, then Spanish, French, Italian and English
  ("Os comentários não representam a opinião do jornal", "Ouvir o texto",
  "Como você se sentiu com essa matéria?", "Leia também", "Há 2 horas").
  ``phrase_family`` tells whether a short block is furniture.

Phrases are compared on folded text (lower case, no accents, no quotation
marks or punctuation), and only on short blocks: a paragraph of the article
that mentions a newsletter stays.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from audio_artigo.reading.clutter import fold
from audio_artigo.reading.tables import read_data_table
from audio_artigo.sources.text import DATA_DIR
from audio_artigo.tables import read_rows

SHORT_BLOCK_WORDS = 40
"""Furniture that starts with or contains a phrase is never longer than this."""
LABEL_LINE_WORDS = 25
"""A "Leia também: <headline>" line is never longer than this."""

_WORD = re.compile(r"[^\W\d_]+|\d+")  # letters and digits apart: "texto00:00" is "texto 00 00"
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_CLASS_SPLIT = re.compile(r"[-_\s:./]+")
_NUMBER = r"\d+(?:[.,]\d+)?"
_CLOCK = r"\d{1,2}\s*[:h]\s*\d{2}(?:\s*(?:am|pm))?"
_DATE = r"\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?"
_WIRE_DESK_INITIALS = re.compile(r"\(?[a-z]{1,5}(?:/[a-z]{1,5})+\)?")
"""The agency desk's initials closing a wire story: "ap/kam/bfi/an/eg", "(mb/cc)"."""
_EMAIL_SIGNATURE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*(?:\(END\)|\(FIM\)|\(FIN\))?", re.IGNORECASE)
"""A reporter's address alone closing a story: "kokobj@yna.co.kr (END)"."""
_LAST_PARENTHESIS = re.compile(r"\(([^()]{1,120})\)[\s.]*$")


CAPTION_WORDS = 30
"""A block this short that ends with a photo credit is a caption."""


@dataclass(frozen=True)
class _Phrases:
    exact: dict[str, str]
    start: tuple[tuple[str, str, bool], ...]
    """(phrase, family, whether the phrase is a label)"""
    contains: tuple[tuple[str, str], ...]
    whole: tuple[tuple[re.Pattern, str], ...]
    classes: dict[str, str]
    tokens: dict[str, str]
    credit_end: re.Pattern
    """ "... — Foto: Fulano/Agência" or "... (Foto: Fulano)" ending a block."""
    media: frozenset[str]
    """Words for a photo or a video: "(AP Photo/Fulano)" ending a block credits one."""
    pointers: frozenset[str]
    """Words that point the reader at one instead: "(veja o vídeo abaixo)"."""
    follow: frozenset[str]
    """Verbs that open a prompt to follow the site on a social network ("Acompanhe", "Siga")."""
    networks: frozenset[str]
    """Social networks' names, for those prompts."""


@cache
def _tables() -> _Phrases:
    exact: dict[str, str] = {}
    start, contains, whole = [], [], []
    media: set[str] = set()
    pointers: set[str] = set()
    credits: list[str] = []  # credit words of the other languages ("Image:", "Photo:")
    follow: set[str] = set()
    networks: set[str] = set()
    units = [fold(word) for word, kind in read_rows(DATA_DIR / "page_times.tsv", 2) if kind == "unit"]
    unit = "(?:" + "|".join(sorted(map(re.escape, units), key=len, reverse=True)) + ")"
    for phrase, family, how in read_rows(DATA_DIR / "page_phrases.tsv", 3):
        folded = _folded_words(phrase)
        if how == "exact":
            exact[folded] = family
        elif how in ("start", "label"):
            start.append((folded, family, how == "label"))
        elif how == "contains":
            contains.append((folded, family))
        elif how == "whole":
            whole.append((_template(phrase, unit), family))
        elif how == "credit":
            credits.append(fold(phrase))
        elif how == "media":
            media.add(folded)
        elif how == "pointer":
            pointers.add(folded)
        elif how == "follow":
            follow.add(folded.split()[0])
        elif how == "network":
            networks.add(folded)
    for template, kind in read_rows(DATA_DIR / "page_times.tsv", 2):
        if kind == "template":
            whole.append((_template(template, unit), "time"))
    classes: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for name, family, how in read_rows(DATA_DIR / "page_classes.tsv", 3):
        (classes if how == "class" else tokens)[name.lower()] = family
    # The photo-credit words are the segmenter's (reading/data/clutter.tsv, kind "credit"), and
    # those of the other languages pages come in.
    credits += [fold(phrase) for phrase, kind in read_data_table("clutter.tsv").items() if kind == "credit"]
    credit_words = "|".join(sorted(map(re.escape, credits), key=len, reverse=True))
    credit_end = re.compile(rf"(?:^|[—–|•(\-]|\s-)\s*(?:{credit_words})\s*:[^:()]{{1,120}}\)?\s*$")
    return _Phrases(
        exact, tuple(start), tuple(contains), tuple(whole), classes, tokens, credit_end,
        frozenset(media), frozenset(pointers), frozenset(follow), frozenset(networks),
    )  # fmt: skip


def _template(template: str, unit: str) -> re.Pattern:
    """ "Há {n} {unit}" -> a pattern over folded words ("ha 2 horas")."""
    parts = []
    for part in re.split(r"(\{n\}|\{unit\})", template):
        if part == "{n}":
            parts.append(r"\d+")
        elif part == "{unit}":
            parts.append(unit)
        elif _folded_words(part):
            parts.append(re.escape(_folded_words(part)))
    return re.compile(" ".join(parts))


def _folded_words(text: str) -> str:
    """Folded words separated by single spaces ("Leia também:" -> "leia tambem")."""
    return " ".join(_WORD.findall(fold(text)))


def phrase_family(text: str) -> str | None:
    """The family of furniture a block's text belongs to, or None when it may be the article."""
    words = _folded_words(text)
    if not words:
        return None
    tables = _tables()
    if words in tables.exact:
        return tables.exact[words]
    count = words.count(" ") + 1
    if text.lstrip().startswith("©"):
        return "copyright"
    if count <= CAPTION_WORDS and (tables.credit_end.search(fold(text)) or _ends_with_media_credit(text, tables)):
        return "caption"
    if count <= 12:
        family = next((family for pattern, family in tables.whole if pattern.fullmatch(words)), None)
        if family or _is_time_or_date(text):
            return family or "time"
        if _WIRE_DESK_INITIALS.fullmatch(text.strip()) or _EMAIL_SIGNATURE.fullmatch(text.strip()):
            return "signature"
    if count > SHORT_BLOCK_WORDS:
        return None
    for phrase, family, label in tables.start:
        if words.startswith(phrase) and (len(words) == len(phrase) or words[len(phrase)] == " "):
            if label and (count > LABEL_LINE_WORDS or _goes_on_as_a_sentence(text, phrase)):
                continue
            return family
    for phrase, family in tables.contains:
        if f" {phrase} " in f" {words} ":
            return family
    first, _, rest = words.partition(" ")
    if first in tables.follow and tables.networks.intersection(rest.split()):
        return "newsletter"  # "Acompanhe o g1 no Facebook e no Instagram"
    return None


def _ends_with_media_credit(text: str, tables: _Phrases) -> bool:
    """ "Protesters in Tapachula. (Video sent to our team by a protester)", "(AP Photo/Evan Vucci)":
    a parenthesis of two words or more that names a photo or a video and does not point at one."""
    match = _LAST_PARENTHESIS.search(text)
    if match is None:
        return False
    words = _folded_words(match.group(1)).split()
    return len(words) >= 2 and not tables.pointers.intersection(words) and bool(tables.media.intersection(words))


def _is_time_or_date(text: str) -> bool:
    """ "14:44", "19/02/2020 08:51", "10.02.2025, 18h42" on their own."""
    lowered = text.lower()
    shapes = re.sub(rf"{_DATE}|{_CLOCK}", " ", lowered)
    return shapes != lowered and not _WORD.search(re.sub(r"\b(?:às|as|a las|à|at|alle|ore|h)\b", " ", shapes))


def _goes_on_as_a_sentence(text: str, phrase: str) -> bool:
    """ "Saiba mais sobre o programa no site" is a sentence; "Saiba mais: <headline>" is a link."""
    # Accents go (the phrases are written without them), but not case: a capital after the phrase starts a headline.
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    match = re.match(r"\W*" + r"\W+".join(map(re.escape, phrase.split())), plain, re.IGNORECASE)
    if match is None:
        return False
    rest = plain[match.end() :]
    following = rest.lstrip()
    # "Leia também:", "Leia também »", "Read: ..." end the phrase with a mark.
    return bool(following) and rest[:1].isspace() and following[0].isalpha() and following[0].islower()


def element_family(tag) -> str | None:
    """The family of furniture an element's class or id names, or None."""
    tables = _tables()
    names = tag.get("class") or []
    if isinstance(names, str):
        names = names.split()
    identifier = tag.get("id")
    if isinstance(identifier, str):
        names = [*names, identifier]
    for name in names:
        lowered = name.lower()
        if lowered in tables.classes:
            return tables.classes[lowered]
        for token in _CLASS_SPLIT.split(_CAMEL.sub("-", name)):
            family = tables.tokens.get(token.lower())
            if family:
                return family
    return None
