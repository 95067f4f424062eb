"""The pronunciation review: what the normaliser could not decide from its tables, before an episode goes out.

``review(ref)`` reads an article (a file or a URL, through
``sources.read_source``), segments it as ``build`` does, and normalises each
sentence with the explain machinery. It lists, with how many times each
occurs, the first sentence it occurs in, the reading chosen and the phonemes
Piper will be given:

- ``acronym``: acronyms in no lexicon, spelled ("WAIC" -> "dáblio á i cê") or
  read as a word ("FINOS" -> "finos") by whether Portuguese can say them;
- ``capitals``: words in capitals in text set in capitals (a headline) that
  Portuguese cannot say as a word ("SBT"), left to eSpeak;
- ``foreign``: names and words eSpeak is likely to misread: no vowel, letter
  clusters Portuguese does not have ("ng" or "k" at the end, "St" at the
  start, pinyin's "xi"/"ji" before a vowel), English digraphs ("sh", "th",
  "ee"...); a name is reported whole ("Xiong Jijun"), with its surname alone
  counted in it;
- ``fallback``: tokens with digits or symbols read by a rule's fallback
  (digit by digit, as a fraction, as a phone number) or left as written.

Words a lexicon gives (the user's, or ``data/acronyms.tsv``) are decided, and
so is what the rules read with certainty (numbers, dates, amounts, units): a
review lists what an editor should hear before it is published, not the text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from audio_artigo.normalize import acronyms
from audio_artigo.normalize.engine import Reading, scan
from audio_artigo.normalize.rules import RULES

CATEGORIES = ("acronym", "capitals", "foreign", "fallback")
CATEGORY_TITLES = {
    "acronym": "Acronyms in no lexicon",
    "capitals": "Words in capitals left to eSpeak",
    "foreign": "Foreign-looking names and words",
    "fallback": "Digits and symbols read by a fallback rule",
}


@dataclass
class Item:
    """One thing to check: a token, how often and where it first occurs, how it is read and why it is listed."""

    category: str
    token: str
    count: int
    first_sentence: str
    reading: str
    how: str
    why: str
    phonemes: str = ""


@dataclass
class Review:
    source: str
    title: str
    sentences: int
    lexicon: str | None
    items: list[Item] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "title": self.title,
            "sentences": self.sentences,
            "lexicon": self.lexicon,
            "counts": {category: sum(1 for item in self.items if item.category == category) for category in CATEGORIES},
            "items": [asdict(item) for item in self.items],
        }


_VOWELS = "aeiouy"
# What Portuguese spelling does not have, as (pattern on the lower-case word, why).
_FOREIGN_SIGNS = [
    (re.compile(r"(?:sh|th|ph|wh|ck|gh|kh|zh|dh|ay|ey|ew|aw|ow)|(?<!r)ee(?!m$)"), "English digraph"),  # not "reeleito", "leem"
    (re.compile(r"(?:sch|tz|cz|sz|zs|dz)"), "letter cluster Portuguese does not have"),
    (re.compile(r"(?:tt|ff|nn|mm|pp|dd|bb|gg|zz|kk)"), "double consonant"),
    (re.compile(r"^s[bcdfgklmnpqtvwz]"), "'s' and a consonant at the start"),
    (re.compile(r"[bcdfghjkpqtvw]$|ng$"), "ends in a consonant Portuguese words do not end in"),
    (re.compile(r"(?:[^aeiouáéíóúâêô]|^)(?:in|en|un|yn)$"), "ends in an 'n' Portuguese writes 'm'"),
    (re.compile(r"(?:^|[^s])[xj]i[aeou]"), "'xi' or 'ji' before a vowel (pinyin)"),
    (re.compile(r"q(?!u)"), "'q' without 'u'"),
]
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# A name: capitalised words in a row ("Xiong Jijun", "Geely Auto Group").
_NAME = re.compile(r"(?<![\w-])[A-ZÀ-Ý][^\W\d_]*(?:[ \u00a0][A-ZÀ-Ý][^\W\d_]*)*(?![\w-])")
_SYMBOL = re.compile(r"[^\w\s.,;:!?'\"“”‘’«»()\[\]{}—–…/%-]")
_PHONEME_BLOCK = re.compile(r"\[\[[^\[\]]*\]\]")


def foreign_sign(word: str) -> str | None:
    """Why ``word`` looks foreign to Portuguese spelling (so eSpeak may misread it), or None."""
    plain = word.lower()
    if len(plain) < 2:
        return None
    if acronyms.marked(plain):
        return None  # an accent or a cedilla: a word Portuguese writes ("Tóquio", "Brasília", "Há")
    if not any(letter in _VOWELS for letter in plain):
        return "no vowel"
    for pattern, why in _FOREIGN_SIGNS:
        if pattern.search(plain):
            return why
    return None


class _Collector:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Item] = {}

    def add(self, category: str, token: str, sentence: str, reading: str, how: str, why: str) -> None:
        key = (category, token)
        if key in self.items:
            self.items[key].count += 1
        else:
            self.items[key] = Item(category, token, 1, sentence, reading, how, why)


def review(ref, lexicon=None) -> Review:
    """The pronunciation review of the article at ``ref`` (a path or a URL), with the user ``lexicon`` applied."""
    from audio_artigo.reading.segmenter import segment
    from audio_artigo.reading.sentences import split_sentences
    from audio_artigo.sources import read_source

    article = read_source(ref)
    script = segment(article)
    collector = _Collector()
    sentences = 0
    for chapter in script.chapters:
        for paragraph in chapter.paragraphs:
            for part in paragraph:
                for sentence in split_sentences(part.text):
                    sentences += 1
                    _review_sentence(sentence, collector, lexicon)
    items = _merge_names(list(collector.items.values()))
    items.sort(key=lambda item: CATEGORIES.index(item.category))  # stable: first occurrence first within a category
    _add_phonemes(items)
    source = getattr(lexicon, "source", None)
    return Review(str(ref), script.title, sentences, str(source) if source else None, items)


def _review_sentence(sentence: str, collector: _Collector, lexicon=None) -> None:
    """Add what is worth checking in one sentence to ``collector``."""
    spoken, readings = scan(sentence, RULES, lexicon)
    for reading in readings:
        _check_reading(reading, sentence, collector)
    without_phonemes = _PHONEME_BLOCK.sub(" ", spoken)
    for found in _NAME.finditer(without_phonemes):
        words = [word for word in found.group().split() if not word.isupper()]
        signs = [foreign_sign(word) for word in words]
        if found.start() == 0 and signs and not signs[0]:  # "A StepFun", "Segundo Xi Jinping": capitalised first word
            words, signs = words[1:], signs[1:]
        why = next((sign for sign in signs if sign), None)
        if why:
            name = " ".join(words)
            collector.add("foreign", name, sentence, name, "read as written", why)
    for token in without_phonemes.split():
        token = token.strip(".,;:!?\"'“”‘’«»()[]{}—–…")
        if any("0" <= c <= "9" for c in token) or _SYMBOL.search(token):
            collector.add("fallback", token, sentence, token, "left as written", "no rule reads it: eSpeak will")


def _check_reading(reading: Reading, sentence: str, collector: _Collector) -> None:
    """A rule's doubtful reading (``Reading.doubt``), filed under its category."""
    if not reading.doubt:
        return
    if reading.rule in ("acronym", "alnum"):
        category = "capitals" if reading.doubt == acronyms.LEFT_TO_ESPEAK else "acronym"
        why = {
            acronyms.SPELLED: "in no lexicon; Portuguese cannot say it as a word",
            acronyms.AS_A_WORD: "in no lexicon; Portuguese can say it as a word",
            acronyms.LEFT_TO_ESPEAK: "in capitals in a headline, and Portuguese cannot say it as a word",
        }[reading.doubt]
        collector.add(category, reading.token, sentence, reading.spoken, reading.doubt, why)
    else:
        collector.add("fallback", reading.token, sentence, reading.spoken, reading.doubt, "read by a rule's fallback")


def _merge_names(items: list[Item]) -> list[Item]:
    """A foreign surname alone ("Xiong") counts in the whole name said before or after ("Xiong Jijun")."""
    names = [item for item in items if item.category == "foreign" and " " in item.token]
    kept = []
    for item in items:
        whole = next((name for name in names if item.category == "foreign" and " " not in item.token
                      and item.token in name.token.split()), None)
        if whole is not None:
            whole.count += item.count
        else:
            kept.append(item)
    return kept


def _add_phonemes(items: list[Item]) -> None:
    from audio_artigo.normalize.espeak import phonemes

    for item in items:
        item.phonemes = phonemes(item.reading)


def format_review(result: Review, width: int = 100) -> str:
    """The review as text for a terminal: one block per category, one entry per token."""
    lines = [f"Pronunciation review of {result.source}: {result.sentences} sentences, {len(result.items)} to check"]
    if result.lexicon:
        lines[0] += f" (lexicon: {result.lexicon})"
    for category in CATEGORIES:
        items = [item for item in result.items if item.category == category]
        if not items:
            continue
        lines += ["", CATEGORY_TITLES[category]]
        for item in items:
            reading = f'{item.how}: "{item.reading}"' if item.reading != item.token else item.how
            lines.append(f"  {item.token}  ×{item.count}  {reading}  [{item.phonemes}]  ({item.why})")
            lines.append(f"      first in: {_excerpt(item.first_sentence, item.token, width - 16)}")
    if not result.items:
        lines += ["", "Nothing to check: every token was read from the normaliser's tables and rules."]
    else:
        lines += ["", "To change a reading, add the word to a lexicon (TSV, TOML or PLS) named by --lexicon or in podcast.toml."]
    return "\n".join(lines) + "\n"


def _excerpt(sentence: str, token: str, width: int) -> str:
    if len(sentence) <= width:
        return sentence
    at = max(0, sentence.find(token.split()[0]) - width // 3)
    piece = sentence[at : at + width]
    return ("…" if at else "") + piece + ("…" if at + width < len(sentence) else "")
